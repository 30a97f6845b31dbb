using CommonGround.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CommonGround.Web.Security;

/// <summary>
/// Sign-in for the web UI: a person pastes an API key once; the UI then keeps a session cookie that
/// holds the key's id, role and team (never its secret). The cookie authorises UI pages only:
/// <c>/api/*</c> stays bearer-only, so a page on another site can never spend the session on the
/// API (no CSRF through the API).
/// </summary>
public static class UiAuthentication
{
    public const string Scheme = "UiSession";

    /// <summary>The policy every UI page requires: a session cookie of a key that is still active.</summary>
    public const string Policy = "ui";

    public const string CookieName = "commonground.session";
    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";

    /// <summary>How long a session lasts without use; each use extends it.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromHours(8);

    public static IServiceCollection AddUiAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Browsers keep Secure cookies from http://localhost and 127.0.0.1 too; elsewhere serve the UI over HTTPS.
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = LoginPath;
            o.ExpireTimeSpan = Idle;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = EndSessionOfRevokedKeyAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Starts a session for a key that was checked against the store.</summary>
    public static Task SignInAsync(HttpContext http, ApiKey key) =>
        http.SignInAsync(Scheme, ApiKeyAuthentication.Principal(key, Scheme), new AuthenticationProperties { IsPersistent = false });

    /// <summary>A return address that stays on this site, or the overview.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.StartsWith("/\\", StringComparison.Ordinal) && !url.StartsWith(LoginPath, StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";

    /// <summary>
    /// POST /logout: ends the session. Binding a form field makes the framework check the form's
    /// antiforgery token, so another site cannot sign a person out.
    /// </summary>
    public static IEndpointRouteBuilder MapUiSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(LogoutPath, async (HttpContext http, [Microsoft.AspNetCore.Mvc.FromForm] string? reason) =>
        {
            await http.SignOutAsync(Scheme);
            return TypedResults.LocalRedirect(LoginPath + "?signedOut=true");
        }).ExcludeFromDescription().RequireAuthorization(Policy); // the form's token was made for the signed-in person
        return app;
    }

    static async Task EndSessionOfRevokedKeyAsync(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.Caller().KeyId;
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyDirectory>();
        if (string.IsNullOrEmpty(keyId) || !await keys.IsActiveAsync(keyId, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
