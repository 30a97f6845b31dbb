using CommonGround.ContactPolicy;
using CommonGround.Identity;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbSuppressionListStore(DuckDbDatabase db) : ISuppressionListStore
{
    static string P(string name) => "$" + name;

    public async Task<int> AddMembersAsync(string list, IReadOnlyList<SuppressionEntry> members, string addedBy, DateTimeOffset at, CancellationToken ct)
    {
        var distinct = SuppressionRows.Distinct(list, members);
        if (distinct.Count == 0) return 0;
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using (var create = connection.Command(
                "CREATE OR REPLACE TEMP TABLE stage_suppression (identifier_type VARCHAR, identifier_value VARCHAR, reason VARCHAR)"))
                create.ExecuteNonQuery();
            using (var appender = connection.CreateAppender("temp", "main", "stage_suppression"))
            {
                foreach (var m in distinct)
                {
                    var row = appender.CreateRow().AppendValue(m.Identifier.Type).AppendValue(m.Identifier.Value);
                    (m.Reason is null ? row.AppendNullValue() : row.AppendValue(m.Reason)).EndRow();
                }
            }
            using var tx = connection.BeginTransaction();
            using var insert = connection.Command(
                $"INSERT INTO suppression_members ({SuppressionRows.Columns}) SELECT $list, s.identifier_type, s.identifier_value, s.reason, $by, $at " +
                "FROM stage_suppression s WHERE NOT EXISTS (SELECT 1 FROM suppression_members m WHERE m.list_name = $list " +
                "AND m.identifier_type = s.identifier_type AND m.identifier_value = s.identifier_value)",
                ("list", list), ("by", addedBy), ("at", Db(at)));
            var added = insert.ExecuteNonQuery();
            using (var touch = connection.Command(
                SuppressionRows.TouchProfiles("(SELECT identifier_type AS type, identifier_value AS value FROM stage_suppression)", "$now"), ("now", DateTime.UtcNow)))
                touch.ExecuteNonQuery();
            tx.Commit();
            using (var drop = connection.Command("DROP TABLE stage_suppression")) drop.ExecuteNonQuery();
            return added;
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    public async Task<bool> RemoveMemberAsync(string list, Identifier identifier, CancellationToken ct)
    {
        await db.WriteLock.WaitAsync(ct);
        try
        {
            using var connection = db.Connect();
            using var tx = connection.BeginTransaction();
            using var command = connection.Command(SuppressionRows.Remove(P), Key(list, identifier));
            var removed = command.ExecuteNonQuery() > 0;
            using (var touch = connection.Command(SuppressionRows.TouchProfiles("(SELECT $type AS type, $value AS value)", "$now"),
                ("type", identifier.Type), ("value", identifier.Value), ("now", DateTime.UtcNow)))
                touch.ExecuteNonQuery();
            tx.Commit();
            return removed;
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    public Task<IReadOnlyList<SuppressionMember>> MembersAsync(string list, Identifier? after, int limit, CancellationToken ct)
    {
        using var connection = db.Connect();
        (string, object)[] parameters = after is { } a ? [.. Key(list, a), ("limit", limit)] : [("list", list), ("limit", limit)];
        using var command = connection.Command(SuppressionRows.Page(P, after is not null), parameters);
        return Task.FromResult(Read(command));
    }

    public Task<IReadOnlyList<SuppressionListCount>> CountsAsync(CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(SuppressionRows.Counts);
        using var r = command.ExecuteReader();
        var counts = new List<SuppressionListCount>();
        while (r.Read()) counts.Add(new SuppressionListCount(r.GetString(0), r.GetInt64(1)));
        return Task.FromResult<IReadOnlyList<SuppressionListCount>>(counts);
    }

    public Task<SuppressionMember?> FindMemberAsync(string list, Identifier identifier, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(SuppressionRows.Find(P), Key(list, identifier));
        return Task.FromResult(Read(command) is [var member] ? member : null);
    }

    public Task<IReadOnlyList<string>> SuppressionListsOfAsync(ProfileId survivor, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(SuppressionRows.ListsOf(P), ("profile", survivor.Value));
        return Task.FromResult(Names(command));
    }

    public Task<IReadOnlyList<string>> SuppressionListsOfAsync(IReadOnlyCollection<Identifier> identifiers, CancellationToken ct)
    {
        if (identifiers.Count == 0) return Task.FromResult<IReadOnlyList<string>>([]);
        using var connection = db.Connect();
        // A person has a handful of identifiers: bound as a VALUES list, so only the members are read.
        var values = identifiers.Select((_, i) => $"($t{i}, $v{i})");
        var parameters = identifiers.SelectMany((id, i) => new (string, object)[] { ($"t{i}", id.Type), ($"v{i}", id.Value) }).ToArray();
        using var command = connection.Command(
            SuppressionRows.ListsOfIdentifiers($"(VALUES {string.Join(", ", values)}) AS ids(type, value)"), parameters);
        return Task.FromResult(Names(command));
    }

    static IReadOnlyList<string> Names(DuckDB.NET.Data.DuckDBCommand command)
    {
        using var r = command.ExecuteReader();
        var lists = new List<string>();
        while (r.Read()) lists.Add(r.GetString(0));
        return lists;
    }

    static (string, object)[] Key(string list, Identifier identifier) =>
        [("list", list), ("type", identifier.Type), ("value", identifier.Value)];

    static IReadOnlyList<SuppressionMember> Read(DuckDB.NET.Data.DuckDBCommand command)
    {
        using var r = command.ExecuteReader();
        var members = new List<SuppressionMember>();
        while (r.Read()) members.Add(SuppressionRows.Member(r));
        return members;
    }
}
