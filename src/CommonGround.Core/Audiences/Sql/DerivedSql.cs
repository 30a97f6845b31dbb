namespace CommonGround.Audiences.Sql;

/// <summary>
/// Statements that rebuild derived rows from the stored links, the same text for every provider
/// (standard SQL only). The definitions are those of the profile and household pages: a person
/// belongs to the business of a corporate e-mail domain, of a group call and of a company field; a
/// household's members are the people with a customer record there, its orders those of its records.
/// </summary>
public static class DerivedSql
{
    /// <summary>Inserts the business memberships of the profiles selected by <paramref name="profiles"/> (a subquery).</summary>
    public static string Businesses(string profiles) =>
        $"INSERT INTO {AudienceRelations.ProfileBusinesses} (profile_id, business_id) SELECT DISTINCT profile_id, business_id FROM (" +
        $" SELECT profile_id, business_id FROM profile_identifiers WHERE business_id IS NOT NULL AND profile_id IN {profiles}" +
        $" UNION ALL SELECT i.profile_id, l.business_id FROM business_links l JOIN profile_identifiers i" +
        $"  ON i.type = l.identifier_type AND i.value = l.identifier_value WHERE i.profile_id IN {profiles}" +
        $" UNION ALL SELECT i.profile_id, c.business_id FROM customers c JOIN profile_identifiers i" +
        $"  ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id WHERE c.business_id IS NOT NULL AND i.profile_id IN {profiles}" +
        ") b";

    /// <summary>Inserts the traits of the households selected by <paramref name="households"/> (a subquery); call after their members' profile rows are current.</summary>
    public static string Households(string households) =>
        $"INSERT INTO {AudienceRelations.HouseholdTraits} (household_id, members, order_count, revenue, last_seen) " +
        "WITH m AS (SELECT DISTINCT c.household_id, i.profile_id FROM customers c JOIN profile_identifiers i" +
        "  ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id" +
        $"  WHERE c.household_id IN {households} AND i.profile_id IS NOT NULL), " +
        "o AS (SELECT c.household_id, count(*) AS n, sum(o.total) AS r FROM orders o JOIN customers c" +
        $"  ON c.source_id = o.source_id AND c.customer_id = o.customer_id WHERE c.household_id IN {households} GROUP BY c.household_id) " +
        $"SELECT m.household_id, count(*), coalesce(max(o.n), 0), coalesce(max(o.r), 0), max(t.last_seen) FROM m " +
        $"LEFT JOIN o ON o.household_id = m.household_id LEFT JOIN {AudienceRelations.ProfileTraits} t ON t.profile_id = m.profile_id " +
        "GROUP BY m.household_id";
}
