namespace CommonGround.Import;

/// <summary>The file formats the teams export in.</summary>
public enum ImportFormat
{
    /// <summary>Delimited text: comma, semicolon, tab or pipe, detected from the first lines.</summary>
    Csv,

    /// <summary>One JSON object per line (.jsonl, .ndjson).</summary>
    JsonLines,

    /// <summary>Apache Parquet, read one row group at a time.</summary>
    Parquet,
}

public static class ImportFormats
{
    /// <summary>The names accepted for an explicit format, e.g. on the command line.</summary>
    public static readonly IReadOnlyList<string> Names = ["csv", "tsv", "jsonl", "ndjson", "parquet"];

    /// <summary>Parses an explicit format name (case-insensitive); false for an unknown name.</summary>
    public static bool TryParse(string? name, out ImportFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "csv" or "tsv" or "txt": format = ImportFormat.Csv; return true;
            case "jsonl" or "ndjson" or "json" or "jsonlines" or "json lines": format = ImportFormat.JsonLines; return true;
            case "parquet" or "pq": format = ImportFormat.Parquet; return true;
            default: format = default; return false;
        }
    }

    /// <summary>
    /// The format its name says: .csv and .tsv (also gzip-free .txt), .jsonl, .ndjson and .json (read as
    /// JSON Lines), .parquet. Null when the extension says nothing; the caller asks for an explicit format.
    /// </summary>
    public static ImportFormat? FromPath(string path)
    {
        var extension = Path.GetExtension(path).TrimStart('.');
        return TryParse(extension, out var format) ? format : null;
    }

    /// <summary>True for .tsv files, whose separator is a tab whatever the detection says.</summary>
    public static bool IsTabSeparated(string path) =>
        string.Equals(Path.GetExtension(path), ".tsv", StringComparison.OrdinalIgnoreCase);
}
