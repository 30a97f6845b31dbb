using System.Globalization;
using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

/// <summary>DuckDB's SQL: JSON paths as '$."a"."b"', TRY_CAST for text that may not be a number or time.</summary>
public sealed class DuckDbSqlDialect : SqlDialect
{
    public static DuckDbSqlDialect Instance { get; } = new();

    public override string Name => StoreOptions.DuckDb;

    public override string JsonText(string json, string path) => $"json_extract_string({json}, {path})";

    public override object JsonPath(IReadOnlyList<string> members) =>
        "$" + string.Concat(members.Select(m => ".\"" + m.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));

    public override string TryNumber(string text) => $"TRY_CAST({text} AS DOUBLE)";

    public override string TryTimestamp(string text) => $"TRY_CAST({text} AS TIMESTAMP)";
}

/// <summary>
/// Audiences on DuckDB: definitions in <c>audiences</c>, rules compiled by <see cref="AudienceSqlCompiler"/>
/// and run as one statement each, snapshots written by INSERT ... SELECT, and the derived relations
/// (<c>profile_traits</c>, ...) recomputed for queued profiles with <see cref="ProfileTraitRow"/>.
/// </summary>
sealed class DuckDbAudienceStore(DuckDbDatabase db, ProfileEventSummaries summaries) : IAudienceStore
{
    const string Columns = "id, name, team, description, rule, text, created_by, created_at, updated_by, updated_at";
    static readonly AudienceSqlCompiler Compiler = new(DuckDbSqlDialect.Instance);
    readonly SemaphoreSlim _refreshGate = new(1, 1);

