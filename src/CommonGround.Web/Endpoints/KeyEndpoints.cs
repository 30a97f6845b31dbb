using CommonGround.Access;
using CommonGround.Storage;
using CommonGround.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CommonGround.Web.Endpoints;

/// <summary>API keys: admins mint and revoke them; the secret is shown once.</summary>
public static class KeyEndpoints
{
    public static RouteGroupBuilder MapKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/keys").WithTags("Keys").RequireAuthorization(ApiKeyAuthentication.AdminPolicy);
        group.MapGet("/", ListAsync).WithName("ListKeys");
        group.MapPost("/", CreateAsync).WithName("CreateKey").WithSummary("Mints a key; the response is the only time its secret is shown.");
        group.MapDelete("/{id}", RevokeAsync).WithName("RevokeKey");
        return group;
    }

    static async Task<Ok<ApiKeyResponse[]>> ListAsync(IStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ApiKeys.ListAsync(ct)).Select(ApiKeyResponse.From).ToArray());

    static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateAsync(
        CreateApiKeyRequest request, IStore store, TimeProvider time, CancellationToken ct)
    {
        if (!Enum.TryParse<ApiKeyRole>(request.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = ["Use \"admin\" or \"team\"."] });
        if (role == ApiKeyRole.Team && string.IsNullOrWhiteSpace(request.Team))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["team"] = ["A team key needs the team it belongs to."] });
        if (role == ApiKeyRole.Admin && !string.IsNullOrWhiteSpace(request.Team))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["team"] = ["An admin key sees every team; leave team out."] });
        var (key, secret) = Secrets.MintApiKey(role, role == ApiKeyRole.Team ? request.Team : null, request.Name, time.GetUtcNow());
        await store.ApiKeys.AddAsync(key, ct);
        return TypedResults.Created($"/api/keys/{key.Id}", new CreatedApiKeyResponse(ApiKeyResponse.From(key), secret));
    }

    static async Task<Results<NoContent, NotFound<Microsoft.AspNetCore.Mvc.ProblemDetails>>> RevokeAsync(
        string id, IStore store, ApiKeyDirectory directory, TimeProvider time, CancellationToken ct)
    {
        if (!await store.ApiKeys.RevokeAsync(id, time.GetUtcNow(), ct))
            return TypedResults.NotFound(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = 404, Title = "No such key.", Detail = $"No active API key '{id}'.",
            });
        directory.Forget();
        return TypedResults.NoContent();
    }
}

public sealed record CreateApiKeyRequest(string? Role, string? Team, string? Name);

public sealed record ApiKeyResponse(string Id, ApiKeyRole Role, string? Team, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Role, k.Team, k.Name, k.CreatedAt, k.RevokedAt);
}

public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Secret);
