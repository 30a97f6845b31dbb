using System.Runtime.CompilerServices;
using CommonGround.Campaigns;
using CommonGround.Identity;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbCampaignStore(DuckDbDatabase db, IAudienceStore audiences) : ICampaignStore
{
    const string Columns =
        "campaign_id, name, team, channel, category, audience_id, schedule_kind, starts_at, ends_at, cron, time_zone, priority, " +
        "expected_value, holdout_share, holdout_salt, storyboard, status, created_by, created_at, updated_by, updated_at";

    /// <summary>Only contacted targets of the campaigns in the connection's active_campaigns table.</summary>
    const string Contacted =
        "SELECT campaign_id, profile_id, household_id FROM campaign_targets " +
        "WHERE campaign_id IN (SELECT campaign_id FROM active_campaigns) AND NOT holdout AND NOT control";

    public async Task AddAsync(Campaign campaign, CancellationToken ct)
    {
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using var command = connection.Command($"INSERT INTO campaigns ({Columns}) VALUES ({Placeholders})", Parameters(campaign));
            try
            {
                command.ExecuteNonQuery();
            }
            catch (DuckDBException ex) when (ex.Message.Contains("constraint", StringComparison.OrdinalIgnoreCase))
            {
                throw new ConflictException($"A campaign with id '{campaign.Id}' exists already.");
            }
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    public Task<Campaign?> FindAsync(string id, CancellationToken ct)
    {
        using var connection = db.Connect();
        return Task.FromResult(Read(connection, $"SELECT {Columns} FROM campaigns WHERE campaign_id = $id", ("id", id)).FirstOrDefault());
    }

    public Task<bool> UpdateAsync(Campaign campaign, CancellationToken ct)
    {
        using var connection = db.Connect();
        var set = string.Join(", ", Columns.Split(", ").Skip(1).Select(c => $"{c} = ${c}"));
        using var command = connection.Command($"UPDATE campaigns SET {set} WHERE campaign_id = $campaign_id", Parameters(campaign));
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }

    public Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var tx = connection.BeginTransaction();
        foreach (var table in (string[])["campaign_targets", "campaign_target_sets"])
        {
            using var targets = connection.Command($"DELETE FROM {table} WHERE campaign_id = $id", ("id", id));
            targets.ExecuteNonQuery();
        }
        using var campaign = connection.Command("DELETE FROM campaigns WHERE campaign_id = $id", ("id", id));
        var deleted = campaign.ExecuteNonQuery() > 0;
        tx.Commit();
        return Task.FromResult(deleted);
    }

    public Task<IReadOnlyList<Campaign>> ListAsync(CampaignQuery query, CancellationToken ct)
    {
        using var connection = db.Connect();
        return Task.FromResult(List(connection, query));
    }

    static IReadOnlyList<Campaign> List(DuckDBConnection connection, CampaignQuery query)
    {
        var sql = $"SELECT {Columns} FROM campaigns WHERE 1 = 1";
        var parameters = new List<(string, object)>();
        if (query.Team is { } team)
        {
            sql += " AND lower(team) = lower($team)";
            parameters.Add(("team", team));
        }
        if (query.Status is { } status)
        {
            sql += " AND status = $status";
            parameters.Add(("status", CampaignRules.Wire(status)));
        }
        if (query is { From: { } from, To: { } to })
        {
            // A coarse cut in SQL; the schedule itself decides below.
            sql += " AND starts_at < $to AND (ends_at IS NULL OR ends_at >= $from)";
            parameters.Add(("from", Db(from)));
            parameters.Add(("to", Db(to)));
        }
        sql += " ORDER BY team, name, campaign_id";
        return [.. Read(connection, sql, [.. parameters]).Where(query.Matches)];
    }

    public async Task<long> SetTargetsAsync(string campaignId, IEnumerable<CampaignTarget> targets, CancellationToken ct)
    {
        var rows = CampaignTarget.Distinct(targets);
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using var tx = connection.BeginTransaction();
            ClearTargets(connection, campaignId);
            using (var appender = connection.CreateAppender("campaign_targets"))
            {
                foreach (var t in rows)
                {
                    appender.CreateRow().AppendValue(campaignId).AppendValue(t.Profile.Value).AppendValue(t.HouseholdId)
                        .AppendValue(t.Holdout).AppendValue(t.Control).EndRow();
                }
            }
            WriteSets(connection, campaignId);
            tx.Commit();
            return rows.Count;
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    /// <summary>Empties the campaign's target list; call under the write lock, in the transaction that refills it.</summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    static void ClearTargets(DuckDBConnection connection, string campaignId)
    {
        using (var exists = connection.Command("SELECT count(*) FROM campaigns WHERE campaign_id = $id", ("id", campaignId)))
        {
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                throw new KeyNotFoundException($"There is no campaign '{campaignId}'.");
        }
        using var delete = connection.Command("DELETE FROM campaign_targets WHERE campaign_id = $id", ("id", campaignId));
        delete.ExecuteNonQuery();
    }

    /// <summary>Holdout's bucket in SQL: the first 8 hex digits of SHA-256("salt:profileId") as a number.</summary>
    static string Bucket(string salt) => $"('0x' || left(sha256({salt} || ':' || m.profile_id::VARCHAR), 8))::UBIGINT";

    public async Task<CampaignTargetsRefresh> RefreshTargetsAsync(string campaignId, DateTimeOffset asOf, CancellationToken ct)
    {
        var plan = await TargetRefresh.BeginAsync(this, audiences, campaignId, asOf, ct);
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using var tx = connection.BeginTransaction();
            ClearTargets(connection, campaignId);
            using (var insert = connection.Command(
                "INSERT INTO campaign_targets SELECT $id, m.profile_id, min(m.household_id), " +
                $"{Bucket("$salt")} < $holdout, {Bucket("$control_salt")} < $control " +
                "FROM audience_members m WHERE m.snapshot_id = $snapshot GROUP BY m.profile_id ORDER BY m.profile_id",
                ("id", campaignId), ("salt", plan.Campaign.HoldoutSalt), ("holdout", plan.HoldoutThreshold),
                ("control_salt", plan.ControlSalt), ("control", plan.ControlThreshold), ("snapshot", plan.Snapshot.Id)))
                insert.ExecuteNonQuery();
            var counts = Rows(connection,
                "SELECT count(*), count(*) FILTER (WHERE holdout), count(*) FILTER (WHERE control), count(*) FILTER (WHERE NOT holdout AND NOT control) " +
                "FROM campaign_targets WHERE campaign_id = $id",
                r => plan.Result(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ("id", campaignId)).Single();
            WriteSets(connection, campaignId);
            tx.Commit();
            return counts;
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    public Task<IReadOnlyList<CampaignTarget>> ListTargetsAsync(string campaignId, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "SELECT profile_id, household_id, holdout, control FROM campaign_targets WHERE campaign_id = $id ORDER BY profile_id", ("id", campaignId));
        using var r = command.ExecuteReader();
        var targets = new List<CampaignTarget>();
        while (r.Read()) targets.Add(new CampaignTarget(new(r.GetInt64(0)), NullableString(r, 1), r.GetBoolean(2), r.GetBoolean(3)));
        return Task.FromResult<IReadOnlyList<CampaignTarget>>(targets);
    }

    public async Task<CampaignOverlap> OverlapAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        using var connection = db.Connect();
        var active = CampaignCalendar.ActiveBetween(List(connection, new CampaignQuery(from, to)), from, to);
        if (active.Count == 0) return CampaignOverlap.Assemble(from, to, active, [], [], []);
        var sets = await ReadSetsAsync(connection, active, ct);
        return TargetSets.Overlap(from, to, active, sets);
    }

    public async Task<ContactPressure> ContactedByAtLeastAsync(DateOnly day, int k, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        using var connection = db.Connect();
        var (from, to) = (Schedule.DayStart(day), Schedule.DayStart(day.AddDays(1)));
        var active = CampaignCalendar.ActiveOn(List(connection, new CampaignQuery(from, to)), day);
        if (active.Count < k) return new ContactPressure(day, k, 0, []);
        var sets = await ReadSetsAsync(connection, active, ct);
        var (total, first) = TargetSets.AtLeast([.. active.Select(c => sets.TryGetValue(c.Id, out var s) ? s.Customers : MemberSet.Empty)], k, limit);
        // The listed customers' households, as their contacted target rows say (the smallest when they differ).
        using (var create = connection.Command("CREATE OR REPLACE TEMP TABLE pressured (profile_id BIGINT)"))
            create.ExecuteNonQuery();
        using (var appender = connection.CreateAppender("temp", "main", "pressured"))
        {
            foreach (var f in first) appender.CreateRow().AppendValue(f.Member).EndRow();
        }
        var households = Rows(connection,
            $"SELECT profile_id, min(household_id) FROM ({Contacted}) WHERE profile_id IN (SELECT profile_id FROM pressured) " +
            "AND household_id IS NOT NULL GROUP BY profile_id",
            r => (r.GetInt64(0), r.GetString(1))).ToDictionary(h => h.Item1, h => h.Item2);
        return TargetSets.Pressure(day, k, active, total, first, households);
    }

    /// <summary>
    /// Numbers the campaigns' new households and rewrites their target sets from their contacted targets,
    /// in one pass over the target rows whatever the number of campaigns; call under the write lock, in
    /// the transaction that wrote the targets.
    /// </summary>
    static void WriteSets(DuckDBConnection connection, params string[] campaignIds)
    {
        using (var create = connection.Command("CREATE OR REPLACE TEMP TABLE set_campaigns (campaign_id VARCHAR)"))
            create.ExecuteNonQuery();
        using (var appender = connection.CreateAppender("temp", "main", "set_campaigns"))
        {
            foreach (var id in campaignIds) appender.CreateRow().AppendValue(id).EndRow();
        }
        using (var number = connection.Command(
            "INSERT INTO household_numbers (household_id) SELECT DISTINCT t.household_id FROM campaign_targets t " +
            "WHERE t.campaign_id IN (SELECT campaign_id FROM set_campaigns) AND t.household_id IS NOT NULL " +
            "AND NOT EXISTS (SELECT 1 FROM household_numbers n WHERE n.household_id = t.household_id) ORDER BY 1"))
            number.ExecuteNonQuery();
        var builders = campaignIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new TargetSets.Builder(), StringComparer.Ordinal);
        using (var read = connection.Command(
            "SELECT t.campaign_id, t.profile_id, n.number FROM campaign_targets t LEFT JOIN household_numbers n ON n.household_id = t.household_id " +
            "WHERE t.campaign_id IN (SELECT campaign_id FROM set_campaigns) AND NOT t.holdout AND NOT t.control"))
        using (var r = read.ExecuteReader())
        {
            while (r.Read()) builders[r.GetString(0)].Add(r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2));
        }
        using (var delete = connection.Command("DELETE FROM campaign_target_sets WHERE campaign_id IN (SELECT campaign_id FROM set_campaigns)"))
            delete.ExecuteNonQuery();
        foreach (var (id, builder) in builders)
        {
            var sets = builder.Build();
            using var insert = connection.Command("INSERT INTO campaign_target_sets VALUES ($id, $customers, $households)",
                ("id", id), ("customers", sets.Customers.ToBytes()), ("households", sets.Households.ToBytes()));
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>The active campaigns' target sets, writing first those of campaigns whose targets predate the sets.</summary>
    async Task<Dictionary<string, TargetSets>> ReadSetsAsync(DuckDBConnection connection, IReadOnlyList<Campaign> active, CancellationToken ct)
    {
        Activate(connection, active);
        // Campaigns without sets first (a hundred rows); only those are looked for in the target rows.
        var missing = Rows(connection,
            "SELECT campaign_id FROM active_campaigns a WHERE NOT EXISTS (SELECT 1 FROM campaign_target_sets s WHERE s.campaign_id = a.campaign_id)",
            r => r.GetString(0));
        if (missing.Count > 0)
        {
            Activate(connection, [.. active.Where(c => missing.Contains(c.Id))], "missing_campaigns");
            missing = Rows(connection,
                "SELECT DISTINCT campaign_id FROM campaign_targets WHERE campaign_id IN (SELECT campaign_id FROM missing_campaigns)", r => r.GetString(0));
        }
        if (missing.Count > 0)
        {
            await db.WriteLock.WaitAsync(ct);
            try
            {
                using var tx = connection.BeginTransaction();
                WriteSets(connection, [.. missing]);
                tx.Commit();
            }
            finally
            {
                db.WriteLock.Release();
            }
        }
        return Rows(connection,
            "SELECT campaign_id, customers, households FROM campaign_target_sets WHERE campaign_id IN (SELECT campaign_id FROM active_campaigns)",
            r => (Id: r.GetString(0), Sets: new TargetSets(Set(r, 1), Set(r, 2)))).ToDictionary(s => s.Id, s => s.Sets, StringComparer.Ordinal);
    }

    static MemberSet Set(DuckDBDataReader r, int i)
    {
        using var stream = r.GetStream(i);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return MemberSet.FromBytes(bytes);
    }

    /// <summary>Puts the campaigns' ids in a temporary table of this connection, for the queries to join.</summary>
    static void Activate(DuckDBConnection connection, IReadOnlyList<Campaign> active, string table = "active_campaigns")
    {
        using (var create = connection.Command($"CREATE OR REPLACE TEMP TABLE {table} (campaign_id VARCHAR)"))
            create.ExecuteNonQuery();
        using var appender = connection.CreateAppender("temp", "main", table);
        foreach (var c in active) appender.CreateRow().AppendValue(c.Id).EndRow();
    }

    static List<T> Rows<T>(DuckDBConnection connection, string sql, Func<DuckDBDataReader, T> read, params (string, object)[] parameters)
    {
        using var command = connection.Command(sql, parameters);
        using var r = command.ExecuteReader();
        var rows = new List<T>();
        while (r.Read()) rows.Add(read(r));
        return rows;
    }

    public async IAsyncEnumerable<PlannedTarget> ReadPlannedTargetsAsync(IReadOnlyList<string> campaignIds,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (campaignIds.Count == 0) yield break;
        await Task.Yield();
        using var connection = db.Connect();
        using (var create = connection.Command("CREATE OR REPLACE TEMP TABLE planned_campaigns (campaign_id VARCHAR, i INTEGER)"))
            create.ExecuteNonQuery();
        using (var appender = connection.CreateAppender("temp", "main", "planned_campaigns"))
        {
            for (var i = 0; i < campaignIds.Count; i++) appender.CreateRow().AppendValue(campaignIds[i]).AppendValue(i).EndRow();
        }
        using var command = connection.Command(PlannedTarget.Sql("planned_campaigns"));
        using var r = command.ExecuteReader();
        var (last, household, consents, lists, zone) = (long.MinValue, (string?)null, default(ContactPolicy.ChannelConsents), (string[]?)null, (string?)null);
        var columns = new int[PlannedTarget.ConsentChannels.Count];
        var listSets = new Dictionary<string, string[]>(StringComparer.Ordinal);
        while (r.Read())
        {
            ct.ThrowIfCancellationRequested();
            var profile = r.GetInt64(0);
            if (profile != last)
            {
                // One person's rows come together: their household, consents and lists are read once.
                household = NullableString(r, 1);
                for (var c = 0; c < columns.Length; c++) columns[c] = r.IsDBNull(3 + c) ? 0 : r.GetInt32(3 + c);
                consents = PlannedTarget.ConsentsOf(columns);
                lists = NullableString(r, PlannedTarget.ListsColumn) is { } names ? SuppressionRows.Split(names, listSets) : null;
                zone = NullableString(r, PlannedTarget.TimeZoneColumn);
                last = profile;
            }
            yield return new PlannedTarget(new ProfileId(profile), household, r.GetInt32(2), consents, lists, zone);
        }
    }

    public Task<GlobalControlGroup> GetGlobalControlAsync(CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "SELECT global_control_enabled, global_control_share, global_control_salt, updated_by, updated_at FROM workspace_settings WHERE id = 1");
        using var r = command.ExecuteReader();
        return Task.FromResult(r.Read()
            ? new GlobalControlGroup(r.GetBoolean(0), r.GetDouble(1), r.GetString(2), NullableString(r, 3), NullableTime(r, 4))
            : GlobalControlGroup.Default);
    }

    public async Task SetGlobalControlAsync(GlobalControlGroup group, CancellationToken ct)
    {
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using var command = connection.Command(
                "INSERT INTO workspace_settings VALUES (1, $enabled, $share, $salt, $by, $at) ON CONFLICT (id) DO UPDATE SET " +
                "global_control_enabled = excluded.global_control_enabled, global_control_share = excluded.global_control_share, " +
                "global_control_salt = excluded.global_control_salt, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                ("enabled", group.Enabled), ("share", group.Share), ("salt", group.Salt), ("by", Db(group.UpdatedBy)), ("at", Db(group.UpdatedAt)));
            command.ExecuteNonQuery();
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    static readonly string Placeholders = string.Join(", ", Columns.Split(", ").Select(c => "$" + c));

    static (string, object)[] Parameters(Campaign c)
    {
        var (kind, start, end, cron, zone) = ScheduleColumns.Write(c.Schedule);
        return
        [
            ("campaign_id", c.Id), ("name", c.Name), ("team", c.Team), ("channel", CampaignRules.Wire(c.Channel)),
            ("category", CampaignRules.Wire(c.Category)), ("audience_id", Db(c.AudienceId)), ("schedule_kind", kind),
            ("starts_at", Db(start)), ("ends_at", Db(end)), ("cron", Db(cron)), ("time_zone", Db(zone)), ("priority", c.Priority),
            ("expected_value", c.ExpectedValue), ("holdout_share", c.HoldoutShare), ("holdout_salt", c.HoldoutSalt),
            ("storyboard", Db(c.Storyboard)), ("status", CampaignRules.Wire(c.Status)), ("created_by", c.CreatedBy),
            ("created_at", Db(c.CreatedAt)), ("updated_by", c.UpdatedBy), ("updated_at", Db(c.UpdatedAt)),
        ];
    }

    static List<Campaign> Read(DuckDBConnection connection, string sql, params (string, object)[] parameters) =>
        Rows(connection, sql, r => CampaignColumns.Read(
            r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), NullableString(r, 5), r.GetString(6),
            Time(r, 7), NullableTime(r, 8), NullableString(r, 9), NullableString(r, 10), r.GetInt32(11), r.GetDecimal(12),
            r.GetDouble(13), r.GetString(14), NullableString(r, 15), r.GetString(16), r.GetString(17), Time(r, 18),
            r.GetString(19), Time(r, 20)), parameters);
}
