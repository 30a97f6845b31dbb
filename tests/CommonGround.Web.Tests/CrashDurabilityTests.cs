using System.Collections.Concurrent;
using System.Net;
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
public abstract class CrashDurabilityTests(string provider)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_acknowledged_event_survives_a_SIGKILL_during_load()
    {
        await using var store = await TestStores.CreateAsync(provider, Ct);
        var source = new Source
        {
            Id = Secrets.NewId(), Name = "crash", Team = "web", WriteKey = Secrets.NewWriteKey(), CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.Store.Sources.AddAsync(source, Ct);
        await store.CloseAsync();
        var adminKey = "crash-test-admin-" + Secrets.NewId();

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

public sealed class DuckDbCrashDurabilityTests() : CrashDurabilityTests(StoreOptions.DuckDb);

public sealed class PostgresCrashDurabilityTests() : CrashDurabilityTests(StoreOptions.Postgres);
