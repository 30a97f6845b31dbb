using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Catalog;
using CommonGround.Storage;

namespace CommonGround.Web.Tests;

/// <summary>Profiles through the API: lookup by identifier, timeline, unmerge, and what a team may read.</summary>
public abstract class ProfileApiTests(string provider) : ServerTests(provider)
{
    async Task TrackAsync(string batch)
    {
        var response = await Server.Http.SendAsync(Server.Track("/v1/batch", batch), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Server.ResolveAsync(Ct);
    }

    const string AnnBatch = """
        {"batch":[
          {"type":"page","messageId":"m-1","anonymousId":"anon-1","name":"Home","timestamp":"2026-03-01T10:00:00Z"},
          {"type":"identify","messageId":"m-2","userId":"u-1","anonymousId":"anon-1","traits":{"email":"Ann@Example.com","first_name":"Ann"},"timestamp":"2026-03-01T10:01:00Z"},
          {"type":"track","messageId":"m-3","userId":"u-1","event":"Order Completed","properties":{"order_id":"o-1","revenue":30,"currency":"EUR"},"timestamp":"2026-03-01T10:05:00Z"}
        ]}
        """;

    [Fact]
    public async Task A_profile_is_found_by_its_email_and_shows_its_timeline()
    {
        await TrackAsync(AnnBatch);

        var profile = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:%20ANN@example.com"), HttpStatusCode.OK);
        var id = profile.GetProperty("id").GetString()!;
        Assert.StartsWith("p", id);
        Assert.Equal(3, profile.GetProperty("traits").GetProperty("eventCount").GetInt64());
        Assert.Equal(30m, profile.GetProperty("traits").GetProperty("revenue").GetDecimal());
        Assert.Contains(profile.GetProperty("identifiers").EnumerateArray(), i => i.GetProperty("value").GetString() == "anon-1");

        var timeline = await Json(await Send(HttpMethod.Get, $"/api/profiles/{id}/timeline"), HttpStatusCode.OK);
        Assert.Equal(["m-3", "m-2", "m-1"], timeline.EnumerateArray().Select(e => e.GetProperty("reference").GetString()));
        Assert.Equal("web", timeline[0].GetProperty("team").GetString());

        var first = await Send(HttpMethod.Get, $"/api/profiles/{id}/timeline?limit=2");
        var next = first.Headers.GetValues("Link").Single();
        Assert.EndsWith("rel=\"next\"", next);
        var nextPage = await Json(await Send(HttpMethod.Get, next[1..next.IndexOf('>')]), HttpStatusCode.OK);
        Assert.Equal(["m-1"], nextPage.EnumerateArray().Select(e => e.GetProperty("reference").GetString()));
        var bad = await Json(await Send(HttpMethod.Get, $"/api/profiles/{id}/timeline?cursor=not-a-cursor"), HttpStatusCode.BadRequest);
        Assert.Equal("The cursor is not valid.", bad.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unknown_and_malformed_lookups_are_problems()
    {
        var missing = await Send(HttpMethod.Get, "/api/profiles?identifier=email:nobody@example.com");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var malformed = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=shoe-size:42"), HttpStatusCode.BadRequest);
        Assert.Contains("not an identifier type", malformed.GetProperty("errors").GetProperty("identifier")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/profiles/p999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/households/h_nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/api/businesses/b_nothing")).StatusCode);
    }

    [Fact]
    public async Task A_team_sees_personal_fields_only_where_the_catalog_shares_them()
    {
        await TrackAsync(AnnBatch);
        var created = await Json(await Send(HttpMethod.Post, "/api/keys", json: new { role = "team", team = "retail media" }), HttpStatusCode.Created);
        var teamKey = created.GetProperty("secret").GetString()!;

        var hidden = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:ann@example.com", teamKey), HttpStatusCode.OK);
        Assert.Equal("[redacted]", hidden.GetProperty("identifiers").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "email").GetProperty("value").GetString());
        var timeline = await Json(await Send(HttpMethod.Get, $"/api/profiles/{hidden.GetProperty("id").GetString()}/timeline", teamKey), HttpStatusCode.OK);
        Assert.Contains("[redacted]", timeline.EnumerateArray().Single(e => e.GetProperty("reference").GetString() == "m-2").GetProperty("details").GetString());

        // The catalog learns of the field from the arriving data (flushed in the background; written
        // here so the test does not wait), then its owner shares it with retail media.
        await Store.Store.Catalog.ObserveAsync(
            [new CatalogObservation(new CatalogFieldKey(DataType.Profile, "identify", "traits.email"), "string", "web", true, 1, DateTimeOffset.UtcNow)], Ct);
        await Json(await Send(HttpMethod.Put, "/api/catalog/fields",
            json: new { dataType = "profile", dataset = "identify", field = "traits.email", sharedWith = new[] { "retail media" } }), HttpStatusCode.OK);
        var shown = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:ann@example.com", teamKey), HttpStatusCode.OK);
        Assert.Equal("ann@example.com", shown.GetProperty("identifiers").EnumerateArray().Single(i => i.GetProperty("type").GetString() == "email").GetProperty("value").GetString());

        var admin = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=userId:u-1"), HttpStatusCode.OK);
        Assert.DoesNotContain("[redacted]", admin.GetRawText());
    }

    [Fact]
    public async Task An_admin_undoes_a_merge_and_a_team_may_not()
    {
        await TrackAsync("""
            {"batch":[
              {"type":"track","messageId":"m-1","anonymousId":"anon-a","event":"Product Viewed","timestamp":"2026-03-01T10:00:00Z"},
              {"type":"track","messageId":"m-2","anonymousId":"anon-b","event":"Product Viewed","timestamp":"2026-03-01T10:01:00Z"},
              {"type":"identify","messageId":"m-3","userId":"u-1","anonymousId":"anon-b","timestamp":"2026-03-01T10:02:00Z"},
              {"type":"alias","messageId":"m-4","userId":"u-1","previousId":"anon-a","timestamp":"2026-03-01T10:03:00Z"}
            ]}
            """);
        var merged = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=anonymousId:anon-b"), HttpStatusCode.OK);
        var id = merged.GetProperty("id").GetString()!;
        Assert.Equal(1, merged.GetProperty("merges").GetArrayLength());
        var teamKey = (await Json(await Send(HttpMethod.Post, "/api/keys", json: new { role = "team", team = "web" }), HttpStatusCode.Created))
            .GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/api/profiles/{id}/unmerge", teamKey, new { })).StatusCode);

        var result = await Json(await Send(HttpMethod.Post, $"/api/profiles/{id}/unmerge", json: new { }), HttpStatusCode.OK);

        Assert.Equal(2, result.GetProperty("profiles").GetArrayLength());
        var a = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=anonymousId:anon-a"), HttpStatusCode.OK);
        var b = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=anonymousId:anon-b"), HttpStatusCode.OK);
        Assert.NotEqual(a.GetProperty("id").GetString(), b.GetProperty("id").GetString());
        var again = await Send(HttpMethod.Post, $"/api/profiles/{id}/unmerge", json: new { mergeId = 1 });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }
}

public sealed class DuckDbProfileApiTests() : ProfileApiTests(StoreOptions.DuckDb);

public sealed class PostgresProfileApiTests() : ProfileApiTests(StoreOptions.Postgres);