    public Task AddAsync(Audience audience, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"INSERT INTO audiences ({Columns}) VALUES ($id, $name, $team, $description, $rule, $text, $cb, $ca, $ub, $ua)",
            ("id", audience.Id), ("name", audience.Name), ("team", Db(audience.Team)), ("description", Db(audience.Description)),
            ("rule", AudienceJson.Serialize(audience.Definition)), ("text", audience.Text), ("cb", audience.CreatedBy),
            ("ca", Db(audience.CreatedAt)), ("ub", audience.UpdatedBy), ("ua", Db(audience.UpdatedAt)));
        Unique(() => command.ExecuteNonQuery(), audience.Name);
        return Task.CompletedTask;
    }

    public Task<bool> UpdateAsync(Audience audience, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "UPDATE audiences SET name = $name, description = $description, rule = $rule, text = $text, updated_by = $ub, updated_at = $ua WHERE id = $id",
            ("id", audience.Id), ("name", audience.Name), ("description", Db(audience.Description)),
            ("rule", AudienceJson.Serialize(audience.Definition)), ("text", audience.Text), ("ub", audience.UpdatedBy), ("ua", Db(audience.UpdatedAt)));
        var changed = 0;
        Unique(() => changed = command.ExecuteNonQuery(), audience.Name);
        return Task.FromResult(changed > 0);
    }

    static void Unique(Action write, string name)
    {
        try
        {
            write();
        }
        catch (DuckDBException ex) when (ex.Message.Contains("constraint", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConflictException($"An audience named \"{name}\" exists already. Choose another name.");
        }
    }

    public Task<Audience?> FindAsync(string id, CancellationToken ct) => Task.FromResult(Query($"SELECT {Columns} FROM audiences WHERE id = $v", ("v", id)).FirstOrDefault());

    public Task<Audience?> FindByNameAsync(string name, CancellationToken ct) => Task.FromResult(Query($"SELECT {Columns} FROM audiences WHERE name = $v", ("v", name)).FirstOrDefault());

    public Task<IReadOnlyList<Audience>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Audience>>(Query($"SELECT {Columns} FROM audiences ORDER BY name"));

    List<Audience> Query(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = db.Connect();
        using var command = connection.Command(sql, parameters);
        using var r = command.ExecuteReader();
        var list = new List<Audience>();
        while (r.Read())
        {
            list.Add(new Audience(r.GetString(0), r.GetString(1), NullableString(r, 2), NullableString(r, 3),
                AudienceJson.Deserialize(r.GetString(4)), r.GetString(5), r.GetString(6), Time(r, 7), r.GetString(8), Time(r, 9)));
        }
        return list;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var tx = connection.BeginTransaction();
        foreach (var sql in new[]
        {
            "DELETE FROM audience_members WHERE snapshot_id IN (SELECT snapshot_id FROM audience_snapshots WHERE audience_id = $id)",
            "DELETE FROM audience_snapshots WHERE audience_id = $id",
        })
        {
            using var command = connection.Command(sql, ("id", id));
            command.ExecuteNonQuery();
        }
        using var delete = connection.Command("DELETE FROM audiences WHERE id = $id", ("id", id));
        var deleted = delete.ExecuteNonQuery() > 0;
        tx.Commit();
        return Task.FromResult(deleted);
    }

    public async Task<CompiledAudience> CompileAsync(AudienceDefinition definition, DateTimeOffset asOf, CancellationToken ct)
    {
        var audiences = (await ListAsync(ct)).ToDictionary(a => a.Name, a => a.Definition, StringComparer.Ordinal);
        return Compiler.Compile(definition, asOf, name => audiences.GetValueOrDefault(name));
    }

    public async Task<AudiencePreview> PreviewAsync(AudienceDefinition definition, DateTimeOffset asOf, int sampleSize, CancellationToken ct)
    {
        var compiled = await CompileAsync(definition, asOf, ct);
        using var connection = db.Connect();
        long size, households;
        using (var command = connection.Command(AudienceQueries.Counts(compiled)))
        using (var r = command.ExecuteReader())
        {
            r.Read();
            (size, households) = (r.GetInt64(0), r.GetInt64(1));
        }
        var sample = new List<ProfileSummary>();
        using (var command = connection.Command(AudienceQueries.Sample(compiled, Compiler.Dialect, Math.Max(0, sampleSize))))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) sample.Add(new ProfileSummary(new ProfileId(r.GetInt64(0)), NullableString(r, 1), NullableString(r, 2), NullableTime(r, 3)));
        }
        var reach = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = connection.Command(AudienceQueries.Reach(compiled, Compiler.Dialect)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) reach[r.GetString(0)] = r.GetInt64(1);
        }
        return new AudiencePreview(size, households, sample,
            [.. Reachability.Channels.Select(c => c.Channel).Distinct().Select(c => new ChannelReach(c, reach.GetValueOrDefault(c)))]);
    }

    public async Task<AudienceSnapshot?> SnapshotAsync(string audienceId, DateTimeOffset asOf, CancellationToken ct)
    {
        if (await FindAsync(audienceId, ct) is not { } audience) return null;
        var compiled = await CompileAsync(audience.Definition, asOf, ct);
        var takenAt = DateTimeOffset.UtcNow;
        using var connection = db.Connect();
        using var tx = connection.BeginTransaction();
        long id;
        using (var next = connection.Command("SELECT nextval('audience_snapshot_ids')"))
            id = Convert.ToInt64(next.ExecuteScalar(), CultureInfo.InvariantCulture);
        using (var insert = connection.Command(AudienceQueries.InsertMembers(compiled, Compiler.Dialect, id)))
            insert.ExecuteNonQuery();
        using (var record = connection.Command(
            "INSERT INTO audience_snapshots SELECT $id, $audience, $taken, $asof, count(*), count(DISTINCT household_id) FROM audience_members WHERE snapshot_id = $id",
            ("id", id), ("audience", audienceId), ("taken", Db(takenAt)), ("asof", Db(asOf))))
            record.ExecuteNonQuery();
        tx.Commit();
        return await FindSnapshotAsync(id, ct);
    }

    const string SnapshotColumns = "snapshot_id, audience_id, taken_at, as_of, member_count, household_count";

    public Task<IReadOnlyList<AudienceSnapshot>> ListSnapshotsAsync(string audienceId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AudienceSnapshot>>(Snapshots(
            $"SELECT {SnapshotColumns} FROM audience_snapshots WHERE audience_id = $v ORDER BY taken_at DESC, snapshot_id DESC", audienceId));

    public Task<AudienceSnapshot?> FindSnapshotAsync(long snapshotId, CancellationToken ct) =>
        Task.FromResult(Snapshots($"SELECT {SnapshotColumns} FROM audience_snapshots WHERE snapshot_id = $v", snapshotId).FirstOrDefault());

    List<AudienceSnapshot> Snapshots(string sql, object value)
    {
        using var connection = db.Connect();
        using var command = connection.Command(sql, ("v", value));
        using var r = command.ExecuteReader();
        var list = new List<AudienceSnapshot>();
        while (r.Read()) list.Add(new AudienceSnapshot(r.GetInt64(0), r.GetString(1), Time(r, 2), Time(r, 3), r.GetInt64(4), r.GetInt64(5)));
        return list;
    }

    public Task<IReadOnlyList<AudienceMember>> MembersAsync(long snapshotId, long afterProfile, int limit, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "SELECT profile_id, household_id FROM audience_members WHERE snapshot_id = $s AND profile_id > $after ORDER BY profile_id LIMIT $n",
            ("s", snapshotId), ("after", afterProfile), ("n", limit));
        using var r = command.ExecuteReader();
        var list = new List<AudienceMember>();
        while (r.Read()) list.Add(new AudienceMember(new ProfileId(r.GetInt64(0)), NullableString(r, 1)));
        return Task.FromResult<IReadOnlyList<AudienceMember>>(list);
    }

    public Task<bool?> WasMemberAsync(ProfileId profileId, string audienceId, DateTimeOffset at, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "WITH snap AS (SELECT snapshot_id FROM audience_snapshots WHERE audience_id = $a AND as_of <= $at ORDER BY as_of DESC, snapshot_id DESC LIMIT 1), " +
            "me AS (SELECT coalesce((SELECT survivor_id FROM profile_survivors WHERE profile_id = $p), $p) AS id) " +
            "SELECT (SELECT count(*) FROM snap), EXISTS (SELECT 1 FROM audience_members m LEFT JOIN profile_survivors s ON s.profile_id = m.profile_id " +
            "WHERE m.snapshot_id = (SELECT snapshot_id FROM snap) AND coalesce(s.survivor_id, m.profile_id) = (SELECT id FROM me))",
            ("a", audienceId), ("at", Db(at)), ("p", profileId.Value));
        using var r = command.ExecuteReader();
        r.Read();
        return Task.FromResult<bool?>(r.GetInt64(0) == 0 ? null : r.GetBoolean(1));
    }

    public async Task<int> RefreshAsync(int limit, CancellationToken ct)
    {
        await _refreshGate.WaitAsync(ct);
        try
        {
            return Refresh(limit);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>
    /// One transaction: takes up to <paramref name="limit"/> queued profiles, rewrites their rows and
    /// their households' rows, and removes the queue entries it saw. Entries queued meanwhile are not in
    /// this transaction's snapshot, so they stay for the next round.
    /// </summary>
    int Refresh(int limit)
    {
        var version = summaries.Version;
        using var connection = db.Connect();
        using var tx = connection.BeginTransaction();
        var ids = new List<long>();
        using (var command = connection.Command("SELECT DISTINCT profile_id FROM profile_refresh ORDER BY profile_id LIMIT $n", ("n", limit)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) ids.Add(r.GetInt64(0));
        }
        if (ids.Count == 0) return 0;
        Temp(connection, "refresh_ids", ids);

        var live = new HashSet<long>();
        using (var command = connection.Command(
            "SELECT p.profile_id FROM profiles p WHERE p.profile_id IN (SELECT profile_id FROM refresh_ids) AND p.merged_into IS NULL AND NOT p.retired"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) live.Add(r.GetInt64(0));
        }

        // Profiles with a summary from an earlier refresh fold in only the events resolved since it; the others are read in full.
        var through = ResolvedThrough(connection);
        var kept = through is null ? new() : summaries.Take(ids);
        var facts = kept.ToDictionary(k => k.Key, k => new ProfileRows { Events = k.Value.Summary, LastSequence = k.Value.Through, Resumed = true });
        ProfileRows Of(long id) => facts.TryGetValue(id, out var f) ? f : facts[id] = new ProfileRows();
        void ReadEvents(string where, params (string Name, object Value)[] parameters)
        {
            using var command = connection.Command(
                "SELECT coalesce(s.survivor_id, e.profile_id), e.seq, e.type, e.name, e.timestamp, e.source_id, " +
                $"CASE WHEN e.type = 'track' AND {PropertiesMatter} THEN e.properties END, CASE WHEN e.type = 'identify' THEN e.traits END, " +
                DuckDbProfileStore.EventTimeZone("e") + " FROM events e LEFT JOIN profile_survivors s ON s.profile_id = e.profile_id WHERE " + where, parameters);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                var owner = r.GetInt64(0);
                var seq = r.GetInt64(1);
                if (!live.Contains(owner) || (kept.TryGetValue(owner, out var k) && seq <= k.Through)) continue;
                var type = EventTypes.TryParse(r.GetString(2), out var t) ? t : EventType.Track;
                Of(owner).Add(new EventFact(type, NullableString(r, 3), Time(r, 4), r.GetString(5), NullableString(r, 6), NullableString(r, 8)), seq,
                    type == EventType.Identify ? NullableString(r, 7) : null);
            }
        }
        const string Owners = "e.profile_id IN (SELECT profile_id FROM {0} UNION ALL SELECT profile_id FROM profile_survivors WHERE survivor_id IN (SELECT profile_id FROM {0}))";
        if (kept.Count < ids.Count)
        {
            Temp(connection, "refresh_full", [.. ids.Where(id => !kept.ContainsKey(id))]);
            ReadEvents(string.Format(CultureInfo.InvariantCulture, Owners, "refresh_full"));
        }
        if (kept.Count > 0)
        {
            // Restricted to the sequence numbers resolved since the oldest summary, so DuckDB skips the row groups before.
            Temp(connection, "refresh_kept", [.. kept.Keys]);
            ReadEvents("e.seq > $from AND e.seq <= $through AND " + string.Format(CultureInfo.InvariantCulture, Owners, "refresh_kept"),
                ("from", kept.Values.Min(k => k.Through)), ("through", through!.Value));
        }
        using (var command = connection.Command("SELECT profile_id, type, value FROM profile_identifiers WHERE type = 'email' AND profile_id IN (SELECT profile_id FROM refresh_ids)"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) Of(r.GetInt64(0)).Identifiers.Add(new Identifier(r.GetString(1), r.GetString(2)));
        }
        var households = new HashSet<string>(StringComparer.Ordinal);
        using (var command = connection.Command(
            "SELECT i.profile_id, c.source_id, c.customer_id, c.email, c.phone, c.first_name, c.last_name, c.address_line, c.postal_code, c.city, " +
            "c.country, c.company, c.created_at, c.traits, c.household_id FROM customers c JOIN profile_identifiers i " +
            "ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id WHERE i.profile_id IN (SELECT profile_id FROM refresh_ids) ORDER BY c.seq"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                var household = NullableString(r, 14);
                if (household is not null) households.Add(household);
                Of(r.GetInt64(0)).Records.Add((new ProfileRecord(r.GetString(1), r.GetString(1), "", r.GetString(2), NullableString(r, 3), NullableString(r, 4),
                    NullableString(r, 5), NullableString(r, 6), NullableString(r, 7), NullableString(r, 8), NullableString(r, 9), NullableString(r, 10),
                    NullableString(r, 11), NullableTime(r, 12), NullableString(r, 13)), household));
            }
        }
        using (var command = connection.Command(
            "SELECT i.profile_id, o.source_id, o.order_id, o.customer_id, o.ordered_at, o.total, o.currency, o.status, o.properties FROM orders o " +
            "JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = o.source_id || ':' || o.customer_id " +
            "WHERE i.profile_id IN (SELECT profile_id FROM refresh_ids)"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                Of(r.GetInt64(0)).Orders.Add(new OrderRecord
                {
                    SourceId = r.GetString(1), OrderId = r.GetString(2), CustomerId = r.GetString(3), OrderedAt = Time(r, 4),
                    Total = r.GetDecimal(5), Currency = NullableString(r, 6), Status = NullableString(r, 7), Properties = NullableString(r, 8),
                });
            }
        }
        using (var command = connection.Command(
            "SELECT DISTINCT household_id FROM profile_traits WHERE household_id IS NOT NULL AND profile_id IN (SELECT profile_id FROM refresh_ids)"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) households.Add(r.GetString(0));
        }

        foreach (var sql in new[]
        {
            "DELETE FROM profile_traits WHERE profile_id IN (SELECT profile_id FROM refresh_ids)",
            "DELETE FROM profile_consents WHERE profile_id IN (SELECT profile_id FROM refresh_ids)",
            "DELETE FROM profile_businesses WHERE profile_id IN (SELECT profile_id FROM refresh_ids)",
        })
        {
            using var command = connection.Command(sql);
            command.ExecuteNonQuery();
        }

        var built = live.Order().Select(id => facts.TryGetValue(id, out var f) ? f.Build(id) : new ProfileRows().Build(id)).ToList();
        var refreshedAt = DateTime.UtcNow;
        using (var appender = connection.CreateAppender("profile_traits"))
        {
            foreach (var row in built)
            {
                var t = row.Traits;
                var r = appender.CreateRow().AppendValue(row.Id.Value).AppendValue(row.HouseholdId).AppendValue(row.DisplayName).AppendValue(row.Email);
                r = t.FirstSeen is { } first ? r.AppendValue(first.UtcDateTime) : r.AppendNullValue();
                r = t.LastSeen is { } last ? r.AppendValue(last.UtcDateTime) : r.AppendNullValue();
                r.AppendValue(t.EventCount).AppendValue(t.OrderCount).AppendValue(t.Revenue).AppendValue(t.Currency)
                    .AppendValue(row.ChannelList).AppendValue(row.CustomTraits).AppendValue(t.TimeZone).AppendValue(refreshedAt).EndRow();
            }
        }
        using (var appender = connection.CreateAppender("profile_consents"))
        {
            foreach (var row in built)
            {
                foreach (var c in row.Traits.Consents)
                    appender.CreateRow().AppendValue(row.Id.Value).AppendValue(c.Channel).AppendValue(c.Purpose).AppendValue(c.Granted).AppendValue(c.At.UtcDateTime).EndRow();
            }
        }
        Run(connection, DerivedSql.Businesses("(SELECT profile_id FROM refresh_ids)"));

        TempText(connection, "refresh_households", households);
        Run(connection, "DELETE FROM household_traits WHERE household_id IN (SELECT household_id FROM refresh_households)");
        Run(connection, DerivedSql.Households("(SELECT household_id FROM refresh_households)"));
        Run(connection, "DELETE FROM profile_refresh WHERE profile_id IN (SELECT profile_id FROM refresh_ids)");
        tx.Commit();
        if (through is { } resolved) summaries.Keep(version, resolved, live, facts);
        return ids.Count;
    }

    /// <summary>
    /// Whether a track event's properties can change its profile's traits, as ProfileEventSummary tells (or
    /// more: any name with other than ASCII letters): the others are not read into .NET at all.
    /// </summary>
    const string PropertiesMatter =
        "(contains(e.properties, 'channel') OR contains(e.properties, '\\u') OR e.name ILIKE '%consent%' OR e.name ILIKE 'order completed' " +
        "OR length(e.name) <> strlen(e.name))";

    /// <summary>Reads how far identity resolution got: events are put in profiles up to there (null before it ran).</summary>
    static long? ResolvedThrough(DuckDBConnection connection)
    {
        using var command = connection.Command("SELECT through_seq FROM identity_progress WHERE id = 1");
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

    static void Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.Command(sql);
        command.ExecuteNonQuery();
    }

    static void Temp(DuckDBConnection connection, string table, List<long> ids)
    {
        Run(connection, $"CREATE OR REPLACE TEMP TABLE {table} (profile_id BIGINT)");
        using var appender = connection.CreateAppender("temp", "main", table);
        foreach (var id in ids) appender.CreateRow().AppendValue(id).EndRow();
    }

    static void TempText(DuckDBConnection connection, string table, IEnumerable<string> values)
    {
        Run(connection, $"CREATE OR REPLACE TEMP TABLE {table} (household_id VARCHAR)");
        using var appender = connection.CreateAppender("temp", "main", table);
        foreach (var value in values) appender.CreateRow().AppendValue(value).EndRow();
    }
}

/// <summary>
/// Compiled audience statements on DuckDB. Public so that the benchmark binds its hand-written and
/// compiled queries exactly as the store does.
/// </summary>
public static class DuckDbStatements
{
    /// <summary>A command with the compiled statement's parameters bound by position.</summary>
    public static DuckDBCommand Command(this DuckDBConnection connection, CompiledAudience statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Sql;
        foreach (var value in statement.Parameters)
            command.Parameters.Add(new DuckDBParameter(value is DateTimeOffset t ? t.UtcDateTime : value));
        return command;
    }
}
