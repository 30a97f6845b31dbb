using System.Text.Json;
using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>
/// Shared audiences: every team reads every audience's logic (text, plain English and the SQL it runs);
/// a team changes only its own, an admin any. Rules are written as text or as the JSON form, checked
/// against the catalog, counted in the store and snapshotted there.
/// </summary>
public static class AudienceEndpoints
{
    public static RouteGroupBuilder MapAudienceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audiences").WithTags("Audiences").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListAudiences").WithSummary("Every audience of every team, by name.");
        group.MapPost("/", CreateAsync).WithName("CreateAudience")
            .WithSummary("Saves an audience for the caller's team, from {name, text} or {name, rule} (the JSON form).");
        group.MapPost("/preview", PreviewAsync).WithName("PreviewAudience")
            .WithSummary("Counts a rule without saving it: size, households, sample members, reach per channel (optional asOf, sample).");
        group.MapGet("/{id}", GetAsync).WithName("GetAudience");
        group.MapPut("/{id}", UpdateAsync).WithName("UpdateAudience").WithSummary("Replaces name, description and rule. The owning team or an admin.");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteAudience").WithSummary("Deletes the audience and its snapshots. The owning team or an admin.");
        group.MapGet("/{id}/explain", ExplainAsync).WithName("ExplainAudience")
            .WithSummary("The rule in plain English and the SQL the store runs for it, with its parameters (optional ?asOf=).");
        group.MapPost("/{id}/snapshots", SnapshotAsync).WithName("SnapshotAudience")
            .WithSummary("Stores who is in the audience now (or as of {asOf}).");
        group.MapGet("/{id}/snapshots", ListSnapshotsAsync).WithName("ListAudienceSnapshots").WithSummary("The audience's snapshots, newest first.");
        group.MapGet("/{id}/snapshots/{snapshotId:long}/members", MembersAsync).WithName("ListAudienceSnapshotMembers")
            .WithSummary("Members of a snapshot by profile id, a page at a time (?after=p42&limit=1000); the next page is in the Link header.");
        return group;
    }

    static async Task<Ok<AudienceResponse[]>> ListAsync(HttpContext http, IStore store, CancellationToken ct)
    {
        var caller = http.User.Caller();
        return TypedResults.Ok((await store.Audiences.ListAsync(ct)).Select(a => AudienceResponse.From(a, caller)).ToArray());
    }

    static async Task<Results<Ok<AudienceResponse>, ProblemHttpResult>> GetAsync(string id, HttpContext http, IStore store, CancellationToken ct) =>
        await store.Audiences.FindAsync(id, ct) is { } audience
            ? TypedResults.Ok(AudienceResponse.From(audience, http.User.Caller()))
            : NoAudience(id);

    static async Task<Results<Created<AudienceResponse>, ProblemHttpResult>> CreateAsync(
        AudienceRequest request, HttpContext http, IStore store, IdentityOptions identity, TimeProvider time, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (AudienceChanges.CheckName(request.Name) is { } badName) return Problem(badName);
        var name = request.Name!.Trim();
        var (definition, problem) = await ReadAsync(request.Text, request.Rule, name, store, identity, ct);
        if (problem is not null) return problem;
        var team = caller.IsAdmin ? request.Team : caller.Team;
        var saved = await new AudienceChanges(store.Audiences, time).CreateAsync(new AudienceDraft(name, team, request.Description, definition!), caller.KeyId, ct);
        return saved.Audience is { } audience
            ? TypedResults.Created($"/api/audiences/{audience.Id}", AudienceResponse.From(audience, caller))
            : Problem(saved.Problem!);
    }

    static async Task<Results<Ok<AudienceResponse>, ProblemHttpResult>> UpdateAsync(
        string id, AudienceRequest request, HttpContext http, IStore store, IdentityOptions identity, TimeProvider time, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (await store.Audiences.FindAsync(id, ct) is not { } current) return NoAudience(id);
        if (!CanEdit(current, caller)) return NotYours(current);
        var name = string.IsNullOrWhiteSpace(request.Name) ? current.Name : request.Name.Trim();
        if (AudienceChanges.CheckName(name) is { } badName) return Problem(badName);
        var definition = current.Definition;
        if (request.Text is not null || request.Rule is not null)
        {
            var (read, problem) = await ReadAsync(request.Text, request.Rule, name, store, identity, ct, current.Name);
            if (problem is not null) return problem;
            definition = read!;
        }
        var draft = new AudienceDraft(name, current.Team, request.Description ?? current.Description, definition);
        var saved = await new AudienceChanges(store.Audiences, time).UpdateAsync(current, draft, caller.KeyId, ct);
        return saved.Audience is { } updated ? TypedResults.Ok(AudienceResponse.From(updated, caller)) : Problem(saved.Problem!);
    }

    /// <summary>The answer for an audience that could not be saved.</summary>
    static ProblemHttpResult Problem(AudienceSaveProblem problem) => problem.Kind switch
    {
        AudienceSaveProblemKind.BadName => TypedResults.Problem(statusCode: 400, title: "The audience needs a name.", detail: problem.Message),
        AudienceSaveProblemKind.NameTaken => TypedResults.Problem(statusCode: 409, title: "That name is taken.", detail: problem.Message),
        AudienceSaveProblemKind.RenamedWhileUsed => TypedResults.Problem(statusCode: 409, title: "Other audiences use this name.", detail: problem.Message),
        AudienceSaveProblemKind.IncludesItself => TypedResults.Problem(statusCode: 422, title: "The audience would include itself.", detail: problem.Message),
        _ => TypedResults.Problem(statusCode: 404, title: "No such audience.", detail: problem.Message),
    };

    static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, HttpContext http, IStore store, CancellationToken ct)
    {
        if (await store.Audiences.FindAsync(id, ct) is not { } current) return NoAudience(id);
        if (!CanEdit(current, http.User.Caller())) return NotYours(current);
        var users = (await store.Audiences.ListAsync(ct)).Where(a => a.Id != id && AudienceReferences.Of(a.Definition).Contains(current.Name)).ToList();
        if (users.Count > 0)
        {
            return TypedResults.Problem(statusCode: 409, title: "Other audiences use this one.",
                detail: $"{string.Join(", ", users.Select(a => $"\"{a.Name}\""))} refer to \"{current.Name}\" with 'in audience'; change them first.");
        }
        return await store.Audiences.DeleteAsync(id, ct) ? TypedResults.NoContent() : NoAudience(id);
    }

    static async Task<Results<Ok<PreviewResponse>, ProblemHttpResult>> PreviewAsync(
        PreviewRequest request, HttpContext http, IStore store, IdentityOptions identity, TimeProvider time, CancellationToken ct)
    {
        var (definition, problem) = await ReadAsync(request.Text, request.Rule, null, store, identity, ct);
        if (problem is not null) return problem;
        var asOf = request.AsOf ?? time.GetUtcNow();
        try
        {
            var preview = await store.Audiences.PreviewAsync(definition!, asOf, Math.Clamp(request.Sample ?? 10, 0, 100), ct);
            var policy = await ProfileEndpoints.PolicyAsync(http, store, ct);
            return TypedResults.Ok(new PreviewResponse(asOf, preview.Size, preview.Households,
                [.. preview.Sample.Select(policy.Redact)], preview.Reach, AudienceExplainer.Explain(definition!)));
        }
        catch (AudienceCompileException ex)
        {
            return Unrunnable(ex);
        }
    }

    static async Task<Results<Ok<ExplainResponse>, ProblemHttpResult>> ExplainAsync(
        string id, DateTimeOffset? asOf, IStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.Audiences.FindAsync(id, ct) is not { } audience) return NoAudience(id);
        var at = asOf ?? time.GetUtcNow();
        try
        {
            var compiled = await store.Audiences.CompileAsync(audience.Definition, at, ct);
            return TypedResults.Ok(new ExplainResponse(audience.Id, audience.Name, audience.Text, AudienceExplainer.Explain(audience.Definition),
                store.Provider, compiled.Sql, [.. compiled.Parameters], at));
        }
        catch (AudienceCompileException ex)
        {
            return Unrunnable(ex);
        }
    }

    static async Task<Results<Created<AudienceSnapshot>, ProblemHttpResult>> SnapshotAsync(
        string id, SnapshotRequest? request, IStore store, TimeProvider time, CancellationToken ct)
    {
        try
        {
            return await store.Audiences.SnapshotAsync(id, request?.AsOf ?? time.GetUtcNow(), ct) is { } snapshot
                ? TypedResults.Created($"/api/audiences/{id}/snapshots/{snapshot.Id}/members", snapshot)
                : NoAudience(id);
        }
        catch (AudienceCompileException ex)
        {
            return Unrunnable(ex);
        }
    }

    static async Task<Results<Ok<AudienceSnapshot[]>, ProblemHttpResult>> ListSnapshotsAsync(string id, IStore store, CancellationToken ct) =>
        await store.Audiences.FindAsync(id, ct) is null
            ? NoAudience(id)
            : TypedResults.Ok((await store.Audiences.ListSnapshotsAsync(id, ct)).ToArray());

    static async Task<Results<Ok<AudienceMember[]>, ProblemHttpResult>> MembersAsync(
        string id, long snapshotId, string? after, int? limit, HttpContext http, IStore store, CancellationToken ct)
    {
        if (await store.Audiences.FindSnapshotAsync(snapshotId, ct) is not { } snapshot || snapshot.AudienceId != id)
            return TypedResults.Problem(statusCode: 404, title: "Not found.", detail: $"Audience '{id}' has no snapshot {snapshotId}.");
        var from = new ProfileId(0);
        if (after is not null && !ProfileEndpoints.TryParse(after, out from))
            return TypedResults.Problem(statusCode: 400, title: "The 'after' value is not a profile id.", detail: "Pass the last profile id of the previous page, e.g. after=p42.");
        var pageSize = Math.Clamp(limit ?? 1000, 1, 10_000);
        var members = await store.Audiences.MembersAsync(snapshotId, from.Value, pageSize, ct);
        if (members.Count == pageSize)
            http.Response.Headers.Link = $"</api/audiences/{id}/snapshots/{snapshotId}/members?after={members[^1].ProfileId}&limit={pageSize}>; rel=\"next\"";
        return TypedResults.Ok(members.ToArray());
    }

    /// <summary>
    /// The rule from text or JSON, parsed and checked against the catalog, other audiences and the
    /// configured identifier types: 400 with line and column when it cannot be read, 422 with every
    /// problem when it names what does not exist (saving checks the rest).
    /// </summary>
    static async Task<(AudienceDefinition? Definition, ProblemHttpResult? Problem)> ReadAsync(
        string? text, JsonElement? rule, string? name, IStore store, IdentityOptions identity, CancellationToken ct, string? formerName = null)
    {
        AudienceDefinition definition;
        if (text is not null && rule is not null)
            return (null, TypedResults.Problem(statusCode: 400, title: "Give the rule once.", detail: "Send either \"text\" or \"rule\" (the JSON form), not both."));
        if (text is not null)
        {
            try
            {
                definition = AudienceText.Parse(text);
            }
            catch (AudienceSyntaxException ex)
            {
                return (null, TypedResults.Problem(statusCode: 400, title: "The audience rule cannot be read.", detail: ex.Errors[0].ToString(),
                    extensions: Errors(ex.Errors)));
            }
        }
        else if (rule is { } json)
        {
            try
            {
                definition = AudienceJson.Deserialize("{\"rule\":" + json.GetRawText() + "}");
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                return (null, TypedResults.Problem(statusCode: 400, title: "The audience rule cannot be read.",
                    detail: $"\"rule\" is not an audience rule in the JSON form (see docs/audiences.md): {ex.Message}"));
            }
        }
        else
        {
            return (null, TypedResults.Problem(statusCode: 400, title: "The rule is missing.",
                detail: "Send the rule as \"text\" (e.g. \"loyalty_tier = \\\"gold\\\"\") or as \"rule\" (the JSON form)."));
        }

        var audiences = await store.Audiences.ListAsync(ct);
        var names = audiences.Select(a => a.Name).Where(n => n != formerName).ToList();
        if (name is not null) names.Add(name);
        var errors = AudienceValidator.Validate(definition, await store.Catalog.ListAsync(null, ct), AudienceValidator.ComputedTraits, names,
            [.. identity.EffectiveTypes.Select(t => t.Name)]);
        if (errors.Count > 0)
        {
            return (null, TypedResults.Problem(statusCode: 422, title: "The audience rule names what does not exist.",
                detail: string.Join(" ", errors.Select(e => e.ToString())), extensions: Errors(errors)));
        }
        return (definition, null);
    }

    static Dictionary<string, object?> Errors(IReadOnlyList<AudienceError> errors) => new()
    {
        ["errors"] = errors.Select(e => new { line = e.Line, column = e.Column, length = e.Length, message = e.Message }).ToArray(),
    };

    internal static bool CanEdit(Audience audience, Caller caller) =>
        caller.IsAdmin || (audience.Team is not null && string.Equals(audience.Team, caller.Team, StringComparison.OrdinalIgnoreCase));

    static ProblemHttpResult NotYours(Audience audience) => TypedResults.Problem(statusCode: 403, title: "Only the owning team may change this audience.",
        detail: $"\"{audience.Name}\" belongs to {(audience.Team is null ? "the admins" : $"team '{audience.Team}'")}; every team may read and use it, ask them or an admin to change it.");

    static ProblemHttpResult NoAudience(string id) => TypedResults.Problem(statusCode: 404, title: "Not found.", detail: $"There is no audience '{id}'.");

    static ProblemHttpResult Unrunnable(AudienceCompileException ex) =>
        TypedResults.Problem(statusCode: 422, title: "The audience cannot be counted.", detail: ex.Message);
}

