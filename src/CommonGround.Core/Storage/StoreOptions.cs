using System.ComponentModel.DataAnnotations;

namespace CommonGround.Storage;

/// <summary>Which store to use; bound to the "Store" configuration section.</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";
    public const string DuckDb = "duckdb";
    public const string Postgres = "postgres";

    /// <summary>"duckdb" (embedded, the default) or "postgres".</summary>
    [Required]
    [RegularExpression("^(duckdb|postgres)$", ErrorMessage = "Store:Provider must be 'duckdb' or 'postgres'.")]
    public string Provider { get; set; } = DuckDb;

    /// <summary>For DuckDB: the folder that holds the database file (created when missing).</summary>
    public string DataDirectory { get; set; } = "commonground-data";

    /// <summary>For PostgreSQL: an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }
}
