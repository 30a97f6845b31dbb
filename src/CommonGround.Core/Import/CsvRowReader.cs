using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace CommonGround.Import;

/// <summary>
/// Reads delimited text with CsvHelper: the separator is detected (comma, semicolon, tab, pipe) unless
/// given, fields are trimmed, a byte order mark is ignored. A row with broken quoting or a field count
/// different from the header's is returned as unreadable, never thrown. A quoted field that is never
/// closed would swallow the rest of the file; its lines are read again one line per row, so only the
/// broken line is lost.
/// </summary>
public sealed class CsvRowReader(string path, char? separator = null) : IRowReader
{
    readonly Queue<CsvMalformedRecord> malformed = new();
    FileStream? stream;
    CsvReader? reader;
    string[] columns = [];
    Dictionary<string, int> index = [];
    long lastOffset;
    long rowNumber;

    public string RowNumbering => "row 1 is the first line after the header (the header is not counted)";

    public long BytesRead => lastOffset;
    public long TotalBytes { get; private set; }

    public async Task<IReadOnlyList<string>> OpenAsync(CancellationToken ct)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        TotalBytes = stream.Length;
        reader = CsvReader.Create(stream, Options(separator, lineBreaksInQuotes: true, hasHeader: true), leaveOpen: false);
        await reader.ReadHeaderAsync(ct);
        columns = [.. reader.Headers.Select(h => h.Trim())];
        index = ImportRow.BuildIndex(columns);
        return columns;
    }

    // The first read checks field counts against the header; the re-read of lines after a never-closed
    // quote has no header, so it checks them itself.
    CsvReaderOptions Options(char? sep, bool lineBreaksInQuotes, bool hasHeader) => CsvReaderOptions.Default with
    {
        Separator = sep,
        HasHeader = hasHeader,
        TrimWhitespace = true,
        AllowLineBreaksInQuotes = lineBreaksInQuotes,
        MalformedData = CsvMalformedDataHandling.Skip,
        FieldCountMismatch = hasHeader ? CsvFieldCountHandling.Skip : CsvFieldCountHandling.Allow,
        OnMalformedRecord = malformed.Enqueue,
        // Values may be personal data; keep them out of exception messages.
        IncludeValuesInExceptions = false,
    };

    public async IAsyncEnumerable<ImportRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (reader is null) await OpenAsync(ct);
        await foreach (var row in ReadAsync(reader!, ct)) yield return row;
    }

    async IAsyncEnumerable<ImportRow> ReadAsync(CsvReader csv, [EnumeratorCancellation] CancellationToken ct)
    {
        while (await csv.ReadAsync(ct))
        {
            var offset = csv.ByteOffset;
            // Malformed records are reported while scanning ahead; those before this record come first.
            while (malformed.TryPeek(out var bad) && bad.ByteOffset < offset)
            {
                malformed.Dequeue();
                foreach (var row in Rejected(bad, csv.Separator)) yield return row;
            }
            lastOffset = offset;
            var values = csv.Current.ToArray();
            var raw = Encoding.UTF8.GetString(csv.RawRecord);
            yield return ImportRow.Read(++rowNumber, columns, values, raw, index);
        }
        while (malformed.TryDequeue(out var bad))
            foreach (var row in Rejected(bad, csv.Separator)) yield return row;
        lastOffset = TotalBytes;
    }

    IEnumerable<ImportRow> Rejected(CsvMalformedRecord bad, char sep)
    {
        var raw = bad.RawRecord.TrimEnd('\r', '\n');
        if (bad.Reason == CsvMalformedReason.UnterminatedQuote && IndexOfLineBreak(raw) is var cut and >= 0)
        {
            // The open quote ran to the end of the file: reject its line, read the lines after it again.
            yield return ImportRow.Unreadable(++rowNumber, raw[..cut], Describe(CsvMalformedReason.UnterminatedQuote));
            var rest = raw[cut..].TrimStart('\r', '\n');
            using var again = CsvReader.FromText(rest, Options(sep, lineBreaksInQuotes: false, hasHeader: false));
            while (again.Read())
            {
                while (malformed.TryPeek(out var inner) && inner.ByteOffset < again.ByteOffset)
                {
                    malformed.Dequeue();
                    yield return ImportRow.Unreadable(++rowNumber, inner.RawRecord.TrimEnd('\r', '\n'), Describe(inner.Reason));
                }
                var values = again.Current.ToArray();
                var text = Encoding.UTF8.GetString(again.RawRecord);
                if (values.Length != columns.Length)
                    yield return ImportRow.Unreadable(++rowNumber, text, FieldCount(values.Length));
                else
                    yield return ImportRow.Read(++rowNumber, columns, values, text, index);
            }
            while (malformed.TryDequeue(out var inner))
                yield return ImportRow.Unreadable(++rowNumber, inner.RawRecord.TrimEnd('\r', '\n'), Describe(inner.Reason));
            yield break;
        }
        yield return ImportRow.Unreadable(++rowNumber, raw, bad.Reason == CsvMalformedReason.FieldCountMismatch
            ? FieldCount(CountFields(raw, sep))
            : Describe(bad.Reason));
    }

    string FieldCount(int count) =>
        $"has {count} field{(count == 1 ? "" : "s")} but the header has {columns.Length}; " +
        "check for a separator inside an unquoted value or a missing value";

    static int IndexOfLineBreak(string s) => s.IndexOfAny(['\r', '\n']);

    // Good enough for the message: the field count of a record with no quoted separators.
    static int CountFields(string raw, char sep)
    {
        var count = 1;
        var quoted = false;
        foreach (var c in raw)
        {
            if (c == '"') quoted = !quoted;
            else if (c == sep && !quoted) count++;
        }
        return count;
    }

    static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "broken quote: a quote inside an unquoted value (quote the whole value and double the inner quotes)",
        CsvMalformedReason.TextAfterClosingQuote => "broken quote: text after the closing quote of a value",
        CsvMalformedReason.UnterminatedQuote => "broken quote: a quoted value is never closed",
        CsvMalformedReason.LineBreakInQuotes => "broken quote: a quoted value is never closed on its line",
        CsvMalformedReason.FieldCountMismatch => "wrong number of fields",
        _ => $"malformed CSV ({reason})",
    };

    public async ValueTask DisposeAsync()
    {
        if (reader is not null) await reader.DisposeAsync();
        if (stream is not null) await stream.DisposeAsync();
    }
}
