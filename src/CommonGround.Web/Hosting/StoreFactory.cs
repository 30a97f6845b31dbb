using CommonGround.Storage;
using CommonGround.Storage.DuckDb;
using CommonGround.Storage.Postgres;

namespace CommonGround.Web.Hosting;

/// <summary>Opens the configured store and brings its schema up to date. Shared by the web host and the CLI.</summary>
public static class StoreFactory
{
    public static async Task<IStore> OpenAsync(StoreOptions options, CancellationToken ct)
    {
        IStore store = options.Provider switch
        {
            StoreOptions.DuckDb => DuckDbStore.Open(options.DataDirectory),
            StoreOptions.Postgres => new PostgresStore(options.ConnectionString is { Length: > 0 } cs
                ? cs
                : throw new StoreUnavailableException(
                    "Store:Provider is 'postgres' but no connection string is set. Set Store:ConnectionString " +
                    "(environment variable Store__ConnectionString) or pass --connection-string.")),
            _ => throw new StoreUnavailableException(
                $"Unknown store provider '{options.Provider}'. Use 'duckdb' (the default) or 'postgres'."),
        };
        try
        {
            await store.MigrateAsync(ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
