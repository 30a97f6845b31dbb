using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Testing;

namespace CommonGround.Web.Tests;

/// <summary>Each test gets its own store on the given provider and a real server in front of it.</summary>
public abstract class ServerTests(string provider) : IAsyncLifetime
{
    protected string Provider => provider;
    protected TestStore Store { get; private set; } = null!;
    protected RunningServer Server { get; private set; } = null!;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected Task<HttpResponseMessage> Send(HttpMethod method, string path, string? key = null, object? json = null) =>
        Server.Http.SendAsync(Server.Api(method, path, key, json), Ct);

    protected static async Task<JsonElement> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>A new API key of the team, made by the admin key.</summary>
    protected async Task<string> TeamKeyAsync(string team) =>
        (await Json(await Send(HttpMethod.Post, "/api/keys", json: new { role = "team", team }), HttpStatusCode.Created))
            .GetProperty("secret").GetString()!;

    /// <summary>Stops the server and starts a new one on the same store, as a restart would.</summary>
    protected async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await RunningServer.StartAsync(Store, ct: Ct);
    }

    public async ValueTask InitializeAsync()
    {
        Store = await TestStores.CreateAsync(provider, Ct);
        Server = await RunningServer.StartAsync(Store, ct: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
