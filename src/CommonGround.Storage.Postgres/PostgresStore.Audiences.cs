using System.Data;
using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

/// <summary>PostgreSQL's SQL: JSON paths as text[] with #>>, numbers checked by pattern before the cast, times by cg_try_timestamptz.</summary>
public sealed class PostgresSqlDialect : SqlDialect
{
    public static PostgresSqlDialect Instance { get; } = new();

    public override string Name => StoreOptions.Postgres;

    public override string JsonText(string json, string path) => $"({json} #>> {path})";

    public override object JsonPath(IReadOnlyList<string> members) => members.ToArray();

    public override string TryNumber(string text) =>
        $"(CASE WHEN {text} ~ '^\\s*-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\s*$' THEN ({text})::numeric END)";

    public override string TryTimestamp(string text) => $"cg_try_timestamptz({text})";
}

public sealed partial class PostgresStore
{
    /// <summary>
    /// Audiences on PostgreSQL: definitions in <c>audiences</c>, rules compiled by <see cref="AudienceSqlCompiler"/>
    /// and run as one statement each, snapshots written by INSERT ... SELECT, and the derived relations
    /// recomputed for queued profiles with <see cref="ProfileTraitRow"/>.
    /// </summary>
    private sealed class AudienceStore(NpgsqlDataSource db, ProfileEventSummaries summaries) : IAudienceStore
    {
        private const string Columns = "id, name, team, description, rule::text, text, created_by, created_at, updated_by, updated_at";
        private static readonly AudienceSqlCompiler Compiler = new(PostgresSqlDialect.Instance);
        private readonly SemaphoreSlim _refreshGate = new(1, 1);

        public async Task AddAsync(Audience audience, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "INSERT INTO audiences (id, name, team, description, rule, text, created_by, created_at, updated_by, updated_at) " +
                "VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)");
            command.Parameters.Add(Text(audience.Id));
            command.Parameters.Add(Text(audience.Name));
            command.Parameters.Add(Text(audience.Team));
            command.Parameters.Add(Text(audience.Description));
            command.Parameters.Add(Text(AudienceJson.Serialize(audience.Definition)));
            command.Parameters.Add(Text(audience.Text));
            command.Parameters.Add(Text(audience.CreatedBy));
            command.Parameters.Add(Time(audience.CreatedAt));
            command.Parameters.Add(Text(audience.UpdatedBy));
            command.Parameters.Add(Time(audience.UpdatedAt));
            await UniqueAsync(() => command.ExecuteNonQueryAsync(ct), audience.Name);
        }

