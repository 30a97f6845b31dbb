namespace CommonGround.Import;

/// <summary>
/// Streams the data rows of one file. <see cref="OpenAsync"/> reads only what names the columns (a
/// header, a schema, the first lines), so a wrong column mapping fails before any row is read. Not
/// thread-safe: one reader serves one import.
/// </summary>
public interface IRowReader : IAsyncDisposable
{
    /// <summary>Where row numbers start counting, said in the rejects file, e.g. "row 1 is the first line after the header".</summary>
    string RowNumbering { get; }

    /// <summary>Reads the header or schema and returns the column names in file order.</summary>
    Task<IReadOnlyList<string>> OpenAsync(CancellationToken ct);

    /// <summary>The rows, in file order. Bad rows come back with <see cref="ImportRow.Error"/> set; this never throws for bad data.</summary>
    IAsyncEnumerable<ImportRow> ReadRowsAsync(CancellationToken ct);

    /// <summary>Bytes of the file read so far (approximate for Parquet), for progress.</summary>
    long BytesRead { get; }

    /// <summary>Size of the file in bytes.</summary>
    long TotalBytes { get; }
}

/// <summary>Opens the reader for a file's format.</summary>
public static class RowReaders
{
    /// <param name="format">Null: from the file's extension.</param>
    /// <exception cref="ImportInputException">The format is neither given nor clear from the extension.</exception>
    public static IRowReader Open(string path, ImportFormat? format) =>
        (format ?? ImportFormats.FromPath(path) ?? throw new ImportInputException(
            $"Cannot tell the format of '{Path.GetFileName(path)}' from its extension; give it explicitly " +
            $"({string.Join(", ", ImportFormats.Names)}).")) switch
        {
            ImportFormat.Csv => new CsvRowReader(path, ImportFormats.IsTabSeparated(path) ? '\t' : null),
            ImportFormat.JsonLines => new JsonLinesRowReader(path),
            ImportFormat.Parquet => new ParquetRowReader(path),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
}

/// <summary>
/// The file or the request cannot be imported at all (unknown format, a mapping to a column the file
/// does not have, a file that is not Parquet); the message says how to fix it. Bad rows never throw this.
/// </summary>
public sealed class ImportInputException(string message, Exception? inner = null) : Exception(message, inner);
