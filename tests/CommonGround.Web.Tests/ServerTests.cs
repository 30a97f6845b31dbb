using CommonGround.Testing;

namespace CommonGround.Web.Tests;

/// <summary>Each test gets its own store on the given provider and a real server in front of it.</summary>
public abstract class ServerTests(string provider) : IAsyncLifetime
{
    protected string Provider => provider;
    protected TestStore Store { get; private set; } = null!;
    protected RunningServer Server { get; private set; } = null!;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

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
