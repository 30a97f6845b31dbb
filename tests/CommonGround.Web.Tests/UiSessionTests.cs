using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommonGround.Storage;
using CommonGround.Web.Components;
using CommonGround.Web.Security;

namespace CommonGround.Web.Tests;

/// <summary>
/// Signing in to the web UI with an API key, over plain HTTP (the browser tests drive the pages): the
/// session cookie's properties, what it may and may not open, and how it ends.
/// </summary>
public sealed partial class UiSessionTests() : ServerTests(StoreOptions.DuckDb)
{
    // Cookies are handled by hand: a Secure cookie would not be sent back over http by HttpClient's container.
    HttpClient NewClient() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        BaseAddress = Server.Address,
    };

    /// <summary>The sign-in form's antiforgery token and the cookie that goes with it.</summary>
    async Task<(string Token, string Cookie)> LoginFormAsync(HttpClient client)
    {
        var response = await client.GetAsync("/login", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var token = TokenField().Match(html).Groups[1].Value;
        Assert.NotEmpty(token);
        return (token, CookiePair(response, ".AspNetCore.Antiforgery."));
    }

    async Task<HttpResponseMessage> SignInAsync(HttpClient client, string key, string? returnUrl = null, bool withToken = true)
    {
        var (token, cookie) = await LoginFormAsync(client);
        var fields = new Dictionary<string, string> { ["_handler"] = "login", ["Key"] = key, ["ReturnUrl"] = returnUrl ?? "" };
        if (withToken) fields["__RequestVerificationToken"] = token;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request, Ct);
    }

    static string CookiePair(HttpResponseMessage response, string namePrefix) =>
        SetCookies(response).Select(c => c.Split(';')[0]).Single(c => c.StartsWith(namePrefix, StringComparison.Ordinal));

    /// <summary>The path of a redirect that must stay on this server.</summary>
    string Local(Uri? location)
    {
        Assert.NotNull(location);
        var absolute = new Uri(Server.Address, location);
        Assert.Equal(Server.Address.Authority, absolute.Authority);
        return absolute.PathAndQuery;
    }

    static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [];

    async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request, Ct);
    }

    async Task<string> SessionAsync(HttpClient client, string key)
    {
        var response = await SignInAsync(client, key);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return CookiePair(response, UiAuthentication.CookieName + "=");
    }

    [Fact]
    public async Task A_page_without_a_session_sends_the_browser_to_sign_in()
    {
        using var client = NewClient();

        var response = await client.GetAsync("/catalog", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fcatalog", response.Headers.Location?.PathAndQuery);
    }

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_Secure_cookie_that_holds_no_key()
    {
        using var client = NewClient();

        var response = await SignInAsync(client, Server.AdminKey, "/catalog");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/catalog", Local(response.Headers.Location));
        var cookie = Assert.Single(SetCookies(response), c => c.StartsWith(UiAuthentication.CookieName + "=", StringComparison.Ordinal));
        var attributes = cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("secure", attributes);
        Assert.DoesNotContain(Server.AdminKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_opens_the_ui_pages()
    {
        using var client = NewClient();
        var session = await SessionAsync(client, Server.AdminKey);

        var response = await GetAsync(client, "/catalog", session);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Data catalog</h1>", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(UiHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_session_cookie_does_not_open_the_api()
    {
        using var client = NewClient();
        var session = await SessionAsync(client, Server.AdminKey);

        var response = await GetAsync(client, "/api/catalog", session);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Only_interactive_pages_load_a_script_and_plain_pages_stay_plain()
    {
        using var client = NewClient();
        var session = await SessionAsync(client, Server.AdminKey);

        var builder = await (await GetAsync(client, "/audiences/new", session)).Content.ReadAsStringAsync(Ct);
        var catalog = await (await GetAsync(client, "/catalog", session)).Content.ReadAsStringAsync(Ct);

        Assert.Contains($"<script src=\"{UiAssets.BlazorScript}\"></script>", builder, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", catalog, StringComparison.Ordinal);
        var script = await client.GetAsync(UiAssets.BlazorScript, Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    async Task<HttpResponseMessage> NegotiateAsync(HttpClient client, string? cookie, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, UiCircuits.HubPath + "/negotiate?negotiateVersion=1");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task The_connection_of_interactive_pages_needs_a_session_and_a_page_of_this_site()
    {
        using var client = NewClient();
        var session = await SessionAsync(client, Server.AdminKey);

        var refused = await NegotiateAsync(client, null, null);
        var accepted = await NegotiateAsync(client, session, Server.Address.GetLeftPart(UriPartial.Authority));
        var foreign = await NegotiateAsync(client, session, "http://shop.example");

        // The session's scheme answers a machine endpoint with 401 rather than a redirect to sign in.
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("connectionToken", await accepted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_a_message_and_no_session()
    {
        using var client = NewClient();

        var response = await SignInAsync(client, "cg_not_a_key_at_all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("unknown or revoked", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith(UiAuthentication.CookieName + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signing_in_without_the_antiforgery_token_is_refused()
    {
        using var client = NewClient();

        var response = await SignInAsync(client, Server.AdminKey, withToken: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(SetCookies(response), c => c.StartsWith(UiAuthentication.CookieName + "=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://elsewhere.example/")]
    [InlineData("//elsewhere.example/")]
    [InlineData("/\\elsewhere.example/")]
    public async Task A_return_address_on_another_site_is_ignored(string returnUrl)
    {
        using var client = NewClient();

        var response = await SignInAsync(client, Server.AdminKey, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", Local(response.Headers.Location));
    }

    [Fact]
    public async Task Revoking_the_key_ends_its_sessions()
    {
        var created = await Server.Http.SendAsync(Server.Api(HttpMethod.Post, "/api/keys", json: new { role = "team", team = "web" }), Ct);
        var key = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var client = NewClient();
        var session = await SessionAsync(client, key.GetProperty("secret").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/catalog", session)).StatusCode);

        await Server.Http.SendAsync(Server.Api(HttpMethod.Delete, "/api/keys/" + key.GetProperty("key").GetProperty("id").GetString()), Ct);
        var response = await GetAsync(client, "/catalog", session);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_needs_the_form_token_and_ends_the_session()
    {
        using var client = NewClient();
        var session = await SessionAsync(client, Server.AdminKey);
        var page = await GetAsync(client, "/catalog", session);
        var token = TokenField().Match(await page.Content.ReadAsStringAsync(Ct)).Groups[1].Value;
        var antiforgery = CookiePair(page, ".AspNetCore.Antiforgery.");

        using var forged = new HttpRequestMessage(HttpMethod.Post, UiAuthentication.LogoutPath) { Content = new FormUrlEncodedContent([]) };
        forged.Headers.Add("Cookie", session + "; " + antiforgery);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(forged, Ct)).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, UiAuthentication.LogoutPath)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("Cookie", session + "; " + antiforgery);
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(SetCookies(response), c => c.StartsWith(UiAuthentication.CookieName + "=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_page_is_an_html_404_and_an_unknown_api_path_stays_a_problem()
    {
        using var client = NewClient();

        var page = await client.GetAsync("/no/such/page", Ct);
        var api = await client.GetAsync("/api/no-such-thing", Ct);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Not found</h1>", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_stylesheet_is_served_from_the_assembly_and_cached_for_good()
    {
        using var client = NewClient();

        var response = await client.GetAsync(UiAssets.Stylesheet, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
