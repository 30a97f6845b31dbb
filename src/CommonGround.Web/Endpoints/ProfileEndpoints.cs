using System.Text.Json;
using System.Text.Json.Serialization;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// One profile per person, household and business, the same for every team; personal fields are
/// shown to a team key only where the catalog allows its team (<see cref="PersonalDataPolicy"/>).
/// </summary>
public static class ProfileEndpoints
{
    public static IEndpointRouteBuilder MapProfileEndpoints(this IEndpointRouteBuilder app)
    {
        var profiles = app.MapGroup("/api/profiles").WithTags("Profiles").RequireAuthorization();
        profiles.MapGet("/", FindAsync).WithName("FindProfiles")
            .WithSummary("The profile of an identifier (?identifier=email:ann@example.com), or a search (?q=ann).");
        profiles.MapGet("/{id}", GetAsync).WithName("GetProfile")
            .WithSummary("A profile with identities, records, computed traits, household, businesses, merges and conflicts.");
        profiles.MapGet("/{id}/timeline", TimelineAsync).WithName("GetProfileTimeline")
            .WithSummary("Everything that happened to the person across teams, newest first; the next page is in the Link header (?cursor=), or ask ?before=TIME.");
        profiles.MapPost("/{id}/unmerge", UnmergeAsync).WithName("UnmergeProfile").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Undoes a merge: the merge that absorbed this profile, or the one named by mergeId. Admins only.");

        app.MapGet("/api/households/{id}", GetHouseholdAsync).WithTags("Profiles").WithName("GetHousehold").RequireAuthorization()
            .WithSummary("A household: its address, members and traits.");
        app.MapGet("/api/businesses/{id}", GetBusinessAsync).WithTags("Profiles").WithName("GetBusiness").RequireAuthorization()
            .WithSummary("A business: what formed it, its traits and its people.");
        app.MapGet("/api/overview", OverviewAsync).WithTags("Profiles").WithName("GetOverview").RequireAuthorization()
            .WithSummary("Counts of profiles, households, businesses, events and records, and each source's freshness.");
        return app;
    }

