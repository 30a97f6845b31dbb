using System.Net.Http.Headers;
using System.Text;
using CommonGround.Access;
using CommonGround.Sources;
using CommonGround.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CommonGround.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (a free port) serving a test's store, with an admin key and a
/// source ready, and clients for both APIs.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    readonly WebApplication _app;

    RunningServer(WebApplication app, Uri address, string adminKey, Source source)
    {
        _app = app;
        Address = address;
        AdminKey = adminKey;
        Source = source;
        Http = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }
    public string AdminKey { get; }

    /// <summary>A source of team "web", enabled.</summary>
    public Source Source { get; }

    /// <summary>The server's services, to look at what it was configured with.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>A client with no credentials; set headers per request.</summary>
    public HttpClient Http { get; }

    public static async Task<RunningServer> StartAsync(TestStore store, Action<WebApplicationBuilder>? configure = null,
        CancellationToken ct = default)
    {
        var (key, secret) = Secrets.MintApiKey(ApiKeyRole.Admin, null, "tests", DateTimeOffset.UtcNow);
        await store.Store.ApiKeys.AddAsync(key, ct);
        var source = new Source
        {
            Id = Secrets.NewId(), Name = "web-" + Secrets.NewId(), Team = "web",
            WriteKey = Secrets.NewWriteKey(), CreatedAt = DateTimeOffset.UtcNow,
        };
        await store.Store.Sources.AddAsync(source, ct);

        var app = await CommonGroundApp.CreateAsync(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        }, new NonDisposingStore(store.Store), ct);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, new Uri(address), secret, source);
    }

    /// <summary>Resolves identities now, through everything stored, instead of waiting for the background run.</summary>
    public Task<long> ResolveAsync(CancellationToken ct) =>
        _app.Services.GetRequiredService<Identity.IdentityResolver>().CatchUpAsync(null, ct);

    public HttpRequestMessage Api(HttpMethod method, string path, string? key = null, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? AdminKey);
        if (json is not null) request.Content = System.Net.Http.Json.JsonContent.Create(json);
        return request;
    }

    public HttpRequestMessage Track(string path, string body, string? writeKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes((writeKey ?? Source.WriteKey) + ":")));
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The test owns the store; the server must not close it when it stops.</summary>
    sealed class NonDisposingStore(Storage.IStore inner) : Storage.IStore
    {
        public string Provider => inner.Provider;
        public Storage.IEventStore Events => inner.Events;
        public Storage.ISourceStore Sources => inner.Sources;
        public Storage.IApiKeyStore ApiKeys => inner.ApiKeys;
        public Storage.ICatalogStore Catalog => inner.Catalog;
        public Storage.IRecordStore Records => inner.Records;
        public Storage.IIdentityStore Identity => inner.Identity;
        public Storage.IProfileStore Profiles => inner.Profiles;
        public Storage.IAudienceStore Audiences => inner.Audiences;
        public Storage.ICampaignStore Campaigns => inner.Campaigns;
        public Storage.IContactPolicyStore ContactPolicy => inner.ContactPolicy;
        public Storage.ISuppressionListStore SuppressionLists => inner.SuppressionLists;
        public Task MigrateAsync(CancellationToken ct) => inner.MigrateAsync(ct);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
