using System.Data.Common;
using CommonGround.ContactPolicy;
using CommonGround.Identity;

namespace CommonGround.Storage;

/// <summary>
/// The SQL both providers run over suppression_members (0008_suppression_lists.sql) and how they read
/// its rows. Parameters are written through <c>p</c>, which gives each provider's placeholder for a
/// name ($name for DuckDB, @name for PostgreSQL).
/// </summary>
public static class SuppressionRows
{
    public const string Columns = "list_name, identifier_type, identifier_value, reason, added_by, added_at";

    public static string Page(Func<string, string> p, bool after) =>
        $"SELECT {Columns} FROM suppression_members WHERE list_name = {p("list")}" +
        (after ? $" AND (identifier_type > {p("type")} OR (identifier_type = {p("type")} AND identifier_value > {p("value")}))" : "") +
        $" ORDER BY identifier_type, identifier_value LIMIT {p("limit")}";

    public static string Find(Func<string, string> p) =>
        $"SELECT {Columns} FROM suppression_members WHERE list_name = {p("list")} AND identifier_type = {p("type")} AND identifier_value = {p("value")}";

    public static string Remove(Func<string, string> p) =>
        $"DELETE FROM suppression_members WHERE list_name = {p("list")} AND identifier_type = {p("type")} AND identifier_value = {p("value")}";

    public const string Counts = "SELECT list_name, count(*) FROM suppression_members GROUP BY list_name ORDER BY list_name";

    /// <summary>
    /// The lists of a profile: its survivor's identifiers and those of every profile merged into it
    /// (profile_survivors), joined to the members by (type, value).
    /// </summary>
    public static string ListsOf(Func<string, string> p) =>
        $"WITH root AS (SELECT coalesce((SELECT survivor_id FROM profile_survivors WHERE profile_id = {p("profile")}), {p("profile")}) AS id), " +
        "ids AS (SELECT type, value FROM profile_identifiers WHERE profile_id = (SELECT id FROM root) " +
        "UNION SELECT i.type, i.value FROM profile_identifiers i JOIN profile_survivors s ON s.profile_id = i.profile_id WHERE s.survivor_id = (SELECT id FROM root)) " +
        "SELECT DISTINCT m.list_name FROM suppression_members m JOIN ids ON m.identifier_type = ids.type AND m.identifier_value = ids.value " +
        "ORDER BY m.list_name";

    /// <summary>The lists of the identifiers in <paramref name="identifiers"/>, a relation ids(type, value).</summary>
    public static string ListsOfIdentifiers(string identifiers) =>
        $"SELECT DISTINCT m.list_name FROM suppression_members m JOIN {identifiers} ON m.identifier_type = ids.type AND m.identifier_value = ids.value " +
        "ORDER BY m.list_name";

    /// <summary>
    /// A relation (profile_id, lists): every surviving profile on at least one list, with the names of
    /// its lists in ordinal order joined by a line break (list names have no control characters).
    /// Computed from the members, so its size is that of the lists, not of the profiles.
    /// </summary>
    public const string ListsPerProfile =
        "SELECT profile_id, string_agg(list_name, chr(10) ORDER BY list_name) AS lists FROM (" +
        "SELECT DISTINCT coalesce(s.survivor_id, i.profile_id) AS profile_id, m.list_name FROM suppression_members m " +
        "JOIN profile_identifiers i ON i.type = m.identifier_type AND i.value = m.identifier_value " +
        "LEFT JOIN profile_survivors s ON s.profile_id = i.profile_id WHERE i.profile_id IS NOT NULL) sl GROUP BY profile_id";

    /// <summary>
    /// Marks the contact facts of the surviving profiles that have any identifier of the relation
    /// <paramref name="identifiers"/>(type, value) as rewritten at <paramref name="now"/>, so every
    /// server's decision directory reads them again (see <see cref="IContactPolicyStore.ChangedContactFactsAsync"/>).
    /// </summary>
    public static string TouchProfiles(string identifiers, string now) =>
        $"UPDATE profile_traits SET refreshed_at = {now} WHERE profile_id IN (" +
        "SELECT coalesce(s.survivor_id, i.profile_id) FROM profile_identifiers i LEFT JOIN profile_survivors s ON s.profile_id = i.profile_id " +
        $"WHERE i.profile_id IS NOT NULL AND (i.type, i.value) IN (SELECT type, value FROM {identifiers} AS touched_ids))";

    /// <summary>The members to add: the first of each identifier, reasons trimmed.</summary>
    /// <exception cref="ArgumentException">A bad list name, too many members, or a reason too long.</exception>
    public static List<SuppressionEntry> Distinct(string list, IReadOnlyList<SuppressionEntry> members)
    {
        if (SuppressionLists.NameProblem(list) is { } problem) throw new ArgumentException(problem, nameof(list));
        if (members.Count > SuppressionLists.MaxBatch)
            throw new ArgumentException($"Add at most {SuppressionLists.MaxBatch:N0} members at a time.", nameof(members));
        var seen = new HashSet<Identifier>();
        var distinct = new List<SuppressionEntry>(members.Count);
        foreach (var m in members)
        {
            if (seen.Add(m.Identifier)) distinct.Add(m with { Reason = SuppressionLists.Reason(m.Reason) });
        }
        return distinct;
    }

    public static SuppressionMember Member(DbDataReader r) =>
        new(r.GetString(0), new Identifier(r.GetString(1), r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
            new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(5), DateTimeKind.Utc)));

    /// <summary>The list names of a <see cref="ListsPerProfile"/> row; one array per distinct set, shared through <paramref name="seen"/>.</summary>
    public static string[] Split(string lists, Dictionary<string, string[]> seen)
    {
        if (!seen.TryGetValue(lists, out var names)) seen[lists] = names = lists.Split('\n');
        return names;
    }
}
