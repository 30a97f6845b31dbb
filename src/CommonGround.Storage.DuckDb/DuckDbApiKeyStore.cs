using CommonGround.Access;
using static CommonGround.Storage.DuckDb.DuckDbValues;

namespace CommonGround.Storage.DuckDb;

sealed class DuckDbApiKeyStore(DuckDbDatabase db) : IApiKeyStore
{
    const string Select = "SELECT id, secret_hash, role, team, name, created_at, revoked_at FROM api_keys";

    public Task AddAsync(ApiKey key, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "INSERT INTO api_keys VALUES ($id, $hash, $role, $team, $name, $at, $revoked)",
            ("id", key.Id), ("hash", key.SecretHash), ("role", key.Role == ApiKeyRole.Admin ? "admin" : "team"),
            ("team", Db(key.Team)), ("name", Db(key.Name)), ("at", Db(key.CreatedAt)), ("revoked", Db(key.RevokedAt)));
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken ct) =>
        Task.FromResult(Query($"{Select} WHERE secret_hash = $v", secretHash).FirstOrDefault());

    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ApiKey>>(Query($"{Select} ORDER BY created_at, id"));

    public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct)
    {
        using var connection = db.Connect();
        using var command = connection.Command(
            "UPDATE api_keys SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL", ("at", Db(at)), ("id", id));
        return Task.FromResult(command.ExecuteNonQuery() > 0);
    }

    List<ApiKey> Query(string sql, string? value = null)
    {
        using var connection = db.Connect();
        using var command = value is null ? connection.Command(sql) : connection.Command(sql, ("v", value));
        using var r = command.ExecuteReader();
        var list = new List<ApiKey>();
        while (r.Read())
        {
            list.Add(new ApiKey
            {
                Id = r.GetString(0),
                SecretHash = r.GetString(1),
                Role = r.GetString(2) == "admin" ? ApiKeyRole.Admin : ApiKeyRole.Team,
                Team = NullableString(r, 3),
                Name = NullableString(r, 4),
                CreatedAt = Time(r, 5),
                RevokedAt = NullableTime(r, 6),
            });
        }
        return list;
    }
}
