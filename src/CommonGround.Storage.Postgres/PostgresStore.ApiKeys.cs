using CommonGround.Access;
using Npgsql;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class ApiKeyStore(NpgsqlDataSource db) : IApiKeyStore
    {
        private const string Select = "SELECT id, secret_hash, role, team, name, created_at, revoked_at FROM api_keys";

        public async Task AddAsync(ApiKey key, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                """
                INSERT INTO api_keys (id, secret_hash, role, team, name, created_at, revoked_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """);
            command.Parameters.Add(Text(key.Id));
            command.Parameters.Add(Text(key.SecretHash));
            command.Parameters.Add(Text(ToColumn(key.Role)));
            command.Parameters.Add(Text(key.Team));
            command.Parameters.Add(Text(key.Name));
            command.Parameters.Add(Time(key.CreatedAt));
            command.Parameters.Add(Time(key.RevokedAt));
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException(ex.ConstraintName == "api_keys_secret_hash_unique"
                    ? "Another API key has the same secret. Generate a new secret."
                    : $"An API key with id '{key.Id}' exists already.");
            }
        }

        public async Task<ApiKey?> FindBySecretHashAsync(string secretHash, CancellationToken ct)
        {
            await using var command = db.CreateCommand($"{Select} WHERE secret_hash = $1");
            command.Parameters.Add(Text(secretHash));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadKey(reader) : null;
        }

        public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand($"{Select} ORDER BY created_at, id");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var keys = new List<ApiKey>();
            while (await reader.ReadAsync(ct)) keys.Add(ReadKey(reader));
            return keys;
        }

        public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL");
            command.Parameters.Add(Text(id));
            command.Parameters.Add(Time(at));
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }

        private static string ToColumn(ApiKeyRole role) => role switch
        {
            ApiKeyRole.Admin => "admin",
            ApiKeyRole.Team => "team",
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown API key role."),
        };

        private static ApiKeyRole FromColumn(string role) => role switch
        {
            "admin" => ApiKeyRole.Admin,
            "team" => ApiKeyRole.Team,
            _ => throw new InvalidDataException($"Stored API key has an unknown role '{role}'."),
        };

        private static ApiKey ReadKey(NpgsqlDataReader reader) => new()
        {
            Id = reader.GetString(0),
            SecretHash = reader.GetString(1),
            Role = FromColumn(reader.GetString(2)),
            Team = NullableString(reader, 3),
            Name = NullableString(reader, 4),
            CreatedAt = Time(reader, 5),
            RevokedAt = NullableTime(reader, 6),
        };
    }
}
