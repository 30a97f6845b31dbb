using CommonGround.Events;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class EventStore(NpgsqlDataSource db) : IEventStore
    {
        private const string Columns =
            "source_id, message_id, type, name, category, user_id, anonymous_id, group_id, previous_id, " +
            "\"timestamp\", original_timestamp, sent_at, received_at, context, properties, traits, integrations";

        public async Task<int> AppendAsync(IReadOnlyList<TrackedEvent> events, CancellationToken ct)
        {
            if (events.Count == 0) return 0;

            // A batch may repeat a messageId (client retries inside one batch); the first one wins.
            var seen = new HashSet<(string SourceId, string MessageId)>(events.Count);
            var unique = new List<TrackedEvent>(events.Count);
            foreach (var e in events)
            {
                if (seen.Add((e.SourceId, e.MessageId))) unique.Add(e);
            }

            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);

            // The port promises durability on return, whatever the server's or role's default says.
            // Writers of evidence take turns, so the sequence they are numbered with is in commit order.
            await using (var create = new NpgsqlCommand(
                $"SET LOCAL synchronous_commit = on; {EvidenceLock}; CREATE TEMP TABLE events_incoming (LIKE events) ON COMMIT DROP",
                connection, tx))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            await using (var copy = await connection.BeginBinaryImportAsync(
                $"COPY events_incoming ({Columns}) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var e in unique)
                {
                    await copy.StartRowAsync(ct);
                    await WriteTextAsync(copy, e.SourceId, ct);
                    await WriteTextAsync(copy, e.MessageId, ct);
                    await copy.WriteAsync(e.Type.ToWire(), NpgsqlDbType.Text, ct);
                    await WriteTextAsync(copy, e.Name, ct);
                    await WriteTextAsync(copy, e.Category, ct);
                    await WriteTextAsync(copy, e.UserId, ct);
                    await WriteTextAsync(copy, e.AnonymousId, ct);
                    await WriteTextAsync(copy, e.GroupId, ct);
                    await WriteTextAsync(copy, e.PreviousId, ct);
                    await copy.WriteAsync(Utc(e.Timestamp), NpgsqlDbType.TimestampTz, ct);
                    await WriteTimeAsync(copy, e.OriginalTimestamp, ct);
                    await WriteTimeAsync(copy, e.SentAt, ct);
                    await copy.WriteAsync(Utc(e.ReceivedAt), NpgsqlDbType.TimestampTz, ct);
                    await WriteJsonAsync(copy, e.Context, ct);
                    await WriteJsonAsync(copy, e.Properties, ct);
                    await WriteJsonAsync(copy, e.Traits, ct);
                    await WriteJsonAsync(copy, e.Integrations, ct);
                }
                await copy.CompleteAsync(ct);
            }

            int inserted;
            // Key order makes concurrent batches that share keys wait for each other instead of deadlocking.
            await using (var insert = new NpgsqlCommand(
                $"""
                INSERT INTO events ({Columns})
                SELECT {Columns} FROM events_incoming ORDER BY source_id, message_id
                ON CONFLICT (source_id, message_id) DO NOTHING
                """, connection, tx))
            {
                inserted = await insert.ExecuteNonQueryAsync(ct);
            }

            await tx.CommitAsync(ct);
            return inserted;
        }

        public async Task<IReadOnlyList<TrackedEvent>> FindByMessageIdAsync(string messageId, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"SELECT {Columns} FROM events WHERE message_id = $1 ORDER BY source_id");
            command.Parameters.Add(Text(messageId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var found = new List<TrackedEvent>();
            while (await reader.ReadAsync(ct)) found.Add(ReadEvent(reader));
            return found;
        }

        public Task<long> CountAsync(string? sourceId, CancellationToken ct) =>
            PostgresStore.CountAsync(db, "events", sourceId, ct);

        public async Task AddRejectAsync(RejectedPayload reject, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                """
                INSERT INTO rejects (id, source_id, received_at, channel, reason, body)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO NOTHING
                """);
            command.Parameters.Add(Text(reject.Id));
            command.Parameters.Add(Text(reject.SourceId));
            command.Parameters.Add(Time(reject.ReceivedAt));
            command.Parameters.Add(Text(reject.Channel));
            command.Parameters.Add(Text(reject.Reason));
            command.Parameters.Add(Text(Truncate(reject.Body)));
            await command.ExecuteNonQueryAsync(ct);
        }

        public async Task<IReadOnlyList<RejectedPayload>> ListRejectsAsync(string? sourceId, int limit, CancellationToken ct)
        {
            if (limit <= 0) return [];
            await using var command = sourceId is null
                ? db.CreateCommand(
                    """
                    SELECT id, source_id, received_at, channel, reason, body FROM rejects
                    ORDER BY received_at DESC, seq DESC LIMIT $1
                    """)
                : db.CreateCommand(
                    """
                    SELECT id, source_id, received_at, channel, reason, body FROM rejects WHERE source_id = $2
                    ORDER BY received_at DESC, seq DESC LIMIT $1
                    """);
            command.Parameters.Add(Int(limit));
            if (sourceId is not null) command.Parameters.Add(Text(sourceId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rejects = new List<RejectedPayload>();
            while (await reader.ReadAsync(ct))
            {
                rejects.Add(new RejectedPayload
                {
                    Id = reader.GetString(0),
                    SourceId = NullableString(reader, 1),
                    ReceivedAt = Time(reader, 2),
                    Channel = reader.GetString(3),
                    Reason = reader.GetString(4),
                    Body = NullableString(reader, 5),
                });
            }
            return rejects;
        }

        private static TrackedEvent ReadEvent(NpgsqlDataReader reader) => new()
        {
            SourceId = reader.GetString(0),
            MessageId = reader.GetString(1),
            Type = EventTypes.TryParse(reader.GetString(2), out var type)
                ? type
                : throw new InvalidDataException($"Stored event has an unknown type '{reader.GetString(2)}'."),
            Name = NullableString(reader, 3),
            Category = NullableString(reader, 4),
            UserId = NullableString(reader, 5),
            AnonymousId = NullableString(reader, 6),
            GroupId = NullableString(reader, 7),
            PreviousId = NullableString(reader, 8),
            Timestamp = Time(reader, 9),
            OriginalTimestamp = NullableTime(reader, 10),
            SentAt = NullableTime(reader, 11),
            ReceivedAt = Time(reader, 12),
            Context = NullableString(reader, 13),
            Properties = NullableString(reader, 14),
            Traits = NullableString(reader, 15),
            Integrations = NullableString(reader, 16),
        };

        private static string? Truncate(string? body) =>
            body is { Length: > RejectedPayload.MaxBodyChars } ? body[..RejectedPayload.MaxBodyChars] : body;
    }

    internal static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(WithoutNul(value), NpgsqlDbType.Text, ct);

    internal static Task WriteJsonAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Json, ct);

    internal static Task WriteTimeAsync(NpgsqlBinaryImporter copy, DateTimeOffset? value, CancellationToken ct) =>
        value is { } t ? copy.WriteAsync(Utc(t), NpgsqlDbType.TimestampTz, ct) : copy.WriteNullAsync(ct);
}
