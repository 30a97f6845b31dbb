using System.Runtime.CompilerServices;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class CampaignStore(NpgsqlDataSource db, IAudienceStore audiences) : ICampaignStore
    {
        private const string Columns =
            "campaign_id, name, team, channel, category, audience_id, schedule_kind, starts_at, ends_at, cron, time_zone, priority, " +
            "expected_value, holdout_share, holdout_salt, storyboard, status, created_by, created_at, updated_by, updated_at";

        /// <summary>Only contacted targets of the campaigns in the array parameter $1.</summary>
        private const string Contacted =
            "SELECT campaign_id, profile_id, household_id FROM campaign_targets " +
            "WHERE campaign_id = ANY($1) AND NOT holdout AND NOT control";

        public async Task AddAsync(Campaign campaign, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"INSERT INTO campaigns ({Columns}) VALUES ({string.Join(", ", Enumerable.Range(1, 21).Select(i => "$" + i))})");
            command.Parameters.AddRange(Parameters(campaign));
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException($"A campaign with id '{campaign.Id}' exists already.");
            }
        }

        public async Task<Campaign?> FindAsync(string id, CancellationToken ct)
        {
            var found = await ReadAsync($"SELECT {Columns} FROM campaigns WHERE campaign_id = $1", [Text(id)], ct);
            return found.FirstOrDefault();
        }

        public async Task<bool> UpdateAsync(Campaign campaign, CancellationToken ct)
        {
            var set = string.Join(", ", Columns.Split(", ").Select((c, i) => (c, i)).Skip(1).Select(x => $"{x.c} = ${x.i + 1}"));
            await using var command = db.CreateCommand($"UPDATE campaigns SET {set} WHERE campaign_id = $1");
            command.Parameters.AddRange(Parameters(campaign));
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }

        public async Task<bool> DeleteAsync(string id, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var table in (string[])["campaign_targets", "campaign_target_sets"])
            {
                await using var targets = new NpgsqlCommand($"DELETE FROM {table} WHERE campaign_id = $1", connection, tx);
                targets.Parameters.Add(Text(id));
                await targets.ExecuteNonQueryAsync(ct);
            }
            await using var campaign = new NpgsqlCommand("DELETE FROM campaigns WHERE campaign_id = $1", connection, tx);
            campaign.Parameters.Add(Text(id));
            var deleted = await campaign.ExecuteNonQueryAsync(ct) > 0;
            await tx.CommitAsync(ct);
            return deleted;
        }

        public async Task<IReadOnlyList<Campaign>> ListAsync(CampaignQuery query, CancellationToken ct)
        {
            var sql = $"SELECT {Columns} FROM campaigns WHERE true";
            var parameters = new List<NpgsqlParameter>();
            if (query.Team is { } team)
            {
                parameters.Add(Text(team));
                sql += $" AND lower(team) = lower(${parameters.Count})";
            }
            if (query.Status is { } status)
            {
                parameters.Add(Text(CampaignRules.Wire(status)));
                sql += $" AND status = ${parameters.Count}";
            }
            if (query is { From: { } from, To: { } to })
            {
                // A coarse cut in SQL; the schedule itself decides below.
                parameters.Add(Time(from));
                parameters.Add(Time(to));
                sql += $" AND starts_at < ${parameters.Count} AND (ends_at IS NULL OR ends_at >= ${parameters.Count - 1})";
            }
            sql += " ORDER BY team, name, campaign_id";
            return [.. (await ReadAsync(sql, parameters, ct)).Where(query.Matches)];
        }

        public async Task<long> SetTargetsAsync(string campaignId, IEnumerable<CampaignTarget> targets, CancellationToken ct)
        {
            var rows = CampaignTarget.Distinct(targets);
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await ClearTargetsAsync(connection, tx, campaignId, ct);
            var id = WithoutNul(campaignId)!;
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY campaign_targets (campaign_id, profile_id, household_id, holdout, control) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var t in rows)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(id, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(t.Profile.Value, NpgsqlDbType.Bigint, ct);
                    if (t.HouseholdId is { } household) await copy.WriteAsync(WithoutNul(household)!, NpgsqlDbType.Text, ct);
                    else await copy.WriteNullAsync(ct);
                    await copy.WriteAsync(t.Holdout, NpgsqlDbType.Boolean, ct);
                    await copy.WriteAsync(t.Control, NpgsqlDbType.Boolean, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await WriteSetsAsync(connection, tx, campaignId, ct);
            await tx.CommitAsync(ct);
            return rows.Count;
        }

        /// <summary>Empties the campaign's target list in the transaction that refills it, holding the campaign's row so two refills take turns.</summary>
        /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
        private static async Task ClearTargetsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string campaignId, CancellationToken ct)
        {
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM campaigns WHERE campaign_id = $1 FOR UPDATE", connection, tx))
            {
                lockRow.Parameters.Add(Text(campaignId));
                if (await lockRow.ExecuteScalarAsync(ct) is null) throw new KeyNotFoundException($"There is no campaign '{campaignId}'.");
            }
            await using var delete = new NpgsqlCommand("DELETE FROM campaign_targets WHERE campaign_id = $1", connection, tx);
            delete.Parameters.Add(Text(campaignId));
            await delete.ExecuteNonQueryAsync(ct);
        }

        /// <summary>Holdout's bucket in SQL: the first 8 hex digits of SHA-256("salt:profileId") as a number.</summary>
        private static string Bucket(string salt) =>
            $"('x' || left(encode(sha256(convert_to({salt} || ':' || m.profile_id::text, 'UTF8')), 'hex'), 8))::bit(32)::bigint";

        public async Task<CampaignTargetsRefresh> RefreshTargetsAsync(string campaignId, DateTimeOffset asOf, CancellationToken ct)
        {
            var plan = await TargetRefresh.BeginAsync(this, audiences, campaignId, asOf, ct);
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await ClearTargetsAsync(connection, tx, campaignId, ct);
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO campaign_targets (campaign_id, profile_id, household_id, holdout, control) " +
                $"SELECT $1, m.profile_id, min(m.household_id), {Bucket("$2")} < $3, {Bucket("$4")} < $5 " +
                "FROM audience_members m WHERE m.snapshot_id = $6 GROUP BY m.profile_id", connection, tx))
            {
                insert.Parameters.Add(Text(campaignId));
                insert.Parameters.Add(Text(plan.Campaign.HoldoutSalt));
                insert.Parameters.Add(Long(plan.HoldoutThreshold));
                insert.Parameters.Add(Text(plan.ControlSalt));
                insert.Parameters.Add(Long(plan.ControlThreshold));
                insert.Parameters.Add(Long(plan.Snapshot.Id));
                await insert.ExecuteNonQueryAsync(ct);
            }
            var counts = (await RowsAsync(connection, tx,
                "SELECT count(*), count(*) FILTER (WHERE holdout), count(*) FILTER (WHERE control), count(*) FILTER (WHERE NOT holdout AND NOT control) " +
                "FROM campaign_targets WHERE campaign_id = $1",
                r => plan.Result(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ct, Text(campaignId))).Single();
            await WriteSetsAsync(connection, tx, campaignId, ct);
            await tx.CommitAsync(ct);
            return counts;
        }

        public async Task<IReadOnlyList<CampaignTarget>> ListTargetsAsync(string campaignId, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "SELECT profile_id, household_id, holdout, control FROM campaign_targets WHERE campaign_id = $1 ORDER BY profile_id");
            command.Parameters.Add(Text(campaignId));
            await using var r = await command.ExecuteReaderAsync(ct);
            var targets = new List<CampaignTarget>();
            while (await r.ReadAsync(ct)) targets.Add(new CampaignTarget(new(r.GetInt64(0)), NullableString(r, 1), r.GetBoolean(2), r.GetBoolean(3)));
            return targets;
        }

        public async Task<CampaignOverlap> OverlapAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
        {
            var active = CampaignCalendar.ActiveBetween(await ListAsync(new CampaignQuery(from, to), ct), from, to);
            if (active.Count == 0) return CampaignOverlap.Assemble(from, to, active, [], [], []);
            await using var connection = await db.OpenConnectionAsync(ct);
            return TargetSets.Overlap(from, to, active, await ReadSetsAsync(connection, active, ct));
        }

        public async Task<ContactPressure> ContactedByAtLeastAsync(DateOnly day, int k, int limit, CancellationToken ct)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
            var (from, to) = (Schedule.DayStart(day), Schedule.DayStart(day.AddDays(1)));
            var active = CampaignCalendar.ActiveOn(await ListAsync(new CampaignQuery(from, to), ct), day);
            if (active.Count < k) return new ContactPressure(day, k, 0, []);
            await using var connection = await db.OpenConnectionAsync(ct);
            var sets = await ReadSetsAsync(connection, active, ct);
            var (total, first) = TargetSets.AtLeast([.. active.Select(c => sets.TryGetValue(c.Id, out var s) ? s.Customers : MemberSet.Empty)], k, limit);
            // The listed customers' households, as their contacted target rows say (the smallest when they differ).
            var households = (await RowsAsync(connection, null,
                $"SELECT profile_id, min(household_id) FROM ({Contacted}) t WHERE profile_id = ANY($2) AND household_id IS NOT NULL GROUP BY profile_id",
                r => (r.GetInt64(0), r.GetString(1)), ct, Ids(active), new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = first.Select(f => f.Member).ToArray() }))
                .ToDictionary(h => h.Item1, h => h.Item2);
            return TargetSets.Pressure(day, k, active, total, first, households);
        }

        private static NpgsqlParameter Ids(IReadOnlyList<Campaign> campaigns) => Ids([.. campaigns.Select(c => c.Id)]);

        /// <summary>Numbers the campaign's new households and rewrites its target sets from its contacted targets, in the transaction that wrote the targets.</summary>
        private static async Task WriteSetsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string campaignId, CancellationToken ct)
        {
            await using (var number = new NpgsqlCommand(
                "INSERT INTO household_numbers (household_id) SELECT DISTINCT t.household_id FROM campaign_targets t " +
                "WHERE t.campaign_id = $1 AND t.household_id IS NOT NULL " +
                "AND NOT EXISTS (SELECT 1 FROM household_numbers n WHERE n.household_id = t.household_id) ORDER BY 1 ON CONFLICT DO NOTHING", connection, tx))
            {
                number.Parameters.Add(Text(campaignId));
                await number.ExecuteNonQueryAsync(ct);
            }
            var builder = new TargetSets.Builder();
            await using (var read = new NpgsqlCommand(
                "SELECT t.profile_id, n.number FROM campaign_targets t LEFT JOIN household_numbers n ON n.household_id = t.household_id " +
                "WHERE t.campaign_id = $1 AND NOT t.holdout AND NOT t.control", connection, tx))
            {
                read.Parameters.Add(Text(campaignId));
                await using var r = await read.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) builder.Add(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1));
            }
            var sets = builder.Build();
            await using var write = new NpgsqlCommand(
                "INSERT INTO campaign_target_sets (campaign_id, customers, households) VALUES ($1, $2, $3) " +
                "ON CONFLICT (campaign_id) DO UPDATE SET customers = excluded.customers, households = excluded.households", connection, tx);
            write.Parameters.Add(Text(campaignId));
            write.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = sets.Customers.ToBytes() });
            write.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = sets.Households.ToBytes() });
            await write.ExecuteNonQueryAsync(ct);
        }

        /// <summary>The active campaigns' target sets, writing first those of campaigns whose targets predate the sets.</summary>
        private static async Task<Dictionary<string, TargetSets>> ReadSetsAsync(NpgsqlConnection connection, IReadOnlyList<Campaign> active, CancellationToken ct)
        {
            var missing = await RowsAsync(connection, null,
                "SELECT c FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM campaign_target_sets s WHERE s.campaign_id = c) " +
                "AND EXISTS (SELECT 1 FROM campaign_targets t WHERE t.campaign_id = c)", r => r.GetString(0), ct, Ids(active));
            foreach (var id in missing)
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM campaigns WHERE campaign_id = $1 FOR UPDATE", connection, tx))
                {
                    lockRow.Parameters.Add(Text(id));
                    if (await lockRow.ExecuteScalarAsync(ct) is null) continue; // deleted meanwhile
                }
                await WriteSetsAsync(connection, tx, id, ct);
                await tx.CommitAsync(ct);
            }
            return (await RowsAsync(connection, null,
                "SELECT campaign_id, customers, households FROM campaign_target_sets WHERE campaign_id = ANY($1)",
                r => (Id: r.GetString(0), Sets: new TargetSets(MemberSet.FromBytes(r.GetFieldValue<byte[]>(1)), MemberSet.FromBytes(r.GetFieldValue<byte[]>(2)))),
                ct, Ids(active))).ToDictionary(s => s.Id, s => s.Sets, StringComparer.Ordinal);
        }

        private static NpgsqlParameter Ids(string[] ids) =>
            new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = ids };

        private static async Task<List<T>> RowsAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql,
            Func<NpgsqlDataReader, T> read, CancellationToken ct, params NpgsqlParameter[] parameters)
        {
            await using var command = new NpgsqlCommand(sql, connection, tx);
            command.Parameters.AddRange(parameters);
            await using var r = await command.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await r.ReadAsync(ct)) rows.Add(read(r));
            return rows;
        }

        public async IAsyncEnumerable<PlannedTarget> ReadPlannedTargetsAsync(IReadOnlyList<string> campaignIds,
            [EnumeratorCancellation] CancellationToken ct)
        {
            if (campaignIds.Count == 0) yield break;
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var command = new NpgsqlCommand(
                PlannedTarget.Sql("(SELECT campaign_id, (n - 1)::int AS i FROM unnest($1::text[]) WITH ORDINALITY AS u(campaign_id, n))"), connection);
            command.Parameters.Add(Ids([.. campaignIds]));
            await using var r = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            var (last, household, consents, lists, zone) = (long.MinValue, (string?)null, default(ChannelConsents), (string[]?)null, (string?)null);
            var columns = new int[PlannedTarget.ConsentChannels.Count];
            var listSets = new Dictionary<string, string[]>(StringComparer.Ordinal);
            while (await r.ReadAsync(ct))
            {
                var profile = r.GetInt64(0);
                if (profile != last)
                {
                    // One person's rows come together: their household, consents and lists are read once.
                    household = NullableString(r, 1);
                    var i = r.GetInt32(2);
                    for (var c = 0; c < columns.Length; c++) columns[c] = await r.IsDBNullAsync(3 + c, ct) ? 0 : r.GetInt32(3 + c);
                    consents = PlannedTarget.ConsentsOf(columns);
                    lists = await r.IsDBNullAsync(PlannedTarget.ListsColumn, ct) ? null : SuppressionRows.Split(r.GetString(PlannedTarget.ListsColumn), listSets);
                    zone = await r.IsDBNullAsync(PlannedTarget.TimeZoneColumn, ct) ? null : r.GetString(PlannedTarget.TimeZoneColumn);
                    last = profile;
                    yield return new PlannedTarget(new ProfileId(profile), household, i, consents, lists, zone);
                    continue;
                }
                yield return new PlannedTarget(new ProfileId(profile), household, r.GetInt32(2), consents, lists, zone);
            }
        }

        public async Task<GlobalControlGroup> GetGlobalControlAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "SELECT global_control_enabled, global_control_share, global_control_salt, updated_by, updated_at FROM workspace_settings WHERE id = 1");
            await using var r = await command.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct)
                ? new GlobalControlGroup(r.GetBoolean(0), r.GetDouble(1), r.GetString(2), NullableString(r, 3), NullableTime(r, 4))
                : GlobalControlGroup.Default;
        }

        public async Task SetGlobalControlAsync(GlobalControlGroup group, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "INSERT INTO workspace_settings (id, global_control_enabled, global_control_share, global_control_salt, updated_by, updated_at) " +
                "VALUES (1, $1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE SET " +
                "global_control_enabled = excluded.global_control_enabled, global_control_share = excluded.global_control_share, " +
                "global_control_salt = excluded.global_control_salt, updated_by = excluded.updated_by, updated_at = excluded.updated_at");
            command.Parameters.Add(Bool(group.Enabled));
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = group.Share });
            command.Parameters.Add(Text(group.Salt));
            command.Parameters.Add(Text(group.UpdatedBy));
            command.Parameters.Add(Time(group.UpdatedAt));
            await command.ExecuteNonQueryAsync(ct);
        }

        private static NpgsqlParameter[] Parameters(Campaign c)
        {
            var (kind, start, end, cron, zone) = ScheduleColumns.Write(c.Schedule);
            return
            [
                Text(c.Id), Text(c.Name), Text(c.Team), Text(CampaignRules.Wire(c.Channel)), Text(CampaignRules.Wire(c.Category)),
                Text(c.AudienceId), Text(kind), Time(start), Time(end), Text(cron), Text(zone), Int(c.Priority),
                new() { NpgsqlDbType = NpgsqlDbType.Numeric, Value = c.ExpectedValue },
                new NpgsqlParameter<double> { TypedValue = c.HoldoutShare }, Text(c.HoldoutSalt), Text(c.Storyboard),
                Text(CampaignRules.Wire(c.Status)), Text(c.CreatedBy), Time(c.CreatedAt), Text(c.UpdatedBy), Time(c.UpdatedAt),
            ];
        }

        private async Task<List<Campaign>> ReadAsync(string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return await RowsAsync(connection, null, sql, r => CampaignColumns.Read(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), NullableString(r, 5), r.GetString(6),
                Time(r, 7), NullableTime(r, 8), NullableString(r, 9), NullableString(r, 10), r.GetInt32(11), r.GetDecimal(12),
                r.GetDouble(13), r.GetString(14), NullableString(r, 15), r.GetString(16), r.GetString(17), Time(r, 18),
                r.GetString(19), Time(r, 20)), ct, [.. parameters]);
        }
    }
}
