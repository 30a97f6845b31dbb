using CommonGround.ContactPolicy;
using CommonGround.Identity;
using Npgsql;
using NpgsqlTypes;
using static CommonGround.Storage.ContactPolicyRows;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class ContactPolicyStore(NpgsqlDataSource db) : IContactPolicyStore
    {
        public async Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand($"SELECT {VersionColumns} FROM contact_policy_versions ORDER BY number");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var versions = new List<PolicyVersion>();
            while (await reader.ReadAsync(ct)) versions.Add(Version(reader));
            return versions;
        }

        public async Task AddPolicyVersionAsync(PolicyVersion version, CancellationToken ct)
        {
            await using var command = db.CreateCommand($"INSERT INTO contact_policy_versions ({VersionColumns}) VALUES ($1, $2, $3, $4, $5)");
            foreach (var value in Values(version)) command.Parameters.Add(Parameter(value));
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException($"Version {version.Number} of the contact policy exists already: another change came first. Start from it and try again.");
            }
        }

        public async Task AppendJournalAsync(IReadOnlyList<LedgerChange> changes, IReadOnlyList<HeldBackDecision> heldBack, CancellationToken ct)
        {
            if (changes.Count == 0 && heldBack.Count == 0) return;
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (changes.Count > 0) await CopyAsync(connection, "contact_ledger", LedgerColumns, changes.Select(Values), ct);
            if (heldBack.Count > 0) await CopyAsync(connection, "contact_held_back", HeldBackColumns, heldBack.Select(Values), ct);
            await tx.CommitAsync(ct);
        }

        private static async Task CopyAsync(NpgsqlConnection connection, string table, string columns, IEnumerable<object?[]> rows, CancellationToken ct)
        {
            await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var values in rows)
            {
                await importer.StartRowAsync(ct);
                foreach (var value in values)
                {
                    switch (value)
                    {
                        case null: await importer.WriteNullAsync(ct); break;
                        case long l: await importer.WriteAsync(l, NpgsqlDbType.Bigint, ct); break;
                        case int i: await importer.WriteAsync(i, NpgsqlDbType.Integer, ct); break;
                        case string s: await importer.WriteAsync(WithoutNul(s)!, NpgsqlDbType.Text, ct); break;
                        case decimal d: await importer.WriteAsync(d, NpgsqlDbType.Numeric, ct); break;
                        case DateTimeOffset t: await importer.WriteAsync(Utc(t), NpgsqlDbType.TimestampTz, ct); break;
                        default: throw new InvalidOperationException($"No PostgreSQL copy value for {value.GetType().Name}.");
                    }
                }
            }
            await importer.CompleteAsync(ct);
        }

        public async Task<IReadOnlyList<LedgerChange>> ReadJournalAsync(ProfileId? profile, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var sql = $"SELECT {LedgerColumns} FROM contact_ledger WHERE ((message_at >= $1 AND message_at < $2) OR (message_at IS NULL AND recorded_at >= $3))";
            if (profile is not null) sql += " AND profile_id = $4";
            await using var command = db.CreateCommand(sql + " ORDER BY recorded_at");
            command.Parameters.Add(Time(from));
            command.Parameters.Add(Time(to));
            command.Parameters.Add(Time(from - LedgerChange.SettleWithin));
            if (profile is { } p) command.Parameters.Add(Long(p.Value));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var changes = new List<LedgerChange>();
            while (await reader.ReadAsync(ct)) changes.Add(Change(reader));
            return changes;
        }

        public async Task<IReadOnlyList<HeldBackDecision>> ListHeldBackAsync(ProfileId profile, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"SELECT {HeldBackColumns} FROM contact_held_back WHERE profile_id = $1 AND message_at >= $2 AND message_at < $3 ORDER BY message_at DESC, decided_at DESC LIMIT $4");
            command.Parameters.Add(Long(profile.Value));
            command.Parameters.Add(Time(from));
            command.Parameters.Add(Time(to));
            command.Parameters.Add(Int(limit));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var decisions = new List<HeldBackDecision>();
            while (await reader.ReadAsync(ct)) decisions.Add(HeldBack(reader));
            return decisions;
        }

        private static NpgsqlParameter Parameter(object? value) => value switch
        {
            int i => Int(i),
            string s => Text(s),
            DateTimeOffset t => Time(t),
            null => Text(null),
            _ => throw new InvalidOperationException($"No PostgreSQL parameter for {value.GetType().Name}."),
        };
    }
}
