using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Web.Tests;

/// <summary>
/// Segment's and RudderStack's own Node.js clients, from npm, pointed at CommonGround by changing only
/// their host: what they send must be stored and readable through the API.
/// </summary>
public abstract class ClientCompatibilityTests(string provider) : ServerTests(provider)
{
    [Fact]
    public async Task Segment_analytics_node_calls_are_stored_and_read_back()
    {
        var run = "seg" + Guid.NewGuid().ToString("N")[..8];
        var sent = await RunClientAsync("send-segment.mjs", Server.Address.ToString().TrimEnd('/'), run);
        Assert.Equal(["identify", "track", "page", "group"], sent.Select(s => s.Type));

        var events = await ReadBackAsync(sent);
        Assert.Equal("Order Completed", events["track"].GetProperty("event").GetString());
        Assert.Equal(42.5, events["track"].GetProperty("properties").GetProperty("revenue").GetDouble());
        Assert.Equal($"{run}@example.com", events["identify"].GetProperty("traits").GetProperty("email").GetString());
        Assert.Equal("Checkout", events["page"].GetProperty("name").GetString());
        Assert.Equal($"acme-{run}", events["group"].GetProperty("groupId").GetString());
        Assert.All(events.Values, e => Assert.Equal($"user-{run}", e.GetProperty("userId").GetString()));
        Assert.Equal("@segment/analytics-node",
            events["track"].GetProperty("context").GetProperty("library").GetProperty("name").GetString());
    }

    [Fact]
    public async Task RudderStack_node_sdk_gzip_calls_are_stored_and_read_back()
    {
        var run = "rud" + Guid.NewGuid().ToString("N")[..8];
        var sent = await RunClientAsync("send-rudder.mjs", Server.Address.ToString().TrimEnd('/'), run);

        var events = await ReadBackAsync(sent);
        Assert.Equal("Product Viewed", events["track"].GetProperty("event").GetString());
        Assert.Equal($"{run}@example.org", events["identify"].GetProperty("traits").GetProperty("email").GetString());
    }

    async Task<Dictionary<string, JsonElement>> ReadBackAsync(IReadOnlyList<Sent> sent)
    {
        var found = new Dictionary<string, JsonElement>();
        foreach (var s in sent)
        {
            var response = await Server.Http.SendAsync(Server.Api(HttpMethod.Get, $"/api/events/{s.MessageId}"), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{s.Type} {s.MessageId}: {(int)response.StatusCode}");
            var e = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(s.Type, e.GetProperty("type").GetString());
            found[s.Type] = e;
        }
        return found;
    }

    async Task<IReadOnlyList<Sent>> RunClientAsync(string script, string host, string run)
    {
        var folder = Repository.ClientsFolder();
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[script, host, Server.Source.WriteKey, run]) start.ArgumentList.Add(arg);
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync(Ct);
        var error = node.StandardError.ReadToEndAsync(Ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"{script} exited {node.ExitCode}: {await error}");
        using var json = JsonDocument.Parse(await output);
        return [.. json.RootElement.GetProperty("sent").EnumerateArray()
            .Select(s => new Sent(s.GetProperty("type").GetString()!, s.GetProperty("messageId").GetString()!))];
    }

    sealed record Sent(string Type, string MessageId);
}

public sealed class DuckDbClientCompatibilityTests() : ClientCompatibilityTests(StoreOptions.DuckDb);

public sealed class PostgresClientCompatibilityTests() : ClientCompatibilityTests(StoreOptions.Postgres);
