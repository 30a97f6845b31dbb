using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text;
using CommonGround.Access;
using CommonGround.Sources;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Web.Tests;

/// <summary>
/// "A 2xx means committed": the server is killed with SIGKILL in the middle of a load, restarted,
/// and every messageId it acknowledged must be there.
/// </summary>
public abstract partial class CrashDurabilityTests(string provider)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A closed store (for a server process to open) with one source, and an admin key for the server to take.</summary>
    async Task<(TestStore Store, Source Source, string AdminKey)> WorkspaceAsync()
    {
        var store = await TestStores.CreateAsync(provider, Ct);
        var source = new Source
        {
            Id = Secrets.NewId(), Name = "crash", Team = "web", WriteKey = Secrets.NewWriteKey(), CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.Store.Sources.AddAsync(source, Ct);
        await store.CloseAsync();
        return (store, source, "crash-test-admin-" + Secrets.NewId());
    }

    [Fact]
    public async Task Every_acknowledged_event_survives_a_SIGKILL_during_load()
    {
        var (store, source, adminKey) = await WorkspaceAsync();
        await using var _ = store;

        var acknowledged = new ConcurrentBag<string>();
        await using (var server = await ServerProcess.StartAsync(store.Options, adminKey, Ct))
        {
            using var load = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = server.Address };
                http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(source.WriteKey + ":")));
                for (var batch = 0; !load.IsCancellationRequested; batch++)
                {
                    var ids = Enumerable.Range(0, 50).Select(i => $"s{sender}-b{batch}-e{i}").ToArray();
                    var body = "{\"batch\":[" + string.Join(",", ids.Select(id =>
                        $$"""{"type":"track","event":"Product Viewed","userId":"u{{id}}","messageId":"{{id}}","properties":{"sku":"SKU-{{id}}","price":9.99""" + "}}")) + "]}";
                    try
                    {
                        using var response = await http.PostAsync("/v1/batch", new StringContent(body), CancellationToken.None);
                        if (response.StatusCode == HttpStatusCode.OK) foreach (var id in ids) acknowledged.Add(id);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone: whatever was in flight was never acknowledged
                    }
                }
            })).ToArray();

            // Kill at an arbitrary moment once the load is well under way.
            while (acknowledged.Count < 3_000) await Task.Delay(20, Ct);
            await Task.Delay(Random.Shared.Next(0, 300), Ct);
            await server.KillAsync();
            await load.CancelAsync();
            await Task.WhenAll(senders);
        }

        Assert.True(acknowledged.Count >= 3_000);
        await using var restarted = await ServerProcess.StartAsync(store.Options, adminKey, Ct);
        var missing = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (id, ct) =>
        {
            using var response = await restarted.Http.GetAsync($"/api/events/{id}", ct);
            if (response.StatusCode != HttpStatusCode.OK) missing.Add(id);
        });
        Assert.Empty(missing);
    }
}

public abstract partial class CrashDurabilityTests
{
    [Fact]
    public async Task Every_reservation_given_survives_a_SIGKILL_during_decisions()
    {
        var (store, source, adminKey) = await WorkspaceAsync();
        await using var _ = store;
        const int customers = 600;

        var given = new ConcurrentBag<string>();
        var refused = new ConcurrentBag<string>();
        await using (var server = await ServerProcess.StartAsync(store.Options, adminKey, Ct))
        {
            var campaigns = new List<string>();
            foreach (var team in (string[])["loyalty", "retail-media", "social"])
            {
                using var created = await server.Http.PostAsJsonAsync("/api/campaigns", new
                {
                    name = $"Always on ({team})", team, channel = "directMail", category = "marketing",
                    schedule = new { kind = "oneOff", at = DateTimeOffset.UtcNow.AddDays(1) }, priority = 50, expectedValue = 1.0,
                }, Ct);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
                campaigns.Add((await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!);
            }
            using (var track = new HttpClient { BaseAddress = server.Address })
            {
                track.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(source.WriteKey + ":")));
                var body = "{\"batch\":[" + string.Join(",", Enumerable.Range(0, customers).Select(i =>
                    $$"""{"type":"identify","messageId":"id-{{i}}","userId":"u{{i}}"}""")) + "]}";
                Assert.Equal(HttpStatusCode.OK, (await track.PostAsync("/v1/batch", new StringContent(body), Ct)).StatusCode);
            }
            // Identity resolution runs in the background: wait until the last customer has a profile.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await server.Http.GetAsync($"/api/profiles?identifier=userId:u{customers - 1}", Ct)).StatusCode != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, "The customers were not resolved within a minute.");
                await Task.Delay(50, Ct);
            }

            using var load = new CancellationTokenSource();
            var callers = Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = server.Address };
                http.DefaultRequestHeaders.Authorization = new("Bearer", adminKey);
                for (var i = caller; !load.IsCancellationRequested; i += 8)
                {
                    try
                    {
                        using var response = await http.PostAsJsonAsync("/api/decisions",
                            new { identifier = $"userId:u{i % customers}", campaign = campaigns[i / customers % campaigns.Count] }, CancellationToken.None);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            refused.Add($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                            continue;
                        }
                        var decision = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                        if (decision.TryGetProperty("reservationId", out var id)) given.Add(id.GetString()!);
                    }
                    catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException or JsonException)
                    {
                        return; // the server is gone: whatever was in flight was never given
                    }
                }
            })).ToArray();

            while (given.Count < 200)
            {
                Assert.True(DateTime.UtcNow < deadline.AddSeconds(60) && refused.IsEmpty,
                    $"{given.Count} reservations within a minute; refused: {string.Join("; ", refused.Take(3))}; server: {server.Errors}");
                await Task.Delay(10, Ct);
            }
            await Task.Delay(Random.Shared.Next(0, 100), Ct);
            await server.KillAsync();
            await load.CancelAsync();
            await Task.WhenAll(callers);
        }

        // Each reservation answered "allow" must still be known, and count: confirming it works.
        await using var restarted = await ServerProcess.StartAsync(store.Options, adminKey, Ct);
        var lost = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(given, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (id, ct) =>
        {
            using var response = await restarted.Http.PostAsync($"/api/decisions/{id}/confirm", null, ct);
            if (response.StatusCode != HttpStatusCode.OK) lost.Add($"{id}: {(int)response.StatusCode}");
        });
        Assert.Empty(lost);
    }
}

public sealed class DuckDbCrashDurabilityTests() : CrashDurabilityTests(StoreOptions.DuckDb);

public sealed class PostgresCrashDurabilityTests() : CrashDurabilityTests(StoreOptions.Postgres);
