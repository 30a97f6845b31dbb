using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace CommonGround.Import;

/// <summary>
/// Reads JSON Lines: one JSON object per line. Row numbers are line numbers; empty lines are skipped.
/// A line that is not valid JSON, or is JSON but not an object, is returned as unreadable with the reason.
/// Numbers stay numbers, nested objects and arrays are kept as JSON.
/// </summary>
/// <remarks>
/// Lines have no header, so <see cref="OpenAsync"/> names the columns from the keys of the first
/// <see cref="ColumnSampleLines"/> lines, which it keeps to return them first.
/// </remarks>
public sealed class JsonLinesRowReader(string path) : IRowReader
{
    public const int ColumnSampleLines = 1000;

    readonly Queue<(long Line, string Text, long Bytes)> sample = new();
    StreamReader? reader;
    long lineNumber;
    long bytesRead;

    public string RowNumbering => "row N is line N of the file (empty lines are counted but skipped)";

    public long BytesRead => bytesRead;
    public long TotalBytes { get; private set; }

    public async Task<IReadOnlyList<string>> OpenAsync(CancellationToken ct)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        TotalBytes = stream.Length;
        reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var columns = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (sample.Count < ColumnSampleLines && await NextLineAsync(ct) is { } line)
        {
            sample.Enqueue(line);
            if (string.IsNullOrWhiteSpace(line.Text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(line.Text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                foreach (var property in doc.RootElement.EnumerateObject())
                    if (seen.Add(property.Name)) columns.Add(property.Name);
            }
            catch (JsonException)
            {
                // Reported as a rejected row when it is read.
            }
        }
        return columns;
    }

    async Task<(long Line, string Text, long Bytes)?> NextLineAsync(CancellationToken ct)
    {
        var text = await reader!.ReadLineAsync(ct);
        if (text is null) return null;
        return (++lineNumber, text, Encoding.UTF8.GetByteCount(text) + 1);
    }

    public async IAsyncEnumerable<ImportRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (reader is null) await OpenAsync(ct);
        while (true)
        {
            (long Line, string Text, long Bytes) line;
            if (sample.TryDequeue(out var sampled)) line = sampled;
            else if (await NextLineAsync(ct) is { } next) line = next;
            else break;
            bytesRead = Math.Min(bytesRead + line.Bytes, TotalBytes);
            if (string.IsNullOrWhiteSpace(line.Text)) continue;
            yield return Parse(line.Line, line.Text);
        }
        bytesRead = TotalBytes;
    }

    static ImportRow Parse(long number, string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            return ImportRow.Unreadable(number, text,
                $"is not valid JSON (at character {ex.BytePositionInLine + 1}); each line must be one JSON object");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ImportRow.Unreadable(number, text,
                    $"is a JSON {Describe(root.ValueKind)}, not an object; each line must be one JSON object");
            var columns = new List<string>();
            var values = new List<object?>();
            foreach (var property in root.EnumerateObject())
            {
                columns.Add(property.Name);
                values.Add(ToValue(property.Value));
            }
            return ImportRow.Read(number, columns, values, text);
        }
    }

    static object? ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var l) ? l
            : value.TryGetDecimal(out var m) ? m
            : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object or JsonValueKind.Array => new JsonText(value.GetRawText()),
        _ => null,
    };

    static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public ValueTask DisposeAsync()
    {
        reader?.Dispose();
        return ValueTask.CompletedTask;
    }
}
