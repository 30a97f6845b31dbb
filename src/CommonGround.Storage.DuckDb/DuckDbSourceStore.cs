using CommonGround.Sources;
using DuckDB.NET.Data;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbSourceStore(DuckDbDatabase db) : ISourceStore
{
    const string Select = "SELECT id, name, team, write_key, enabled, created_at FROM sources";

    public Task AddAsync(Source source, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "INSERT INTO sources VALUES ($id, $name, $team, $key, $enabled, $at)",
            ("id", source.Id), ("name", source.Name), ("team", source.Team), ("key", source.WriteKey),
            ("enabled", source.Enabled), ("at", Db(source.CreatedAt)));
        try
        {
            command.ExecuteNonQuery();
        }
        catch (DuckDBException ex) when (ex.Message.Contains("constraint", StringComparison.OrdinalIgnoreCase))
        {
            throw new ConflictException($"A source named '{source.Name}' exists already. Choose another name.");
        }
        return Task.CompletedTask;
    }

    public Task<Source?> FindAsync(string id, CancellationToken ct) => FindOne($"{Select} WHERE id = $v", id);
    public Task<Source?> FindByNameAsync(string name, CancellationToken ct) => FindOne($"{Select} WHERE name = $v", name);
    public Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken ct) => FindOne($"{Select} WHERE write_key = $v", writeKey);

    public Task<IReadOnlyList<Source>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Source>>(Query($"{Select} ORDER BY team, name"));

    public Task<bool> SetEnabledAsync(string id, bool enabled, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "UPDATE sources SET enabled = $enabled WHERE id = $id", ("enabled", enabled), ("id", id));
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }

    Task<Source?> FindOne(string sql, string value) => Task.FromResult(Query(sql, value).FirstOrDefault());

    List<Source> Query(string sql, string? value = null)
    {
        using var connection = db.Connect();
        using var command = value is null ? connection.Command(sql) : connection.Command(sql, ("v", value));
        using var r = command.ExecuteReader();
        var list = new List<Source>();
        while (r.Read())
        {
            list.Add(new Source
            {
                Id = r.GetString(0),
                Name = r.GetString(1),
                Team = r.GetString(2),
                WriteKey = r.GetString(3),
                Enabled = r.GetBoolean(4),
                CreatedAt = Time(r, 5),
            });
        }
        return list;
    }
}
