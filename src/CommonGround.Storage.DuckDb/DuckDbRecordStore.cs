using CommonGround.Records;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbRecordStore(DuckDbDatabase db) : IRecordStore
{
    const string CustomerColumns =
        "source_id, customer_id, email, phone, first_name, last_name, address_line, postal_code, city, country, " +
        "company, created_at, traits, row_hash, seq";

    const string OrderColumns =
        "source_id, order_id, customer_id, ordered_at, total, currency, status, properties, row_hash";

    public Task<UpsertResult> UpsertCustomersAsync(IReadOnlyList<CustomerRecord> customers, CancellationToken ct) =>
        Locked(() => Upsert("customers", "customer_id", customers, c => (c.SourceId, c.CustomerId), (row, c, seq) =>
        {
            row = row.AppendValue(c.SourceId).AppendValue(c.CustomerId).AppendValue(c.Email).AppendValue(c.Phone)
                .AppendValue(c.FirstName).AppendValue(c.LastName).AppendValue(c.AddressLine).AppendValue(c.PostalCode)
                .AppendValue(c.City).AppendValue(c.Country).AppendValue(c.Company);
            row = c.CreatedAt is { } at ? row.AppendValue(at.UtcDateTime) : row.AppendNullValue();
            row.AppendValue(c.Traits).AppendValue(RecordFingerprint.Of(c)).AppendValue(seq).EndRow();
        }));

    public Task<UpsertResult> UpsertOrdersAsync(IReadOnlyList<OrderRecord> orders, CancellationToken ct) =>
        Locked(() => Upsert("orders", "order_id", orders, o => (o.SourceId, o.OrderId), (row, o, _) =>
            row.AppendValue(o.SourceId).AppendValue(o.OrderId).AppendValue(o.CustomerId)
                .AppendValue(o.OrderedAt.UtcDateTime).AppendValue(o.Total).AppendValue(o.Currency)
                .AppendValue(o.Status).AppendValue(o.Properties).AppendValue(RecordFingerprint.Of(o)).EndRow()));

    async Task<UpsertResult> Locked(Func<UpsertResult> upsert)
    {
        await db.WriteLock.WaitAsync();
        try
        {
            return upsert();
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    /// <summary>
    /// Stages the rows (the last of a repeated key wins), counts new, changed and identical rows against
    /// the table, then writes only the new and changed ones, all in one transaction. Each staged row is
    /// given a number of the evidence sequence (customers keep it, so a changed customer is resolved again).
    /// </summary>
    UpsertResult Upsert<T>(string table, string keyColumn, IReadOnlyList<T> rows, Func<T, (string, string)> key,
        Action<IDuckDBAppenderRow, T, long> append)
    {
        if (rows.Count == 0) return UpsertResult.Empty;
        var last = new Dictionary<(string, string), T>();
        foreach (var row in rows) last[key(row)] = row;

        using var connection = db.Connect();
        var staging = $"staging_{table}";
        var columnList = table == "customers" ? CustomerColumns : OrderColumns;
        using (var create = connection.Command($"CREATE TEMP TABLE IF NOT EXISTS {staging} AS SELECT {columnList} FROM {table} LIMIT 0"))
            create.ExecuteNonQuery();
        using var tx = connection.BeginTransaction();
        var seq = db.ReserveSequence(connection, last.Count);
        using (var appender = connection.CreateAppender("temp", "main", staging))
        {
            foreach (var row in last.Values) append(appender.CreateRow(), row, seq++);
        }
        UpsertResult result;
        using (var count = connection.Command(
            $"SELECT count(*) FILTER (WHERE t.row_hash IS NULL), " +
            $"count(*) FILTER (WHERE t.row_hash IS NOT NULL AND t.row_hash <> s.row_hash), " +
            $"count(*) FILTER (WHERE t.row_hash = s.row_hash) " +
            $"FROM {staging} s LEFT JOIN {table} t ON t.source_id = s.source_id AND t.{keyColumn} = s.{keyColumn}"))
        using (var r = count.ExecuteReader())
        {
            r.Read();
            result = new UpsertResult((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2));
        }
        var columns = columnList.Split(", ");
        var keyMatch = $"t.source_id = s.source_id AND t.{keyColumn} = s.{keyColumn}";
        // Changed rows are updated in place (the key columns stay), new rows appended: DuckDB updates
        // indexed tables reliably this way, where a replace of the same key within a transaction is not.
        var assignments = string.Join(", ", columns.Where(c => c != "source_id" && c != keyColumn).Select(c => $"{c} = s.{c}"));
        using (var update = connection.Command(
            $"UPDATE {table} t SET {assignments} FROM {staging} s WHERE {keyMatch} AND t.row_hash <> s.row_hash"))
            update.ExecuteNonQuery();
        using (var insert = connection.Command(
            $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {string.Join(", ", columns.Select(c => "s." + c))} " +
            $"FROM {staging} s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {keyMatch})"))
            insert.ExecuteNonQuery();
        if (table == "orders")
        {
            // Orders are not identity evidence: their people's audience rows are queued here instead.
            using var queue = connection.Command(
                "INSERT INTO profile_refresh SELECT DISTINCT i.profile_id FROM staging_orders s JOIN profile_identifiers i " +
                "ON i.type = 'externalId' AND i.value = s.source_id || ':' || s.customer_id WHERE i.profile_id IS NOT NULL");
            queue.ExecuteNonQuery();
        }
        using (var clear = connection.Command($"DELETE FROM {staging}"))
            clear.ExecuteNonQuery();
        tx.Commit();
        return result;
    }

    public Task<CustomerRecord?> FindCustomerAsync(string sourceId, string customerId, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"SELECT {CustomerColumns} FROM customers WHERE source_id = $s AND customer_id = $k",
            ("s", sourceId), ("k", customerId));
        using var r = command.ExecuteReader();
        return Task.FromResult(r.Read()
            ? new CustomerRecord
            {
                SourceId = r.GetString(0),
                CustomerId = r.GetString(1),
                Email = NullableString(r, 2),
                Phone = NullableString(r, 3),
                FirstName = NullableString(r, 4),
                LastName = NullableString(r, 5),
                AddressLine = NullableString(r, 6),
                PostalCode = NullableString(r, 7),
                City = NullableString(r, 8),
                Country = NullableString(r, 9),
                Company = NullableString(r, 10),
                CreatedAt = NullableTime(r, 11),
                Traits = NullableString(r, 12),
            }
            : null);
    }

    public Task<OrderRecord?> FindOrderAsync(string sourceId, string orderId, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"SELECT {OrderColumns} FROM orders WHERE source_id = $s AND order_id = $k", ("s", sourceId), ("k", orderId));
        using var r = command.ExecuteReader();
        return Task.FromResult(r.Read()
            ? new OrderRecord
            {
                SourceId = r.GetString(0),
                OrderId = r.GetString(1),
                CustomerId = r.GetString(2),
                OrderedAt = Time(r, 3),
                Total = r.GetDecimal(4),
                Currency = NullableString(r, 5),
                Status = NullableString(r, 6),
                Properties = NullableString(r, 7),
            }
            : null);
    }

    public Task<long> CountCustomersAsync(string? sourceId, CancellationToken ct) => Count("customers", sourceId);
    public Task<long> CountOrdersAsync(string? sourceId, CancellationToken ct) => Count("orders", sourceId);

    Task<long> Count(string table, string? sourceId)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"SELECT count(*) FROM {table} WHERE $s IS NULL OR source_id = $s", ("s", Db(sourceId)));
        return Task.FromResult(Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
