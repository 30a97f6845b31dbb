using CommonGround.ContactPolicy;
using CommonGround.Identity;
using DuckDB.NET.Data;
using static CommonGround.Storage.ContactPolicyRows;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbContactPolicyStore(DuckDbDatabase db) : IContactPolicyStore
{
    public Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command($"SELECT {VersionColumns} FROM contact_policy_versions ORDER BY number");
        using var reader = command.ExecuteReader();
        var versions = new List<PolicyVersion>();
        while (reader.Read()) versions.Add(Version(reader));
        return Task.FromResult<IReadOnlyList<PolicyVersion>>(versions);
    }

    public async Task AddPolicyVersionAsync(PolicyVersion version, CancellationToken ct)
    {
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
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
            db.WriteLock.Release();
        }
    }

    public async Task AppendJournalAsync(IReadOnlyList<LedgerChange> changes, IReadOnlyList<HeldBackDecision> heldBack, CancellationToken ct)
    {
        if (changes.Count == 0 && heldBack.Count == 0) return;
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using var tx = connection.BeginTransaction();
            Append(connection, "contact_ledger", changes.Select(Values));
            Append(connection, "contact_held_back", heldBack.Select(Values));
            tx.Commit();
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

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

    public Task<IReadOnlyList<LedgerChange>> ReadJournalAsync(ProfileId? profile, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        using var connection = db.Connect();
        var sql = $"SELECT {LedgerColumns} FROM contact_ledger WHERE ((message_at >= $from AND message_at < $to) OR (message_at IS NULL AND recorded_at >= $settled))";
        var parameters = new List<(string, object)> { ("from", Db(from)), ("to", Db(to)), ("settled", Db(from - LedgerChange.SettleWithin)) };
        if (profile is { } p)
        {
            sql += " AND profile_id = $profile";
            parameters.Add(("profile", p.Value));
        }
        using var command = connection.Command(sql + " ORDER BY recorded_at", [.. parameters]);
        using var reader = command.ExecuteReader();
        var changes = new List<LedgerChange>();
        while (reader.Read()) changes.Add(Change(reader));
        return Task.FromResult<IReadOnlyList<LedgerChange>>(changes);
    }

    public Task<IReadOnlyList<HeldBackDecision>> ListHeldBackAsync(ProfileId profile, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"SELECT {HeldBackColumns} FROM contact_held_back WHERE profile_id = $profile AND message_at >= $from AND message_at < $to " +
            "ORDER BY message_at DESC, decided_at DESC LIMIT $limit",
            ("profile", profile.Value), ("from", Db(from)), ("to", Db(to)), ("limit", limit));
        using var reader = command.ExecuteReader();
        var decisions = new List<HeldBackDecision>();
        while (reader.Read()) decisions.Add(HeldBack(reader));
        return Task.FromResult<IReadOnlyList<HeldBackDecision>>(decisions);
    }

    static (string, object)[] Parameters(object?[] values) =>
        [.. values.Select((v, i) => ("p" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), v switch
        {
            null => DBNull.Value,
            DateTimeOffset t => (object)t.UtcDateTime,
            _ => v,
        }))];
}
