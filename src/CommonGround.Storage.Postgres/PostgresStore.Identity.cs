using System.Data;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class IdentityStore(NpgsqlDataSource db, ProfileEventSummaries summaries) : IIdentityStore
    {
        public async Task<IReadOnlyList<SequencedEvidence>> ReadEvidenceAsync(long afterSequence, int limit, CancellationToken ct)
        {
            if (limit <= 0) return [];
            await using var connection = await db.OpenConnectionAsync(ct);
            // Both lists from one snapshot: read apart, a commit in between could put a customer's number
            // in the answer without the event numbered just before it, and the resolver would skip that event.
            await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await using var batch = new NpgsqlBatch(connection, tx)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(
                        "SELECT seq, source_id, message_id, type, user_id, anonymous_id, previous_id, group_id, \"timestamp\", received_at, " +
                        "traits::text, context::text FROM events WHERE seq > $1 ORDER BY seq LIMIT $2")
                    { Parameters = { Long(afterSequence), Int(limit) } },
                    new NpgsqlBatchCommand(
                        "SELECT seq, source_id, customer_id, email, phone, first_name, last_name, address_line, postal_code, city, country, " +
                        "company, created_at FROM customers WHERE seq > $1 ORDER BY seq LIMIT $2")
                    { Parameters = { Long(afterSequence), Int(limit) } },
                },
            };
            var items = new List<SequencedEvidence>();
            await using (var r = await batch.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
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
                await r.NextResultAsync(ct);
                while (await r.ReadAsync(ct))
                {
                    items.Add(new SequencedEvidence(r.GetInt64(0), null, ReadCustomer(r, 1)));
                }
            }
            await tx.CommitAsync(ct);
            // Each list is complete up to its own last number, so the first `limit` of both together are too.
            items.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            if (items.Count > limit) items.RemoveRange(limit, items.Count - limit);
            return items;
        }

        public async Task<IdentityCheckpoint?> LoadCheckpointAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand("SELECT through_seq, saved_at, graph FROM identity_checkpoints WHERE id = 1");
            await using var r = await command.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            return new IdentityCheckpoint(r.GetInt64(0), Time(r, 1), r.GetFieldValue<byte[]>(2));
        }

        public async Task<(long Sequence, DateTimeOffset? At)> ProgressAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand("SELECT through_seq, resolved_at FROM identity_progress WHERE id = 1");
            await using var r = await command.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? (r.GetInt64(0), Time(r, 1)) : (0, null);
        }

        public async Task SaveAsync(IdentityChanges c, CancellationToken ct)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, tx, "SET LOCAL synchronous_commit = on", ct);

            // Each batch is applied in key order, so that two saves touching the same rows wait for each
            // other instead of deadlocking. An unchanged row is not rewritten.
            await StageAsync(connection, tx, "identifiers_incoming", "type text, value text, profile_id bigint, business_id text",
                Latest(c.Identifiers, i => (i.Identifier.Type, i.Identifier.Value)), async (copy, i) =>
                {
                    await WriteTextAsync(copy, i.Identifier.Type, ct);
                    await WriteTextAsync(copy, i.Identifier.Value, ct);
                    await WriteLongAsync(copy, i.Profile?.Value, ct);
                    await WriteTextAsync(copy, i.BusinessId, ct);
                },
                "INSERT INTO profile_identifiers AS t SELECT * FROM identifiers_incoming ORDER BY type, value " +
                "ON CONFLICT (type, value) DO UPDATE SET profile_id = excluded.profile_id, business_id = excluded.business_id " +
                "WHERE (t.profile_id, t.business_id) IS DISTINCT FROM (excluded.profile_id, excluded.business_id)", ct);

            await StageAsync(connection, tx, "profiles_incoming",
                "profile_id bigint, created_at timestamptz, founding_observation bigint, merged_into bigint, retired boolean",
                Latest(c.Profiles, p => p.Id.Value), async (copy, p) =>
                {
                    await copy.WriteAsync(p.Id.Value, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(Utc(p.CreatedAt), NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(p.FoundingObservation, NpgsqlDbType.Bigint, ct);
                    await WriteLongAsync(copy, p.MergedInto?.Value, ct);
                    await copy.WriteAsync(p.Retired, NpgsqlDbType.Boolean, ct);
                },
                "INSERT INTO profiles AS t SELECT * FROM profiles_incoming ORDER BY profile_id " +
                "ON CONFLICT (profile_id) DO UPDATE SET merged_into = excluded.merged_into, retired = excluded.retired " +
                "WHERE (t.merged_into, t.retired) IS DISTINCT FROM (excluded.merged_into, excluded.retired)", ct);

            if (c.Profiles.Count > 0)
            {
                // Absorbed profiles point at their survivor (flat): rows of a restored profile go, rows that pointed
                // at a profile absorbed now point at its survivor. Every profile of the step is queued for its audience rows.
                await ExecuteAsync(connection, tx,
                    "DELETE FROM profile_survivors WHERE profile_id IN (SELECT profile_id FROM profiles_incoming); " +
                    "INSERT INTO profile_survivors SELECT profile_id, merged_into FROM profiles_incoming WHERE merged_into IS NOT NULL ORDER BY profile_id; " +
                    "UPDATE profile_survivors t SET survivor_id = s.merged_into FROM profiles_incoming s WHERE t.survivor_id = s.profile_id AND s.merged_into IS NOT NULL; " +
                    "INSERT INTO profile_refresh (profile_id) SELECT DISTINCT profile_id FROM profiles_incoming", ct);
            }
            if (c.Touched.Count > 0)
            {
                await using var queue = new NpgsqlCommand("INSERT INTO profile_refresh (profile_id) SELECT DISTINCT unnest($1::bigint[])", connection, tx);
                queue.Parameters.Add(new NpgsqlParameter { Value = c.Touched.Select(p => p.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                await queue.ExecuteNonQueryAsync(ct);
            }

            var eventProfiles = Latest(c.EventProfiles, e => e.Sequence);
            if (eventProfiles.Count > 0)
            {
                await using var update = new NpgsqlCommand(
                    "UPDATE events SET profile_id = s.profile_id FROM unnest($1::bigint[], $2::bigint[]) AS s(seq, profile_id) " +
                    "WHERE events.seq = s.seq AND events.profile_id IS DISTINCT FROM s.profile_id", connection, tx);
                update.Parameters.Add(new NpgsqlParameter { Value = eventProfiles.Select(e => e.Sequence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                update.Parameters.Add(new NpgsqlParameter { Value = eventProfiles.Select(e => e.Profile.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                await update.ExecuteNonQueryAsync(ct);
            }
            if (c.Repoint.Count > 0)
            {
                await using var repoint = new NpgsqlCommand(
                    "UPDATE events e SET profile_id = coalesce(" +
                    " (SELECT profile_id FROM profile_identifiers WHERE type = 'userId' AND value = e.user_id)," +
                    " (SELECT profile_id FROM profile_identifiers WHERE type = 'anonymousId' AND value = e.anonymous_id)) " +
                    "WHERE e.profile_id = ANY($1)", connection, tx);
                repoint.Parameters.Add(new NpgsqlParameter { Value = c.Repoint.Select(p => p.Value).Distinct().ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
                await repoint.ExecuteNonQueryAsync(ct);
            }

            await StageAsync(connection, tx, "merges_incoming",
                "merge_id bigint, survivor bigint, absorbed bigint, identifier_type text, identifier_value text, evidence_kind text, " +
                "evidence_source text, evidence_key text, occurred_at timestamptz, observation bigint, status text, undone_at timestamptz, undone_by bigint",
                Latest(c.Merges, m => m.Id), async (copy, m) =>
                {
                    await copy.WriteAsync(m.Id, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(m.Survivor.Value, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(m.Absorbed.Value, NpgsqlDbType.Bigint, ct);
                    await WriteTextAsync(copy, m.Identifier.Type, ct);
                    await WriteTextAsync(copy, m.Identifier.Value, ct);
                    await WriteTextAsync(copy, IdentityRows.Kind(m.Evidence.Kind), ct);
                    await WriteTextAsync(copy, m.Evidence.SourceId, ct);
                    await WriteTextAsync(copy, m.Evidence.Key, ct);
                    await copy.WriteAsync(Utc(m.Time), NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(m.Observation, NpgsqlDbType.Bigint, ct);
                    await WriteTextAsync(copy, IdentityRows.Status(m.Status), ct);
                    await WriteTimeAsync(copy, m.UndoneAt, ct);
                    await WriteLongAsync(copy, m.UndoneBy, ct);
                },
                "INSERT INTO identity_merges AS t SELECT * FROM merges_incoming ORDER BY merge_id " +
                "ON CONFLICT (merge_id) DO UPDATE SET status = excluded.status, undone_at = excluded.undone_at, undone_by = excluded.undone_by " +
                "WHERE (t.status, t.undone_at, t.undone_by) IS DISTINCT FROM (excluded.status, excluded.undone_at, excluded.undone_by)", ct);

            await StageAsync(connection, tx, "conflicts_incoming",
                "conflict_id bigint, profile_id bigint, other_id bigint, identifier_type text, identifier_value text, evidence_kind text, " +
                "evidence_source text, evidence_key text, occurred_at timestamptz, reason text, limit_type text",
                Latest(c.Conflicts, n => n.Number), async (copy, n) =>
                {
                    var x = n.Conflict;
                    await copy.WriteAsync(n.Number, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(x.Profile.Value, NpgsqlDbType.Bigint, ct);
                    await WriteLongAsync(copy, x.Other?.Value, ct);
                    await WriteTextAsync(copy, x.Identifier.Type, ct);
                    await WriteTextAsync(copy, x.Identifier.Value, ct);
                    await WriteTextAsync(copy, IdentityRows.Kind(x.Evidence.Kind), ct);
                    await WriteTextAsync(copy, x.Evidence.SourceId, ct);
                    await WriteTextAsync(copy, x.Evidence.Key, ct);
                    await copy.WriteAsync(Utc(x.Time), NpgsqlDbType.TimestampTz, ct);
                    await WriteTextAsync(copy, IdentityRows.Reason(x.Reason), ct);
                    await WriteTextAsync(copy, x.Type, ct);
                },
                "INSERT INTO identity_conflicts SELECT * FROM conflicts_incoming ORDER BY conflict_id ON CONFLICT (conflict_id) DO NOTHING", ct);

            await StageAsync(connection, tx, "households_incoming", "household_id text, key text, address text",
                Latest(c.Households, h => h.Id), async (copy, h) =>
                {
                    await WriteTextAsync(copy, h.Id, ct);
                    await WriteTextAsync(copy, h.Key, ct);
                    await WriteTextAsync(copy, h.Address, ct);
                },
                "INSERT INTO households SELECT * FROM households_incoming ORDER BY household_id ON CONFLICT (household_id) DO NOTHING", ct);

            await StageAsync(connection, tx, "businesses_incoming", "business_id text, key text, name text, domain text, traits json",
                Latest(c.Businesses, b => b.Id), async (copy, b) =>
                {
                    await WriteTextAsync(copy, b.Id, ct);
                    await WriteTextAsync(copy, b.Key, ct);
                    await WriteTextAsync(copy, b.Name, ct);
                    await WriteTextAsync(copy, b.Domain, ct);
                    await WriteJsonAsync(copy, b.Traits, ct);
                },
                "INSERT INTO businesses AS t SELECT * FROM businesses_incoming ORDER BY business_id " +
                "ON CONFLICT (business_id) DO UPDATE SET name = coalesce(excluded.name, t.name), " +
                "domain = coalesce(excluded.domain, t.domain), traits = coalesce(excluded.traits, t.traits)", ct);

            await StageAsync(connection, tx, "business_links_incoming",
                "business_id text, identifier_type text, identifier_value text, via text",
                Latest(c.BusinessLinks, l => (l.BusinessId, l.Identifier.Type, l.Identifier.Value)), async (copy, l) =>
                {
                    await WriteTextAsync(copy, l.BusinessId, ct);
                    await WriteTextAsync(copy, l.Identifier.Type, ct);
                    await WriteTextAsync(copy, l.Identifier.Value, ct);
                    await WriteTextAsync(copy, l.Via, ct);
                },
                "INSERT INTO business_links SELECT * FROM business_links_incoming ORDER BY business_id, identifier_type, identifier_value " +
                "ON CONFLICT (business_id, identifier_type, identifier_value) DO NOTHING", ct);

            await using (var progress = new NpgsqlCommand(
                "INSERT INTO identity_progress (id, through_seq, resolved_at) VALUES (1, $1, $2) " +
                "ON CONFLICT (id) DO UPDATE SET through_seq = excluded.through_seq, resolved_at = excluded.resolved_at", connection, tx))
            {
                progress.Parameters.Add(Long(c.Through));
                progress.Parameters.Add(Time(c.At));
                await progress.ExecuteNonQueryAsync(ct);
            }

            if (c.Checkpoint is { } checkpoint)
            {
                await using var save = new NpgsqlCommand(
                    "INSERT INTO identity_checkpoints (id, through_seq, saved_at, graph) VALUES (1, $1, $2, $3) " +
                    "ON CONFLICT (id) DO UPDATE SET through_seq = excluded.through_seq, saved_at = excluded.saved_at, graph = excluded.graph",
                    connection, tx);
                save.Parameters.Add(Long(checkpoint.Sequence));
                save.Parameters.Add(Time(checkpoint.SavedAt));
                save.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = checkpoint.Graph });
                await save.ExecuteNonQueryAsync(ct);
            }

            // Last, so that the lock is held for as short a time as possible: customer upserts lock the same
            // rows, in their own order, and both take the evidence lock first, so neither waits on the other's rows.
            var customers = Latest(c.Customers, l => (l.SourceId, l.CustomerId));
            if (customers.Count > 0) await ExecuteAsync(connection, tx, EvidenceLock, ct);
            await StageAsync(connection, tx, "customer_links_incoming", "source_id text, customer_id text, household_id text, business_id text",
                customers, async (copy, l) =>
                {
                    await WriteTextAsync(copy, l.SourceId, ct);
                    await WriteTextAsync(copy, l.CustomerId, ct);
                    await WriteTextAsync(copy, l.HouseholdId, ct);
                    await WriteTextAsync(copy, l.BusinessId, ct);
                },
                "UPDATE customers SET household_id = s.household_id, business_id = s.business_id FROM customer_links_incoming s " +
                "WHERE customers.source_id = s.source_id AND customers.customer_id = s.customer_id " +
                "AND (customers.household_id, customers.business_id) IS DISTINCT FROM (s.household_id, s.business_id)", ct);

            await tx.CommitAsync(ct);
            summaries.Forget(c.MovedEvents());
        }

        /// <summary>One row per key, the last given winning: an upsert may not touch a row twice.</summary>
        private static List<T> Latest<T, TKey>(IReadOnlyList<T> rows, Func<T, TKey> key) where TKey : notnull
        {
            if (rows.Count < 2) return [.. rows];
            var last = new Dictionary<TKey, T>(rows.Count);
            foreach (var row in rows) last[key(row)] = row;
            return [.. last.Values];
        }

        /// <summary>Copies the rows into a temporary table dropped at commit, then applies them with one statement.</summary>
        private static async Task StageAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, string table, string columns,
            List<T> rows, Func<NpgsqlBinaryImporter, T, Task> write, string apply, CancellationToken ct)
        {
            if (rows.Count == 0) return;
            await ExecuteAsync(connection, tx, $"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP", ct);
            await using (var copy = await connection.BeginBinaryImportAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in rows)
                {
                    await copy.StartRowAsync(ct);
                    await write(copy, row);
                }
                await copy.CompleteAsync(ct);
            }
            await ExecuteAsync(connection, tx, apply, ct);
        }

        private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand(sql, connection, tx);
            await command.ExecuteNonQueryAsync(ct);
        }

        private static Task WriteLongAsync(NpgsqlBinaryImporter copy, long? value, CancellationToken ct) =>
            value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Bigint, ct) : copy.WriteNullAsync(ct);
    }
}
