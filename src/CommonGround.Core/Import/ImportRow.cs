using System.Text.Json;

namespace CommonGround.Import;

/// <summary>
/// One data row of a file, as a reader produced it: the 1-based row number, the columns it has with
/// their values in file order, and the row's raw text for the rejects file. A row the reader could not
/// read (a broken quote, a line that is not a JSON object) has <see cref="Error"/> set and no values.
/// </summary>
/// <remarks>
/// Values are null, <see cref="string"/>, <see cref="long"/>, <see cref="decimal"/>, <see cref="double"/>,
/// <see cref="bool"/>, <see cref="DateTimeOffset"/> (UTC) or <see cref="JsonText"/> (a nested object or
/// array, kept as JSON). CSV values are always strings: the format has no number type.
/// </remarks>
public sealed class ImportRow
{
    readonly IReadOnlyDictionary<string, int>? index;
    Dictionary<string, int>? ownIndex;

    ImportRow(long number, IReadOnlyList<string> columns, IReadOnlyList<object?> values, string raw, string? error,
        IReadOnlyDictionary<string, int>? index)
    {
        Number = number;
        Columns = columns;
        Values = values;
        Raw = raw;
        Error = error;
        this.index = index;
    }

    /// <summary>1-based number of the data row (a header line is not counted).</summary>
    public long Number { get; }

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<object?> Values { get; }

    /// <summary>The row as it is in the file (CSV, JSON Lines), or as JSON (Parquet).</summary>
    public string Raw { get; }

    /// <summary>Why the row could not be read at all, without the "row N:" prefix; null for a readable row.</summary>
    public string? Error { get; }

    /// <param name="index">Column name to position, shared by the rows of a file with a fixed header.</param>
    public static ImportRow Read(long number, IReadOnlyList<string> columns, IReadOnlyList<object?> values, string raw,
        IReadOnlyDictionary<string, int>? index = null) =>
        new(number, columns, values, raw, null, index);

    public static ImportRow Unreadable(long number, string raw, string error) =>
        new(number, [], [], raw, error, null);

    /// <summary>The value of a column (exact name), or null when the row has no such column.</summary>
    public object? Get(string column)
    {
        var map = index ?? (ownIndex ??= BuildIndex(Columns));
        return map.TryGetValue(column, out var i) && i < Values.Count ? Values[i] : null;
    }

    public static Dictionary<string, int> BuildIndex(IReadOnlyList<string> columns)
    {
        var map = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++) map.TryAdd(columns[i], i);
        return map;
    }
}

/// <summary>A nested JSON object or array from the file, kept as its JSON text.</summary>
public sealed record JsonText(string Json)
{
    public JsonValueKind Kind => Json.TrimStart().StartsWith('[') ? JsonValueKind.Array : JsonValueKind.Object;

    public override string ToString() => Json;
}
