using CommonGround.Events;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbEventStore(DuckDbDatabase db) : IEventStore
{
    const string Columns =
        "source_id, message_id, type, name, category, user_id, anonymous_id, group_id, previous_id, " +
        "timestamp, original_timestamp, sent_at, received_at, context, properties, traits, integrations, seq, profile_id";

    public async Task<int> AppendAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return 0;
        await db.WriteLock.WaitAsync(ct);
        try
        {
            return Append(events);
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    int Append(IReadOnlyList<TrackedEvent> events)
    {
        // A batch may repeat a messageId (client retries inside one batch); the first one wins.
        var seen = new HashSet<(string SourceId, string MessageId)>(events.Count);
        var unique = new List<TrackedEvent>(events.Count);
        foreach (var e in events)
        {
            if (seen.Add((e.SourceId, e.MessageId))) unique.Add(e);
        }

        // Almost every batch is new: append it straight into events, and let the primary key refuse
        // the rare batch that repeats a stored messageId. Only then take the slower path through a
        // staging table with INSERT OR IGNORE. Either way it is one transaction.
        using var connection = db.Connect();
        try
        {
            using var tx = connection.BeginTransaction();
            var seq = db.ReserveSequence(connection, unique.Count);
            using (var appender = connection.CreateAppender("events"))
            {
                foreach (var e in unique) DuckDbEventRow.Append(appender, e, seq++);
            }
            tx.Commit();
            return unique.Count;
        }
        catch (DuckDBException ex) when (IsDuplicateKey(ex))
        {
            // Rolled back by the transaction's disposal; nothing of this batch is stored yet.
        }
        return AppendSkippingStored(connection, unique, db.ReserveSequence(connection, unique.Count));
    }

    static bool IsDuplicateKey(DuckDBException ex) =>
        ex.ErrorType == DuckDB.NET.Native.DuckDBErrorType.Constraint ||
        ex.Message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase);

    static int AppendSkippingStored(DuckDBConnection connection, List<TrackedEvent> unique, long seq)
    {
        using (var staging = connection.Command(
            "CREATE TEMP TABLE IF NOT EXISTS staging_events AS SELECT * FROM events LIMIT 0"))
            staging.ExecuteNonQuery();

        using var tx = connection.BeginTransaction();
        using (var appender = connection.CreateAppender("temp", "main", "staging_events"))
        {
            foreach (var e in unique) DuckDbEventRow.Append(appender, e, seq++);
        }
        int inserted;
        using (var insert = connection.Command($"INSERT OR IGNORE INTO events SELECT {Columns} FROM staging_events"))
            inserted = insert.ExecuteNonQuery();
        using (var clear = connection.Command("DELETE FROM staging_events"))
            clear.ExecuteNonQuery();
        tx.Commit();
        return inserted;
    }

    public Task<IReadOnlyList<TrackedEvent>> FindByMessageIdAsync(string messageId, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"SELECT {Columns} FROM events WHERE message_id = $id ORDER BY source_id", ("id", messageId));
        using var reader = command.ExecuteReader();
        var found = new List<TrackedEvent>();
        while (reader.Read()) found.Add(Read(reader));
        return Task.FromResult<IReadOnlyList<TrackedEvent>>(found);
    }

    static TrackedEvent Read(DuckDBDataReader r) => new()
    {
        SourceId = r.GetString(0),
        MessageId = r.GetString(1),
        Type = EventTypes.TryParse(r.GetString(2), out var type) ? type : throw new InvalidDataException($"Unknown event type '{r.GetString(2)}'."),
        Name = NullableString(r, 3),
        Category = NullableString(r, 4),
        UserId = NullableString(r, 5),
        AnonymousId = NullableString(r, 6),
        GroupId = NullableString(r, 7),
        PreviousId = NullableString(r, 8),
        Timestamp = Time(r, 9),
        OriginalTimestamp = NullableTime(r, 10),
        SentAt = NullableTime(r, 11),
        ReceivedAt = Time(r, 12),
        Context = NullableString(r, 13),
        Properties = NullableString(r, 14),
        Traits = NullableString(r, 15),
        Integrations = NullableString(r, 16),
    };

    public Task<long> CountAsync(string? sourceId, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = sourceId is null
            ? connection.Command("SELECT count(*) FROM events")
            : connection.Command("SELECT count(*) FROM events WHERE source_id = $s", ("s", sourceId));
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task AddRejectAsync(RejectedPayload reject, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "INSERT INTO rejects VALUES ($id, $source, $at, $channel, $reason, $body)",
            ("id", reject.Id), ("source", Db(reject.SourceId)), ("at", Db(reject.ReceivedAt)),
            ("channel", reject.Channel), ("reason", reject.Reason), ("body", Db(reject.Body)));
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RejectedPayload>> ListRejectsAsync(string? sourceId, int limit, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "SELECT id, source_id, received_at, channel, reason, body FROM rejects " +
            "WHERE $source IS NULL OR source_id = $source ORDER BY received_at DESC, id LIMIT $limit",
            ("source", Db(sourceId)), ("limit", limit));
        using var r = command.ExecuteReader();
        var list = new List<RejectedPayload>();
        while (r.Read())
        {
            list.Add(new RejectedPayload
            {
                Id = r.GetString(0),
                SourceId = NullableString(r, 1),
                ReceivedAt = Time(r, 2),
                Channel = r.GetString(3),
                Reason = r.GetString(4),
                Body = NullableString(r, 5),
            });
        }
        return Task.FromResult<IReadOnlyList<RejectedPayload>>(list);
    }
}

/// <summary>
/// Writes one event as a row of the events table's columns, in order. Public so that the benchmark's
/// raw-appender baseline writes exactly what the store writes.
/// </summary>
public static class DuckDbEventRow
{
    /// <param name="seq">The event's number in the store-wide evidence sequence.</param>
    public static void Append(DuckDBAppender appender, TrackedEvent e, long seq)
    {
        var row = appender.CreateRow()
            .AppendValue(e.SourceId).AppendValue(e.MessageId).AppendValue(e.Type.ToWire())
            .AppendValue(e.Name).AppendValue(e.Category)
            .AppendValue(e.UserId).AppendValue(e.AnonymousId).AppendValue(e.GroupId).AppendValue(e.PreviousId)
            .AppendValue(e.Timestamp.UtcDateTime);
        row = e.OriginalTimestamp is { } ot ? row.AppendValue(ot.UtcDateTime) : row.AppendNullValue();
        row = e.SentAt is { } sa ? row.AppendValue(sa.UtcDateTime) : row.AppendNullValue();
        row.AppendValue(e.ReceivedAt.UtcDateTime)
            .AppendValue(e.Context).AppendValue(e.Properties).AppendValue(e.Traits).AppendValue(e.Integrations)
            .AppendValue(seq)
            .AppendNullValue() // profile_id: set when identity resolution saves the step that resolved the event
            .EndRow();
    }
}
