namespace CommonGround.Web.Components;

/// <summary>
/// Response headers that keep the UI's pages to themselves: no scripts or styles from elsewhere (the
/// UI needs none, not even inline), no framing, no referrer leaving the site. Interactive pages load
/// the framework's script from this site and connect back to it ('self' covers the WebSocket of the
/// same host); their base address may only be this site.
/// </summary>
public static class UiHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    /// <summary>False for the APIs and the machine endpoints, whose answers are JSON.</summary>
    public static bool IsUiPath(PathString path) =>
        !(path.StartsWithSegments("/api") || path.StartsWithSegments("/v1") || path.StartsWithSegments("/openapi")
          || path.StartsWithSegments("/healthz"));

    /// <summary>Every answer, JSON or page: browsers take the content type as given.</summary>
    public static Task NoSniffAsync(HttpContext http, Func<Task> next)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return next();
    }

    /// <summary>The pages' headers (after <see cref="NoSniffAsync"/>): what a page may load, and no framing.</summary>
    public static Task AddAsync(HttpContext http, Func<Task> next)
    {
        var headers = http.Response.Headers;
        headers["Referrer-Policy"] = "same-origin";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        return next();
    }
}
