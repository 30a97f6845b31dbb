using System.Diagnostics;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.Import;

/// <summary>What to import onto a suppression list, and how to read the file.</summary>
public sealed record SuppressionImportRequest
{
    public required string List { get; init; }
    public required string Path { get; init; }

    /// <summary>Who is adding the members (stored with each new member).</summary>
    public required string AddedBy { get; init; }

    /// <summary>The identifier column of a CSV file with a header; null to find it (see <see cref="SuppressionImporter"/>).</summary>
    public string? Column { get; init; }

    /// <summary>The identifier type of every value (a file of bare e-mails: "email"); null when values are TYPE:VALUE.</summary>
    public string? Type { get; init; }

    /// <summary>The column with each member's reason; null for a column named "reason" when there is one.</summary>
    public string? ReasonColumn { get; init; }

    /// <summary>The reason of rows without one of their own.</summary>
    public string? Reason { get; init; }

    /// <summary>Null for FILE.rejects.csv next to the file.</summary>
    public string? RejectsPath { get; init; }
}

/// <param name="Header">False when the file was read as one identifier per line.</param>
/// <param name="AlreadyOn">Rows whose identifier was on the list already, or repeated in the file.</param>
/// <param name="Members">Members of the list after the import.</param>
public sealed record SuppressionImportSummary(string List, bool Header, string? Column, long RowsRead, long Added, long AlreadyOn, long Rejected,
    long Members, string? RejectsPath, TimeSpan Elapsed);

/// <summary>
/// Puts the identifiers of a file on a suppression list, in batches of <see cref="SuppressionLists.MaxBatch"/>,
/// normalising each (so the same address in another case is one member); importing the same file again
/// adds nothing. Bad rows go to a rejects file with their row number and reason; they never stop the import.
/// </summary>
/// <remarks>
/// <para>The file is one identifier per line when it ends in .txt or when its first line is itself an
/// identifier (TYPE:VALUE, or a value of <see cref="SuppressionImportRequest.Type"/>); otherwise it is
/// CSV (or TSV) with a header. The identifier column is the one asked for, else "identifier", else a
/// column named after an identifier type (e.g. "email", which then gives the type), else the only column.</para>
/// <para>Not thread-safe: one import at a time per instance.</para>
/// </remarks>
public sealed class SuppressionImporter(ISuppressionListStore store, IdentifierText identifiers, TimeProvider time)
{
    /// <exception cref="ImportInputException">The file, list name, type or a column asked for cannot be used; nothing was imported.</exception>
    public async Task<SuppressionImportSummary> ImportAsync(SuppressionImportRequest request, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (!File.Exists(request.Path)) throw new ImportInputException($"The file '{request.Path}' does not exist.");
        if (SuppressionLists.NameProblem(request.List) is { } nameProblem) throw new ImportInputException("--list: " + nameProblem);
        var type = request.Type is null ? null
            : identifiers.TypeNamed(request.Type) ?? throw new ImportInputException($"'{request.Type}' is not an identifier type; use one of {identifiers.Types}.");
        string? defaultReason;
        try
        {
            defaultReason = SuppressionLists.Reason(request.Reason);
        }
        catch (ArgumentException ex)
        {
            throw new ImportInputException("--reason: " + ex.Message);
        }

        var clock = Stopwatch.StartNew();
        var at = time.GetUtcNow();
        await using var source = await OpenAsync(request, type, ct);
        var rejectsPath = request.RejectsPath ?? RejectsFile.DefaultPathFor(request.Path);
        var batch = new List<SuppressionEntry>(SuppressionLists.MaxBatch);
        long rows = 0, added = 0, accepted = 0;
        await using (var rejects = new RejectsFile(rejectsPath, source.RowNumbering))
        {
            await foreach (var (number, identifier, reason, raw, error) in source.RowsAsync(ct))
            {
                rows++;
                string? problem = error;
                Identifier parsed = default;
                if (problem is null && identifiers.Read(identifier, source.Type, out parsed) is { } invalid)
                    problem = string.IsNullOrWhiteSpace(identifier) ? "the identifier is empty" : "the identifier " + invalid.TrimEnd('.');
                if (problem is null && reason is { Length: > SuppressionLists.MaxReasonLength })
                    problem = $"the reason has more than {SuppressionLists.MaxReasonLength} characters";
                if (problem is not null)
                {
                    await rejects.AddAsync(number, $"row {number}: {problem}", raw, ct);
                    continue;
                }
                batch.Add(new SuppressionEntry(parsed, string.IsNullOrWhiteSpace(reason) ? defaultReason : reason));
                if (batch.Count == SuppressionLists.MaxBatch)
                {
                    (added, accepted) = (added + await store.AddMembersAsync(request.List, batch, request.AddedBy, at, ct), accepted + batch.Count);
                    batch.Clear();
                    progress?.Report(new ImportProgress(rows, source.BytesRead, source.TotalBytes));
                }
            }
            if (batch.Count > 0) (added, accepted) = (added + await store.AddMembersAsync(request.List, batch, request.AddedBy, at, ct), accepted + batch.Count);
            progress?.Report(new ImportProgress(rows, source.TotalBytes, source.TotalBytes));
            rejectsPath = rejects.Count > 0 ? rejects.Path : null;
            var members = (await store.CountsAsync(ct)).FirstOrDefault(c => c.List == request.List)?.Members ?? 0;
            return new SuppressionImportSummary(request.List, source.Header, source.Column, rows, added, accepted - added, rejects.Count, members,
                rejectsPath, clock.Elapsed);
        }
    }

