using CommonGround.ContactPolicy;
using CommonGround.Storage;
using CommonGround.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CommonGround.Ledger.Redis.Tests;

/// <summary>ContactPolicy:Ledger and ContactPolicy:Redis choose the server's ledger.</summary>
public sealed class LedgerConfigurationTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static Action<WebApplicationBuilder> Ledger(string ledger, string? redis = null) => builder =>
    {
        builder.Configuration["ContactPolicy:Ledger"] = ledger;
        builder.Configuration["ContactPolicy:Redis"] = redis;
        builder.Configuration["ContactPolicy:RedisKeyPrefix"] = TestRedis.NewPrefix();
    };

    [Fact]
    public async Task The_server_counts_in_the_Redis_Cluster_when_configured()
    {
        var seeds = TestRedis.Configuration();
        await using var store = await TestStores.CreateDuckDbAsync(Ct);
        await using var server = await RunningServer.StartAsync(store, Ledger("redis", seeds), Ct);
        Assert.IsType<RedisContactLedger>(server.Services.GetRequiredService<IContactLedger>());
    }

    [Fact]
    public async Task With_the_Redis_ledger_a_profile_still_lists_what_was_reserved_and_sent()
    {
        await using var store = await TestStores.CreateDuckDbAsync(Ct);
        await using var server = await RunningServer.StartAsync(store, Ledger("redis", TestRedis.Configuration()), Ct);
        var track = await server.Http.SendAsync(server.Track("/v1/batch",
            """{"batch":[{"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"ann@example.com"}}]}"""), Ct);
        track.EnsureSuccessStatusCode();
        await server.ResolveAsync(Ct);
        var campaign = await Json(await server.Http.SendAsync(server.Api(HttpMethod.Post, "/api/campaigns", json: new
        {
            name = "Gold tier offer", team = "loyalty", channel = "directMail", category = "marketing",
            schedule = new { kind = "oneOff", at = "2026-05-05T09:00:00Z" }, priority = 60, expectedValue = 0.8,
        }), Ct));
        var decision = await Json(await server.Http.SendAsync(server.Api(HttpMethod.Post, "/api/decisions",
            json: new { identifier = "email:ann@example.com", campaign = campaign.GetProperty("id").GetString() }), Ct));
        Assert.Equal("allow", decision.GetProperty("decision").GetString());
        var reservation = decision.GetProperty("reservationId").GetString();

        var contacts = await Json(await server.Http.SendAsync(server.Api(HttpMethod.Get, $"/api/profiles/{decision.GetProperty("profileId").GetString()}/contacts"), Ct));
        var received = contacts.GetProperty("received").EnumerateArray().Single();
        Assert.Equal((reservation, "reserved", "Gold tier offer"),
            (received.GetProperty("reservationId").GetString(), received.GetProperty("state").GetString(), received.GetProperty("campaignName").GetString()));
    }

    static async Task<System.Text.Json.JsonElement> Json(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task The_server_counts_in_the_embedded_ledger_by_default()
    {
        await using var store = await TestStores.CreateDuckDbAsync(Ct);
        await using var server = await RunningServer.StartAsync(store, ct: Ct);
        Assert.IsNotType<RedisContactLedger>(server.Services.GetRequiredService<IContactLedger>());
    }

    [Theory]
    [InlineData("redis", "127.0.0.1:1,connectTimeout=500", "'127.0.0.1:1' cannot be reached")]
    [InlineData("redis", null, "ContactPolicy:Redis is empty")]
    [InlineData("memcached", null, "Unknown contact ledger 'memcached'")]
    public async Task A_ledger_that_cannot_be_used_stops_the_start_with_a_message(string ledger, string? redis, string expected)
    {
        await using var store = await TestStores.CreateDuckDbAsync(Ct);
        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => RunningServer.StartAsync(store, Ledger(ledger, redis), Ct));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
