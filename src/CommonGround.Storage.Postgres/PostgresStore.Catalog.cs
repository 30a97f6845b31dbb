using CommonGround.Catalog;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class CatalogStore(NpgsqlDataSource db) : ICatalogStore
    {
        private const string Select =
            "SELECT data_type, dataset, field, value_type, owner_team, personal, declared, description, " +
            "first_seen, last_seen, seen_count, shared_with FROM catalog_fields";

        private const string Order = "ORDER BY data_type, dataset, field";

        public async Task ObserveAsync(IReadOnlyCollection<CatalogObservation> observations, CancellationToken ct)
        {
            if (observations.Count == 0) return;

            // One row per key: ON CONFLICT cannot touch the same row twice in one statement. Key order
            // makes concurrent observations of the same fields queue instead of deadlocking.
            var rows = CatalogObservations.Merge(observations.Select(WithoutNul))
                .OrderBy(r => r.Key.DataType.ToWire(), StringComparer.Ordinal)
                .ThenBy(r => r.Key.Dataset, StringComparer.Ordinal)
                .ThenBy(r => r.Key.Field, StringComparer.Ordinal)
                .ToList();

            await using var command = db.CreateCommand(
                """
                INSERT INTO catalog_fields AS c
                    (data_type, dataset, field, value_type, owner_team, personal, declared,
                     first_seen, last_seen, seen_count)
                SELECT t.data_type, t.dataset, t.field, t.value_type, t.owner_team, t.personal, false,
                       t.first_seen, t.last_seen, t.seen_count
                FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) WITH ORDINALITY
                    AS t(data_type, dataset, field, value_type, owner_team, personal, first_seen, last_seen, seen_count, ord)
                ORDER BY t.ord
                ON CONFLICT (data_type, dataset, field) DO UPDATE SET
                    seen_count = c.seen_count + excluded.seen_count,
                    first_seen = least(c.first_seen, excluded.first_seen),
                    last_seen = greatest(c.last_seen, excluded.last_seen),
                    value_type = CASE WHEN excluded.last_seen >= c.last_seen
                                      THEN excluded.value_type ELSE c.value_type END,
                    personal = CASE WHEN c.declared THEN c.personal ELSE c.personal OR excluded.personal END
                """);
            command.Parameters.Add(Array(rows.Select(r => r.Key.DataType.ToWire()), NpgsqlDbType.Text));
            command.Parameters.Add(Array(rows.Select(r => r.Key.Dataset), NpgsqlDbType.Text));
            command.Parameters.Add(Array(rows.Select(r => r.Key.Field), NpgsqlDbType.Text));
            command.Parameters.Add(Array(rows.Select(r => r.ValueType), NpgsqlDbType.Text));
            command.Parameters.Add(Array(rows.Select(r => r.Team), NpgsqlDbType.Text));
            command.Parameters.Add(Array(rows.Select(r => r.LooksPersonal), NpgsqlDbType.Boolean));
            command.Parameters.Add(Array(rows.Select(r => r.FirstSeen.UtcDateTime), NpgsqlDbType.TimestampTz));
            command.Parameters.Add(Array(rows.Select(r => r.LastSeen.UtcDateTime), NpgsqlDbType.TimestampTz));
            command.Parameters.Add(Array(rows.Select(r => r.Count), NpgsqlDbType.Bigint));
            await command.ExecuteNonQueryAsync(ct);
        }

        public async Task<IReadOnlyList<CatalogField>> ListAsync(DataType? dataType, CancellationToken ct)
        {
            await using var command = dataType is { } type
                ? db.CreateCommand($"{Select} WHERE data_type = $1 {Order}")
                : db.CreateCommand($"{Select} {Order}");
            if (dataType is { } t) command.Parameters.Add(Text(t.ToWire()));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var fields = new List<CatalogField>();
            while (await reader.ReadAsync(ct)) fields.Add(ReadField(reader));
            return fields;
        }

        public async Task<CatalogField?> FindAsync(CatalogFieldKey key, CancellationToken ct)
        {
            await using var command = db.CreateCommand($"{Select} WHERE data_type = $1 AND dataset = $2 AND field = $3");
            AddKey(command, key);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadField(reader) : null;
        }

        public async Task<CatalogField?> UpdateAsync(CatalogFieldKey key, CatalogFieldEdit edit, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                """
                UPDATE catalog_fields SET
                    owner_team = coalesce($4, owner_team),
                    personal = coalesce($5, personal),
                    description = coalesce($6, description),
                    shared_with = coalesce($7, shared_with),
                    declared = true
                WHERE data_type = $1 AND dataset = $2 AND field = $3
                RETURNING data_type, dataset, field, value_type, owner_team, personal, declared, description,
                          first_seen, last_seen, seen_count, shared_with
                """);
            AddKey(command, key);
            command.Parameters.Add(Text(edit.OwnerTeam));
            command.Parameters.Add(Bool(edit.Personal));
            command.Parameters.Add(Text(edit.Description));
            command.Parameters.Add(Text(CatalogSharing.Write(edit.SharedWith)));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadField(reader) : null;
        }

        /// <summary>Field names come from clients' JSON, which may hold NUL; see <see cref="PostgresStore.WithoutNul(string?)"/>.</summary>
        private static CatalogObservation WithoutNul(CatalogObservation o) => o with
        {
            Key = o.Key with { Dataset = PostgresStore.WithoutNul(o.Key.Dataset)!, Field = PostgresStore.WithoutNul(o.Key.Field)! },
            ValueType = PostgresStore.WithoutNul(o.ValueType)!,
            Team = PostgresStore.WithoutNul(o.Team)!,
        };

        private static void AddKey(NpgsqlCommand command, CatalogFieldKey key)
        {
            command.Parameters.Add(Text(key.DataType.ToWire()));
            command.Parameters.Add(Text(key.Dataset));
            command.Parameters.Add(Text(key.Field));
        }

        private static NpgsqlParameter Array<T>(IEnumerable<T> values, NpgsqlDbType elementType) =>
            new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values.ToArray() };

        private static CatalogField ReadField(NpgsqlDataReader reader) => new()
        {
            Key = new CatalogFieldKey(DataTypes.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2)),
            ValueType = reader.GetString(3),
            OwnerTeam = reader.GetString(4),
            Personal = reader.GetBoolean(5),
            Declared = reader.GetBoolean(6),
            Description = NullableString(reader, 7),
            FirstSeen = Time(reader, 8),
            LastSeen = Time(reader, 9),
            SeenCount = reader.GetInt64(10),
            SharedWith = CatalogSharing.Read(NullableString(reader, 11)),
        };

    }
}
