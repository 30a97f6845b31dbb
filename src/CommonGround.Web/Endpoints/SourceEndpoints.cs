using CommonGround.Access;
using CommonGround.Sources;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>Sources: each team's tools that send data, with their write keys.</summary>
public static class SourceEndpoints
{
    public static RouteGroupBuilder MapSourceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sources").WithTags("Sources").RequireAuthorization();
        group.MapGet("/", ListAsync).WithName("ListSources").WithSummary("Sources the key's team may see (all, for an admin).");
        group.MapGet("/{id}", GetAsync).WithName("GetSource");
        group.MapPost("/", CreateAsync).WithName("CreateSource").RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithSummary("Creates a source for a team and returns its write key.");
        group.MapPost("/{id}/disable", (string id, IStore s, SourceDirectory d, CancellationToken ct) => SetEnabledAsync(id, false, s, d, ct))
            .WithName("DisableSource").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);
        group.MapPost("/{id}/enable", (string id, IStore s, SourceDirectory d, CancellationToken ct) => SetEnabledAsync(id, true, s, d, ct))
            .WithName("EnableSource").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);
        return group;
    }

    static async Task<Ok<SourceResponse[]>> ListAsync(HttpContext http, IStore store, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var sources = await store.Sources.ListAsync(ct);
        return TypedResults.Ok(sources.Where(s => caller.CanSee(s.Team)).Select(SourceResponse.From).ToArray());
    }

    static async Task<Results<Ok<SourceResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> GetAsync(
        string id, HttpContext http, IStore store, CancellationToken ct) =>
        await store.Sources.FindAsync(id, ct) is { } source && http.User.Caller().CanSee(source.Team)
            ? TypedResults.Ok(SourceResponse.From(source))
            : NotFound(id);

    static async Task<Results<Created<SourceResponse>, ValidationProblem>> CreateAsync(
        CreateSourceRequest request, IStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name)) errors["name"] = ["Give the source a name, e.g. \"web-shop\"."];
        else if (request.Name.Trim().Length > 200) errors["name"] = ["Keep the name under 200 characters."];
        if (string.IsNullOrWhiteSpace(request.Team)) errors["team"] = ["Name the team that owns the source, e.g. \"loyalty marketing\"."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The source is incomplete.");

        var source = new Source
        {
            Id = Secrets.NewId(),
            Name = request.Name!.Trim(),
            Team = request.Team!.Trim(),
            WriteKey = Secrets.NewWriteKey(),
            CreatedAt = time.GetUtcNow(),
        };
        await store.Sources.AddAsync(source, ct);
        return TypedResults.Created($"/api/sources/{source.Id}", SourceResponse.From(source));
    }

    static async Task<Results<Ok<SourceResponse>, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> SetEnabledAsync(
        string id, bool enabled, IStore store, SourceDirectory directory, CancellationToken ct)
    {
        if (!await store.Sources.SetEnabledAsync(id, enabled, ct)) return NotFound(id);
        directory.Forget();
        return TypedResults.Ok(SourceResponse.From((await store.Sources.FindAsync(id, ct))!));
    }

    static NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails> NotFound(string id) => TypedResults.NotFound(
        new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = 404, Title = "No such source.", Detail = $"No source '{id}' that this key may see." });
}

public sealed record CreateSourceRequest(string? Name, string? Team);

public sealed record SourceResponse(string Id, string Name, string Team, string WriteKey, bool Enabled, DateTimeOffset CreatedAt)
{
    public static SourceResponse From(Source s) => new(s.Id, s.Name, s.Team, s.WriteKey, s.Enabled, s.CreatedAt);
}
