using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Catalog;
using CommonGround.Storage;

namespace CommonGround.Web.Tests;

/// <summary>Audiences through the API: saving by text or JSON, errors with positions, explain, preview, snapshots, who may edit.</summary>
public abstract class AudienceApiTests(string provider) : ServerTests(provider)
{
    /// <summary>Ann (gold, two orders) and Bob (silver, none), resolved, and the catalog fields the rules name.</summary>
    async Task PeopleAsync()
    {
        var response = await Server.Http.SendAsync(Server.Track("/v1/batch", """
            {"batch":[
              {"type":"identify","messageId":"m-1","userId":"u-ann","traits":{"email":"ann@example.com","loyalty_tier":"gold"},"timestamp":"2026-03-01T10:00:00Z"},
              {"type":"track","messageId":"m-2","userId":"u-ann","event":"Order Completed","properties":{"order_id":"o-1","revenue":30},"timestamp":"2026-03-01T10:05:00Z"},
              {"type":"track","messageId":"m-3","userId":"u-ann","event":"Order Completed","properties":{"order_id":"o-2","revenue":40},"timestamp":"2026-03-02T10:05:00Z"},
              {"type":"identify","messageId":"m-4","userId":"u-bob","traits":{"email":"bob@example.com","loyalty_tier":"silver"},"timestamp":"2026-03-01T11:00:00Z"}
            ]}
            """), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Server.ResolveAsync(Ct);
        // The catalog learns these from the arriving data in the background; written here so the test does not wait.
        var now = DateTimeOffset.UtcNow;
        await Store.Store.Catalog.ObserveAsync(
        [
            new CatalogObservation(new CatalogFieldKey(DataType.Profile, "identify", "traits.loyalty_tier"), "string", "web", false, 2, now),
            new CatalogObservation(new CatalogFieldKey(DataType.Profile, "identify", "traits.email"), "string", "web", true, 2, now),
            new CatalogObservation(new CatalogFieldKey(DataType.Transactional, "Order Completed", "properties.revenue"), "number", "web", false, 2, now),
        ], Ct);
    }

    [Fact]
    public async Task An_audience_is_saved_explained_previewed_and_snapshotted()
    {
        await PeopleAsync();
        var web = await TeamKeyAsync("web");

        var created = await Json(await Send(HttpMethod.Post, "/api/audiences", web,
            new { name = "gold buyers", text = "loyalty_tier = \"gold\" and count of \"Order Completed\" >= 2" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("web", created.GetProperty("team").GetString());
        Assert.Equal("and", created.GetProperty("rule").GetProperty("kind").GetString());
        Assert.True(created.GetProperty("canEdit").GetBoolean());
        Assert.Contains("gold", created.GetProperty("explanation").GetString());

        var listed = await Json(await Send(HttpMethod.Get, "/api/audiences"), HttpStatusCode.OK);
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());

        var explained = await Json(await Send(HttpMethod.Get, $"/api/audiences/{id}/explain?asOf=2026-04-01T00:00:00Z"), HttpStatusCode.OK);
        Assert.StartsWith("People ", explained.GetProperty("explanation").GetString());
        var sql = explained.GetProperty("sql").GetString()!;
        Assert.Contains("$1", sql);
        Assert.DoesNotContain("gold", sql);
        Assert.Contains(explained.GetProperty("parameters").EnumerateArray(), p => p.ValueKind == JsonValueKind.String && p.GetString() == "gold");
        Assert.Equal(Provider, explained.GetProperty("provider").GetString());

        var preview = await Json(await Send(HttpMethod.Post, "/api/audiences/preview", json: new { text = "has email", sample = 5 }), HttpStatusCode.OK);
        Assert.Equal(2, preview.GetProperty("size").GetInt64());
        Assert.Equal(["ann@example.com", "bob@example.com"], preview.GetProperty("sample").EnumerateArray().Select(s => s.GetProperty("email").GetString()));
        Assert.Contains(preview.GetProperty("reach").EnumerateArray(), r => r.GetProperty("channel").GetString() == "email" && r.GetProperty("people").GetInt64() == 0);

        var snapshot = await Json(await Send(HttpMethod.Post, $"/api/audiences/{id}/snapshots", json: new { asOf = "2026-04-01T00:00:00Z" }), HttpStatusCode.Created);
        Assert.Equal(1, snapshot.GetProperty("members").GetInt64());
        var snapshots = await Json(await Send(HttpMethod.Get, $"/api/audiences/{id}/snapshots"), HttpStatusCode.OK);
        var snapshotId = Assert.Single(snapshots.EnumerateArray()).GetProperty("id").GetInt64();
        var members = await Json(await Send(HttpMethod.Get, $"/api/audiences/{id}/snapshots/{snapshotId}/members"), HttpStatusCode.OK);
        var ann = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=userId:u-ann"), HttpStatusCode.OK);
        Assert.Equal(ann.GetProperty("id").GetString(), Assert.Single(members.EnumerateArray()).GetProperty("profileId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, $"/api/audiences/{id}/snapshots/{snapshotId + 99}/members")).StatusCode);

        var renamed = await Json(await Send(HttpMethod.Put, $"/api/audiences/{id}", web, new { name = "gold", rule = JsonDocument.Parse(
            """{"kind":"compare","trait":{"level":"person","name":"loyalty_tier"},"operator":"equal","value":{"type":"text","value":"gold"}}""").RootElement }),
            HttpStatusCode.OK);
        Assert.Equal("loyalty_tier = \"gold\"", renamed.GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, $"/api/audiences/{id}", web)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, $"/api/audiences/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_rule_that_cannot_be_read_is_a_400_with_line_and_column()
    {
        var problem = await Json(await Send(HttpMethod.Post, "/api/audiences", json: new { name = "x", text = "loyalty_tier = \"gold\"\nand city contians \"x\"" }),
            HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal((2, 10), (error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()));
        Assert.Contains("Did you mean 'contains'?", error.GetProperty("message").GetString());
        Assert.Contains("line 2, column 10", problem.GetProperty("detail").GetString());

        var json = await Json(await Send(HttpMethod.Post, "/api/audiences/preview", json: new { rule = new { kind = "compare" } }), HttpStatusCode.BadRequest);
        Assert.Equal("The audience rule cannot be read.", json.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, "/api/audiences", json: new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Post, "/api/audiences", json: new { name = " ", text = "has email" })).StatusCode);
    }

    [Fact]
    public async Task A_rule_naming_what_does_not_exist_is_a_422_with_every_message()
    {
        await PeopleAsync();

        var problem = await Json(await Send(HttpMethod.Post, "/api/audiences",
            json: new { name = "x", text = "loyalty_teir = \"gold\" and did \"Order Complete\"\nand in audience \"nobody\"" }), (HttpStatusCode)422);

        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(3, errors.Count);
        Assert.Contains("Did you mean 'loyalty_tier'?", errors[0].GetProperty("message").GetString());
        Assert.Equal((1, 1), (errors[0].GetProperty("line").GetInt32(), errors[0].GetProperty("column").GetInt32()));
        Assert.Contains("Order Completed", errors[1].GetProperty("message").GetString());
        Assert.Equal(2, errors[2].GetProperty("line").GetInt32());

        await Json(await Send(HttpMethod.Post, "/api/audiences", json: new { name = "a", text = "has email" }), HttpStatusCode.Created);
        var a = (await Json(await Send(HttpMethod.Get, "/api/audiences"), HttpStatusCode.OK))[0].GetProperty("id").GetString();
        await Json(await Send(HttpMethod.Post, "/api/audiences", json: new { name = "b", text = "in audience \"a\"" }), HttpStatusCode.Created);
        var cycle = await Json(await Send(HttpMethod.Put, $"/api/audiences/{a}", json: new { text = "in audience \"b\"" }), (HttpStatusCode)422);
        Assert.Contains("\"a\" → \"b\" → \"a\"", cycle.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Delete, $"/api/audiences/{a}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Post, "/api/audiences", json: new { name = "a", text = "has email" })).StatusCode);
        // "b" refers to "a" by name: renaming "a" would break it, as the builder also says.
        var renamed = await Json(await Send(HttpMethod.Put, $"/api/audiences/{a}", json: new { name = "a2" }), HttpStatusCode.Conflict);
        Assert.Contains("\"b\" use \"a\" by its name", renamed.GetProperty("detail").GetString());
        await Json(await Send(HttpMethod.Put, $"/api/audiences/{a}", json: new { description = "still a" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Every_team_reads_every_audience_and_edits_only_its_own()
    {
        await PeopleAsync();
        var web = await TeamKeyAsync("web");
        var media = await TeamKeyAsync("retail media");
        var created = await Json(await Send(HttpMethod.Post, "/api/audiences", web, new { name = "gold", text = "loyalty_tier = \"gold\"" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;

        var seen = await Json(await Send(HttpMethod.Get, $"/api/audiences/{id}", media), HttpStatusCode.OK);
        Assert.False(seen.GetProperty("canEdit").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/api/audiences/{id}/explain", media)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, $"/api/audiences/{id}", media, new { text = "has email" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, $"/api/audiences/{id}", media)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, $"/api/audiences/{id}", json: new { description = "set by an admin" })).StatusCode);

        var unauthenticated = await Server.Http.GetAsync("/api/audiences", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);

        // Sample members follow the catalog: e-mail is personal and owned by web, so retail media sees it redacted.
        var preview = await Json(await Send(HttpMethod.Post, "/api/audiences/preview", media, new { text = "loyalty_tier = \"gold\"" }), HttpStatusCode.OK);
        Assert.Equal("[redacted]", Assert.Single(preview.GetProperty("sample").EnumerateArray()).GetProperty("email").GetString());
    }
}

public sealed class DuckDbAudienceApiTests() : AudienceApiTests(StoreOptions.DuckDb);

public sealed class PostgresAudienceApiTests() : AudienceApiTests(StoreOptions.Postgres);
