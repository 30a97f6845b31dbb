using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;
using CommonGround.Web.Hosting;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// Suppression lists kept in the workspace, so a do-not-contact list is uploaded once and every team's
/// sends honour it. Every key sees the lists with their counts and may check one identifier it already
/// holds; only admins read, add and remove members, because members are personal data. What a list
/// blocks is the contact policy's: a stored list the policy does not define blocks nothing, and says so.
/// </summary>
public static class SuppressionListEndpoints
{
    const int DefaultPage = 100;
    const int MaxPage = 1000;

    public static RouteGroupBuilder MapSuppressionListEndpoints(this IEndpointRouteBuilder app)
    {
        var lists = app.MapGroup("/api/suppression-lists").WithTags("Suppression lists").RequireAuthorization();
        lists.MapGet("/", ListAsync).WithName("ListSuppressionLists")
            .WithSummary("The policy's lists and the stored ones, with member counts and what each blocks; a stored list the policy does not define is flagged: it blocks nothing.");
        lists.MapGet("/{name}/members", MembersAsync).WithName("ListSuppressionMembers").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Members by identifier, 100 a page (?limit up to 1000); the next page is ?after=NEXT from the answer. Admins only: personal data.");
        lists.MapGet("/{name}/members/check", CheckAsync).WithName("CheckSuppressionMember")
            .WithSummary("Is this identifier on the list (?identifier=email:ann@example.com)? Admins also see the reason, who added it and when.");
        lists.MapPost("/{name}/members", AddAsync).WithName("AddSuppressionMembers").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Adds members: { members: [ { identifier: \"email:ann@example.com\", reason } ] }, at most 10,000 a request; all or nothing; members already on the list are kept as they are. Admins only.");
        lists.MapDelete("/{name}/members/{identifier}", RemoveAsync).WithName("RemoveSuppressionMember").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Takes the identifier (TYPE:VALUE) off the list. 404 when it is not on it. Admins only.");
        return lists;
    }

    static async Task<Ok<SuppressionListResponse[]>> ListAsync(IStore store, ContactPolicyService policy, CancellationToken ct)
    {
        var counts = (await store.SuppressionLists.CountsAsync(ct)).ToDictionary(c => c.List, c => c.Members, StringComparer.Ordinal);
        var defined = policy.Current.Policy;
        var inPolicy = defined.SuppressionLists.Select(l => SuppressionListResponse.Of(defined, l.Name, counts.GetValueOrDefault(l.Name)));
        var storedOnly = counts.Keys.Where(name => !defined.SuppressionLists.Any(l => l.Name == name)).Order(StringComparer.Ordinal)
            .Select(name => SuppressionListResponse.Of(defined, name, counts[name]));
        return TypedResults.Ok(inPolicy.Concat(storedOnly).ToArray());
    }

    static async Task<Results<Ok<SuppressionMembersResponse>, ValidationProblem, ProblemHttpResult>> MembersAsync(
        string name, string? after, int? limit, IStore store, ContactPolicyService policy, CancellationToken ct)
    {
        if (await UnknownAsync(name, store, policy, ct) is { } unknown) return unknown;
        Identifier? from = null;
        if (!string.IsNullOrEmpty(after))
        {
            // The cursor is an identifier as a page gave it (already normalised), so it is split, not normalised.
            var separator = after.IndexOf(':');
            if (separator <= 0)
                return Invalid("after", "is not a cursor; pass the 'next' of the previous page, e.g. after=email:ann@example.com.");
            from = new Identifier(after[..separator], after[(separator + 1)..]);
        }
        if (limit is < 1 or > MaxPage) return Invalid("limit", $"must be between 1 and {MaxPage}.");
        var size = limit ?? DefaultPage;
        var members = await store.SuppressionLists.MembersAsync(name, from, size, ct);
        return TypedResults.Ok(new SuppressionMembersResponse(name, [.. members.Select(SuppressionMemberResponse.Of)],
            members.Count == size ? members[^1].Identifier.ToString() : null));
    }

    static async Task<Results<Ok<SuppressionCheckResponse>, ValidationProblem, ProblemHttpResult>> CheckAsync(
        string name, string? identifier, HttpContext http, IStore store, ContactPolicyService policy, IdentifierText identifiers, CancellationToken ct)
    {
        if (await UnknownAsync(name, store, policy, ct) is { } unknown) return unknown;
        if (identifiers.Read(identifier, null, out var parsed) is { } problem) return Invalid("identifier", Sentence(identifier, problem));
        var member = await store.SuppressionLists.FindMemberAsync(name, parsed, ct);
        // A team may ask about an identifier it holds, but why and by whom someone was listed is for admins.
        var details = http.User.Caller().IsAdmin ? member : null;
        return TypedResults.Ok(new SuppressionCheckResponse(name, parsed.ToString(), member is not null,
            SuppressionLists.Blocks(policy.Current.Policy, name), details?.Reason, details?.AddedBy, details?.AddedAt));
    }

    static async Task<Results<Ok<SuppressionAddResponse>, ValidationProblem>> AddAsync(
        string name, SuppressionAddRequest request, HttpContext http, IStore store, ContactPolicyService policy, IdentifierText identifiers,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (SuppressionLists.NameProblem(name) is { } nameProblem) errors["name"] = [nameProblem];
        var members = request.Members ?? [];
        if (members.Length == 0)
            errors["members"] = ["Send at least one member: { \"members\": [ { \"identifier\": \"email:ann@example.com\", \"reason\": \"asked by phone not to be contacted\" } ] }."];
        else if (members.Length > SuppressionLists.MaxBatch)
            errors["members"] = [$"Send at most {SuppressionLists.MaxBatch:N0} members a request; split the list (or use `commonground suppress import`)."];
        var entries = new List<SuppressionEntry>(members.Length);
        for (var i = 0; i < members.Length && members.Length <= SuppressionLists.MaxBatch; i++)
        {
            if (members[i] is not { } m)
            {
                errors[$"members[{i}]"] = ["is empty; give an identifier."];
                continue;
            }
            if (identifiers.Read(m.Identifier, null, out var parsed) is { } problem)
                errors[$"members[{i}].identifier"] = [Sentence(m.Identifier, problem)];
            if (m.Reason is { Length: > SuppressionLists.MaxReasonLength })
                errors[$"members[{i}].reason"] = [$"has more than {SuppressionLists.MaxReasonLength} characters."];
            entries.Add(new SuppressionEntry(parsed, m.Reason));
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The members cannot be added; nothing was stored.");

        var added = await store.SuppressionLists.AddMembersAsync(name, entries, http.User.Caller().KeyId, time.GetUtcNow(), ct);
        var total = (await store.SuppressionLists.CountsAsync(ct)).FirstOrDefault(c => c.List == name)?.Members ?? 0;
        var distinct = entries.Select(e => e.Identifier).Distinct().Count();
        var blocks = SuppressionLists.Blocks(policy.Current.Policy, name);
        return TypedResults.Ok(new SuppressionAddResponse(name, added, distinct - added, total, blocks,
            blocks == SuppressionLists.NotInPolicy
                ? $"The contact policy defines no list '{name}': its members are kept but nothing is held back until the policy names it (suppressionLists)."
                : null));
    }

    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveAsync(
        string name, string identifier, IStore store, IdentifierText identifiers, CancellationToken ct)
    {
        if (identifiers.Read(identifier, null, out var parsed) is { } problem) return Invalid("identifier", Sentence(identifier, problem));
        return await store.SuppressionLists.RemoveMemberAsync(name, parsed, ct)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: 404, title: "Not on the list.", detail: $"This {parsed.Type} is not on the list '{name}'.");
    }

    /// <summary>A 404 for a list that is neither in the policy nor stored; null when the list exists.</summary>
    static async Task<ProblemHttpResult?> UnknownAsync(string name, IStore store, ContactPolicyService policy, CancellationToken ct)
    {
        if (policy.Current.Policy.SuppressionLists.Any(l => l.Name == name)) return null;
        var stored = await store.SuppressionLists.CountsAsync(ct);
        if (stored.Any(c => c.List == name)) return null;
        var known = policy.Current.Policy.SuppressionLists.Select(l => l.Name).Concat(stored.Select(c => c.List)).Distinct().Order(StringComparer.Ordinal).ToList();
        return TypedResults.Problem(statusCode: 404, title: "No such suppression list.",
            detail: $"There is no list '{name}' in the policy or the workspace. " +
                (known.Count == 0 ? "There are no lists yet." : $"Lists: {string.Join(", ", known)}."));
    }

    /// <summary>"The identifier ... ": problems say what is wrong without repeating the value (personal data).</summary>
    static string Sentence(string? text, string problem) =>
        string.IsNullOrWhiteSpace(text) ? "is missing; write TYPE:VALUE, e.g. email:ann@example.com." : "The identifier " + problem;

    static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: "The request is not valid.");
}

/// <summary>Members to add to a list.</summary>
public sealed record SuppressionAddRequest(SuppressionMemberRequest?[]? Members);

/// <param name="Identifier">TYPE:VALUE, e.g. email:Ann@Example.com (normalised before it is stored) or phone:+32470123456.</param>
/// <param name="Reason">Why the person is on the list, e.g. "asked by phone not to be contacted" (at most 500 characters).</param>
public sealed record SuppressionMemberRequest(string? Identifier, string? Reason);

/// <param name="Added">Members new to the list.</param>
/// <param name="AlreadyOn">Members that were on it already (left as they were).</param>
/// <param name="Members">Members of the list now.</param>
/// <param name="Blocks">What the policy holds back for the list's members, in words.</param>
/// <param name="Warning">Set when the policy does not define the list: it blocks nothing.</param>
public sealed record SuppressionAddResponse(string List, int Added, int AlreadyOn, long Members, string Blocks, string? Warning);

/// <param name="InPolicy">Whether the contact policy defines the list (only then does it block anything).</param>
/// <param name="Channels">The channels it blocks (policy names); empty for every channel or for a list not in the policy.</param>
/// <param name="Blocks">What it blocks in words, or "not in the policy: blocks nothing".</param>
/// <param name="Warning">Set for a stored list the policy does not define.</param>
public sealed record SuppressionListResponse(string Name, long Members, bool InPolicy, string[] Channels, bool IncludesTransactional, string Blocks, string? Warning)
{
    public static SuppressionListResponse Of(ContactPolicyDefinition policy, string name, long members)
    {
        var defined = policy.SuppressionLists.FirstOrDefault(l => l.Name == name);
        var blocks = SuppressionLists.Blocks(policy, name);
        return new(name, members, defined is not null, [.. (defined?.Channels ?? []).Select(c => ContactPolicyJson.Name(c))],
            defined?.IncludesTransactional ?? false, blocks, defined is null ? SuppressionLists.NotInPolicy : null);
    }
}

/// <param name="Next">Pass as ?after= for the next page; null on the last page.</param>
public sealed record SuppressionMembersResponse(string List, SuppressionMemberResponse[] Members, string? Next);

/// <param name="Identifier">TYPE:VALUE as stored (normalised).</param>
public sealed record SuppressionMemberResponse(string Identifier, string? Reason, string AddedBy, DateTimeOffset AddedAt)
{
    public static SuppressionMemberResponse Of(SuppressionMember m) => new(m.Identifier.ToString(), m.Reason, m.AddedBy, m.AddedAt);
}

/// <param name="Identifier">The identifier asked about, normalised.</param>
/// <param name="Reason">Admins only: why the person is on the list.</param>
public sealed record SuppressionCheckResponse(string List, string Identifier, bool Member, string Blocks, string? Reason, string? AddedBy, DateTimeOffset? AddedAt);
