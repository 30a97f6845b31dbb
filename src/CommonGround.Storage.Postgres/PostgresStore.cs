using CommonGround.Storage;

namespace CommonGround.Storage.Postgres;

/// <summary>PostgreSQL provider for shared deployments. Tables live in the connection's search path.</summary>
public sealed partial class PostgresStore : IStore
{
    public PostgresStore(string connectionString) => throw new NotImplementedException(connectionString);
}
