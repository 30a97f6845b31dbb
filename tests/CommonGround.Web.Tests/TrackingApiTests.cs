using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Web.Tests;

/// <summary>The Segment-compatible tracking API over real HTTP, on each storage provider.</summary>
public abstract class TrackingApiTests(string provider) : ServerTests(provider)
{
    async Task<HttpResponseMessage> PostAsync(string path, string body, string? writeKey = null) =>
        await Server.Http.SendAsync(Server.Track(path, body, writeKey), Ct);

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    static string Batch(params string[] events) => $$"""{"batch":[{{string.Join(",", events)}}]}""";

    [Fact]
    public async Task Accepted_events_are_stored_and_read_back_through_the_api()
    {
        var response = await PostAsync("/v1/batch", Batch(
            """{"type":"track","event":"Order Completed","userId":"u1","messageId":"m-1","properties":{"revenue":12.5},"timestamp":"2026-11-20T10:00:00Z"}""",
            """{"type":"identify","userId":"u1","messageId":"m-2","traits":{"email":"ann@example.com"}}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var stored = await Server.Http.SendAsync(Server.Api(HttpMethod.Get, "/api/events/m-1"), Ct);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var e = await stored.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("track", e.GetProperty("type").GetString());
        Assert.Equal("Order Completed", e.GetProperty("event").GetString());
        Assert.Equal(12.5, e.GetProperty("properties").GetProperty("revenue").GetDouble());
        Assert.Equal(Server.Source.Id, e.GetProperty("sourceId").GetString());
        Assert.Equal(2, await Store.Store.Events.CountAsync(Server.Source.Id, Ct));
    }

    [Theory]
    [InlineData("track", """{"userId":"u","event":"Signed Up","messageId":"s-1"}""")]
    [InlineData("identify", """{"userId":"u","traits":{"plan":"gold"},"messageId":"s-1"}""")]
    [InlineData("page", """{"anonymousId":"a","name":"Home","messageId":"s-1"}""")]
    [InlineData("screen", """{"anonymousId":"a","name":"Cart","messageId":"s-1"}""")]
    [InlineData("group", """{"userId":"u","groupId":"acme","messageId":"s-1"}""")]
    [InlineData("alias", """{"userId":"u","previousId":"a","messageId":"s-1"}""")]
    public async Task Each_single_call_endpoint_stores_its_type(string type, string body)
    {
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/" + type, body)).StatusCode);
        var stored = Assert.Single(await Store.Store.Events.FindByMessageIdAsync("s-1", Ct));
        Assert.Equal(type, stored.Type.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task A_retried_batch_stores_nothing_twice()
    {
        var body = Batch(
            """{"type":"track","event":"e","userId":"u","messageId":"r-1"}""",
            """{"type":"track","event":"e","userId":"u","messageId":"r-2"}""",
            """{"type":"track","event":"e","userId":"u","messageId":"r-2"}""");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/batch", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/v1/batch", body)).StatusCode);
        Assert.Equal(2, await Store.Store.Events.CountAsync(Server.Source.Id, Ct));
    }

    public static TheoryData<string, string, int?, string> Malformed => new()
    {
        { "missing ids", Batch("""{"type":"track","event":"e"}"""), 0, "userId" },
        { "wrong type of userId", Batch("""{"type":"track","event":"e","userId":true}"""), 0, "userId" },
        { "properties not an object", Batch("""{"type":"track","event":"e","userId":"u"}""", """{"type":"track","event":"e","userId":"u","properties":"x"}"""), 1, "properties" },
        { "invalid timestamp", Batch("""{"type":"track","event":"e","userId":"u","timestamp":"31/12/2026"}"""), 0, "timestamp" },
        { "bad json inside an event", """{"batch":[{"type":"track","event":"e","userId":"u"},{"type":"track",,}]}""", 1, "" },
        { "bad json envelope", """{"batch" [}""", null, "" },
        { "unknown type", Batch("""{"type":"purchase","userId":"u"}"""), 0, "type" },
        { "too many events", Batch(Enumerable.Repeat("""{"type":"track","event":"e","userId":"u"}""", 2_501).ToArray()), null, "batch" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_input_is_a_400_naming_index_and_field_and_stores_nothing(string _, string body, int? index, string field)
    {
        var problem = await ProblemAsync(await PostAsync("/v1/batch", body), HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors")[0];
        Assert.Equal(index, error.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : null);
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Equal(0, await Store.Store.Events.CountAsync(null, Ct));
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_naming_index_and_field()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"batch":[{"type":"track","event":"e","userId":"u","properties":{"city":"Li"""), 0xFF, 0xFE,
            .. Encoding.UTF8.GetBytes("\"}}]}")];
        var request = Server.Track("/v1/batch", "");
        request.Content = new ByteArrayContent(body);
        var problem = await ProblemAsync(await Server.Http.SendAsync(request, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(0, problem.GetProperty("errors")[0].GetProperty("index").GetInt32());
        Assert.Equal("properties.city", problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_event_over_32_KB_is_a_400_naming_its_index()
    {
        var big = """{"type":"track","event":"e","userId":"u","properties":{"blob":" """.TrimEnd() + new string('x', 33_000) + "\"}}";
        var problem = await ProblemAsync(await PostAsync("/v1/batch", Batch("""{"type":"track","event":"e","userId":"u"}""", big)), HttpStatusCode.BadRequest);
        Assert.Equal(1, problem.GetProperty("errors")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task A_request_over_500_KB_is_a_400()
    {
        var one = """{"type":"track","event":"e","userId":"u","properties":{"p":" """.TrimEnd() + new string('y', 20_000) + "\"}}";
        var problem = await ProblemAsync(await PostAsync("/v1/batch", Batch(Enumerable.Repeat(one, 30).ToArray())), HttpStatusCode.BadRequest);
        Assert.Contains("too large", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_request_is_kept_with_its_reason()
    {
        await PostAsync("/v1/batch", Batch("""{"type":"track","userId":"u"}"""));
        var rejects = await Server.Http.SendAsync(Server.Api(HttpMethod.Get, "/api/rejects"), Ct);
        var reject = Assert.Single((await rejects.Content.ReadFromJsonAsync<JsonElement>(Ct)).EnumerateArray());
        Assert.Contains("event", reject.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"userId\":\"u\"", reject.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_never_causes_a_500()
    {
        var random = new Random(42);
        string[] seeds =
        [
            Batch("""{"type":"track","event":"e","userId":"u","properties":{"a":[1,{"b":null}]}}"""),
            """{"userId":"u","event":"e","timestamp":"2026-01-01T00:00:00Z","context":{"ip":"1.2.3.4"}}""",
        ];
        for (var i = 0; i < 200; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(seeds[i % seeds.Length]);
            for (var flips = random.Next(1, 6); flips > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            var request = Server.Track(i % 2 == 0 ? "/v1/batch" : "/v1/track", "");
            request.Content = new ByteArrayContent(bytes);
            var response = await Server.Http.SendAsync(request, Ct);
            Assert.True((int)response.StatusCode < 500, $"mutation {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        }
    }

    [Fact]
    public async Task A_missing_write_key_is_a_401()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track") { Content = new StringContent("""{"userId":"u","event":"e"}""") };
        await ProblemAsync(await Server.Http.SendAsync(request, Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_write_key_is_a_401()
    {
        await ProblemAsync(await PostAsync("/v1/track", """{"userId":"u","event":"e"}""", writeKey: "nope"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_disabled_source_is_a_403()
    {
        var disable = await Server.Http.SendAsync(Server.Api(HttpMethod.Post, $"/api/sources/{Server.Source.Id}/disable"), Ct);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        await ProblemAsync(await PostAsync("/v1/track", """{"userId":"u","event":"e"}"""), HttpStatusCode.Forbidden);
        Assert.Equal(0, await Store.Store.Events.CountAsync(null, Ct));
    }

    [Fact]
    public async Task The_write_key_may_come_in_the_body()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/track")
        {
            Content = new StringContent($$"""{"writeKey":"{{Server.Source.WriteKey}}","userId":"u","event":"e","messageId":"wk-1"}"""),
        };
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.SendAsync(request, Ct)).StatusCode);
        Assert.Single(await Store.Store.Events.FindByMessageIdAsync("wk-1", Ct));
    }

    [Fact]
    public async Task A_gzip_body_without_a_json_content_type_is_accepted()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(Batch("""{"type":"track","event":"e","userId":"u","messageId":"gz-1"}""")), Ct);
        var request = Server.Track("/v1/batch", "");
        request.Content = new ByteArrayContent(compressed.ToArray());
        request.Content.Headers.ContentType = new("text/plain");
        request.Content.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.SendAsync(request, Ct)).StatusCode);
        Assert.Single(await Store.Store.Events.FindByMessageIdAsync("gz-1", Ct));
    }

    [Fact]
    public async Task Arriving_data_fills_the_catalog_with_its_owner_team()
    {
        await PostAsync("/v1/batch", Batch("""{"type":"identify","userId":"u","traits":{"email":"ann@example.com"}}"""));
        // The catalog is written off the acknowledgement path, within about a second.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        IReadOnlyList<Catalog.CatalogField> fields = [];
        while (DateTime.UtcNow < deadline && fields.Count == 0)
        {
            fields = (await Store.Store.Catalog.ListAsync(Catalog.DataType.Profile, Ct)).Where(f => f.Key.Field == "traits.email").ToList();
            if (fields.Count == 0) await Task.Delay(100, Ct);
        }
        var email = Assert.Single(fields);
        Assert.True(email.Personal);
        Assert.Equal("web", email.OwnerTeam);
    }
}

public sealed class DuckDbTrackingApiTests() : TrackingApiTests(StoreOptions.DuckDb);

public sealed class PostgresTrackingApiTests() : TrackingApiTests(StoreOptions.Postgres);
