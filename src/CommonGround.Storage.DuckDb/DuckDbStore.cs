using System.Reflection;
using CommonGround.Access;
using CommonGround.Audiences;
using CommonGround.Catalog;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Events;
using CommonGround.Records;
using CommonGround.Sources;
using DuckDB.NET.Data;

namespace CommonGround.Storage.DuckDb;

/// <summary>
/// The embedded default: one DuckDB file in the data directory. One process at a time may open it
/// (DuckDB's file lock); within the process, every operation uses its own connection to the shared
/// database instance, so the store is thread-safe.
/// </summary>
public sealed class DuckDbStore : IStore
{
    public const string FileName = "commonground.duckdb";

    readonly DuckDbDatabase _db;

    readonly DuckDbContactPolicyStore _contactPolicy;

    DuckDbStore(DuckDbDatabase db, string dataDirectory, TimeSpan journalMoveEvery)
    {
        _db = db;
        Events = new DuckDbEventStore(db);
        Sources = new DuckDbSourceStore(db);
        ApiKeys = new DuckDbApiKeyStore(db);
        Catalog = new DuckDbCatalogStore(db);
        Records = new DuckDbRecordStore(db);
        var summaries = new ProfileEventSummaries();
        Identity = new DuckDbIdentityStore(db, summaries);
        Profiles = new DuckDbProfileStore(db, Sources);
        Audiences = new DuckDbAudienceStore(db, summaries);
        Campaigns = new DuckDbCampaignStore(db, Audiences);
        ContactPolicy = _contactPolicy = new DuckDbContactPolicyStore(db, dataDirectory, journalMoveEvery);
        SuppressionLists = new DuckDbSuppressionListStore(db);
    }

    /// <summary>Opens (creating when missing) the store in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="StoreUnavailableException">Another process holds the file, or it cannot be created.</exception>
    public static DuckDbStore Open(string dataDirectory) => Open(dataDirectory, DuckDbContactPolicyStore.MoveEvery);

    /// <param name="journalMoveEvery">How often the contact journal's files move into the tables (tests slow it down).</param>
    internal static DuckDbStore Open(string dataDirectory, TimeSpan journalMoveEvery)
    {
        try
        {
            Directory.CreateDirectory(dataDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"Cannot create the data directory '{dataDirectory}': {ex.Message}", ex);
        }
        return new DuckDbStore(DuckDbDatabase.Open(Path.Combine(dataDirectory, FileName)), dataDirectory, journalMoveEvery);
    }

    public string Provider => StoreOptions.DuckDb;
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
        using var connection = _db.Connect();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText =
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)";
            await create.ExecuteNonQueryAsync(ct);
        }
        var applied = new HashSet<int>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));
        }
        foreach (var (version, sql) in Migrations())
        {
            if (applied.Contains(version)) continue;
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var migrate = connection.CreateCommand())
            {
                migrate.CommandText = sql;
                await migrate.ExecuteNonQueryAsync(ct);
            }
            await using (var record = connection.CreateCommand())
            {
                record.CommandText = "INSERT INTO schema_migrations VALUES ($v, now()::TIMESTAMP)";
                record.Parameters.Add(new DuckDBParameter("v", version));
                await record.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        // What a crash left in the contact journal's files goes into the tables before anything reads them.
        await _contactPolicy.MoveJournalAsync(ct);
    }

    static IEnumerable<(int Version, string Sql)> Migrations()
    {
        var assembly = typeof(DuckDbStore).Assembly;
        const string prefix = "CommonGround.Storage.DuckDb.Sql.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n[prefix.Length..].Split('_')[0], System.Globalization.CultureInfo.InvariantCulture),
                Sql: ReadResource(assembly, n)))
            .OrderBy(m => m.Version);
    }

    static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        // Rows still in the contact journal's files move into the tables while the database is open.
        await _contactPolicy.DisposeAsync();
        _db.Dispose();
    }
}
