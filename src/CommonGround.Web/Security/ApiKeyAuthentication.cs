using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using CommonGround.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CommonGround.Web.Security;

/// <summary>Bearer API keys for <c>/api/*</c>: the key's role and team become the caller's claims.</summary>
public static class ApiKeyAuthentication
{
    public const string Scheme = "ApiKey";
    public const string AdminPolicy = "admin";
    public const string RoleClaim = "cg:role";
    public const string TeamClaim = "cg:team";
    public const string KeyIdClaim = "cg:key";

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireClaim(RoleClaim, "admin"));
        return services;
    }

    /// <summary>The claims of a key: its role, id and team (never its secret). Shared by the bearer and the UI cookie.</summary>
    public static ClaimsPrincipal Principal(ApiKey key, string scheme)
    {
        var claims = new List<Claim>
        {
            new(RoleClaim, key.Role == ApiKeyRole.Admin ? "admin" : "team"),
            new(KeyIdClaim, key.Id),
        };
        if (key.Team is { } team) claims.Add(new Claim(TeamClaim, team));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>Who is calling, from the claims the handler set.</summary>
    public static Caller Caller(this ClaimsPrincipal user) => new(
        user.FindFirstValue(RoleClaim) == "admin",
        user.FindFirstValue(TeamClaim),
        user.FindFirstValue(KeyIdClaim) ?? "");
}

/// <summary>The caller of an API request: an admin, or a team that sees its own data.</summary>
public sealed record Caller(bool IsAdmin, string? Team, string KeyId)
{
    public bool CanSee(string team) => IsAdmin || string.Equals(Team, team, StringComparison.OrdinalIgnoreCase);
}

sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyDirectory keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        // Another scheme (the tracking API's Basic write key) is not this handler's to judge: no result,
        // so no failure logged for every tracking call. The challenge still says what an API call needs.
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var secret = header["Bearer ".Length..].Trim();
        if (await keys.FindAsync(secret, Context.RequestAborted) is not { } key)
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        return AuthenticateResult.Success(Tickets.GetValue(key, static k =>
            new AuthenticationTicket(ApiKeyAuthentication.Principal(k, ApiKeyAuthentication.Scheme), ApiKeyAuthentication.Scheme)));
    }

    // One ticket per key as the directory holds it (a busy client sends thousands of requests with the
    // same key); it goes with the directory's entry. Nothing changes a principal after authentication.
    static readonly ConditionalWeakTable<ApiKey, AuthenticationTicket> Tickets = new();

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var result = await HandleAuthenticateOnceSafeAsync();
        await Results.Problem(
            statusCode: 401,
            title: "An API key is needed.",
            detail: result.Failure?.Message ?? (Request.Headers.Authorization.Count > 0
                ? "Use 'Authorization: Bearer <api key>'; other schemes are not API keys. Create one with `commonground keys create`."
                : "Send 'Authorization: Bearer <api key>'. Create one with `commonground keys create`."))
            .ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        await Results.Problem(
            statusCode: 403,
            title: "This API key may not do that.",
            detail: "This needs an admin key; team keys see and change only their own team's data.")
            .ExecuteAsync(Context);
    }
}
