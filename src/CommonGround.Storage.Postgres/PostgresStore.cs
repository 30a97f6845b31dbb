namespace CommonGround.Storage.Postgres;

/// <summary>PostgreSQL provider for shared deployments (being written on its own branch).</summary>
public sealed class PostgresStore : IStore
{
    public PostgresStore(string connectionString) =>
        throw new StoreUnavailableException("The PostgreSQL provider is not available in this build. " + connectionString.Length);

    public string Provider => StoreOptions.Postgres;
    public IEventStore Events => throw new NotSupportedException();
    public ISourceStore Sources => throw new NotSupportedException();
    public IApiKeyStore ApiKeys => throw new NotSupportedException();
    public ICatalogStore Catalog => throw new NotSupportedException();
    public IRecordStore Records => throw new NotSupportedException();
    public Task MigrateAsync(CancellationToken ct) => Task.CompletedTask;
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
