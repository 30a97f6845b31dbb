using System.Text;
using System.Text.Json;

namespace CommonGround.Import;

/// <summary>
/// Which file column fills which typed field ("target"), as a person gave it: from a JSON file
/// (<c>{"customer_id": "CustID", "email": "E-mail"}</c>) or from <c>target=column</c> pairs. A target
/// not given here takes the column of the same name, compared ignoring case, underscores, spaces and
/// hyphens, so <c>CustomerId</c>, <c>customer id</c> and <c>customer_id</c> all fill customer_id.
/// </summary>
public sealed class ColumnMapping
{
    public static readonly ColumnMapping Default = new(new Dictionary<string, string>());

    ColumnMapping(IReadOnlyDictionary<string, string> explicitColumns) => Explicit = explicitColumns;

    /// <summary>Target name (snake_case) to column name, as given.</summary>
    public IReadOnlyDictionary<string, string> Explicit { get; }

    public static ColumnMapping FromPairs(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (target, column) in pairs)
        {
            var key = CanonicalTarget(target);
            if (key.Length == 0 || column.Trim().Length == 0)
                throw new ImportInputException($"The mapping '{target}={column}' needs a target and a column, as in customer_id=CustID.");
            map[key] = column.Trim();
        }
        return new ColumnMapping(map);
    }

    /// <summary>Parses <c>target=column</c> texts, as given on the command line.</summary>
    public static ColumnMapping Parse(IEnumerable<string> pairs) => FromPairs(pairs.Select(p =>
    {
        var eq = p.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == p.Length - 1)
            throw new ImportInputException($"The mapping '{p}' is not of the form target=column, as in email=E-mail.");
        return KeyValuePair.Create(p[..eq], p[(eq + 1)..]);
    }));

    /// <summary>Parses a JSON object of target names to column names.</summary>
    public static ColumnMapping FromJson(string json, string? fileName = null)
    {
        var where = fileName is null ? "The mapping" : $"The mapping file '{fileName}'";
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new ImportInputException($"{where} must be a JSON object such as {{\"customer_id\": \"CustID\"}}.");
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                    throw new ImportInputException($"{where}: the column for '{property.Name}' must be a string (a column name).");
                pairs.Add(KeyValuePair.Create(property.Name, property.Value.GetString()!));
            }
            return FromPairs(pairs);
        }
        catch (JsonException ex)
        {
            throw new ImportInputException($"{where} is not valid JSON: {ex.Message}", ex);
        }
    }

    public static async Task<ColumnMapping> LoadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new ImportInputException($"The mapping file '{path}' does not exist.");
        return FromJson(await File.ReadAllTextAsync(path, ct), Path.GetFileName(path));
    }

    /// <summary>This mapping with <paramref name="other"/>'s targets added, replacing the same targets.</summary>
    public ColumnMapping With(ColumnMapping other)
    {
        var map = new Dictionary<string, string>(Explicit, StringComparer.Ordinal);
        foreach (var (target, column) in other.Explicit) map[target] = column;
        return new ColumnMapping(map);
    }

    /// <summary>
    /// Finds the column of every target of <paramref name="kind"/> among the file's columns.
    /// </summary>
    /// <exception cref="ImportInputException">
    /// A target that <paramref name="kind"/> does not have; a column that is not in the file; a required
    /// target without a column. The message names the columns the file has.
    /// </exception>
    public ResolvedMapping Resolve(ImportKind kind, IReadOnlyList<string> columns)
    {
        var targets = ImportTargets.For(kind);
        var unknown = Explicit.Keys.Where(t => !targets.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new ImportInputException(
                $"{kind.ToName()} have no field {string.Join(", ", unknown.Select(u => $"'{u}'"))}. " +
                $"Fields you can map: {string.Join(", ", targets)}. Other columns are kept as they are.");

        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            if (Explicit.TryGetValue(target, out var wanted))
            {
                var column = columns.FirstOrDefault(c => c == wanted)
                    ?? columns.FirstOrDefault(c => Normalize(c) == Normalize(wanted))
                    ?? throw new ImportInputException(
                        $"The mapping {target}={wanted} names a column the file does not have. " +
                        $"Columns in the file: {ListColumns(columns)}.");
                resolved[target] = column;
            }
            else if (columns.FirstOrDefault(c => Normalize(c) == Normalize(target)) is { } same)
            {
                resolved[target] = same;
            }
        }

        var missing = ImportTargets.RequiredColumns(kind).Where(t => !resolved.ContainsKey(t)).ToList();
        if (kind == ImportKind.Events && !resolved.ContainsKey("user_id") && !resolved.ContainsKey("anonymous_id"))
            missing.Add("user_id or anonymous_id");
        if (missing.Count > 0)
            throw new ImportInputException(
                $"No column for {string.Join(", ", missing)}: name a column of the same name, or map it " +
                $"(for example --map {missing[0].Split(' ')[0]}=COLUMN). Columns in the file: {ListColumns(columns)}.");
        return new ResolvedMapping(resolved);
    }

    static string ListColumns(IReadOnlyList<string> columns) =>
        columns.Count == 0 ? "(none: the file has no header or no rows)" : string.Join(", ", columns);

    static string CanonicalTarget(string target)
    {
        // Targets may be written as customerId or "customer id" too; the canonical name is snake_case.
        var n = Normalize(target);
        foreach (var kind in Enum.GetValues<ImportKind>())
            if (ImportTargets.For(kind).FirstOrDefault(t => Normalize(t) == n) is { } known) return known;
        return target.Trim();
    }

    /// <summary>Lower case without underscores, spaces or hyphens: how names are compared.</summary>
    public static string Normalize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
            if (c is not ('_' or ' ' or '-' or '\t')) builder.Append(char.ToLowerInvariant(c));
        return builder.ToString();
    }
}

/// <summary>The column of each mapped target; the file's other columns are kept as traits or properties.</summary>
public sealed class ResolvedMapping(IReadOnlyDictionary<string, string> columns)
{
    readonly HashSet<string> typed = new(columns.Values, StringComparer.Ordinal);

    /// <summary>Target name to file column.</summary>
    public IReadOnlyDictionary<string, string> Columns { get; } = columns;

    public string? ColumnOf(string target) => Columns.GetValueOrDefault(target);

    /// <summary>True when a column fills a typed field (and so is not kept among traits or properties).</summary>
    public bool IsTyped(string column) => typed.Contains(column);
}
