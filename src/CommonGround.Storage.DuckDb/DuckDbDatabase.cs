using DuckDB.NET.Data;

namespace CommonGround.Storage.DuckDb;

/// <summary>
/// The open database file. An anchor connection holds the file (and DuckDB's process lock) for the
/// store's lifetime; <see cref="Connect"/> gives each operation a connection of its own to the same
/// database instance, which DuckDB makes cheap.
/// </summary>
sealed class DuckDbDatabase : IDisposable
{
    /// <summary>
    /// How much write-ahead log DuckDB gathers before it checkpoints into the database file (its
    /// default is 16 MB). Each checkpoint compresses and rewrites the last, partly filled row group of
    /// every table written to, so at DuckDB's default a steady stream of events rewrote each row group
    /// several times: at 256 MB the server spent about half the CPU per event (docs/benchmarks.md).
    /// The cost is a longer log to replay when the process restarts after a crash.
    /// </summary>
    const string CheckpointThreshold = "256MB";

    readonly string _connectionString;
    readonly DuckDBConnection _anchor;

    DuckDbDatabase(string connectionString, DuckDBConnection anchor)
    {
        _connectionString = connectionString;
        _anchor = anchor;
    }

    public static DuckDbDatabase Open(string path)
    {
        var connectionString = $"Data Source={path}";
        var anchor = new DuckDBConnection(connectionString);
        try
        {
            anchor.Open();
        }
        catch (DuckDBException ex) when (ex.Message.Contains("lock", StringComparison.OrdinalIgnoreCase))
        {
            anchor.Dispose();
            throw new StoreUnavailableException(
                $"The store '{path}' is in use by another process (a running `commonground serve`?). " +
                "Stop that process, use its HTTP API instead, or point --data at another folder.", ex);
        }
        catch (DuckDBException ex)
        {
            anchor.Dispose();
            throw new StoreUnavailableException($"Cannot open the store '{path}': {ex.Message}", ex);
        }
        using (var settings = anchor.CreateCommand())
        {
            settings.CommandText = $"SET checkpoint_threshold = '{CheckpointThreshold}'";
            settings.ExecuteNonQuery();
        }
        return new DuckDbDatabase(connectionString, anchor);
    }

    /// <summary>
    /// DuckDB checks unique keys against committed data only, so two transactions inserting the same
    /// key both pass and one fails at commit. Writers that may collide take turns; DuckDB has one
    /// writer at a time anyway, so this costs no throughput.
    /// </summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    long _sequence = -1;

    /// <summary>
    /// Reserves <paramref name="count"/> numbers of the store-wide evidence sequence (events and
    /// customer records share it) and returns the first. Call while holding <see cref="WriteLock"/>:
    /// writers take turns, so numbers are given in commit order. A rolled-back write leaves a gap.
    /// </summary>
    public long ReserveSequence(DuckDBConnection connection, int count)
    {
        if (_sequence < 0)
        {
            using var max = connection.Command(
                "SELECT greatest(coalesce((SELECT max(seq) FROM events), 0), coalesce((SELECT max(seq) FROM customers), 0))");
            _sequence = Convert.ToInt64(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        var first = _sequence + 1;
        _sequence += count;
        return first;
    }

    public DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        _anchor.Dispose();
        WriteLock.Dispose();
    }
}

static class DuckDbValues
{
    public static object Db(string? value) => (object?)value ?? DBNull.Value;
    public static object Db(DateTimeOffset? value) => value is { } v ? v.UtcDateTime : DBNull.Value;
    public static object Db(DateTimeOffset value) => value.UtcDateTime;

    public static DateTimeOffset Time(DuckDBDataReader r, int i) =>
        new(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));

    public static DateTimeOffset? NullableTime(DuckDBDataReader r, int i) =>
        r.IsDBNull(i) ? null : Time(r, i);

    public static string? NullableString(DuckDBDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static DuckDBCommand Command(this DuckDBConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.Add(new DuckDBParameter(name, value));
        return command;
    }
}