/// <param name="Text">The rule as text; or give <paramref name="Rule"/>.</param>
/// <param name="Rule">The rule in the JSON form (a condition with "kind").</param>
/// <param name="Team">The owning team; only an admin may set it (a team key's audiences are its team's).</param>
public sealed record AudienceRequest(string? Name, string? Text, JsonElement? Rule, string? Description, string? Team = null);

/// <param name="AsOf">The moment relative times count back from; now by default.</param>
/// <param name="Sample">How many members to show (0 to 100, default 10).</param>
public sealed record PreviewRequest(string? Text, JsonElement? Rule, DateTimeOffset? AsOf, int? Sample);

public sealed record SnapshotRequest(DateTimeOffset? AsOf);

/// <param name="Rule">The JSON form.</param>
/// <param name="Explanation">The rule in plain English.</param>
/// <param name="CanEdit">Whether the caller may change or delete it.</param>
public sealed record AudienceResponse(
    string Id, string Name, string? Team, string? Description, string Text, JsonElement Rule, string Explanation,
    string CreatedBy, DateTimeOffset CreatedAt, string UpdatedBy, DateTimeOffset UpdatedAt, bool CanEdit)
{
    public static AudienceResponse From(Audience a, Caller caller) => new(
        a.Id, a.Name, a.Team, a.Description, a.Text,
        JsonDocument.Parse(AudienceJson.Serialize(a.Definition)).RootElement.GetProperty("rule").Clone(),
        AudienceExplainer.Explain(a.Definition), a.CreatedBy, a.CreatedAt, a.UpdatedBy, a.UpdatedAt,
        AudienceEndpoints.CanEdit(a, caller));
}

/// <param name="Sample">Members with personal fields redacted as the catalog decides for the caller.</param>
public sealed record PreviewResponse(DateTimeOffset AsOf, long Size, long Households, ProfileSummary[] Sample, IReadOnlyList<ChannelReach> Reach, string Explanation);

/// <param name="Sql">The statement the store runs: one row per member (profile_id, household_id).</param>
/// <param name="Parameters">Its bound parameters, in order ($1, $2, ...).</param>
public sealed record ExplainResponse(string Id, string Name, string Text, string Explanation, string Provider, string Sql, object[] Parameters, DateTimeOffset AsOf);
