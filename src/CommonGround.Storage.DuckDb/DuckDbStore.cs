using CommonGround.Storage;

namespace CommonGround.Storage.DuckDb;

/// <summary>The embedded default: one DuckDB file in the data directory.</summary>
public sealed partial class DuckDbStore : IStore
{
    public const string FileName = "commonground.duckdb";

    public static DuckDbStore Open(string dataDirectory) => throw new NotImplementedException(dataDirectory);
}