        public async Task<bool> UpdateAsync(Audience audience, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "UPDATE audiences SET name = $2, description = $3, rule = $4::jsonb, text = $5, updated_by = $6, updated_at = $7 WHERE id = $1");
            command.Parameters.Add(Text(audience.Id));
            command.Parameters.Add(Text(audience.Name));
            command.Parameters.Add(Text(audience.Description));
            command.Parameters.Add(Text(AudienceJson.Serialize(audience.Definition)));
            command.Parameters.Add(Text(audience.Text));
            command.Parameters.Add(Text(audience.UpdatedBy));
            command.Parameters.Add(Time(audience.UpdatedAt));
            return await UniqueAsync(() => command.ExecuteNonQueryAsync(ct), audience.Name) > 0;
        }

        private static async Task<int> UniqueAsync(Func<Task<int>> write, string name)
        {
            try
            {
                return await write();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException($"An audience named \"{name}\" exists already. Choose another name.");
            }
        }

        public async Task<Audience?> FindAsync(string id, CancellationToken ct) =>
            (await QueryAsync($"SELECT {Columns} FROM audiences WHERE id = $1", ct, Text(id))).FirstOrDefault();

        public async Task<Audience?> FindByNameAsync(string name, CancellationToken ct) =>
            (await QueryAsync($"SELECT {Columns} FROM audiences WHERE name = $1", ct, Text(name))).FirstOrDefault();

        public async Task<IReadOnlyList<Audience>> ListAsync(CancellationToken ct) =>
            await QueryAsync($"SELECT {Columns} FROM audiences ORDER BY name COLLATE \"C\"", ct);

        private async Task<List<Audience>> QueryAsync(string sql, CancellationToken ct, params NpgsqlParameter[] parameters)
        {
            await using var command = db.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            await using var r = await command.ExecuteReaderAsync(ct);
            var list = new List<Audience>();
            while (await r.ReadAsync(ct))
            {
                list.Add(new Audience(r.GetString(0), r.GetString(1), NullableString(r, 2), NullableString(r, 3),
                    AudienceJson.Deserialize(r.GetString(4)), r.GetString(5), r.GetString(6), Time(r, 7), r.GetString(8), Time(r, 9)));
            }
            return list;
        }

        public async Task<bool> DeleteAsync(string id, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var sql in new[]
            {
                "DELETE FROM audience_members WHERE snapshot_id IN (SELECT snapshot_id FROM audience_snapshots WHERE audience_id = $1)",
                "DELETE FROM audience_snapshots WHERE audience_id = $1",
            })
            {
                await using var command = new NpgsqlCommand(sql, connection, tx);
                command.Parameters.Add(Text(id));
                await command.ExecuteNonQueryAsync(ct);
            }
            await using var delete = new NpgsqlCommand("DELETE FROM audiences WHERE id = $1", connection, tx);
            delete.Parameters.Add(Text(id));
            var deleted = await delete.ExecuteNonQueryAsync(ct) > 0;
            await tx.CommitAsync(ct);
            return deleted;
        }

        public async Task<CompiledAudience> CompileAsync(AudienceDefinition definition, DateTimeOffset asOf, CancellationToken ct)
        {
            var audiences = (await ListAsync(ct)).ToDictionary(a => a.Name, a => a.Definition, StringComparer.Ordinal);
            return Compiler.Compile(definition, asOf, name => audiences.GetValueOrDefault(name));
        }

        /// <summary>A command with the compiled statement's parameters bound by position, typed by their values.</summary>
        private static NpgsqlCommand Command(NpgsqlConnection connection, CompiledAudience statement, NpgsqlTransaction? tx = null)
        {
            var command = new NpgsqlCommand(statement.Sql, connection, tx);
            foreach (var value in statement.Parameters)
            {
                command.Parameters.Add(value switch
                {
                    string s => Text(s),
                    DateTimeOffset t => Time(t),
                    string[] path => new NpgsqlParameter { Value = path.Select(p => WithoutNul(p)!).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    decimal d => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Numeric },
                    long l => Long(l),
                    bool b => Bool(b),
                    _ => new NpgsqlParameter { Value = value },
                });
            }
            return command;
        }

        public async Task<AudiencePreview> PreviewAsync(AudienceDefinition definition, DateTimeOffset asOf, int sampleSize, CancellationToken ct)
        {
            var compiled = await CompileAsync(definition, asOf, ct);
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            long size, households;
            await using (var command = Command(connection, AudienceQueries.Counts(compiled), tx))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                (size, households) = (r.GetInt64(0), r.GetInt64(1));
            }
            var sample = new List<ProfileSummary>();
            await using (var command = Command(connection, AudienceQueries.Sample(compiled, Compiler.Dialect, Math.Max(0, sampleSize)), tx))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                    sample.Add(new ProfileSummary(new ProfileId(r.GetInt64(0)), NullableString(r, 1), NullableString(r, 2), NullableTime(r, 3)));
            }
            var reach = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var command = Command(connection, AudienceQueries.Reach(compiled, Compiler.Dialect), tx))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) reach[r.GetString(0)] = r.GetInt64(1);
            }
            await tx.CommitAsync(ct);
            return new AudiencePreview(size, households, sample,
                [.. Reachability.Channels.Select(c => c.Channel).Distinct().Select(c => new ChannelReach(c, reach.GetValueOrDefault(c)))]);
        }

        public async Task<AudienceSnapshot?> SnapshotAsync(string audienceId, DateTimeOffset asOf, CancellationToken ct)
        {
            if (await FindAsync(audienceId, ct) is not { } audience) return null;
            var compiled = await CompileAsync(audience.Definition, asOf, ct);
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            long id;
            await using (var next = new NpgsqlCommand("SELECT nextval('audience_snapshot_ids')", connection, tx))
                id = (long)(await next.ExecuteScalarAsync(ct))!;
            await using (var insert = Command(connection, AudienceQueries.InsertMembers(compiled, Compiler.Dialect, id), tx))
                await insert.ExecuteNonQueryAsync(ct);
            await using (var record = new NpgsqlCommand(
                "INSERT INTO audience_snapshots SELECT $1, $2, now(), $3, count(*), count(DISTINCT household_id) FROM audience_members WHERE snapshot_id = $1",
                connection, tx))
            {
                record.Parameters.Add(Long(id));
                record.Parameters.Add(Text(audienceId));
                record.Parameters.Add(Time(asOf));
                await record.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return await FindSnapshotAsync(id, ct);
        }

        private const string SnapshotColumns = "snapshot_id, audience_id, taken_at, as_of, member_count, household_count";

        public async Task<IReadOnlyList<AudienceSnapshot>> ListSnapshotsAsync(string audienceId, CancellationToken ct) =>
            await SnapshotsAsync($"SELECT {SnapshotColumns} FROM audience_snapshots WHERE audience_id = $1 ORDER BY taken_at DESC, snapshot_id DESC", Text(audienceId), ct);

        public async Task<AudienceSnapshot?> FindSnapshotAsync(long snapshotId, CancellationToken ct) =>
            (await SnapshotsAsync($"SELECT {SnapshotColumns} FROM audience_snapshots WHERE snapshot_id = $1", Long(snapshotId), ct)).FirstOrDefault();

        private async Task<List<AudienceSnapshot>> SnapshotsAsync(string sql, NpgsqlParameter parameter, CancellationToken ct)
        {
            await using var command = db.CreateCommand(sql);
            command.Parameters.Add(parameter);
            await using var r = await command.ExecuteReaderAsync(ct);
            var list = new List<AudienceSnapshot>();
            while (await r.ReadAsync(ct)) list.Add(new AudienceSnapshot(r.GetInt64(0), r.GetString(1), Time(r, 2), Time(r, 3), r.GetInt64(4), r.GetInt64(5)));
            return list;
        }

        public async Task<IReadOnlyList<AudienceMember>> MembersAsync(long snapshotId, long afterProfile, int limit, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "SELECT profile_id, household_id FROM audience_members WHERE snapshot_id = $1 AND profile_id > $2 ORDER BY profile_id LIMIT $3");
            command.Parameters.Add(Long(snapshotId));
            command.Parameters.Add(Long(afterProfile));
            command.Parameters.Add(Int(limit));
            await using var r = await command.ExecuteReaderAsync(ct);
            var list = new List<AudienceMember>();
            while (await r.ReadAsync(ct)) list.Add(new AudienceMember(new ProfileId(r.GetInt64(0)), NullableString(r, 1)));
            return list;
        }

        public async Task<bool?> WasMemberAsync(ProfileId profileId, string audienceId, DateTimeOffset at, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "WITH snap AS (SELECT snapshot_id FROM audience_snapshots WHERE audience_id = $1 AND as_of <= $2 ORDER BY as_of DESC, snapshot_id DESC LIMIT 1), " +
                "me AS (SELECT coalesce((SELECT survivor_id FROM profile_survivors WHERE profile_id = $3), $3) AS id) " +
                "SELECT (SELECT count(*) FROM snap), EXISTS (SELECT 1 FROM audience_members m LEFT JOIN profile_survivors s ON s.profile_id = m.profile_id " +
                "WHERE m.snapshot_id = (SELECT snapshot_id FROM snap) AND coalesce(s.survivor_id, m.profile_id) = (SELECT id FROM me))");
            command.Parameters.Add(Text(audienceId));
            command.Parameters.Add(Time(at));
            command.Parameters.Add(Long(profileId.Value));
            await using var r = await command.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return r.GetInt64(0) == 0 ? null : r.GetBoolean(1);
        }

        public async Task<int> RefreshAsync(int limit, CancellationToken ct)
        {
            await _refreshGate.WaitAsync(ct);
            try
            {
                return await RefreshBatchAsync(limit, ct);
            }
            finally
            {
                _refreshGate.Release();
            }
        }

        /// <summary>
        /// One transaction: takes up to <paramref name="limit"/> queued profiles, rewrites their rows and
        /// their households' rows, and removes exactly the queue entries it read, so entries queued
        /// meanwhile stay for the next round.
        /// </summary>
        private async Task<int> RefreshBatchAsync(int limit, CancellationToken ct)
        {
            var version = summaries.Version;
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var queued = new List<long>();
            var idSet = new SortedSet<long>();
            await using (var command = new NpgsqlCommand(
                "SELECT queued_id, profile_id FROM profile_refresh WHERE profile_id IN " +
                "(SELECT DISTINCT profile_id FROM profile_refresh ORDER BY profile_id LIMIT $1)", connection, tx))
            {
                command.Parameters.Add(Int(limit));
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    queued.Add(r.GetInt64(0));
                    idSet.Add(r.GetInt64(1));
                }
            }
            if (idSet.Count == 0) return 0;
            var ids = idSet.ToArray();
            NpgsqlParameter Ids() => new() { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint };

            var live = new HashSet<long>();
            await ReadAsync("SELECT profile_id FROM profiles WHERE profile_id = ANY($1) AND merged_into IS NULL AND NOT retired",
                r => live.Add(r.GetInt64(0)));

            // Profiles with a summary from an earlier refresh fold in only the events resolved since it; the others are read in full.
            long? through = null;
            await using (var command = new NpgsqlCommand("SELECT through_seq FROM identity_progress WHERE id = 1", connection, tx))
                if (await command.ExecuteScalarAsync(ct) is long resolved) through = resolved;
            var kept = through is null ? new() : summaries.Take(ids);
            var facts = kept.ToDictionary(k => k.Key, k => new ProfileRows { Events = k.Value.Summary, LastSequence = k.Value.Through, Resumed = true });
            ProfileRows Of(long id) => facts.TryGetValue(id, out var f) ? f : facts[id] = new ProfileRows();
            async Task ReadEventsAsync(string where, long[] owners, params long[] range)
            {
                await using var command = new NpgsqlCommand(
                    "SELECT coalesce(s.survivor_id, e.profile_id), e.seq, e.type, e.name, e.\"timestamp\", e.source_id, " +
                    "CASE WHEN e.type = 'track' THEN e.properties::text END, CASE WHEN e.type = 'identify' THEN e.traits::text END, e.context->>'timezone' " +
                    "FROM events e LEFT JOIN profile_survivors s ON s.profile_id = e.profile_id " +
                    "WHERE (e.profile_id = ANY($1) OR e.profile_id IN (SELECT profile_id FROM profile_survivors WHERE survivor_id = ANY($1)))" + where,
                    connection, tx);
                command.Parameters.Add(new NpgsqlParameter { Value = owners, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                foreach (var value in range) command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Bigint });
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    var owner = r.GetInt64(0);
                    var seq = r.GetInt64(1);
                    if (!live.Contains(owner) || (kept.TryGetValue(owner, out var k) && seq <= k.Through)) continue;
                    var type = EventTypes.TryParse(r.GetString(2), out var t) ? t : EventType.Track;
                    Of(owner).Add(new EventFact(type, NullableString(r, 3), Time(r, 4), r.GetString(5), NullableString(r, 6), NullableString(r, 8)), seq,
                        type == EventType.Identify ? NullableString(r, 7) : null);
                }
            }
            if (kept.Count < ids.Length) await ReadEventsAsync("", [.. ids.Where(id => !kept.ContainsKey(id))]);
            if (kept.Count > 0)
                await ReadEventsAsync(" AND e.seq > $2 AND e.seq <= $3", [.. kept.Keys], kept.Values.Min(k => k.Through), through!.Value);
            await ReadAsync("SELECT profile_id, type, value FROM profile_identifiers WHERE type = 'email' AND profile_id = ANY($1)",
                r => Of(r.GetInt64(0)).Identifiers.Add(new Identifier(r.GetString(1), r.GetString(2))));
            var households = new HashSet<string>(StringComparer.Ordinal);
            await ReadAsync(
                "SELECT i.profile_id, c.source_id, c.customer_id, c.email, c.phone, c.first_name, c.last_name, c.address_line, c.postal_code, c.city, " +
                "c.country, c.company, c.created_at, c.traits::text, c.household_id FROM customers c JOIN profile_identifiers i " +
                "ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id WHERE i.profile_id = ANY($1) ORDER BY c.seq", r =>
                {
                    var household = NullableString(r, 14);
                    if (household is not null) households.Add(household);
                    Of(r.GetInt64(0)).Records.Add((new ProfileRecord(r.GetString(1), r.GetString(1), "", r.GetString(2), NullableString(r, 3), NullableString(r, 4),
                        NullableString(r, 5), NullableString(r, 6), NullableString(r, 7), NullableString(r, 8), NullableString(r, 9), NullableString(r, 10),
                        NullableString(r, 11), NullableTime(r, 12), NullableString(r, 13)), household));
                });
            await ReadAsync(
                "SELECT i.profile_id, o.source_id, o.order_id, o.customer_id, o.ordered_at, o.total, o.currency, o.status, o.properties::text FROM orders o " +
                "JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = o.source_id || ':' || o.customer_id WHERE i.profile_id = ANY($1)", r =>
                    Of(r.GetInt64(0)).Orders.Add(new OrderRecord
                    {
                        SourceId = r.GetString(1), OrderId = r.GetString(2), CustomerId = r.GetString(3), OrderedAt = Time(r, 4),
                        Total = r.GetDecimal(5), Currency = NullableString(r, 6), Status = NullableString(r, 7), Properties = NullableString(r, 8),
                    }));
            await ReadAsync("SELECT DISTINCT household_id FROM profile_traits WHERE household_id IS NOT NULL AND profile_id = ANY($1)",
                r => households.Add(r.GetString(0)));

            foreach (var table in new[] { "profile_traits", "profile_consents", "profile_businesses" })
                await ExecuteAsync($"DELETE FROM {table} WHERE profile_id = ANY($1)");

            var built = live.Order().Select(id => facts.TryGetValue(id, out var f) ? f.Build(id) : new ProfileRows().Build(id)).ToList();
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY profile_traits (profile_id, household_id, display_name, email, first_seen, last_seen, event_count, order_count, revenue, currency, channels, traits, time_zone) " +
                "FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in built)
                {
                    var t = row.Traits;
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(row.Id.Value, NpgsqlDbType.Bigint, ct);
                    await WriteTextAsync(copy, row.HouseholdId, ct);
                    await WriteTextAsync(copy, row.DisplayName, ct);
                    await WriteTextAsync(copy, row.Email, ct);
                    await WriteTimeAsync(copy, t.FirstSeen, ct);
                    await WriteTimeAsync(copy, t.LastSeen, ct);
                    await copy.WriteAsync(t.EventCount, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(t.OrderCount, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(t.Revenue, NpgsqlDbType.Numeric, ct);
                    await WriteTextAsync(copy, t.Currency, ct);
                    await WriteTextAsync(copy, row.ChannelList, ct);
                    if (row.CustomTraits is { } traits) await copy.WriteAsync(WithoutNul(traits)!, NpgsqlDbType.Jsonb, ct);
                    else await copy.WriteNullAsync(ct);
                    await WriteTextAsync(copy, t.TimeZone, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY profile_consents (profile_id, channel, purpose, granted, changed_at) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in built)
                {
                    foreach (var c in row.Traits.Consents)
                    {
                        await copy.StartRowAsync(ct);
                        await copy.WriteAsync(row.Id.Value, NpgsqlDbType.Bigint, ct);
                        await WriteTextAsync(copy, c.Channel, ct);
                        await WriteTextAsync(copy, c.Purpose, ct);
                        await copy.WriteAsync(c.Granted, NpgsqlDbType.Boolean, ct);
                        await copy.WriteAsync(Utc(c.At), NpgsqlDbType.TimestampTz, ct);
                    }
                }
                await copy.CompleteAsync(ct);
            }
            await ExecuteAsync(DerivedSql.Businesses("(SELECT unnest($1::bigint[]))"));

            var householdIds = households.Order(StringComparer.Ordinal).ToArray();
            foreach (var sql in new[] { "DELETE FROM household_traits WHERE household_id = ANY($1)", DerivedSql.Households("(SELECT unnest($1::text[]))") })
            {
                await using var command = new NpgsqlCommand(sql, connection, tx);
                command.Parameters.Add(new NpgsqlParameter { Value = householdIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                await command.ExecuteNonQueryAsync(ct);
            }
            await using (var command = new NpgsqlCommand("DELETE FROM profile_refresh WHERE queued_id = ANY($1)", connection, tx))
            {
                command.Parameters.Add(new NpgsqlParameter { Value = queued.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            if (through is { } progress) summaries.Keep(version, progress, live, facts);
            return ids.Length;

            async Task ReadAsync(string sql, Action<NpgsqlDataReader> read)
            {
                await using var command = new NpgsqlCommand(sql, connection, tx);
                command.Parameters.Add(Ids());
                await using var r = await command.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) read(r);
            }

            async Task ExecuteAsync(string sql)
            {
                await using var command = new NpgsqlCommand(sql, connection, tx);
                command.Parameters.Add(Ids());
                await command.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
