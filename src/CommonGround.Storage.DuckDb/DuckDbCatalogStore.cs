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

    void Observe(IReadOnlyCollection<CatalogObservation> observations)
    {
        using var connection = db.Connect();
        using var tx = connection.BeginTransaction();
        using var command = connection.Command(
            "INSERT INTO catalog_fields (data_type, dataset, field, value_type, owner_team, personal, declared, description, first_seen, last_seen, seen_count) " +
            "VALUES ($dt, $ds, $f, $vt, $team, $personal, false, NULL, $first, $last, $n) " +
            "ON CONFLICT (data_type, dataset, field) DO UPDATE SET " +
            "seen_count = catalog_fields.seen_count + excluded.seen_count, " +
            "last_seen = greatest(catalog_fields.last_seen, excluded.last_seen), " +
            "first_seen = least(catalog_fields.first_seen, excluded.first_seen), " +
            "value_type = excluded.value_type, " +
            "personal = CASE WHEN catalog_fields.declared THEN catalog_fields.personal " +
            "ELSE catalog_fields.personal OR excluded.personal END");
        foreach (var o in CatalogObservations.Merge(observations))
        {
            command.Parameters.Clear();
            command.Parameters.Add(new DuckDBParameter("dt", o.Key.DataType.ToWire()));
            command.Parameters.Add(new DuckDBParameter("ds", o.Key.Dataset));
            command.Parameters.Add(new DuckDBParameter("f", o.Key.Field));
            command.Parameters.Add(new DuckDBParameter("vt", o.ValueType));
            command.Parameters.Add(new DuckDBParameter("team", o.Team));
            command.Parameters.Add(new DuckDBParameter("personal", o.LooksPersonal));
            command.Parameters.Add(new DuckDBParameter("first", o.FirstSeen.UtcDateTime));
            command.Parameters.Add(new DuckDBParameter("last", o.LastSeen.UtcDateTime));
            command.Parameters.Add(new DuckDBParameter("n", o.Count));
            command.ExecuteNonQuery();
        }
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
