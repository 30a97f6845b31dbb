using CsvHelper;

namespace CommonGround.Import;

/// <summary>
/// The CSV file of rejected rows: a comment line that says how rows are numbered, then the columns
/// row, reason and raw. Created on the first reject, so a clean import leaves no file; a rejects file
/// left by an earlier run of the same import is removed then, so it never describes an older file.
/// </summary>
public sealed class RejectsFile(string path, string rowNumbering) : IAsyncDisposable
{
    /// <summary>The first line of every rejects file; it marks the file as one this importer may replace.</summary>
    public const string Marker = "# CommonGround import rejects";

    CsvWriter? writer;

    public string Path { get; } = path;
    public long Count { get; private set; }

    public static string DefaultPathFor(string input) => input + ".rejects.csv";

    public async Task AddAsync(long row, string reason, string raw, CancellationToken ct)
    {
        if (writer is null)
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
            if (directory is not null) Directory.CreateDirectory(directory);
            writer = CsvWriter.ToFile(Path, CsvWriterOptions.Default with { CommentPrefix = '#', NewLine = "\n" });
            writer.WriteComment($" {Marker[2..]}: {rowNumbering}.");
            writer.WriteHeader(["row", "reason", "raw"]);
        }
        writer.WriteField(row, default);
        writer.WriteField(reason);
        writer.WriteField(raw);
        await writer.EndRecordAsync(ct);
        Count++;
    }

    /// <summary>Writes the file out; with no rejects, removes a stale rejects file from an earlier run.</summary>
    public async ValueTask DisposeAsync()
    {
        if (writer is not null)
        {
            await writer.DisposeAsync();
            return;
        }
        if (File.Exists(Path) && IsRejectsFile(Path)) File.Delete(Path);
    }

    static bool IsRejectsFile(string path)
    {
        using var reader = new StreamReader(path);
        return reader.ReadLine()?.StartsWith(Marker, StringComparison.Ordinal) == true;
    }
}