    static async Task<Results<Ok<Profile>, Ok<ProfileSummary[]>, ProblemHttpResult, ValidationProblem>> FindAsync(
        string? identifier, string? q, int? limit, HttpContext http, IStore store, IdentityOptions options, CancellationToken ct)
    {
        var policy = await PolicyAsync(http, store, ct);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var found = await store.Profiles.SearchAsync(q, Math.Clamp(limit ?? 20, 1, 100), ct);
            return TypedResults.Ok(found.Select(policy.Redact).ToArray());
        }
        var separator = identifier?.IndexOf(':') ?? -1;
        if (identifier is null || separator <= 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["identifier"] = ["Give ?identifier=TYPE:VALUE (e.g. email:ann@example.com, phone:+447700900123, userId:u-42) or ?q=text to search."],
            });
        }
        var type = identifier[..separator];
        var normalizer = new IdentifierNormalizer(options);
        if (!options.EffectiveTypes.Any(t => t.Name == type))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["identifier"] = [$"'{type}' is not an identifier type; use one of {string.Join(", ", options.EffectiveTypes.Select(t => t.Name))}."],
            });
        }
        if (!normalizer.TryNormalize(type, identifier[(separator + 1)..], out var normalized)
            || await store.Profiles.FindAsync(normalized, ct) is not { } id
            || await store.Profiles.GetAsync(id, ct) is not { } profile)
            return NoProfile($"No profile has this {type}.");
        return TypedResults.Ok(policy.Redact(profile));
    }

    static async Task<Results<Ok<Profile>, ProblemHttpResult>> GetAsync(string id, HttpContext http, IStore store, CancellationToken ct) =>
        TryParse(id, out var profileId) && await store.Profiles.GetAsync(profileId, ct) is { } profile
            ? TypedResults.Ok((await PolicyAsync(http, store, ct)).Redact(profile))
            : NoProfile($"There is no profile '{id}'.");

    static async Task<Results<Ok<TimelineEntry[]>, ProblemHttpResult>> TimelineAsync(
        string id, DateTimeOffset? before, string? cursor, int? limit, HttpContext http, IStore store, CancellationToken ct)
    {
        if (!TryParse(id, out var profileId)) return NoProfile($"There is no profile '{id}'.");
        TimelineCursor? after = before is { } time ? TimelineCursor.Before(time) : null;
        if (cursor is not null)
        {
            if (!TimelineCursor.TryParse(cursor, out var parsed))
                return TypedResults.Problem(statusCode: 400, title: "The cursor is not valid.",
                    detail: "Pass back the cursor of the previous page's Link header unchanged, or use ?before=TIME.");
            after = parsed;
        }
        var pageSize = Math.Clamp(limit ?? 50, 1, 500);
        var entries = await store.Profiles.TimelineAsync(profileId, after, pageSize, ct);
        if (entries.Count == pageSize)
            http.Response.Headers.Link = $"</api/profiles/{profileId}/timeline?cursor={TimelineCursor.After(entries[^1])}&limit={pageSize}>; rel=\"next\"";
        if (entries.Count == 0 && await store.Profiles.GetAsync(profileId, ct) is null) return NoProfile($"There is no profile '{id}'.");
        var policy = await PolicyAsync(http, store, ct);
        return TypedResults.Ok(entries.Select(policy.Redact).ToArray());
    }

    static async Task<Results<Ok<UnmergeResponse>, ProblemHttpResult>> UnmergeAsync(
        string id, UnmergeRequest? request, IStore store, IdentityResolver resolver, IdentityOptions options, CancellationToken ct)
    {
        if (!options.Resolve)
            return TypedResults.Problem(statusCode: 409, title: "Identity resolution runs on another server.",
                detail: "This server has Identity:Resolve off; send the unmerge to the server that resolves identities.");
        if (!TryParse(id, out var profileId) || await store.Profiles.GetAsync(profileId, ct) is not { } profile)
            return NoProfile($"There is no profile '{id}'.");
        var mergeId = request?.MergeId
            ?? profile.Merges.LastOrDefault(m => m.Absorbed == profileId && m.Status == MergeStatus.Active)?.Id
            ?? profile.Merges.LastOrDefault(m => m.Survivor == profile.Id && m.Status == MergeStatus.Active)?.Id;
        if (mergeId is null)
            return TypedResults.Problem(statusCode: 409, title: "Nothing to unmerge.", detail: $"Profile '{id}' has no active merge.");
        if (!profile.Merges.Any(m => m.Id == mergeId))
            return TypedResults.Problem(statusCode: 409, title: "That merge is not this profile's.",
                detail: $"Merge {mergeId} did not make profile '{id}'; see the profile's merges.");
        try
        {
            var profiles = await resolver.UnmergeAsync(mergeId.Value, ct);
            return TypedResults.Ok(new UnmergeResponse(mergeId.Value, [.. profiles.Select(p => p.ToString())]));
        }
        catch (InvalidOperationException ex)
        {
            return TypedResults.Problem(statusCode: 409, title: "That merge is not active.", detail: ex.Message);
        }
    }

    static async Task<Results<Ok<Household>, ProblemHttpResult>> GetHouseholdAsync(string id, HttpContext http, IStore store, CancellationToken ct) =>
        await store.Profiles.GetHouseholdAsync(id, ct) is { } household
            ? TypedResults.Ok((await PolicyAsync(http, store, ct)).Redact(household))
            : NoProfile($"There is no household '{id}'.");

    static async Task<Results<Ok<Business>, ProblemHttpResult>> GetBusinessAsync(string id, HttpContext http, IStore store, CancellationToken ct) =>
        await store.Profiles.GetBusinessAsync(id, ct) is { } business
            ? TypedResults.Ok((await PolicyAsync(http, store, ct)).Redact(business))
            : NoProfile($"There is no business '{id}'.");

    static async Task<Ok<WorkspaceOverview>> OverviewAsync(IStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.Profiles.OverviewAsync(ct));

    /// <summary>What the caller may read: everything for an admin, the catalog's say for a team.</summary>
    public static Task<PersonalDataPolicy> PolicyAsync(HttpContext http, IStore store, CancellationToken ct) =>
        PolicyAsync(http.User, store, ct);

    /// <summary>The same for a signed-in user without a request at hand (an interactive page).</summary>
    public static async Task<PersonalDataPolicy> PolicyAsync(System.Security.Claims.ClaimsPrincipal user, IStore store, CancellationToken ct)
    {
        var caller = user.Caller();
        return caller.IsAdmin || caller.Team is null
            ? PersonalDataPolicy.Everything
            : PersonalDataPolicy.ForTeam(caller.Team, await store.Catalog.ListAsync(null, ct));
    }

    /// <summary>Profile ids as shown ("p42") or bare ("42").</summary>
    public static bool TryParse(string text, out ProfileId id)
    {
        var digits = text.StartsWith('p') ? text[1..] : text;
        var ok = long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0;
        id = new ProfileId(ok ? value : 0);
        return ok;
    }

    static ProblemHttpResult NoProfile(string detail) => TypedResults.Problem(statusCode: 404, title: "Not found.", detail: detail);
}

/// <param name="MergeId">The merge to undo; by default the one that absorbed the profile in the path, else its latest.</param>
public sealed record UnmergeRequest(long? MergeId);

/// <param name="Profiles">The profiles the merged profile was rebuilt into.</param>
public sealed record UnmergeResponse(long MergeId, string[] Profiles);

/// <summary>Writes profile ids as people see them: "p42".</summary>
public sealed class ProfileIdJsonConverter : JsonConverter<ProfileId>
{
    public override ProfileId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ProfileEndpoints.TryParse(reader.GetString() ?? "", out var id) ? id : throw new JsonException("A profile id looks like \"p42\".");

    public override void Write(Utf8JsonWriter writer, ProfileId value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
