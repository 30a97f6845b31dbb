using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CommonGround.Profiles;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

/// <summary>
/// PostgreSQL provider for shared deployments. Tables live in the first schema of the connection's
/// search path, so one database can hold several workspaces (or several tests) side by side.
/// Thread-safe: every call takes its own pooled connection from one <see cref="NpgsqlDataSource"/>.
/// </summary>
public sealed partial class PostgresStore : IStore
{
    private readonly NpgsqlDataSource _db;

    public PostgresStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _db = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StoreUnavailableException(
                $"The PostgreSQL connection string is not valid ({ex.Message}). Check Store:ConnectionString.", ex);
        }

        Events = new EventStore(_db);
        Sources = new SourceStore(_db);
        ApiKeys = new ApiKeyStore(_db);
        Catalog = new CatalogStore(_db);
        Records = new RecordStore(_db);
        var summaries = new ProfileEventSummaries();
        Identity = new IdentityStore(_db, summaries);
        Profiles = new ProfileStore(_db, Sources);
        Audiences = new AudienceStore(_db, summaries);
        Campaigns = new CampaignStore(_db, Audiences);
        ContactPolicy = new ContactPolicyStore(_db);
        SuppressionLists = new SuppressionListStore(_db);
    }

    public string Provider => StoreOptions.Postgres;

    /// <summary>
    /// Taken by every transaction that writes events or customers: they commit one at a time, so the
    /// evidence sequence numbers they take are in commit order and the identity resolver never skips
    /// a number that commits late. Per schema, like the tables.
    /// </summary>
    internal const string EvidenceLock =
        "SELECT pg_advisory_xact_lock(hashtextextended('commonground.evidence:' || coalesce(current_schema(), ''), 0))";

    public IEventStore Events { get; }
    public ISourceStore Sources { get; }
    public IApiKeyStore ApiKeys { get; }
    public ICatalogStore Catalog { get; }
    public IRecordStore Records { get; }
    public IIdentityStore Identity { get; }
    public IProfileStore Profiles { get; }
    public IAudienceStore Audiences { get; }
    public ICampaignStore Campaigns { get; }
    public IContactPolicyStore ContactPolicy { get; }
    public ISuppressionListStore SuppressionLists { get; }

    public async Task MigrateAsync(CancellationToken ct)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _db.OpenConnectionAsync(ct);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw Unreachable(ex);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidCatalogName
            or PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw Unreachable(ex);
        }

        await using (connection)
        {
            try
            {
                await ApplyMigrationsAsync(connection, ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidSchemaName)
            {
                throw new StoreUnavailableException(
                    $"The PostgreSQL search path names no existing schema ('{new NpgsqlConnectionStringBuilder(_db.ConnectionString).SearchPath}'). " +
                    "Create the schema or fix Search Path in Store:ConnectionString.", ex);
            }
        }
    }

    private static async Task ApplyMigrationsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);

        // Two processes starting at once: the second waits here, then finds the versions applied.
        // The lock is per schema so that workspaces (and tests) in one database do not queue.
        await using (var lockCommand = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(hashtextextended('commonground.migrate:' || coalesce(current_schema(), ''), 0))",
            connection, tx))
        {
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await using (var create = new NpgsqlCommand(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    int         NOT NULL PRIMARY KEY,
                applied_at timestamptz NOT NULL
            )
            """, connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));
        }

        foreach (var migration in Migrations.Value)
        {
            if (applied.Contains(migration.Version)) continue;
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, tx))
            {
                await apply.ExecuteNonQueryAsync(ct);
            }
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())", connection, tx);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
            await record.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();

    private StoreUnavailableException Unreachable(NpgsqlException ex)
    {
        var builder = new NpgsqlConnectionStringBuilder(_db.ConnectionString);
        return new StoreUnavailableException(
            $"Cannot open the PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port} " +
            $"({ex.Message}). Check Store:ConnectionString and that the server is running.", ex);
    }

    private sealed record Migration(int Version, string Sql);

    private static readonly Lazy<IReadOnlyList<Migration>> Migrations = new(LoadMigrations);

    /// <summary>The embedded Sql/NNNN_name.sql files, by version.</summary>
    private static IReadOnlyList<Migration> LoadMigrations()
    {
        var assembly = typeof(PostgresStore).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(name);
            if (!match.Success) continue;
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"Embedded migration {name} cannot be read.");
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture),
                reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
                throw new InvalidOperationException($"Two embedded migrations have version {migrations[i].Version}.");
        }
        return migrations;
    }

    [GeneratedRegex(@"\.Sql\.(?<version>[0-9]+)_[^.]+\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex MigrationName();

    // Parameters are positional ($1, $2, ...) and typed, so that nulls need no inference.

    internal static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)WithoutNul(value) ?? DBNull.Value };

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, which JSON lets a client send inside a string ("a\u0000b").
    /// Rather than fail a whole batch (other clients' events included), NUL becomes U+FFFD, the same way
    /// on every write and lookup, so de-duplication and finding by id still agree.
    /// </summary>
    internal static string? WithoutNul(string? value) =>
        value is not null && value.Contains('\0', StringComparison.Ordinal) ? value.Replace('\0', '\uFFFD') : value;

    internal static NpgsqlParameter Json(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Json, Value = (object?)value ?? DBNull.Value };

    internal static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } t ? Utc(t) : DBNull.Value };

    internal static NpgsqlParameter Bool(bool? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = value is { } b ? b : DBNull.Value };

    internal static NpgsqlParameter Int(int value) => new NpgsqlParameter<int> { TypedValue = value };

    internal static NpgsqlParameter Long(long value) => new NpgsqlParameter<long> { TypedValue = value };

    /// <summary>Npgsql writes timestamptz only from UTC values.</summary>
    internal static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

    internal static string? NullableString(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) =>
        reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal static async Task<long> CountAsync(NpgsqlDataSource db, string table, string? sourceId, CancellationToken ct)
    {
        await using var command = sourceId is null
            ? db.CreateCommand($"SELECT count(*) FROM {table}")
            : db.CreateCommand($"SELECT count(*) FROM {table} WHERE source_id = $1");
        if (sourceId is not null) command.Parameters.Add(Text(sourceId));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
