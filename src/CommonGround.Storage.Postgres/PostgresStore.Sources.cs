using CommonGround.Sources;
using Npgsql;

namespace CommonGround.Storage.Postgres;

public sealed partial class PostgresStore
{
    private sealed class SourceStore(NpgsqlDataSource db) : ISourceStore
    {
        private const string Select = "SELECT id, name, team, write_key, enabled, created_at FROM sources";

        public async Task AddAsync(Source source, CancellationToken ct)
        {
            await using var command = db.CreateCommand(
                """
                INSERT INTO sources (id, name, team, write_key, enabled, created_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """);
            command.Parameters.Add(Text(source.Id));
            command.Parameters.Add(Text(source.Name));
            command.Parameters.Add(Text(source.Team));
            command.Parameters.Add(Text(source.WriteKey));
            command.Parameters.Add(Bool(source.Enabled));
            command.Parameters.Add(Time(source.CreatedAt));
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The write key is not repeated: it is a credential, even if a publishable one.
                throw new ConflictException(ex.ConstraintName switch
                {
                    "sources_name_unique" => $"A source named '{source.Name}' exists already. Choose another name.",
                    "sources_write_key_unique" => "Another source has that write key already. Issue a new key.",
                    _ => $"A source with id '{source.Id}' exists already.",
                });
            }
        }

        public Task<Source?> FindAsync(string id, CancellationToken ct) => FindOneAsync("id", id, ct);

        public Task<Source?> FindByNameAsync(string name, CancellationToken ct) => FindOneAsync("name", name, ct);

        public Task<Source?> FindByWriteKeyAsync(string writeKey, CancellationToken ct) =>
            FindOneAsync("write_key", writeKey, ct);

        public async Task<IReadOnlyList<Source>> ListAsync(CancellationToken ct)
        {
            await using var command = db.CreateCommand($"{Select} ORDER BY name");
            await using var reader = await command.ExecuteReaderAsync(ct);
            var sources = new List<Source>();
            while (await reader.ReadAsync(ct)) sources.Add(ReadSource(reader));
            return sources;
        }

        public async Task<bool> SetEnabledAsync(string id, bool enabled, CancellationToken ct)
        {
            await using var command = db.CreateCommand("UPDATE sources SET enabled = $2 WHERE id = $1");
            command.Parameters.Add(Text(id));
            command.Parameters.Add(Bool(enabled));
            return await command.ExecuteNonQueryAsync(ct) > 0;
        }

        /// <param name="column">One of the unique columns; never user input.</param>
        private async Task<Source?> FindOneAsync(string column, string value, CancellationToken ct)
        {
            await using var command = db.CreateCommand($"{Select} WHERE {column} = $1");
            command.Parameters.Add(Text(value));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadSource(reader) : null;
        }

        private static Source ReadSource(NpgsqlDataReader reader) => new()
        {
            Id = reader.GetString(0),
            Name = reader.GetString(1),
            Team = reader.GetString(2),
            WriteKey = reader.GetString(3),
            Enabled = reader.GetBoolean(4),
            CreatedAt = Time(reader, 5),
        };
    }
}
