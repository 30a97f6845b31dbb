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
            if (profile is not null) sql += $" AND {OfProfileAndAbsorbed("$4")}";
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
                $"SELECT {HeldBackColumns} FROM contact_held_back WHERE {OfProfileAndAbsorbed("$1")} AND message_at >= $2 AND message_at < $3 ORDER BY message_at DESC, decided_at DESC LIMIT $4");
            command.Parameters.Add(Long(profile.Value));
            command.Parameters.Add(Time(from));
            command.Parameters.Add(Time(to));
            command.Parameters.Add(Int(limit));
            await using var reader = await command.ExecuteReaderAsync(ct);
            var decisions = new List<HeldBackDecision>();
            while (await reader.ReadAsync(ct)) decisions.Add(HeldBack(reader));
            return decisions;
        }

        public Task<ContactFacts?> FindContactFactsAsync(Identifier identifier, CancellationToken ct) => FactsAsync(
            "SELECT coalesce((SELECT survivor_id FROM profile_survivors WHERE profile_id = i.profile_id), i.profile_id) AS id " +
            "FROM profile_identifiers i WHERE i.type = $1 AND i.value = $2 AND i.profile_id IS NOT NULL", [Text(identifier.Type), Text(identifier.Value)], ct);

        public Task<ContactFacts?> GetContactFactsAsync(ProfileId profile, CancellationToken ct) => FactsAsync(
            "SELECT coalesce((SELECT survivor_id FROM profile_survivors WHERE profile_id = $1), $1) AS id", [Long(profile.Value)], ct);

        /// <summary>One round trip: the surviving profile <paramref name="who"/> names, its derived row and its marketing consents.</summary>
        private async Task<ContactFacts?> FactsAsync(string who, NpgsqlParameter[] parameters, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"WITH who AS ({who}) SELECT p.profile_id, t.household_id, t.time_zone, t.refreshed_at, c.channel, c.granted FROM who " +
                "JOIN profiles p ON p.profile_id = who.id AND p.merged_into IS NULL AND NOT p.retired " +
                "LEFT JOIN profile_traits t ON t.profile_id = p.profile_id " +
                "LEFT JOIN profile_consents c ON c.profile_id = p.profile_id AND c.purpose = 'marketing'");
            command.Parameters.AddRange(parameters);
            long id;
            string? household, zone;
            DateTimeOffset? refreshed;
            var consents = new List<(string, bool)>();
            // Disposed once, at the end of this block: Npgsql reuses a connection's reader object, so a
            // second dispose after the connection went back to the pool would close another caller's reader.
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                if (!await r.ReadAsync(ct)) return null;
                (id, household, zone, refreshed) = (r.GetInt64(0), NullableString(r, 1), NullableString(r, 2), NullableTime(r, 3));
                do
                {
                    if (!r.IsDBNull(4)) consents.Add((r.GetString(4), r.GetBoolean(5)));
                }
                while (await r.ReadAsync(ct));
            }
            await using var listed = db.CreateCommand(SuppressionRows.ListsOf(name => "@" + name));
            listed.Parameters.Add(new NpgsqlParameter<long>("profile", id));
            var lists = new List<string>();
            await using (var l = await listed.ExecuteReaderAsync(ct))
            {
                while (await l.ReadAsync(ct)) lists.Add(l.GetString(0));
            }
            return new ContactFacts(new ProfileId(id), household, zone, ContactFacts.ConsentsOf(consents), refreshed, lists.Count > 0 ? lists : null);
        }

        public async Task<IReadOnlyList<ContactDirectoryEntry>> ReadContactDirectoryAsync(IReadOnlyCollection<ProfileId>? profiles, int limit, CancellationToken ct)
        {
            var chosen = profiles is null
                ? "SELECT profile_id FROM profile_traits ORDER BY last_seen DESC NULLS LAST, profile_id LIMIT $1"
                : "SELECT DISTINCT unnest($1::bigint[]) AS profile_id";
            NpgsqlParameter Chosen() => profiles is null ? Int(limit) : new NpgsqlParameter<long[]> { TypedValue = [.. profiles.Select(p => p.Value)] };
            var rows = new ContactDirectoryRows();
            await using var batch = db.CreateBatch();
            foreach (var sql in new[]
            {
                $"WITH d AS ({chosen}) SELECT t.profile_id, t.household_id, t.time_zone, t.refreshed_at FROM profile_traits t JOIN d ON d.profile_id = t.profile_id " +
                "JOIN profiles p ON p.profile_id = t.profile_id AND p.merged_into IS NULL AND NOT p.retired",
                $"WITH d AS ({chosen}) SELECT c.profile_id, c.channel, c.granted FROM profile_consents c JOIN d ON d.profile_id = c.profile_id WHERE c.purpose = 'marketing'",
                $"WITH d AS ({chosen}) SELECT i.profile_id, i.type, i.value FROM profile_identifiers i JOIN d ON d.profile_id = i.profile_id WHERE i.type <> 'anonymousId'",
                $"WITH d AS ({chosen}) SELECT l.profile_id, l.lists FROM ({SuppressionRows.ListsPerProfile}) l JOIN d ON d.profile_id = l.profile_id",
            })
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(Chosen());
                batch.BatchCommands.Add(command);
            }
            await using var r = await batch.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) rows.Profile(r.GetInt64(0), NullableString(r, 1), NullableString(r, 2), NullableTime(r, 3));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) rows.Consent(r.GetInt64(0), r.GetString(1), r.GetBoolean(2));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) rows.Identifier(r.GetInt64(0), r.GetString(1), r.GetString(2));
            await r.NextResultAsync(ct);
            while (await r.ReadAsync(ct)) rows.Lists(r.GetInt64(0), r.GetString(1));
            return rows.Build();
        }

        public async Task<IReadOnlyList<ContactFactsChange>> ChangedContactFactsAsync(DateTimeOffset since, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "WITH changed AS (SELECT profile_id, refreshed_at FROM profile_traits WHERE refreshed_at > $1) " +
                "SELECT profile_id, refreshed_at FROM changed " +
                "UNION ALL SELECT s.profile_id, c.refreshed_at FROM profile_survivors s JOIN changed c ON c.profile_id = s.survivor_id");
            command.Parameters.Add(Time(since));
            await using var r = await command.ExecuteReaderAsync(ct);
            var changes = new List<ContactFactsChange>();
            while (await r.ReadAsync(ct)) changes.Add(new ContactFactsChange(new ProfileId(r.GetInt64(0)), Time(r, 1)));
            return changes;
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
