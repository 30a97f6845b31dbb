using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using CommonGround.Sources;
using Npgsql;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>
    /// Profiles are computed when asked: the profile's identifiers (profile_identifiers) link it to its
    /// events (by userId and anonymousId), its customer records (by external id "source:customer") and
    /// through those to orders, household and businesses. A merge or unmerge changes only the links.
    /// </summary>
    private sealed class ProfileStore(NpgsqlDataSource db, ISourceStore sourceStore) : IProfileStore
    {
        /// <summary>The profile's identifiers, as a CTE; $1 is the surviving profile id.</summary>
        private const string Ids = "ids AS (SELECT type, value FROM profile_identifiers WHERE profile_id = $1)";

        private const string ProfileEvents =
            "(user_id IN (SELECT value FROM ids WHERE type = 'userId') OR anonymous_id IN (SELECT value FROM ids WHERE type = 'anonymousId'))";

        private const string ProfileCustomers = "(source_id || ':' || customer_id) IN (SELECT value FROM ids WHERE type = 'externalId')";

        private const string ProfileOrders = "(o.source_id || ':' || o.customer_id) IN (SELECT value FROM ids WHERE type = 'externalId')";

        /// <summary>
        /// Follows merged_into from the profile <paramref name="start"/> selects to the surviving one; no row
        /// for an unknown profile or a chain longer than 1000. The survivor may be retired.
        /// </summary>
        private static string Survivor(string start) =>
            "WITH RECURSIVE chain AS (" +
            $" SELECT profile_id, merged_into, retired, 0 AS hops FROM profiles WHERE profile_id = ({start})" +
            " UNION ALL SELECT p.profile_id, p.merged_into, p.retired, chain.hops + 1 FROM chain JOIN profiles p ON p.profile_id = chain.merged_into" +
            "  WHERE chain.hops < 1000" +
            ") SELECT profile_id, retired FROM chain WHERE merged_into IS NULL";

        public async Task<ProfileId?> FindAsync(Identifier identifier, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            return await SurvivorAsync(connection,
                Survivor("SELECT profile_id FROM profile_identifiers WHERE type = $1 AND value = $2 AND profile_id IS NOT NULL"),
                [Text(identifier.Type), Text(identifier.Value)], ct);
        }

        /// <summary>The surviving profile of <paramref name="id"/>; null for an unknown or retired one.</summary>
        private static Task<ProfileId?> SurvivorAsync(NpgsqlConnection connection, ProfileId id, CancellationToken ct) =>
            SurvivorAsync(connection, Survivor("SELECT $1::bigint"), [Long(id.Value)], ct);

        private static async Task<ProfileId?> SurvivorAsync(NpgsqlConnection connection, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
        {
            await using var command = Command(connection, sql, parameters);
            await using var r = await command.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) && !r.GetBoolean(1) ? new ProfileId(r.GetInt64(0)) : null;
        }

        public async Task<IReadOnlyList<ProfileSummary>> SearchAsync(string text, int limit, CancellationToken ct)
        {
            text = text.Trim();
            if (text.Length == 0 || limit <= 0) return [];
            await using var connection = await db.OpenConnectionAsync(ct);
            var ids = new List<long>();
            // $2 is the text with LIKE's wildcards escaped, so that "50%" or "a_b" match literally.
            await using (var command = Command(connection,
                "SELECT profile_id FROM (" +
                " SELECT profile_id, 0 AS rank FROM profile_identifiers WHERE profile_id IS NOT NULL AND lower(value) = lower($1)" +
                " UNION ALL SELECT profile_id, 1 FROM profile_identifiers WHERE profile_id IS NOT NULL AND lower(value) LIKE lower($2) || '%'" +
                " UNION ALL SELECT i.profile_id, 2 FROM customers c JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id" +
                "   WHERE i.profile_id IS NOT NULL AND (coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) ILIKE '%' || $2 || '%'" +
                ") m GROUP BY profile_id ORDER BY min(rank), profile_id LIMIT $3",
                Text(text), Text(LikeLiteral(text)), Int(limit)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
            }
            var sources = await SourcesAsync(ct);
            var summaries = new List<ProfileSummary>(ids.Count);
            foreach (var id in ids) summaries.Add(await SummaryAsync(connection, new ProfileId(id), sources, ct));
            return summaries;
        }

        /// <summary>The text with LIKE's escape character and wildcards escaped (the default escape is a backslash).</summary>
        private static string LikeLiteral(string text) =>
            text.Replace(@"\", @"\\", StringComparison.Ordinal)
                .Replace("%", @"\%", StringComparison.Ordinal)
                .Replace("_", @"\_", StringComparison.Ordinal);

        private static async Task<ProfileSummary> SummaryAsync(NpgsqlConnection connection, ProfileId id,
            IReadOnlyDictionary<string, Source> sources, CancellationToken ct)
        {
            var identifiers = await IdentifiersAsync(connection, id, ct);
            var records = await RecordsAsync(connection, id, sources, ct);
            DateTimeOffset? seen;
            await using (var last = Command(connection, $"WITH {Ids} SELECT max(\"timestamp\") FROM events WHERE {ProfileEvents}", Long(id.Value)))
            await using (var r = await last.ExecuteReaderAsync(ct))
            {
                seen = await r.ReadAsync(ct) ? NullableTime(r, 0) : null;
            }
            return new ProfileSummary(id, ProfileFacts.DisplayName(records, identifiers),
                identifiers.FirstOrDefault(i => i.Type == IdentifierTypes.Email).Value, seen);
        }

        public async Task<Profile?> GetAsync(ProfileId id, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            if (await SurvivorAsync(connection, id, ct) is not { } root) return null;
            var identifiers = await IdentifiersAsync(connection, root, ct);
            if (identifiers.Count == 0) return null;
            var sources = await SourcesAsync(ct);
            var records = await RecordsAsync(connection, root, sources, ct);

            DateTimeOffset createdAt;
            await using (var command = Command(connection, "SELECT created_at FROM profiles WHERE profile_id = $1", Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                createdAt = Time(r, 0);
            }

            var events = new List<EventFact>();
            await using (var command = Command(connection,
                $"WITH {Ids} SELECT type, name, \"timestamp\", source_id, CASE WHEN type = 'track' THEN properties::text END, context->>'timezone' FROM events WHERE {ProfileEvents}",
                Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    events.Add(new EventFact(EventTypes.TryParse(r.GetString(0), out var type) ? type : EventType.Track,
                        NullableString(r, 1), Time(r, 2), r.GetString(3), NullableString(r, 4), NullableString(r, 5)));
                }
            }

            var orders = new List<OrderRecord>();
            await using (var command = Command(connection,
                $"WITH {Ids} SELECT o.source_id, o.order_id, o.customer_id, o.ordered_at, o.total, o.currency, o.status, o.properties FROM orders o WHERE {ProfileOrders}",
                Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    orders.Add(new OrderRecord
                    {
                        SourceId = r.GetString(0), OrderId = r.GetString(1), CustomerId = r.GetString(2), OrderedAt = Time(r, 3),
                        Total = r.GetDecimal(4), Currency = NullableString(r, 5), Status = NullableString(r, 6), Properties = NullableString(r, 7),
                    });
                }
            }

            HouseholdRef? household = null;
            await using (var command = Command(connection,
                $"WITH {Ids}, h AS (SELECT household_id FROM customers WHERE {ProfileCustomers} AND household_id IS NOT NULL ORDER BY seq DESC LIMIT 1) " +
                "SELECT h.household_id, hh.address, (SELECT count(DISTINCT i.profile_id) FROM customers c JOIN profile_identifiers i " +
                "  ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id WHERE c.household_id = h.household_id) " +
                "FROM h JOIN households hh ON hh.household_id = h.household_id", Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                if (await r.ReadAsync(ct)) household = new HouseholdRef(r.GetString(0), NullableString(r, 1), (int)r.GetInt64(2));
            }

            var businesses = new List<BusinessRef>();
            await using (var command = Command(connection,
                $"WITH {Ids}, m AS (" +
                " SELECT business_id, 'e-mail domain' AS via FROM profile_identifiers WHERE profile_id = $1 AND business_id IS NOT NULL" +
                " UNION ALL SELECT l.business_id, 'group call' FROM business_links l JOIN ids ON ids.type = l.identifier_type AND ids.value = l.identifier_value" +
                $" UNION ALL SELECT business_id, 'company field' FROM customers WHERE {ProfileCustomers} AND business_id IS NOT NULL) " +
                "SELECT m.business_id, b.name, string_agg(DISTINCT m.via, ', ' ORDER BY m.via) FROM m JOIN businesses b ON b.business_id = m.business_id " +
                "GROUP BY m.business_id, b.name ORDER BY m.business_id COLLATE \"C\"", Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) businesses.Add(new BusinessRef(r.GetString(0), NullableString(r, 1), r.GetString(2)));
            }

            const string Component = "(SELECT $1 UNION ALL SELECT profile_id FROM profiles WHERE merged_into = $1)";
            var merges = new List<MergeRecord>();
            await using (var command = Command(connection,
                "SELECT merge_id, survivor, absorbed, identifier_type, identifier_value, evidence_kind, evidence_source, evidence_key, occurred_at, " +
                $"observation, status, undone_at, undone_by FROM identity_merges WHERE survivor IN {Component} OR absorbed IN {Component} ORDER BY merge_id",
                Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    merges.Add(new MergeRecord(r.GetInt64(0), new ProfileId(r.GetInt64(1)), new ProfileId(r.GetInt64(2)),
                        new Identifier(r.GetString(3), r.GetString(4)), new EvidenceReference(IdentityRows.Kind(r.GetString(5)), r.GetString(6), r.GetString(7)),
                        Time(r, 8), r.GetInt64(9), IdentityRows.Status(r.GetString(10)), NullableTime(r, 11), r.IsDBNull(12) ? null : r.GetInt64(12)));
                }
            }

            var conflicts = new List<IdentityConflict>();
            await using (var command = Command(connection,
                "SELECT profile_id, other_id, identifier_type, identifier_value, evidence_kind, evidence_source, evidence_key, occurred_at, reason, limit_type " +
                $"FROM identity_conflicts WHERE profile_id IN {Component} OR other_id IN {Component} ORDER BY conflict_id DESC LIMIT 100",
                Long(root.Value)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
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
            if (limit <= 0) return [];
            await using var connection = await db.OpenConnectionAsync(ct);
            if (await SurvivorAsync(connection, id, ct) is not { } root) return [];
            var sources = await SourcesAsync(ct);
            var entries = new List<TimelineEntry>();
            // Ties broken on every column of the key, in byte order as DuckDB does, so pages do not shuffle.
            await using var command = Command(connection,
                $"WITH {Ids}, t AS (" +
                " SELECT \"timestamp\" AS happened, type AS kind, name, category, source_id, message_id AS ref," +
                "  (CASE WHEN type IN ('identify', 'group') THEN traits ELSE properties END)::text AS details" +
                $"  FROM events WHERE {ProfileEvents}" +
                " UNION ALL SELECT o.ordered_at, 'order', o.order_id, o.status, o.source_id, o.order_id," +
                "  json_build_object('order_id', o.order_id, 'customer_id', o.customer_id, 'total', o.total, 'currency', o.currency, 'status', o.status)::text" +
                $"  FROM orders o WHERE {ProfileOrders}" +
                " UNION ALL SELECT c.created_at, 'customer', c.customer_id, NULL, c.source_id, c.customer_id," +
                "  json_build_object('customer_id', c.customer_id, 'email', c.email, 'phone', c.phone, 'first_name', c.first_name, 'last_name', c.last_name," +
                "   'address_line', c.address_line, 'postal_code', c.postal_code, 'city', c.city, 'country', c.country, 'company', c.company)::text" +
                $"  FROM customers c WHERE {ProfileCustomers} AND c.created_at IS NOT NULL" +
                ") SELECT happened, kind, name, category, source_id, ref, details FROM t WHERE $2::timestamptz IS NULL OR happened < $2 OR (happened = $2 AND " +
                "(ref COLLATE \"C\" < $4 OR (ref = $4 AND (kind COLLATE \"C\" < $5 OR (kind = $5 AND source_id COLLATE \"C\" < $6))))) " +
                "ORDER BY happened DESC, ref COLLATE \"C\" DESC, kind COLLATE \"C\" DESC, source_id COLLATE \"C\" DESC LIMIT $3",
                Long(root.Value), Time(after?.At), Int(limit), Text(after?.Reference ?? ""), Text(after?.Kind ?? ""), Text(after?.SourceId ?? ""));
            await using var r = await command.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var sourceId = r.GetString(4);
                entries.Add(ProfileFacts.Entry(Time(r, 0), r.GetString(1), NullableString(r, 2), NullableString(r, 3), sourceId,
                    sources.GetValueOrDefault(sourceId), r.GetString(5), NullableString(r, 6)));
            }
            return entries;
        }

        public async Task<Household?> GetHouseholdAsync(string id, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            string key;
            string? address;
            await using (var command = Command(connection, "SELECT key, address FROM households WHERE household_id = $1", Text(id)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                if (!await r.ReadAsync(ct)) return null;
                key = r.GetString(0);
                address = NullableString(r, 1);
            }
            var sources = await SourcesAsync(ct);
            var members = new List<ProfileSummary>();
            foreach (var member in await ProfileIdsAsync(connection,
                "SELECT DISTINCT i.profile_id FROM customers c JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id " +
                "WHERE c.household_id = $1 AND i.profile_id IS NOT NULL ORDER BY 1 LIMIT 1000", id, ct))
            {
                members.Add(await SummaryAsync(connection, new ProfileId(member), sources, ct));
            }
            int orders;
            decimal revenue;
            await using (var command = Command(connection,
                "SELECT count(*), coalesce(sum(o.total), 0) FROM orders o JOIN customers c ON c.source_id = o.source_id AND c.customer_id = o.customer_id " +
                "WHERE c.household_id = $1", Text(id)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                orders = (int)r.GetInt64(0);
                revenue = r.GetDecimal(1);
            }
            var lastSeen = members.Select(m => m.LastSeen).Max();
            return new Household(id, key, address, members, new HouseholdTraits(orders, revenue, lastSeen));
        }

        public async Task<Business?> GetBusinessAsync(string id, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            string key;
            string? name, domain, traits;
            await using (var command = Command(connection, "SELECT key, name, domain, traits::text FROM businesses WHERE business_id = $1", Text(id)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                if (!await r.ReadAsync(ct)) return null;
                (key, name, domain, traits) = (r.GetString(0), NullableString(r, 1), NullableString(r, 2), NullableString(r, 3));
            }
            var sources = await SourcesAsync(ct);
            var vias = new List<(long Profile, string Via)>();
            await using (var command = Command(connection,
                "SELECT profile_id, string_agg(DISTINCT via, ', ' ORDER BY via) FROM (" +
                " SELECT profile_id, 'e-mail domain' AS via FROM profile_identifiers WHERE business_id = $1 AND profile_id IS NOT NULL" +
                " UNION ALL SELECT i.profile_id, 'group call' FROM business_links l JOIN profile_identifiers i ON i.type = l.identifier_type AND i.value = l.identifier_value" +
                "  WHERE l.business_id = $1 AND i.profile_id IS NOT NULL" +
                " UNION ALL SELECT i.profile_id, 'company field' FROM customers c JOIN profile_identifiers i ON i.type = 'externalId' AND i.value = c.source_id || ':' || c.customer_id" +
                "  WHERE c.business_id = $1 AND i.profile_id IS NOT NULL" +
                ") m GROUP BY profile_id ORDER BY profile_id LIMIT 1000", Text(id)))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) vias.Add((r.GetInt64(0), r.GetString(1)));
            }
            var members = new List<BusinessMember>(vias.Count);
            foreach (var (profile, via) in vias) members.Add(new BusinessMember(await SummaryAsync(connection, new ProfileId(profile), sources, ct), via));
            return new Business(id, key, name, domain, traits, members);
        }

        private static async Task<List<long>> ProfileIdsAsync(NpgsqlConnection connection, string sql, string id, CancellationToken ct)
        {
            var ids = new List<long>();
            await using var command = Command(connection, sql, Text(id));
            await using var r = await command.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids.Add(r.GetInt64(0));
            return ids;
        }

        public async Task<WorkspaceOverview> OverviewAsync(CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            async Task<long> ScalarAsync(string sql)
            {
                await using var command = Command(connection, sql);
                return (long)(await command.ExecuteScalarAsync(ct))!;
            }
            var profiles = await ScalarAsync("SELECT count(*) FROM profiles WHERE merged_into IS NULL AND NOT retired");
            var households = await ScalarAsync("SELECT count(DISTINCT household_id) FROM customers WHERE household_id IS NOT NULL");
            var businesses = await ScalarAsync("SELECT count(*) FROM businesses");
            var events = await ScalarAsync("SELECT count(*) FROM events");
            var customers = await ScalarAsync("SELECT count(*) FROM customers");
            var orders = await ScalarAsync("SELECT count(*) FROM orders");
            var activity = new Dictionary<string, (long Events, DateTimeOffset? LastEvent, long Records, DateTimeOffset? LastRecord)>();
            await using (var command = Command(connection, "SELECT source_id, count(*), max(received_at) FROM events GROUP BY source_id"))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct)) activity[r.GetString(0)] = (r.GetInt64(1), NullableTime(r, 2), 0, null);
            }
            await using (var command = Command(connection,
                "SELECT source_id, count(*), max(happened) FROM (SELECT source_id, created_at AS happened FROM customers " +
                "UNION ALL SELECT source_id, ordered_at FROM orders) x GROUP BY source_id"))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    var a = activity.GetValueOrDefault(r.GetString(0));
                    activity[r.GetString(0)] = (a.Events, a.LastEvent, r.GetInt64(1), NullableTime(r, 2));
                }
            }
            DateTimeOffset? resolved = null;
            await using (var command = Command(connection, "SELECT resolved_at FROM identity_progress WHERE id = 1"))
            await using (var r = await command.ExecuteReaderAsync(ct))
            {
                if (await r.ReadAsync(ct)) resolved = Time(r, 0);
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

        private static async Task<List<Identifier>> IdentifiersAsync(NpgsqlConnection connection, ProfileId id, CancellationToken ct)
        {
            await using var command = Command(connection, "SELECT type, value FROM profile_identifiers WHERE profile_id = $1", Long(id.Value));
            await using var r = await command.ExecuteReaderAsync(ct);
            var list = new List<Identifier>();
            while (await r.ReadAsync(ct)) list.Add(new Identifier(r.GetString(0), r.GetString(1)));
            return [.. ProfileFacts.Order(list)];
        }

        private static async Task<List<ProfileRecord>> RecordsAsync(NpgsqlConnection connection, ProfileId id,
            IReadOnlyDictionary<string, Source> sources, CancellationToken ct)
        {
            await using var command = Command(connection,
                $"WITH {Ids} SELECT source_id, customer_id, email, phone, first_name, last_name, address_line, postal_code, city, country, company, " +
                $"created_at, traits::text FROM customers WHERE {ProfileCustomers} ORDER BY seq", Long(id.Value));
            await using var r = await command.ExecuteReaderAsync(ct);
            var list = new List<ProfileRecord>();
            while (await r.ReadAsync(ct))
            {
                var source = sources.GetValueOrDefault(r.GetString(0));
                list.Add(new ProfileRecord(r.GetString(0), source?.Name ?? r.GetString(0), source?.Team ?? "", r.GetString(1),
                    NullableString(r, 2), NullableString(r, 3), NullableString(r, 4), NullableString(r, 5), NullableString(r, 6),
                    NullableString(r, 7), NullableString(r, 8), NullableString(r, 9), NullableString(r, 10), NullableTime(r, 11), NullableString(r, 12)));
            }
            return list;
        }

        private async Task<IReadOnlyDictionary<string, Source>> SourcesAsync(CancellationToken ct) =>
            (await sourceStore.ListAsync(ct)).ToDictionary(s => s.Id, StringComparer.Ordinal);

        private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
        {
            var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            return command;
        }
    }
}
