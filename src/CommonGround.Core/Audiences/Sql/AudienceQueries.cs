namespace CommonGround.Audiences.Sql;

/// <summary>
/// The statements a store runs around a compiled audience: counting, sampling, reach per channel and
/// taking a snapshot, each one statement the database answers by itself. The compiled audience's
/// parameters come first; a statement's own follow.
/// </summary>
public static class AudienceQueries
{
    /// <summary>One row: members, distinct households.</summary>
    public static CompiledAudience Counts(CompiledAudience audience) => new(
        $"WITH m AS ({audience.Sql}) SELECT count(*), count(DISTINCT household_id) FROM m", audience.Parameters);

    /// <summary>Rows of profile_id, display_name, email, last_seen: the lowest profile ids first.</summary>
    public static CompiledAudience Sample(CompiledAudience audience, SqlDialect dialect, int size) => new(
        $"WITH m AS ({audience.Sql}) SELECT t.profile_id, t.display_name, t.email, t.last_seen FROM m " +
        $"JOIN {AudienceRelations.ProfileTraits} t ON t.profile_id = m.profile_id ORDER BY t.profile_id LIMIT {dialect.Placeholder(audience.Parameters.Count + 1)}",
        [.. audience.Parameters, (long)size]);

    /// <summary>Rows of channel, people: members whose latest consent there for marketing is granted and who have an identifier for it.</summary>
    public static CompiledAudience Reach(CompiledAudience audience, SqlDialect dialect)
    {
        var parameters = audience.Parameters.ToList();
        string Bind(object value)
        {
            parameters.Add(value);
            return dialect.Placeholder(parameters.Count);
        }
        var channels = string.Join(" UNION ALL ", Reachability.Channels.Select(c =>
            $"SELECT {Bind(c.Channel)} AS channel, {Bind(c.IdentifierType)} AS identifier_type"));
        var purpose = Bind(Reachability.Purpose);
        return new CompiledAudience(
            $"WITH m AS ({audience.Sql}), k AS ({channels}) " +
            $"SELECT k.channel, count(DISTINCT m.profile_id) FROM m " +
            $"JOIN {AudienceRelations.ProfileConsents} c ON c.profile_id = m.profile_id AND c.purpose = {purpose} AND c.granted " +
            "JOIN k ON k.channel = c.channel " +
            $"WHERE EXISTS (SELECT 1 FROM {AudienceRelations.ProfileIdentifiers} i WHERE i.profile_id = m.profile_id AND i.type = k.identifier_type) " +
            "GROUP BY k.channel",
            parameters);
    }

    /// <summary>Inserts the members into audience_members under the snapshot id given as the last parameter.</summary>
    public static CompiledAudience InsertMembers(CompiledAudience audience, SqlDialect dialect, long snapshotId) => new(
        $"INSERT INTO audience_members (snapshot_id, profile_id, household_id) " +
        $"SELECT {dialect.Placeholder(audience.Parameters.Count + 1)}, m.profile_id, m.household_id FROM ({audience.Sql}) m",
        [.. audience.Parameters, snapshotId]);
}
