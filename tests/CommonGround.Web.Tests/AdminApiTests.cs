using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Catalog;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Web.Tests;

/// <summary>The admin API: keys, sources, events and catalog, and who may see what.</summary>
public abstract class AdminApiTests(string provider) : ServerTests(provider)
{
    async Task<JsonElement> CreateSourceAsync(string name, string team) =>
        await Json(await Send(HttpMethod.Post, "/api/sources", json: new { name, team }), HttpStatusCode.Created);

    [Fact]
    public async Task The_api_without_a_key_is_a_401_problem()
    {
        var response = await Server.Http.GetAsync("/api/sources", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_problem_that_says_why()
    {
        var problem = await Json(await Send(HttpMethod.Get, "/api/sources", key: "cg_nope_nope"), HttpStatusCode.Unauthorized);
        Assert.Contains("unknown or revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A source's write key (the tracking API's Basic scheme) is not an API key.
        using var basic = new HttpRequestMessage(HttpMethod.Get, "/api/sources");
        basic.Headers.Authorization = new("Basic", Convert.ToBase64String("write-key:"u8.ToArray()));
        var other = await Json(await Server.Http.SendAsync(basic, Ct), HttpStatusCode.Unauthorized);
        Assert.Contains("other schemes are not API keys", other.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_team_key_may_not_create_sources()
    {
        var key = await TeamKeyAsync("retail media");
        var response = await Send(HttpMethod.Post, "/api/sources", key, new { name = "x", team = "retail media" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_created_source_write_key_is_accepted_by_the_tracking_api()
    {
        var source = await CreateSourceAsync("ad-server", "retail media");
        var writeKey = source.GetProperty("writeKey").GetString()!;
        var response = await Server.Http.SendAsync(Server.Track("/v1/track", """{"userId":"u","event":"Ad Clicked"}""", writeKey), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await Store.Store.Events.CountAsync(source.GetProperty("id").GetString(), Ct));
    }

    [Fact]
    public async Task A_source_with_a_taken_name_is_a_409()
    {
        await CreateSourceAsync("crm", "loyalty marketing");
        var problem = await Json(await Send(HttpMethod.Post, "/api/sources", json: new { name = "crm", team = "web" }), HttpStatusCode.Conflict);
        Assert.Contains("crm", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_without_a_team_is_a_400_naming_the_field()
    {
        var problem = await Json(await Send(HttpMethod.Post, "/api/sources", json: new { name = "crm" }), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("team", out _));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_problem()
    {
        var request = Server.Api(HttpMethod.Post, "/api/sources");
        request.Content = new StringContent("{name:", System.Text.Encoding.UTF8, "application/json");
        var response = await Server.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_team_sees_only_its_own_sources_and_events()
    {
        var media = await CreateSourceAsync("ad-server", "retail media");
        var mediaKey = media.GetProperty("writeKey").GetString()!;
        await Server.Http.SendAsync(Server.Track("/v1/track", """{"userId":"u","event":"Ad Clicked","messageId":"media-1"}""", mediaKey), Ct);
        await Server.Http.SendAsync(Server.Track("/v1/track", """{"userId":"u","event":"Page Viewed","messageId":"web-1"}"""), Ct);
        var key = await TeamKeyAsync("retail media");

        var sources = await Json(await Send(HttpMethod.Get, "/api/sources", key), HttpStatusCode.OK);
        Assert.Equal(["ad-server"], sources.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/events/media-1", key)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/events/web-1", key)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, $"/api/sources/{Server.Source.Id}", key)).StatusCode);
    }

    [Fact]
    public async Task The_same_messageId_in_two_sources_asks_which_one()
    {
        var other = await CreateSourceAsync("app", "web");
        await Server.Http.SendAsync(Server.Track("/v1/track", """{"userId":"u","event":"e","messageId":"same"}"""), Ct);
        await Server.Http.SendAsync(Server.Track("/v1/track", """{"userId":"u","event":"e","messageId":"same"}""",
            other.GetProperty("writeKey").GetString()), Ct);

        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Get, "/api/events/same")).StatusCode);
        var e = await Json(await Send(HttpMethod.Get, $"/api/events/same?source={other.GetProperty("id").GetString()}"), HttpStatusCode.OK);
        Assert.Equal(other.GetProperty("id").GetString(), e.GetProperty("sourceId").GetString());
    }

    [Fact]
    public async Task A_revoked_key_stops_working()
    {
        var created = await Json(await Send(HttpMethod.Post, "/api/keys", json: new { role = "team", team = "social" }), HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/sources", secret)).StatusCode);

        var id = created.GetProperty("key").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, $"/api/keys/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/sources", secret)).StatusCode);
    }

    [Fact]
    public async Task Only_the_owning_team_or_an_admin_edits_a_catalog_field()
    {
        var key = new CatalogFieldKey(DataType.Profile, "identify", "traits.email");
        await Store.Store.Catalog.ObserveAsync([new CatalogObservation(key, "string", "loyalty marketing", true, 1, DateTimeOffset.UtcNow)], Ct);
        var edit = new { dataType = "profile", dataset = "identify", field = "traits.email", description = "Login e-mail" };

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, "/api/catalog/fields", await TeamKeyAsync("web"), edit)).StatusCode);
        var updated = await Json(await Send(HttpMethod.Put, "/api/catalog/fields", await TeamKeyAsync("loyalty marketing"), edit), HttpStatusCode.OK);
        Assert.Equal("Login e-mail", updated.GetProperty("description").GetString());
        Assert.True(updated.GetProperty("declared").GetBoolean());
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        var health = await Json(await Server.Http.GetAsync("/healthz", Ct), HttpStatusCode.OK);
        Assert.Equal(Provider, health.GetProperty("store").GetString());
        var openApi = await Json(await Server.Http.GetAsync("/openapi/v1.json", Ct), HttpStatusCode.OK);
        var paths = openApi.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/batch", out _));
        Assert.True(paths.TryGetProperty("/api/sources", out _));
    }

    [Fact]
    public async Task An_admin_key_given_at_start_is_seeded_once_and_works()
    {
        const string secret = "automation-admin-key-0123456789";
        await Web.Hosting.CommonGroundApp.SeedAdminKeyAsync(Store.Store, secret, TimeProvider.System, Ct);
        await Web.Hosting.CommonGroundApp.SeedAdminKeyAsync(Store.Store, secret, TimeProvider.System, Ct);

        Assert.Single(await Store.Store.ApiKeys.ListAsync(Ct), k => k.Name == "from " + Web.Hosting.CommonGroundApp.AdminKeyVariable);
        Assert.Equal(HttpStatusCode.Created,
            (await Send(HttpMethod.Post, "/api/sources", secret, new { name = "automation", team = "it" })).StatusCode);
    }

    [Fact]
    public async Task An_unknown_api_path_is_a_404_problem()
    {
        var response = await Send(HttpMethod.Get, "/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed class DuckDbAdminApiTests() : AdminApiTests(StoreOptions.DuckDb);

public sealed class PostgresAdminApiTests() : AdminApiTests(StoreOptions.Postgres);
