using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Storage.Tests;

/// <summary>
/// What every <see cref="IStore"/> must do, written once against the port. Each provider inherits it;
/// each test gets a store of its own (a fresh DuckDB file or PostgreSQL schema) and owns its data.
/// </summary>
public abstract partial class StoreConformanceTests(string provider) : IAsyncLifetime
{
    /// <summary>A fixed instant with microseconds, the finest time both providers keep.</summary>
    protected static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero)
        .AddTicks(7 * TimeSpan.TicksPerMicrosecond);

    private TestStore? _test;

    protected TestStore Test => _test ?? throw new InvalidOperationException("The store is not created yet.");
    protected IStore Store => Test.Store;
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _test = await TestStores.CreateAsync(provider, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_test is not null) await _test.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Store_names_its_provider() => Assert.Equal(provider, Store.Provider);

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);

        await Store.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);

        Assert.NotNull(await Store.Sources.FindAsync("src-1", Ct));
        Assert.Single(await Store.Sources.ListAsync(Ct));
    }

    [Fact]
    public async Task Data_is_still_there_after_the_store_is_reopened()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);
        await Store.Events.AppendAsync([NewEvent("src-1", "m-1")], Ct);

        await Test.CloseAsync();
        await Test.ReopenAsync(Ct);

        Assert.Equal(1, await Store.Events.CountAsync(null, Ct));
        Assert.NotNull(await Store.Sources.FindAsync("src-1", Ct));
    }
}
