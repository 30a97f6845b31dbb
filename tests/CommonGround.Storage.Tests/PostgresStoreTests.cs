using CommonGround.Catalog;
using CommonGround.Storage.Postgres;
using CommonGround.Testing;
using Npgsql;

namespace CommonGround.Storage.Tests;

public sealed class PostgresStoreTests() : StoreConformanceTests(StoreOptions.Postgres)
{
    [Fact]
    public async Task Processes_migrating_one_schema_at_once_apply_each_migration_once()
    {
        var server = TestStores.PostgresServerConnectionString();
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(server, $"CREATE SCHEMA {schema}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
            var stores = Enumerable.Range(0, 4).Select(_ => new PostgresStore(connectionString)).ToList();
            try
            {
                await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct), Ct)));

                await stores[0].Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);
                Assert.NotNull(await stores[3].Sources.FindAsync("src-1", Ct));
            }
            finally
            {
                foreach (var s in stores) await s.DisposeAsync();
            }

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(Ct);
            await using var count = new NpgsqlCommand(
                "SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
            await using var reader = await count.ExecuteReaderAsync(Ct);
            await reader.ReadAsync(Ct);
            Assert.True(reader.GetInt64(0) > 0);
            Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        }
        finally
        {
            await ExecuteAsync(server, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_unavailable()
    {
        // Port 1 on loopback: nothing listens there, so the connection is refused at once.
        await using var store = new PostgresStore("Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=5");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(Ct));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_path_naming_no_existing_schema_is_reported_as_unavailable()
    {
        var missing = "t_missing_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(TestStores.PostgresServerConnectionString())
        {
            SearchPath = missing,
        }.ConnectionString;
        await using var store = new PostgresStore(connectionString);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(Ct));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NUL_character_sent_inside_an_id_does_not_fail_the_batch()
    {
        // JSON lets a client send "\u0000" in a string; PostgreSQL text cannot hold it.
        var stored = await Store.Events.AppendAsync(
            [NewEvent("src-web", "m-\0-1") with { UserId = "user\0" }, NewEvent("src-web", "m-2")], Ct);

        Assert.Equal(2, stored);
        Assert.Single(await Store.Events.FindByMessageIdAsync("m-\0-1", Ct));
        Assert.Equal(0, await Store.Events.AppendAsync([NewEvent("src-web", "m-\0-1")], Ct));
    }

    [Fact]
    public async Task A_NUL_character_in_a_field_name_does_not_fail_the_catalog()
    {
        var key = new CatalogFieldKey(DataType.Behavioural, "Page Viewed", "properties.a\0b");

        await Store.Catalog.ObserveAsync([Observe(key, T0), Observe(Revenue, T0)], Ct);

        Assert.Equal(1, (await Store.Catalog.FindAsync(key, Ct))?.SeenCount);
        Assert.NotNull(await Store.Catalog.FindAsync(Revenue, Ct));
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