    async Task<Source> OpenAsync(SuppressionImportRequest request, string? type, CancellationToken ct)
    {
        if (request.Column is null && await IsListAsync(request.Path, type, ct))
        {
            if (request.ReasonColumn is not null)
                throw new ImportInputException($"--reason-column needs a file with a header; '{System.IO.Path.GetFileName(request.Path)}' is one identifier per line.");
            return new LinesSource(request.Path, type);
        }
        var reader = new CsvRowReader(request.Path, ImportFormats.IsTabSeparated(request.Path) ? '\t' : null);
        try
        {
            var columns = await reader.OpenAsync(ct);
            var column = Pick(columns, request.Column, type);
            type ??= identifiers.TypeNamed(column);
            var reasonColumn = request.ReasonColumn is { } asked
                ? columns.FirstOrDefault(c => c == asked) ?? throw Missing("--reason-column", asked, columns)
                : columns.FirstOrDefault(c => string.Equals(c, "reason", StringComparison.OrdinalIgnoreCase));
            return new CsvSource(reader, column, reasonColumn, type);
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }
    }

    /// <summary>One identifier per line: a .txt file, or one whose first line is an identifier.</summary>
    async Task<bool> IsListAsync(string path, string? type, CancellationToken ct)
    {
        if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)) return true;
        using var reader = new StreamReader(path);
        string? first;
        while ((first = await reader.ReadLineAsync(ct)) is not null && string.IsNullOrWhiteSpace(first)) { }
        return first is not null && identifiers.Read(first, type, out _) is null;
    }

    string Pick(IReadOnlyList<string> columns, string? asked, string? type)
    {
        if (asked is not null) return columns.FirstOrDefault(c => c == asked) ?? throw Missing("--column", asked, columns);
        string? Named(string name) => columns.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        return Named("identifier")
            ?? (type is null ? null : Named(type))
            ?? (type is null ? columns.FirstOrDefault(c => identifiers.TypeNamed(c) is not null) : null)
            ?? (columns.Count == 1 ? columns[0] : null)
            ?? throw new ImportInputException(
                $"Cannot tell which column holds the identifiers (columns: {string.Join(", ", columns)}). Name it with --column, " +
                "e.g. --column Email --type email when the values are bare e-mail addresses.");
    }

    static ImportInputException Missing(string option, string asked, IReadOnlyList<string> columns) =>
        new($"{option} '{asked}': the file has no such column (columns: {string.Join(", ", columns)}; names must match exactly).");

    /// <summary>The rows of a file: number, identifier text, reason, raw text, or why the row could not be read.</summary>
    abstract class Source : IAsyncDisposable
    {
        public abstract string RowNumbering { get; }
        public abstract bool Header { get; }
        public abstract string? Column { get; }
        public abstract string? Type { get; }
        public abstract long BytesRead { get; }
        public abstract long TotalBytes { get; }
        public abstract IAsyncEnumerable<(long Number, string? Identifier, string? Reason, string Raw, string? Error)> RowsAsync(CancellationToken ct);
        public abstract ValueTask DisposeAsync();
    }

    sealed class CsvSource(CsvRowReader reader, string column, string? reasonColumn, string? type) : Source
    {
        public override string RowNumbering => reader.RowNumbering;
        public override bool Header => true;
        public override string? Column => column;
        public override string? Type => type;
        public override long BytesRead => reader.BytesRead;
        public override long TotalBytes => reader.TotalBytes;

        public override async IAsyncEnumerable<(long, string?, string?, string, string?)> RowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var row in reader.ReadRowsAsync(ct))
                yield return (row.Number, row.Get(column) as string, reasonColumn is null ? null : row.Get(reasonColumn) as string, row.Raw, row.Error);
        }

        public override ValueTask DisposeAsync() => reader.DisposeAsync();
    }

    sealed class LinesSource(string path, string? type) : Source
    {
        readonly FileStream _stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);

        public override string RowNumbering => "row 1 is the first line of the file (one identifier per line, no header)";
        public override bool Header => false;
        public override string? Column => null;
        public override string? Type => type;
        public override long BytesRead => _stream.Position;
        public override long TotalBytes => _stream.Length;

        public override async IAsyncEnumerable<(long, string?, string?, string, string?)> RowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            using var reader = new StreamReader(_stream, leaveOpen: true);
            long number = 0;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line)) yield return (number, line.Trim(), null, line, null);
            }
        }

        public override ValueTask DisposeAsync() => _stream.DisposeAsync();
    }
}
