using CommonGround.Records;
using Npgsql;
using NpgsqlTypes;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class RecordStore(NpgsqlDataSource db) : IRecordStore
    {
        private static readonly string[] CustomerColumns =
        [
            "source_id", "customer_id", "email", "phone", "first_name", "last_name", "address_line",
            "postal_code", "city", "country", "company", "created_at", "traits", "row_hash",
        ];

        private static readonly string[] OrderColumns =
        [
            "source_id", "order_id", "customer_id", "ordered_at", "total", "currency", "status", "properties",
            "row_hash",
        ];

        public Task<UpsertResult> UpsertCustomersAsync(IReadOnlyList<CustomerRecord> customers, CancellationToken ct) =>
            UpsertAsync(customers, c => (c.SourceId, c.CustomerId), "customers", "customer_id", CustomerColumns,
                WriteCustomerAsync, ct);

        public Task<UpsertResult> UpsertOrdersAsync(IReadOnlyList<OrderRecord> orders, CancellationToken ct) =>
            UpsertAsync(orders, o => (o.SourceId, o.OrderId), "orders", "order_id", OrderColumns,
                WriteOrderAsync, ct);

        public async Task<CustomerRecord?> FindCustomerAsync(string sourceId, string customerId, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"SELECT {string.Join(", ", CustomerColumns)} FROM customers WHERE source_id = $1 AND customer_id = $2");
            command.Parameters.Add(Text(sourceId));
            command.Parameters.Add(Text(customerId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            return ReadCustomer(reader, 0) with { Traits = NullableString(reader, 12) };
        }

        public async Task<OrderRecord?> FindOrderAsync(string sourceId, string orderId, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                $"SELECT {string.Join(", ", OrderColumns)} FROM orders WHERE source_id = $1 AND order_id = $2");
            command.Parameters.Add(Text(sourceId));
            command.Parameters.Add(Text(orderId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            return new OrderRecord
            {
                SourceId = reader.GetString(0),
                OrderId = reader.GetString(1),
                CustomerId = reader.GetString(2),
                OrderedAt = Time(reader, 3),
                Total = reader.GetDecimal(4),
                Currency = NullableString(reader, 5),
                Status = NullableString(reader, 6),
                Properties = NullableString(reader, 7),
            };
        }

        public Task<long> CountCustomersAsync(string? sourceId, CancellationToken ct) =>
            CountAsync(db, "customers", sourceId, ct);

        public Task<long> CountOrdersAsync(string? sourceId, CancellationToken ct) =>
            CountAsync(db, "orders", sourceId, ct);

        /// <summary>
        /// Copies the rows into a temporary table, then inserts new keys and rewrites only the rows whose
        /// hash differs. <c>xmax = 0</c> marks a row version this statement inserted rather than updated.
        /// </summary>
        private async Task<UpsertResult> UpsertAsync<T>(
            IReadOnlyList<T> rows,
            Func<T, (string SourceId, string Id)> key,
            string table,
            string idColumn,
            string[] columns,
            Func<NpgsqlBinaryImporter, T, CancellationToken, Task> writeRow,
            CancellationToken ct)
        {
            if (rows.Count == 0) return UpsertResult.Empty;

            // The same key twice in one import: the later row is the newer one.
            var latest = new Dictionary<(string, string), T>(rows.Count);
            foreach (var row in rows)
            {
                var (sourceId, id) = key(row);
                latest[(WithoutNul(sourceId)!, WithoutNul(id)!)] = row;
            }

            var columnList = string.Join(", ", columns);
            var updates = string.Join(", ",
                columns.Where(c => c != "source_id" && c != idColumn).Select(c => $"{c} = excluded.{c}"));
            // A changed customer is numbered again in the evidence sequence, so identity resolution sees it.
            var sequenced = table == "customers";
            if (sequenced) updates += ", seq = nextval('evidence_seq')";

            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);

            await using (var create = new NpgsqlCommand(
                (sequenced ? EvidenceLock + "; " : "") + $"CREATE TEMP TABLE {table}_incoming (LIKE {table}) ON COMMIT DROP", connection, tx))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            await using (var copy = await connection.BeginBinaryImportAsync(
                $"COPY {table}_incoming ({columnList}) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in latest.Values)
                {
                    await copy.StartRowAsync(ct);
                    await writeRow(copy, row, ct);
                }
                await copy.CompleteAsync(ct);
            }

            if (table == "orders")
            {
                // Orders are not identity evidence: their people's audience rows are queued here instead.
                await using var queue = new NpgsqlCommand(
                    "INSERT INTO profile_refresh (profile_id) SELECT DISTINCT i.profile_id FROM orders_incoming s JOIN profile_identifiers i " +
                    "ON i.type = 'externalId' AND i.value = s.source_id || ':' || s.customer_id WHERE i.profile_id IS NOT NULL", connection, tx);
                await queue.ExecuteNonQueryAsync(ct);
            }

            int inserted, updated;
            await using (var upsert = new NpgsqlCommand(
                $"""
                WITH upserted AS (
                    INSERT INTO {table} AS t ({columnList})
                    SELECT {columnList} FROM {table}_incoming ORDER BY source_id, {idColumn}
                    ON CONFLICT (source_id, {idColumn}) DO UPDATE SET {updates}
                    WHERE t.row_hash <> excluded.row_hash
                    RETURNING t.xmax = 0 AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int
                FROM upserted
                """, connection, tx))
            await using (var reader = await upsert.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                inserted = reader.GetInt32(0);
                updated = reader.GetInt32(1);
            }

            await tx.CommitAsync(ct);
            return new UpsertResult(inserted, updated, latest.Count - inserted - updated);
        }

        private static async Task WriteCustomerAsync(NpgsqlBinaryImporter copy, CustomerRecord c, CancellationToken ct)
        {
            await WriteTextAsync(copy, c.SourceId, ct);
            await WriteTextAsync(copy, c.CustomerId, ct);
            await WriteTextAsync(copy, c.Email, ct);
            await WriteTextAsync(copy, c.Phone, ct);
            await WriteTextAsync(copy, c.FirstName, ct);
            await WriteTextAsync(copy, c.LastName, ct);
            await WriteTextAsync(copy, c.AddressLine, ct);
            await WriteTextAsync(copy, c.PostalCode, ct);
            await WriteTextAsync(copy, c.City, ct);
            await WriteTextAsync(copy, c.Country, ct);
            await WriteTextAsync(copy, c.Company, ct);
            await WriteTimeAsync(copy, c.CreatedAt, ct);
            await WriteJsonAsync(copy, c.Traits, ct);
            await copy.WriteAsync(RecordFingerprint.Of(c), NpgsqlDbType.Text, ct);
        }

        private static async Task WriteOrderAsync(NpgsqlBinaryImporter copy, OrderRecord o, CancellationToken ct)
        {
            await WriteTextAsync(copy, o.SourceId, ct);
            await WriteTextAsync(copy, o.OrderId, ct);
            await WriteTextAsync(copy, o.CustomerId, ct);
            await copy.WriteAsync(Utc(o.OrderedAt), NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(o.Total, NpgsqlDbType.Numeric, ct);
            await WriteTextAsync(copy, o.Currency, ct);
            await WriteTextAsync(copy, o.Status, ct);
            await WriteJsonAsync(copy, o.Properties, ct);
            await copy.WriteAsync(RecordFingerprint.Of(o), NpgsqlDbType.Text, ct);
        }
    }

    /// <summary>A customer record's columns from source_id to created_at, read from <paramref name="first"/> on; no traits.</summary>
    internal static CustomerRecord ReadCustomer(NpgsqlDataReader reader, int first) => new()
    {
        SourceId = reader.GetString(first),
        CustomerId = reader.GetString(first + 1),
        Email = NullableString(reader, first + 2),
        Phone = NullableString(reader, first + 3),
        FirstName = NullableString(reader, first + 4),
        LastName = NullableString(reader, first + 5),
        AddressLine = NullableString(reader, first + 6),
        PostalCode = NullableString(reader, first + 7),
        City = NullableString(reader, first + 8),
        Country = NullableString(reader, first + 9),
        Company = NullableString(reader, first + 10),
        CreatedAt = NullableTime(reader, first + 11),
    };
}
