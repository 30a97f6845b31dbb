using CommonGround.Catalog;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbCatalogStore(DuckDbDatabase db) : ICatalogStore
{
    const string Select =
        "SELECT data_type, dataset, field, value_type, owner_team, personal, declared, description, " +
        "first_seen, last_seen, seen_count, shared_with FROM catalog_fields";

    public async Task ObserveAsync(IReadOnlyCollection<CatalogObservation> observations, CancellationToken ct)
    {
        if (observations.Count == 0) return;
        await db.WriteLock.WaitAsync(ct);
        try
        {
            Observe(observations);
        }
        finally
        {
            db.WriteLock.Release();
        }
    }

    /// <summary>
    /// One statement for the whole batch: the merged observations go through a staging table into a
    /// single INSERT ... ON CONFLICT. DuckDB plans an upsert as a merge, which costs milliseconds a
    /// statement, so one statement per field (a hundred or more a flush) held the write lock for a
    /// second and more under load.
    /// </summary>
    void Observe(IReadOnlyCollection<CatalogObservation> observations)
    {
        using var connection = db.Connect();
        using (var staging = connection.Command(
            "CREATE TEMP TABLE IF NOT EXISTS catalog_observed (data_type VARCHAR, dataset VARCHAR, field VARCHAR, " +
            "value_type VARCHAR, owner_team VARCHAR, personal BOOLEAN, first_seen TIMESTAMP, last_seen TIMESTAMP, seen_count BIGINT)"))
            staging.ExecuteNonQuery();

        using var tx = connection.BeginTransaction();
        using (var appender = connection.CreateAppender("temp", "main", "catalog_observed"))
        {
            foreach (var o in CatalogObservations.Merge(observations))
            {
                appender.CreateRow()
                    .AppendValue(o.Key.DataType.ToWire()).AppendValue(o.Key.Dataset).AppendValue(o.Key.Field)
                    .AppendValue(o.ValueType).AppendValue(o.Team).AppendValue(o.LooksPersonal)
                    .AppendValue(o.FirstSeen.UtcDateTime).AppendValue(o.LastSeen.UtcDateTime).AppendValue(o.Count)
                    .EndRow();
            }
        }
        using (var upsert = connection.Command(
            "INSERT INTO catalog_fields (data_type, dataset, field, value_type, owner_team, personal, declared, description, first_seen, last_seen, seen_count) " +
            "SELECT data_type, dataset, field, value_type, owner_team, personal, false, NULL, " +
            "first_seen, last_seen, seen_count FROM catalog_observed " +
            "ON CONFLICT (data_type, dataset, field) DO UPDATE SET " +
            "seen_count = catalog_fields.seen_count + excluded.seen_count, " +
            "last_seen = greatest(catalog_fields.last_seen, excluded.last_seen), " +
            "first_seen = least(catalog_fields.first_seen, excluded.first_seen), " +
            "value_type = excluded.value_type, " +
            "personal = CASE WHEN catalog_fields.declared THEN catalog_fields.personal " +
            "ELSE catalog_fields.personal OR excluded.personal END"))
            upsert.ExecuteNonQuery();
        using (var clear = connection.Command("DELETE FROM catalog_observed"))
            clear.ExecuteNonQuery();
        tx.Commit();
    }

    public Task<IReadOnlyList<CatalogField>> ListAsync(DataType? dataType, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            $"{Select} WHERE $dt IS NULL OR data_type = $dt ORDER BY data_type, dataset, field",
            ("dt", Db(dataType?.ToWire())));
        return Task.FromResult<IReadOnlyList<CatalogField>>(Read(command));
    }

    public Task<CatalogField?> FindAsync(CatalogFieldKey key, CancellationToken ct)
    {
        using var connection = db.Connect();
        return Task.FromResult(Find(connection, key));
    }

    public Task<CatalogField?> UpdateAsync(CatalogFieldKey key, CatalogFieldEdit edit, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "UPDATE catalog_fields SET declared = true, " +
            "owner_team = coalesce($owner, owner_team), personal = coalesce($personal, personal), " +
            "description = coalesce($description, description), shared_with = coalesce($shared, shared_with) " +
            "WHERE data_type = $dt AND dataset = $ds AND field = $f",
            ("owner", Db(edit.OwnerTeam)), ("personal", edit.Personal is { } p ? p : DBNull.Value),
            ("description", Db(edit.Description)), ("shared", Db(CatalogSharing.Write(edit.SharedWith))),
            ("dt", key.DataType.ToWire()), ("ds", key.Dataset), ("f", key.Field));
        return Task.FromResult(command.ExecuteNonQuery() == 0 ? null : Find(connection, key));
    }

    static CatalogField? Find(DuckDBConnection connection, CatalogFieldKey key)
    {
        using var command = connection.Command(
            $"{Select} WHERE data_type = $dt AND dataset = $ds AND field = $f",
            ("dt", key.DataType.ToWire()), ("ds", key.Dataset), ("f", key.Field));
        return Read(command).FirstOrDefault();
    }

    static List<CatalogField> Read(DuckDBCommand command)
    {
        using var r = command.ExecuteReader();
        var list = new List<CatalogField>();
        while (r.Read())
        {
            list.Add(new CatalogField
            {
                Key = new CatalogFieldKey(DataTypes.Parse(r.GetString(0)), r.GetString(1), r.GetString(2)),
                ValueType = r.GetString(3),
                OwnerTeam = r.GetString(4),
                Personal = r.GetBoolean(5),
                Declared = r.GetBoolean(6),
                Description = NullableString(r, 7),
                FirstSeen = Time(r, 8),
                LastSeen = Time(r, 9),
                SeenCount = r.GetInt64(10),
                SharedWith = CatalogSharing.Read(NullableString(r, 11)),
            });
        }
        return list;
    }
}
