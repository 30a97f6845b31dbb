using CommonGround.Storage;
using CommonGround.Storage.DuckDb;
using CommonGround.Storage.Postgres;
using Npgsql;
using Xunit;

namespace CommonGround.Testing;

/// <summary>
/// Throw-away stores that each test owns: a DuckDB file in its own temporary folder, or a PostgreSQL
/// schema of its own in the server that the test script starts (connection string in
/// <see cref="PostgresVariable"/>). Without that server a PostgreSQL test skips with the reason, except
/// in CI, where a missing server is a failure.
/// </summary>
public static class TestStores
{
    public const string PostgresVariable = "COMMONGROUND_TEST_POSTGRES";

    public static async Task<TestStore> CreateAsync(string provider, CancellationToken ct = default) => provider switch
    {
        StoreOptions.DuckDb => await CreateDuckDbAsync(ct),
        StoreOptions.Postgres => await CreatePostgresAsync(ct),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown provider."),
    };

    public static async Task<TestStore> CreateDuckDbAsync(CancellationToken ct = default)
    {
        var dir = Directory.CreateTempSubdirectory("cg-test-").FullName;
        var options = new StoreOptions { Provider = StoreOptions.DuckDb, DataDirectory = dir };
        var store = DuckDbStore.Open(dir);
        await store.MigrateAsync(ct);
        return new TestStore(store, options, () =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
            return Task.CompletedTask;
        });
    }

    public static async Task<TestStore> CreatePostgresAsync(CancellationToken ct = default)
    {
        var server = PostgresServerConnectionString();
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        var options = new StoreOptions { Provider = StoreOptions.Postgres, ConnectionString = connectionString };
        var store = new PostgresStore(connectionString);
        await store.MigrateAsync(ct);
        return new TestStore(store, options, async () =>
        {
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }

    /// <summary>The PostgreSQL server for tests, or a skip (a failure in CI) when none is configured.</summary>
    public static string PostgresServerConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        const string reason = PostgresVariable + " is not set: run ./test.sh, which starts a throw-away PostgreSQL.";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail(reason);
        Assert.Skip(reason);
        return "";
    }
}

/// <summary>A store, the options that open it again (for a second process or a restart), and its clean-up.</summary>
public sealed class TestStore(IStore store, StoreOptions options, Func<Task> cleanUp) : IAsyncDisposable
{
    public IStore Store { get; private set; } = store;
    public StoreOptions Options { get; } = options;

    /// <summary>Closes the store so another process can open it (DuckDB allows one writer process).</summary>
    public async Task CloseAsync()
    {
        await Store.DisposeAsync();
    }

    public async Task ReopenAsync(CancellationToken ct = default)
    {
        Store = await Web.Hosting.StoreFactory.OpenAsync(Options, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await cleanUp();
    }
}
