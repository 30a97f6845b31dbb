using System.Text.Json;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using CommonGround.Sources;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

/// <summary>
/// Profiles are computed when asked: the profile's identifiers (profile_identifiers) link it to its
/// events (by userId and anonymousId), its customer records (by external id "source:customer") and
/// through those to orders, household and businesses. A merge or unmerge changes only the links.
/// </summary>
sealed class DuckDbProfileStore(DuckDbDatabase db, ISourceStore sourceStore) : IProfileStore
{
    /// <summary>The profile's identifiers, as a CTE; $p is the surviving profile id.</summary>
    /// <summary>An event's <c>context.timezone</c>; the JSON is parsed only when it names one.</summary>
    internal static string EventTimeZone(string events) =>
        $"CASE WHEN contains({events}.context, '\"timezone\"') THEN json_extract_string({events}.context, '$.timezone') END";

    const string Ids = "ids AS (SELECT type, value FROM profile_identifiers WHERE profile_id = $p)";

    const string ProfileEvents =
        "(user_id IN (SELECT value FROM ids WHERE type = 'userId') OR anonymous_id IN (SELECT value FROM ids WHERE type = 'anonymousId'))";

    const string ProfileCustomers = "(source_id || ':' || customer_id) IN (SELECT value FROM ids WHERE type = 'externalId')";

