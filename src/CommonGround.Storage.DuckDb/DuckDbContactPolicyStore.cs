using CommonGround.ContactPolicy;
using CommonGround.Identity;
using DuckDB.NET.Data;
using static CommonGround.Storage.ContactPolicyRows;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbContactPolicyStore : IContactPolicyStore, IAsyncDisposable
{
    const string LedgerTable = "contact_ledger", HeldBackTable = "contact_held_back";

    readonly DuckDbDatabase _db;
    readonly JournalFiles _journal;

    public DuckDbContactPolicyStore(DuckDbDatabase db, string dataDirectory, TimeSpan moveEvery)
    {
        _db = db;
        _journal = new JournalFiles(dataDirectory, ReadMovedThrough, MoveAsync, moveEvery);
    }

    /// <summary>
    /// How often journal rows move from the write-ahead files into the tables. Often, so each move is a
    /// small burst: at 26,000 decisions a second, moving once a second made every move a burst of
    /// 26,000 rows, and the decisions' p99 latency doubled (docs/benchmarks.md).
    /// </summary>
    public static readonly TimeSpan MoveEvery = TimeSpan.FromMilliseconds(100);

    public Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(CancellationToken ct)
    {
        using var connection = _db.Connect();
        using var command = connection.Command($"SELECT {VersionColumns} FROM contact_policy_versions ORDER BY number");
        using var reader = command.ExecuteReader();
        var versions = new List<PolicyVersion>();
        while (reader.Read()) versions.Add(Version(reader));
        return Task.FromResult<IReadOnlyList<PolicyVersion>>(versions);
    }

    public async Task AddPolicyVersionAsync(PolicyVersion version, CancellationToken ct)
    {
        await _db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = _db.Connect();
            using var command = connection.Command(
                $"INSERT INTO contact_policy_versions ({VersionColumns}) VALUES ($p1, $p2, $p3, $p4, $p5)", Parameters(Values(version)));
            try
            {
                command.ExecuteNonQuery();
            }
            catch (DuckDBException ex) when (ex.Message.Contains("constraint", StringComparison.OrdinalIgnoreCase))
            {
                throw new ConflictException($"Version {version.Number} of the contact policy exists already: another change came first. Start from it and try again.");
            }
        }
        finally
        {
            _db.WriteLock.Release();
        }
    }

    /// <summary>
    /// Appends to the journal's write-ahead files and returns once they are on disk; the rows reach
    /// the tables within <see cref="MoveEvery"/> (<see cref="JournalFiles"/>), and every read of the
    /// journal moves what is waiting first.
    /// </summary>
    public Task AppendJournalAsync(IReadOnlyList<LedgerChange> changes, IReadOnlyList<HeldBackDecision> heldBack, CancellationToken ct)
    {
        _journal.Append(JournalRows(changes, heldBack), sync: true);
        return Task.CompletedTask;
    }

    /// <summary>Appended without waiting for the disk: the next synced append or move takes them there.</summary>
    public Task LogHeldBackAsync(IReadOnlyList<HeldBackDecision> heldBack, CancellationToken ct)
    {
        _journal.Append(JournalRows([], heldBack), sync: false);
        return Task.CompletedTask;
    }

    static List<(string Table, object?[] Values)> JournalRows(IReadOnlyList<LedgerChange> changes, IReadOnlyList<HeldBackDecision> heldBack)
    {
        var rows = new List<(string, object?[])>(changes.Count + heldBack.Count);
        foreach (var change in changes) rows.Add((LedgerTable, Values(change)));
        foreach (var decision in heldBack) rows.Add((HeldBackTable, Values(decision)));
        return rows;
    }

    /// <summary>Moves what the journal's files hold into the tables now (at start, a crash's leftovers).</summary>
    public Task MoveJournalAsync(CancellationToken ct) => _journal.MoveAsync(ct);

    /// <remarks>
    /// Without the store's write lock: the journal's tables have no keys for a concurrent writer to
    /// collide on, and only this move (one at a time) writes them. So a read of the journal, which
    /// moves first, never waits behind a long write elsewhere (identity resolution, an import).
    /// </remarks>
    Task MoveAsync(IReadOnlyList<JournalFiles.Rows> rows, long movedThrough)
    {
        using var connection = _db.Connect();
        using var tx = connection.BeginTransaction();
        foreach (var table in rows)
        {
            if (table.Table is not (LedgerTable or HeldBackTable))
                throw new InvalidDataException($"The contact journal has rows for an unknown table '{table.Table}'.");
            Append(connection, table.Table, table.Values);
        }
        using (var moved = connection.Command("UPDATE contact_journal_moved SET moved_through = $n", ("n", movedThrough)))
            moved.ExecuteNonQuery();
        tx.Commit();
        return Task.CompletedTask;
    }

    long ReadMovedThrough()
    {
        using var connection = _db.Connect();
        using var command = connection.Command("SELECT max(moved_through) FROM contact_journal_moved");
        return command.ExecuteScalar() is long n ? n : 0;
    }

    public ValueTask DisposeAsync() => _journal.DisposeAsync();

    static void Append(DuckDBConnection connection, string table, IEnumerable<object?[]> rows)
    {
        using var appender = connection.CreateAppender(table);
        foreach (var values in rows)
        {
            var row = appender.CreateRow();
            foreach (var value in values)
            {
                _ = value switch
                {
                    null => row.AppendNullValue(),
                    long l => row.AppendValue(l),
                    int i => row.AppendValue(i),
                    string s => row.AppendValue(s),
                    decimal d => row.AppendValue(d),
                    DateTimeOffset t => row.AppendValue(t.UtcDateTime),
                    _ => throw new InvalidOperationException($"No DuckDB appender value for {value.GetType().Name}."),
                };
            }
            row.EndRow();
        }
    }

    public async Task<IReadOnlyList<LedgerChange>> ReadJournalAsync(ProfileId? profile, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await _journal.MoveAsync(ct);
        using var connection = _db.Connect();
        var sql = $"SELECT {LedgerColumns} FROM contact_ledger WHERE ((message_at >= $from AND message_at < $to) OR (message_at IS NULL AND recorded_at >= $settled))";
        var parameters = new List<(string, object)> { ("from", Db(from)), ("to", Db(to)), ("settled", Db(from - LedgerChange.SettleWithin)) };
        if (profile is { } p)
        {
            sql += $" AND {OfProfileAndAbsorbed("$profile")}";
            parameters.Add(("profile", p.Value));
        }
        using var command = connection.Command(sql + " ORDER BY recorded_at", [.. parameters]);
        using var reader = command.ExecuteReader();
        var changes = new List<LedgerChange>();
        while (reader.Read()) changes.Add(Change(reader));
        return changes;
    }

    public async Task<IReadOnlyList<HeldBackDecision>> ListHeldBackAsync(ProfileId profile, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        await _journal.MoveAsync(ct);
        using var connection = _db.Connect();
        using var command = connection.Command(
            $"SELECT {HeldBackColumns} FROM contact_held_back WHERE {OfProfileAndAbsorbed("$profile")} AND message_at >= $from AND message_at < $to " +
            "ORDER BY message_at DESC, decided_at DESC LIMIT $limit",
            ("profile", profile.Value), ("from", Db(from)), ("to", Db(to)), ("limit", limit));
        using var reader = command.ExecuteReader();
        var decisions = new List<HeldBackDecision>();
        while (reader.Read()) decisions.Add(HeldBack(reader));
        return decisions;
    }

    public Task<ContactFacts?> FindContactFactsAsync(Identifier identifier, CancellationToken ct)
    {
        using var connection = _db.Connect();
        using var command = connection.Command(
            "SELECT profile_id FROM profile_identifiers WHERE type = $t AND value = $v AND profile_id IS NOT NULL", ("t", identifier.Type), ("v", identifier.Value));
        var found = command.ExecuteScalar();
        return Task.FromResult(found is long id ? Facts(connection, id) : null);
    }

    public Task<ContactFacts?> GetContactFactsAsync(ProfileId profile, CancellationToken ct)
    {
        using var connection = _db.Connect();
        return Task.FromResult(Facts(connection, profile.Value));
    }

    /// <summary>Point lookups only (each table has an index on the profile), so a miss costs the same at any size.</summary>
    static ContactFacts? Facts(DuckDBConnection connection, long id)
    {
        using (var survivor = connection.Command("SELECT survivor_id FROM profile_survivors WHERE profile_id = $p", ("p", id)))
        {
            if (survivor.ExecuteScalar() is long s) id = s;
        }
        using (var live = connection.Command("SELECT count(*) FROM profiles WHERE profile_id = $p AND merged_into IS NULL AND NOT retired", ("p", id)))
        {
            if (Convert.ToInt64(live.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0) return null;
        }
        var lists = new List<string>();
        using (var command = connection.Command(SuppressionRows.ListsOf(name => "$" + name), ("profile", id)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) lists.Add(r.GetString(0));
        }
        var consents = new List<(string, bool)>();
        using (var command = connection.Command("SELECT channel, granted FROM profile_consents WHERE profile_id = $p AND purpose = 'marketing'", ("p", id)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) consents.Add((r.GetString(0), r.GetBoolean(1)));
        }
        using (var command = connection.Command("SELECT household_id, time_zone, refreshed_at FROM profile_traits WHERE profile_id = $p", ("p", id)))
        using (var r = command.ExecuteReader())
        {
            return r.Read()
                ? new ContactFacts(new ProfileId(id), NullableString(r, 0), NullableString(r, 1), ContactFacts.ConsentsOf(consents), NullableTime(r, 2), lists.Count > 0 ? lists : null)
                : new ContactFacts(new ProfileId(id), null, null, ContactFacts.ConsentsOf(consents), null, lists.Count > 0 ? lists : null);
        }
    }

    public Task<IReadOnlyList<ContactDirectoryEntry>> ReadContactDirectoryAsync(IReadOnlyCollection<ProfileId>? profiles, int limit, CancellationToken ct)
    {
        using var connection = _db.Connect();
        Run(connection, "CREATE OR REPLACE TEMP TABLE directory_ids (profile_id BIGINT)");
        if (profiles is null)
        {
            using var chosen = connection.Command(
                "INSERT INTO directory_ids SELECT profile_id FROM profile_traits ORDER BY last_seen DESC NULLS LAST, profile_id LIMIT $n", ("n", limit));
            chosen.ExecuteNonQuery();
        }
        else
        {
            using var appender = connection.CreateAppender("temp", "main", "directory_ids");
            foreach (var id in profiles.Distinct()) appender.CreateRow().AppendValue(id.Value).EndRow();
        }
        var rows = new ContactDirectoryRows();
        using (var command = connection.Command(
            "SELECT t.profile_id, t.household_id, t.time_zone, t.refreshed_at FROM profile_traits t JOIN directory_ids d ON d.profile_id = t.profile_id " +
            "JOIN profiles p ON p.profile_id = t.profile_id AND p.merged_into IS NULL AND NOT p.retired"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) rows.Profile(r.GetInt64(0), NullableString(r, 1), NullableString(r, 2), NullableTime(r, 3));
        }
        using (var command = connection.Command(
            "SELECT c.profile_id, c.channel, c.granted FROM profile_consents c JOIN directory_ids d ON d.profile_id = c.profile_id WHERE c.purpose = 'marketing'"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) rows.Consent(r.GetInt64(0), r.GetString(1), r.GetBoolean(2));
        }
        using (var command = connection.Command(
            "SELECT i.profile_id, i.type, i.value FROM profile_identifiers i JOIN directory_ids d ON d.profile_id = i.profile_id WHERE i.type <> 'anonymousId'"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) rows.Identifier(r.GetInt64(0), r.GetString(1), r.GetString(2));
        }
        using (var command = connection.Command(
            $"SELECT l.profile_id, l.lists FROM ({SuppressionRows.ListsPerProfile}) l JOIN directory_ids d ON d.profile_id = l.profile_id"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) rows.Lists(r.GetInt64(0), r.GetString(1));
        }
        return Task.FromResult(rows.Build());
    }

    static void Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.Command(sql);
        command.ExecuteNonQuery();
    }

    public Task<IReadOnlyList<ContactFactsChange>> ChangedContactFactsAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = _db.Connect();
        using var command = connection.Command(
            "WITH changed AS (SELECT profile_id, refreshed_at FROM profile_traits WHERE refreshed_at > $since) " +
            "SELECT profile_id, refreshed_at FROM changed " +
            "UNION ALL SELECT s.profile_id, c.refreshed_at FROM profile_survivors s JOIN changed c ON c.profile_id = s.survivor_id",
            ("since", Db(since)));
        using var r = command.ExecuteReader();
        var changes = new List<ContactFactsChange>();
        while (r.Read()) changes.Add(new ContactFactsChange(new ProfileId(r.GetInt64(0)), Time(r, 1)));
        return Task.FromResult<IReadOnlyList<ContactFactsChange>>(changes);
    }

    static (string, object)[] Parameters(object?[] values) =>
        [.. values.Select((v, i) => ("p" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), v switch
        {
            null => DBNull.Value,
            DateTimeOffset t => (object)t.UtcDateTime,
            _ => v,
        }))];
}
