using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace CommonGround.Web.Security;

/// <summary>
/// Interactive pages (the audience builder) keep a live connection to the server, a Blazor circuit
/// over a WebSocket at <see cref="HubPath"/>. Every other page stays plain server-rendered HTML and
/// loads no script. The circuit is bound to the signed-in session: the hub needs the UI's session
/// cookie (which is SameSite=Strict), refuses pages of other origins, and ends the session's access
/// when its key is revoked (<see cref="SessionRevalidation"/>).
/// </summary>
public static class UiCircuits
{
    public const string HubPath = "/_blazor";

    public static IServiceCollection AddUiCircuits(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents(o => o.DetailedErrors = false);
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();
        return services;
    }

    /// <summary>The hub and the pages: every component page needs a session unless it allows anonymous use (sign-in, status).</summary>
    public static RazorComponentsEndpointConventionBuilder MapUi<TApp>(this IEndpointRouteBuilder app) where TApp : IComponent =>
        app.MapRazorComponents<TApp>()
            // UiHeaders already forbids framing on every page (frame-ancestors 'none'), which is what
            // compressed WebSockets need; the framework would add a second, weaker header.
            .AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null)
            .RequireAuthorization(UiAuthentication.Policy);

    /// <summary>
    /// A page on another origin may not open a circuit, even one on the same site that the
    /// SameSite cookie would not stop (another subdomain).
    /// </summary>
    public static Task RefuseOtherOriginsAsync(HttpContext http, Func<Task> next)
    {
        if (http.Request.Path.StartsWithSegments(HubPath) && http.Request.Headers.Origin is [{ } origin]
            && !string.Equals(origin, http.Request.Scheme + "://" + http.Request.Host, StringComparison.OrdinalIgnoreCase))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return next();
    }

    /// <summary>Whether the page being rendered runs interactively, so the document loads the script that connects it.</summary>
    public static bool IsInteractive(HttpContext? http) =>
        http?.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page
        && page.IsDefined(typeof(RenderModeAttribute), inherit: true);
}

/// <summary>
/// Checks every minute that the key behind a circuit's session is still active; once it is revoked,
/// the circuit's user is signed out and the page says so.
/// </summary>
sealed class SessionRevalidation(ILoggerFactory loggers, ApiKeyDirectory keys) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        state.User.Caller().KeyId is { Length: > 0 } keyId && await keys.IsActiveAsync(keyId, ct);
}
