using System.Globalization;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbIdentityStore(DuckDbDatabase db, ProfileEventSummaries summaries) : IIdentityStore
{
    public Task<IReadOnlyList<SequencedEvidence>> ReadEvidenceAsync(long afterSequence, int limit, CancellationToken ct)
    {
        // Numbers are given without gaps but for rolled-back writes: the next `limit` numbers usually hold a full
        // step, and reading them lets DuckDB skip the rest of a backlog instead of sorting it. Fewer found (a gap, or
        // the end): read without the bound.
        var items = ReadEvidence(afterSequence, limit, afterSequence + limit);
        return Task.FromResult<IReadOnlyList<SequencedEvidence>>(items.Count == limit ? items : ReadEvidence(afterSequence, limit, long.MaxValue));
    }

    List<SequencedEvidence> ReadEvidence(long afterSequence, int limit, long through)
    {
        using var connection = db.Connect();
        // Both lists from one snapshot: read apart, a commit in between could put a customer's number in the
        // answer without the event numbered just before it, and the resolver would skip that event.
        using var tx = connection.BeginTransaction();
        var items = new List<SequencedEvidence>();
        using (var events = connection.Command(
            // A context that names no identifier (IdentityEvidence reads traits and device) is not read into .NET.
            "SELECT seq, source_id, message_id, type, user_id, anonymous_id, previous_id, group_id, timestamp, received_at, traits, " +
            "CASE WHEN contains(context, '\"traits\"') OR contains(context, '\"device\"') OR contains(context, '\\u') THEN context END " +
            "FROM events WHERE seq > $after AND seq <= $through ORDER BY seq LIMIT $limit", ("after", afterSequence), ("through", through), ("limit", limit)))
        using (var r = events.ExecuteReader())
        {
            while (r.Read())
            {
                items.Add(new SequencedEvidence(r.GetInt64(0), new TrackedEvent
                {
                    SourceId = r.GetString(1),
                    MessageId = r.GetString(2),
                    Type = EventTypes.TryParse(r.GetString(3), out var type) ? type : EventType.Track,
                    UserId = NullableString(r, 4),
                    AnonymousId = NullableString(r, 5),
                    PreviousId = NullableString(r, 6),
                    GroupId = NullableString(r, 7),
                    Timestamp = Time(r, 8),
                    ReceivedAt = Time(r, 9),
                    Traits = NullableString(r, 10),
                    Context = NullableString(r, 11),
                }, null));
            }
        }
        using (var customers = connection.Command(
            "SELECT seq, source_id, customer_id, email, phone, first_name, last_name, address_line, postal_code, city, country, company, created_at " +
            "FROM customers WHERE seq > $after AND seq <= $through ORDER BY seq LIMIT $limit", ("after", afterSequence), ("through", through), ("limit", limit)))
        using (var r = customers.ExecuteReader())
        {
            while (r.Read())
            {
                items.Add(new SequencedEvidence(r.GetInt64(0), null, new CustomerRecord
                {
                    SourceId = r.GetString(1),
                    CustomerId = r.GetString(2),
                    Email = NullableString(r, 3),
                    Phone = NullableString(r, 4),
                    FirstName = NullableString(r, 5),
                    LastName = NullableString(r, 6),
                    AddressLine = NullableString(r, 7),
                    PostalCode = NullableString(r, 8),
                    City = NullableString(r, 9),
                    Country = NullableString(r, 10),
                    Company = NullableString(r, 11),
                    CreatedAt = NullableTime(r, 12),
                }));
            }
        }
        tx.Commit();
        // Each list is complete up to its own last number, so the first `limit` of both together are too.
        items.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        if (items.Count > limit) items.RemoveRange(limit, items.Count - limit);
        return items;
    }

    public Task<IdentityCheckpoint?> LoadCheckpointAsync(CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command("SELECT through_seq, saved_at, graph FROM identity_checkpoints WHERE id = 1");
        using var r = command.ExecuteReader();
        if (!r.Read()) return Task.FromResult<IdentityCheckpoint?>(null);
        using var blob = r.GetStream(2);
        using var bytes = new MemoryStream();
        blob.CopyTo(bytes);
        return Task.FromResult<IdentityCheckpoint?>(new IdentityCheckpoint(r.GetInt64(0), Time(r, 1), bytes.ToArray()));
    }

    public Task<(long Sequence, DateTimeOffset? At)> ProgressAsync(CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command("SELECT through_seq, resolved_at FROM identity_progress WHERE id = 1");
        using var r = command.ExecuteReader();
        return Task.FromResult<(long, DateTimeOffset?)>(r.Read() ? (r.GetInt64(0), Time(r, 1)) : (0, null));
    }

    public async Task SaveAsync(IdentityChanges changes, CancellationToken ct)
    {
        await db.WriteLock.WaitAsync(ct);
        try
        {
            Save(changes);
        }
        finally
        {
            db.WriteLock.Release();
        }
        summaries.Forget(changes.MovedEvents());
    }

    void Save(IdentityChanges c)
    {
        using var connection = db.Connect();
        using var tx = connection.BeginTransaction();

        var identifiers = Latest(c.Identifiers, i => (i.Identifier.Type, i.Identifier.Value));
        Stage(connection, "stage_identifiers", "type VARCHAR, value VARCHAR, profile_id BIGINT, business_id VARCHAR", identifiers, (row, i) =>
            row.AppendValue(i.Identifier.Type).AppendValue(i.Identifier.Value).AppendValue(i.Profile?.Value).AppendValue(i.BusinessId).EndRow(),
            "INSERT INTO profile_identifiers SELECT * FROM stage_identifiers ON CONFLICT (type, value) DO UPDATE SET " +
            "profile_id = excluded.profile_id, business_id = excluded.business_id");

        var profiles = Latest(c.Profiles, p => p.Id.Value);
        Stage(connection, "stage_profiles", "profile_id BIGINT, created_at TIMESTAMP, founding_observation BIGINT, merged_into BIGINT, retired BOOLEAN", profiles, (row, p) =>
            row.AppendValue(p.Id.Value).AppendValue(p.CreatedAt.UtcDateTime).AppendValue(p.FoundingObservation)
                .AppendValue(p.MergedInto?.Value).AppendValue(p.Retired).EndRow(),
            "INSERT INTO profiles SELECT * FROM stage_profiles ON CONFLICT (profile_id) DO UPDATE SET " +
            "merged_into = excluded.merged_into, retired = excluded.retired");

        if (profiles.Count > 0)
        {
            // Absorbed profiles point at their survivor (flat): rows of a restored profile go, rows that pointed
            // at a profile absorbed now point at its survivor. Every profile of the step is queued for its audience rows.
            Execute(connection, "DELETE FROM profile_survivors WHERE profile_id IN (SELECT profile_id FROM stage_profiles)");
            Execute(connection, "INSERT INTO profile_survivors SELECT profile_id, merged_into FROM stage_profiles WHERE merged_into IS NOT NULL");
            Execute(connection, "UPDATE profile_survivors SET survivor_id = s.merged_into FROM stage_profiles s " +
                "WHERE profile_survivors.survivor_id = s.profile_id AND s.merged_into IS NOT NULL");
            Execute(connection, "INSERT INTO profile_refresh SELECT DISTINCT profile_id FROM stage_profiles");
        }
        Stage(connection, "stage_touched", "profile_id BIGINT", Latest(c.Touched, p => p.Value), (row, p) => row.AppendValue(p.Value).EndRow(),
            "INSERT INTO profile_refresh SELECT profile_id FROM stage_touched");

        var events = Latest(c.EventProfiles, e => e.Sequence);
        if (events.Count > 0)
        {
            // Restricted to the step's range of numbers, so DuckDB skips every row group outside it.
            var (first, last) = (events.Min(e => e.Sequence), events.Max(e => e.Sequence));
            Stage(connection, "stage_event_profiles", "seq BIGINT, profile_id BIGINT", events, (row, e) =>
                row.AppendValue(e.Sequence).AppendValue(e.Profile.Value).EndRow(),
                "UPDATE events SET profile_id = s.profile_id FROM stage_event_profiles s WHERE events.seq = s.seq " +
                $"AND events.seq BETWEEN {first.ToString(CultureInfo.InvariantCulture)} AND {last.ToString(CultureInfo.InvariantCulture)}");
        }

        Stage(connection, "stage_repoint", "profile_id BIGINT", Latest(c.Repoint, p => p.Value), (row, p) => row.AppendValue(p.Value).EndRow(),
            "UPDATE events SET profile_id = n.profile_id FROM (" +
            " SELECT e.source_id, e.message_id, coalesce(u.profile_id, a.profile_id) AS profile_id FROM events e" +
            " LEFT JOIN profile_identifiers u ON u.type = 'userId' AND u.value = e.user_id" +
            " LEFT JOIN profile_identifiers a ON a.type = 'anonymousId' AND a.value = e.anonymous_id" +
            " WHERE e.profile_id IN (SELECT profile_id FROM stage_repoint)) n " +
            "WHERE events.source_id = n.source_id AND events.message_id = n.message_id");

        var merges = Latest(c.Merges, m => m.Id);
        Stage(connection, "stage_merges",
            "merge_id BIGINT, survivor BIGINT, absorbed BIGINT, identifier_type VARCHAR, identifier_value VARCHAR, evidence_kind VARCHAR, " +
            "evidence_source VARCHAR, evidence_key VARCHAR, occurred_at TIMESTAMP, observation BIGINT, status VARCHAR, undone_at TIMESTAMP, undone_by BIGINT",
            merges, (row, m) =>
            {
                var r = row.AppendValue(m.Id).AppendValue(m.Survivor.Value).AppendValue(m.Absorbed.Value)
                    .AppendValue(m.Identifier.Type).AppendValue(m.Identifier.Value).AppendValue(IdentityRows.Kind(m.Evidence.Kind))
                    .AppendValue(m.Evidence.SourceId).AppendValue(m.Evidence.Key).AppendValue(m.Time.UtcDateTime)
                    .AppendValue(m.Observation).AppendValue(IdentityRows.Status(m.Status));
                r = m.UndoneAt is { } at ? r.AppendValue(at.UtcDateTime) : r.AppendNullValue();
                r.AppendValue(m.UndoneBy).EndRow();
            },
            "INSERT INTO identity_merges SELECT * FROM stage_merges ON CONFLICT (merge_id) DO UPDATE SET " +
            "status = excluded.status, undone_at = excluded.undone_at, undone_by = excluded.undone_by");

        Stage(connection, "stage_conflicts",
            "conflict_id BIGINT, profile_id BIGINT, other_id BIGINT, identifier_type VARCHAR, identifier_value VARCHAR, evidence_kind VARCHAR, " +
            "evidence_source VARCHAR, evidence_key VARCHAR, occurred_at TIMESTAMP, reason VARCHAR, limit_type VARCHAR",
            Latest(c.Conflicts, n => n.Number), (row, n) =>
            {
                var x = n.Conflict;
                row.AppendValue(n.Number).AppendValue(x.Profile.Value).AppendValue(x.Other?.Value)
                    .AppendValue(x.Identifier.Type).AppendValue(x.Identifier.Value).AppendValue(IdentityRows.Kind(x.Evidence.Kind))
                    .AppendValue(x.Evidence.SourceId).AppendValue(x.Evidence.Key).AppendValue(x.Time.UtcDateTime)
                    .AppendValue(IdentityRows.Reason(x.Reason)).AppendValue(x.Type).EndRow();
            },
            "INSERT OR IGNORE INTO identity_conflicts SELECT * FROM stage_conflicts");

        Stage(connection, "stage_households", "household_id VARCHAR, key VARCHAR, address VARCHAR", Latest(c.Households, h => h.Id), (row, h) =>
            row.AppendValue(h.Id).AppendValue(h.Key).AppendValue(h.Address).EndRow(),
            "INSERT OR IGNORE INTO households SELECT * FROM stage_households");

        Stage(connection, "stage_businesses", "business_id VARCHAR, key VARCHAR, name VARCHAR, domain VARCHAR, traits VARCHAR", Latest(c.Businesses, b => b.Id), (row, b) =>
            row.AppendValue(b.Id).AppendValue(b.Key).AppendValue(b.Name).AppendValue(b.Domain).AppendValue(b.Traits).EndRow(),
            "INSERT INTO businesses SELECT * FROM stage_businesses ON CONFLICT (business_id) DO UPDATE SET " +
            "name = coalesce(excluded.name, businesses.name), domain = coalesce(excluded.domain, businesses.domain), " +
            "traits = coalesce(excluded.traits, businesses.traits)");

        Stage(connection, "stage_customer_links", "source_id VARCHAR, customer_id VARCHAR, household_id VARCHAR, business_id VARCHAR",
            Latest(c.Customers, l => (l.SourceId, l.CustomerId)), (row, l) =>
                row.AppendValue(l.SourceId).AppendValue(l.CustomerId).AppendValue(l.HouseholdId).AppendValue(l.BusinessId).EndRow(),
            "UPDATE customers SET household_id = s.household_id, business_id = s.business_id FROM stage_customer_links s " +
            "WHERE customers.source_id = s.source_id AND customers.customer_id = s.customer_id " +
            "AND (customers.household_id IS DISTINCT FROM s.household_id OR customers.business_id IS DISTINCT FROM s.business_id)");

        Stage(connection, "stage_business_links", "business_id VARCHAR, identifier_type VARCHAR, identifier_value VARCHAR, via VARCHAR",
            Latest(c.BusinessLinks, l => (l.BusinessId, l.Identifier.Type, l.Identifier.Value)), (row, l) =>
                row.AppendValue(l.BusinessId).AppendValue(l.Identifier.Type).AppendValue(l.Identifier.Value).AppendValue(l.Via).EndRow(),
            "INSERT OR IGNORE INTO business_links SELECT * FROM stage_business_links");

        using (var progress = connection.Command(
            "INSERT INTO identity_progress VALUES (1, $seq, $at) ON CONFLICT (id) DO UPDATE SET " +
            "through_seq = excluded.through_seq, resolved_at = excluded.resolved_at",
            ("seq", c.Through), ("at", Db(c.At))))
            progress.ExecuteNonQuery();

        if (c.Checkpoint is { } checkpoint)
        {
            using var delete = connection.Command("DELETE FROM identity_checkpoints WHERE id = 1");
            delete.ExecuteNonQuery();
            using var insert = connection.Command("INSERT INTO identity_checkpoints VALUES (1, $seq, $at, $graph)",
                ("seq", checkpoint.Sequence), ("at", Db(checkpoint.SavedAt)), ("graph", checkpoint.Graph));
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.Command(sql);
        command.ExecuteNonQuery();
    }

    /// <summary>One row per key, the last given winning: an upsert may not touch a row twice.</summary>
    static List<T> Latest<T, TKey>(IReadOnlyList<T> rows, Func<T, TKey> key) where TKey : notnull
    {
        if (rows.Count < 2) return [.. rows];
        var last = new Dictionary<TKey, T>(rows.Count);
        foreach (var row in rows) last[key(row)] = row;
        return [.. last.Values];
    }

    static void Stage<T>(DuckDBConnection connection, string table, string columns, List<T> rows,
        Action<IDuckDBAppenderRow, T> append, string apply)
    {
        if (rows.Count == 0) return;
        using (var create = connection.Command($"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns})"))
            create.ExecuteNonQuery();
        using (var clear = connection.Command($"DELETE FROM {table}"))
            clear.ExecuteNonQuery();
        using (var appender = connection.CreateAppender("temp", "main", table))
        {
            foreach (var row in rows) append(appender.CreateRow(), row);
        }
        using var command = connection.Command(apply);
        command.ExecuteNonQuery();
    }
}