    public Task<ProfileId?> FindAsync(Identifier identifier, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "SELECT profile_id FROM profile_identifiers WHERE type = $t AND value = $v AND profile_id IS NOT NULL",
            ("t", identifier.Type), ("v", identifier.Value));
        var found = command.ExecuteScalar();
        return Task.FromResult(found is null or DBNull ? (ProfileId?)null : Survivor(connection, new ProfileId(Convert.ToInt64(found, System.Globalization.CultureInfo.InvariantCulture))));
    }

    /// <summary>Follows merged_into to the surviving profile; null for an unknown or retired one.</summary>
    static ProfileId? Survivor(DuckDBConnection connection, ProfileId id)
    {
        for (var hops = 0; hops < 1000; hops++)
        {
            using var command = connection.Command("SELECT merged_into, retired FROM profiles WHERE profile_id = $p", ("p", id.Value));
            using var r = command.ExecuteReader();
            if (!r.Read()) return null;
            if (r.IsDBNull(0)) return r.GetBoolean(1) ? null : id;
            id = new ProfileId(r.GetInt64(0));
        }
        return null;
    }

    public async Task<IReadOnlyList<ProfileSummary>> SearchAsync(string text, int limit, CancellationToken ct)
    {
        text = text.Trim();
        if (text.Length == 0) return [];
        using var connection = db.Connect();
        var ids = new List<long>();
        using (var command = connection.Command(
            "SELECT profile_id FROM (" +
            " SELECT profile_id, 0 AS rank FROM profile_identifiers WHERE profile_id IS NOT NULL AND lower(value) = lower($t)" +
            " UNION ALL SELECT profile_id, 1 FROM profile_identifiers WHERE profile_id IS NOT NULL AND starts_with(lower(value), lower($t))" +
            " UNION ALL SELECT i.profile_id, 2 FROM customers c JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id" +
            "   WHERE i.profile_id IS NOT NULL AND (coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) ILIKE '%' || $e || '%' ESCAPE '\\'" +
            ") GROUP BY profile_id ORDER BY min(rank), profile_id LIMIT $n", ("t", text), ("e", LikeLiteral(text)), ("n", limit)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) ids.Add(r.GetInt64(0));
        }
        var sources = await Sources(ct);
        return [.. ids.Select(id => Summary(connection, new ProfileId(id), sources))];
    }

    /// <summary>The text with the escape character and LIKE's wildcards escaped, so that "50%" or "a_b" match literally.</summary>
    static string LikeLiteral(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);

    ProfileSummary Summary(DuckDBConnection connection, ProfileId id, IReadOnlyDictionary<string, Source> sources)
    {
        var identifiers = Identifiers(connection, id);
        var records = Records(connection, id, sources);
        using var last = connection.Command($"WITH {Ids} SELECT max(timestamp) FROM events WHERE {ProfileEvents}", ("p", id.Value));
        var seen = last.ExecuteScalar();
        return new ProfileSummary(id, ProfileFacts.DisplayName(records, identifiers),
            identifiers.FirstOrDefault(i => i.Type == IdentifierTypes.Email).Value,
            seen is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null);
    }

    public async Task<Profile?> GetAsync(ProfileId id, CancellationToken ct)
    {
        using var connection = db.Connect();
        if (Survivor(connection, id) is not { } root) return null;
        var identifiers = Identifiers(connection, root);
        if (identifiers.Count == 0) return null;
        var sources = await Sources(ct);
        var records = Records(connection, root, sources);

        DateTimeOffset createdAt;
        using (var created = connection.Command("SELECT created_at FROM profiles WHERE profile_id = $p", ("p", root.Value)))
        using (var r = created.ExecuteReader())
        {
            r.Read();
            createdAt = Time(r, 0);
        }

        var events = new List<EventFact>();
        using (var command = connection.Command(
            $"WITH {Ids} SELECT type, name, timestamp, source_id, CASE WHEN type = 'track' THEN properties END, {EventTimeZone("events")} FROM events WHERE {ProfileEvents}",
            ("p", root.Value)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                events.Add(new EventFact(EventTypes.TryParse(r.GetString(0), out var type) ? type : EventType.Track,
                    NullableString(r, 1), Time(r, 2), r.GetString(3), NullableString(r, 4), NullableString(r, 5)));
            }
        }
        var orders = new List<OrderRecord>();
        using (var command = connection.Command(
            $"WITH {Ids} SELECT o.source_id, o.order_id, o.customer_id, o.ordered_at, o.total, o.currency, o.status, o.properties FROM orders o " +
            $"WHERE (o.source_id || ':' || o.customer_id) IN (SELECT value FROM ids WHERE type = 'externalId')", ("p", root.Value)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                orders.Add(new OrderRecord
                {
                    SourceId = r.GetString(0), OrderId = r.GetString(1), CustomerId = r.GetString(2), OrderedAt = Time(r, 3),
                    Total = r.GetDecimal(4), Currency = NullableString(r, 5), Status = NullableString(r, 6), Properties = NullableString(r, 7),
                });
            }
        }

        HouseholdRef? household = null;
        using (var command = connection.Command(
            $"WITH {Ids}, h AS (SELECT household_id FROM customers WHERE {ProfileCustomers} AND household_id IS NOT NULL ORDER BY seq DESC LIMIT 1) " +
            "SELECT h.household_id, hh.address, (SELECT count(DISTINCT i.profile_id) FROM customers c JOIN profile_identifiers i " +
            "  ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id WHERE c.household_id = h.household_id) " +
            "FROM h JOIN households hh ON hh.household_id = h.household_id", ("p", root.Value)))
        using (var r = command.ExecuteReader())
        {
            if (r.Read()) household = new HouseholdRef(r.GetString(0), NullableString(r, 1), (int)r.GetInt64(2));
        }

        var businesses = new List<BusinessRef>();
        using (var command = connection.Command(
            $"WITH {Ids}, m AS (" +
            " SELECT business_id, 'e-mail domain' AS via FROM profile_identifiers WHERE profile_id = $p AND business_id IS NOT NULL" +
            " UNION ALL SELECT l.business_id, 'group call' FROM business_links l JOIN ids ON ids.type = l.identifier_type AND ids.value = l.identifier_value" +
            $" UNION ALL SELECT business_id, 'company field' FROM customers WHERE {ProfileCustomers} AND business_id IS NOT NULL) " +
            "SELECT m.business_id, b.name, string_agg(DISTINCT m.via, ', ' ORDER BY m.via) FROM m JOIN businesses b ON b.business_id = m.business_id " +
            "GROUP BY m.business_id, b.name ORDER BY m.business_id", ("p", root.Value)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) businesses.Add(new BusinessRef(r.GetString(0), NullableString(r, 1), r.GetString(2)));
        }

        var component = "(SELECT $p UNION ALL SELECT profile_id FROM profiles WHERE merged_into = $p)";
        var merges = new List<MergeRecord>();
        using (var command = connection.Command(
            "SELECT merge_id, survivor, absorbed, identifier_type, identifier_value, evidence_kind, evidence_source, evidence_key, occurred_at, " +
            $"observation, status, undone_at, undone_by FROM identity_merges WHERE survivor IN {component} OR absorbed IN {component} ORDER BY merge_id",
            ("p", root.Value)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                merges.Add(new MergeRecord(r.GetInt64(0), new ProfileId(r.GetInt64(1)), new ProfileId(r.GetInt64(2)),
                    new Identifier(r.GetString(3), r.GetString(4)), new EvidenceReference(IdentityRows.Kind(r.GetString(5)), r.GetString(6), r.GetString(7)),
                    Time(r, 8), r.GetInt64(9), IdentityRows.Status(r.GetString(10)), NullableTime(r, 11), r.IsDBNull(12) ? null : r.GetInt64(12)));
            }
        }
        var conflicts = new List<IdentityConflict>();
        using (var command = connection.Command(
            "SELECT profile_id, other_id, identifier_type, identifier_value, evidence_kind, evidence_source, evidence_key, occurred_at, reason, limit_type " +
            $"FROM identity_conflicts WHERE profile_id IN {component} OR other_id IN {component} ORDER BY conflict_id DESC LIMIT 100",
            ("p", root.Value)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                conflicts.Add(new IdentityConflict(new ProfileId(r.GetInt64(0)), r.IsDBNull(1) ? null : new ProfileId(r.GetInt64(1)),
                    new Identifier(r.GetString(2), r.GetString(3)), new EvidenceReference(IdentityRows.Kind(r.GetString(4)), r.GetString(5), r.GetString(6)),
                    Time(r, 7), IdentityRows.Reason(r.GetString(8)), NullableString(r, 9)));
            }
        }
        conflicts.Reverse();

        return new Profile(root, createdAt, ProfileFacts.DisplayName(records, identifiers), identifiers, records,
            ProfileFacts.Traits(events, orders, records, sources), household, businesses, merges, conflicts);
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(ProfileId id, TimelineCursor? after, int limit, CancellationToken ct)
    {
        using var connection = db.Connect();
        if (Survivor(connection, id) is not { } root) return [];
        var sources = await Sources(ct);
        var entries = new List<TimelineEntry>();
        using var command = connection.Command(
            $"WITH {Ids}, t AS (" +
            " SELECT timestamp AS happened, type AS kind, name, category, source_id, message_id AS ref, CASE WHEN type IN ('identify', 'group') THEN traits ELSE properties END AS details" +
            $"  FROM events WHERE {ProfileEvents}" +
            " UNION ALL SELECT o.ordered_at, 'order', o.order_id, o.status, o.source_id, o.order_id," +
            "  json_object('order_id', o.order_id, 'customer_id', o.customer_id, 'total', o.total, 'currency', o.currency, 'status', o.status)::VARCHAR" +
            "  FROM orders o WHERE (o.source_id || ':' || o.customer_id) IN (SELECT value FROM ids WHERE type = 'externalId')" +
            " UNION ALL SELECT c.created_at, 'customer', c.customer_id, NULL, c.source_id, c.customer_id," +
            "  json_object('customer_id', c.customer_id, 'email', c.email, 'phone', c.phone, 'first_name', c.first_name, 'last_name', c.last_name," +
            "   'address_line', c.address_line, 'postal_code', c.postal_code, 'city', c.city, 'country', c.country, 'company', c.company)::VARCHAR" +
            $"  FROM customers c WHERE {ProfileCustomers.Replace("source_id", "c.source_id").Replace("customer_id", "c.customer_id")} AND c.created_at IS NOT NULL" +
            ") SELECT happened, kind, name, category, source_id, ref, details FROM t WHERE $t IS NULL OR happened < $t OR (happened = $t AND " +
            "(ref < $r OR (ref = $r AND (kind < $k OR (kind = $k AND source_id < $s))))) " +
            "ORDER BY happened DESC, ref DESC, kind DESC, source_id DESC LIMIT $n",
            ("p", root.Value), ("t", Db(after?.At)), ("r", after?.Reference ?? ""), ("k", after?.Kind ?? ""), ("s", after?.SourceId ?? ""), ("n", limit));
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var sourceId = r.GetString(4);
            entries.Add(ProfileFacts.Entry(Time(r, 0), r.GetString(1), NullableString(r, 2), NullableString(r, 3), sourceId,
                sources.GetValueOrDefault(sourceId), r.GetString(5), NullableString(r, 6)));
        }
        return entries;
    }

    public async Task<Household?> GetHouseholdAsync(string id, CancellationToken ct)
    {
        using var connection = db.Connect();
        string key;
        string? address;
        using (var command = connection.Command("SELECT key, address FROM households WHERE household_id = $h", ("h", id)))
        using (var r = command.ExecuteReader())
        {
            if (!r.Read()) return null;
            key = r.GetString(0);
            address = NullableString(r, 1);
        }
        var sources = await Sources(ct);
        var members = Members(connection,
            "SELECT DISTINCT i.profile_id FROM customers c JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id " +
            "WHERE c.household_id = $id AND i.profile_id IS NOT NULL ORDER BY 1", id, sources);
        int orders = 0;
        decimal revenue = 0;
        using (var command = connection.Command(
            "SELECT count(*), coalesce(sum(o.total), 0) FROM orders o JOIN customers c ON c.source_id = o.source_id AND c.customer_id = o.customer_id " +
            "WHERE c.household_id = $h", ("h", id)))
        using (var r = command.ExecuteReader())
        {
            r.Read();
            orders = (int)r.GetInt64(0);
            revenue = r.GetDecimal(1);
        }
        var lastSeen = members.Select(m => m.LastSeen).Max();
        return new Household(id, key, address, [.. members], new HouseholdTraits(orders, revenue, lastSeen));
    }

    public async Task<Business?> GetBusinessAsync(string id, CancellationToken ct)
    {
        using var connection = db.Connect();
        string key;
        string? name, domain, traits;
        using (var command = connection.Command("SELECT key, name, domain, traits FROM businesses WHERE business_id = $b", ("b", id)))
        using (var r = command.ExecuteReader())
        {
            if (!r.Read()) return null;
            (key, name, domain, traits) = (r.GetString(0), NullableString(r, 1), NullableString(r, 2), NullableString(r, 3));
        }
        var sources = await Sources(ct);
        var vias = new List<(long Profile, string Via)>();
        using (var command = connection.Command(
            "SELECT profile_id, string_agg(DISTINCT via, ', ' ORDER BY via) FROM (" +
            " SELECT profile_id, 'e-mail domain' AS via FROM profile_identifiers WHERE business_id = $b AND profile_id IS NOT NULL" +
            " UNION ALL SELECT i.profile_id, 'group call' FROM business_links l JOIN profile_identifiers i ON i.type = l.identifier_type AND i.value = l.identifier_value" +
            "  WHERE l.business_id = $b AND i.profile_id IS NOT NULL" +
            " UNION ALL SELECT i.profile_id, 'company field' FROM customers c JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id" +
            "  WHERE c.business_id = $b AND i.profile_id IS NOT NULL" +
            ") GROUP BY profile_id ORDER BY profile_id LIMIT 1000", ("b", id)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) vias.Add((r.GetInt64(0), r.GetString(1)));
        }
        var members = vias.Select(v => new BusinessMember(Summary(connection, new ProfileId(v.Profile), sources), v.Via)).ToList();
        return new Business(id, key, name, domain, traits, members);
    }

    List<ProfileSummary> Members(DuckDBConnection connection, string sql, string id, IReadOnlyDictionary<string, Source> sources)
    {
        var ids = new List<long>();
        using (var command = connection.Command(sql + " LIMIT 1000", ("id", id)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) ids.Add(r.GetInt64(0));
        }
        return [.. ids.Select(p => Summary(connection, new ProfileId(p), sources))];
    }

    public async Task<WorkspaceOverview> OverviewAsync(CancellationToken ct)
    {
        using var connection = db.Connect();
        long Scalar(string sql)
        {
            using var command = connection.Command(sql);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        var profiles = Scalar("SELECT count(*) FROM profiles WHERE merged_into IS NULL AND NOT retired");
        var households = Scalar("SELECT count(DISTINCT household_id) FROM customers WHERE household_id IS NOT NULL");
        var businesses = Scalar("SELECT count(*) FROM businesses");
        var events = Scalar("SELECT count(*) FROM events");
        var customers = Scalar("SELECT count(*) FROM customers");
        var orders = Scalar("SELECT count(*) FROM orders");
        var activity = new Dictionary<string, (long Events, DateTimeOffset? LastEvent, long Records, DateTimeOffset? LastRecord)>();
        using (var command = connection.Command("SELECT source_id, count(*), max(received_at) FROM events GROUP BY source_id"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) activity[r.GetString(0)] = (r.GetInt64(1), NullableTime(r, 2), 0, null);
        }
        using (var command = connection.Command(
            "SELECT source_id, count(*), max(happened) FROM (SELECT source_id, created_at AS happened FROM customers UNION ALL SELECT source_id, ordered_at FROM orders) GROUP BY source_id"))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                var a = activity.GetValueOrDefault(r.GetString(0));
                activity[r.GetString(0)] = (a.Events, a.LastEvent, r.GetInt64(1), NullableTime(r, 2));
            }
        }
        DateTimeOffset? resolved = null;
        using (var command = connection.Command("SELECT resolved_at FROM identity_progress WHERE id = 1"))
        using (var r = command.ExecuteReader())
        {
            if (r.Read()) resolved = Time(r, 0);
        }
        var sources = await sourceStore.ListAsync(ct);
        return new WorkspaceOverview(profiles, households, businesses, events, customers, orders,
            [.. sources.OrderBy(s => s.Team, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).Select(s =>
            {
                var a = activity.GetValueOrDefault(s.Id);
                return new SourceActivity(s.Id, s.Name, s.Team, s.Enabled, a.Events, a.LastEvent, a.Records, a.LastRecord);
            })],
            resolved);
    }

    static List<Identifier> Identifiers(DuckDBConnection connection, ProfileId id)
    {
        using var command = connection.Command("SELECT type, value FROM profile_identifiers WHERE profile_id = $p", ("p", id.Value));
        using var r = command.ExecuteReader();
        var list = new List<Identifier>();
        while (r.Read()) list.Add(new Identifier(r.GetString(0), r.GetString(1)));
        return [.. ProfileFacts.Order(list)];
    }

    static List<ProfileRecord> Records(DuckDBConnection connection, ProfileId id, IReadOnlyDictionary<string, Source> sources)
    {
        using var command = connection.Command(
            $"WITH {Ids} SELECT source_id, customer_id, email, phone, first_name, last_name, address_line, postal_code, city, country, company, created_at, traits " +
            $"FROM customers WHERE {ProfileCustomers} ORDER BY seq", ("p", id.Value));
        using var r = command.ExecuteReader();
        var list = new List<ProfileRecord>();
        while (r.Read())
        {
            var source = sources.GetValueOrDefault(r.GetString(0));
            list.Add(new ProfileRecord(r.GetString(0), source?.Name ?? r.GetString(0), source?.Team ?? "", r.GetString(1),
                NullableString(r, 2), NullableString(r, 3), NullableString(r, 4), NullableString(r, 5), NullableString(r, 6),
                NullableString(r, 7), NullableString(r, 8), NullableString(r, 9), NullableString(r, 10), NullableTime(r, 11), NullableString(r, 12)));
        }
        return list;
    }

    async Task<IReadOnlyDictionary<string, Source>> Sources(CancellationToken ct) =>
        (await sourceStore.ListAsync(ct)).ToDictionary(s => s.Id, StringComparer.Ordinal);
}
