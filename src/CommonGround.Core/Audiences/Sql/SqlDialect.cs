namespace CommonGround.Audiences.Sql;

/// <summary>
/// What differs between the SQL of two databases, as far as audiences need: how a bound parameter is
/// written, how text is read from a JSON column at a path, and how text becomes a number or a time
/// without failing on bad input. Everything else the compiler writes is SQL both DuckDB and
/// PostgreSQL read alike. A third database is one more subclass.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public abstract class SqlDialect
{
    /// <summary>"duckdb", "postgres", ...</summary>
    public abstract string Name { get; }

    /// <summary>How the statement refers to its <paramref name="position"/>-th bound parameter (from 1).</summary>
    public virtual string Placeholder(int position) => "$" + position.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The text at a path of a JSON value; NULL when the path is missing or holds JSON null.</summary>
    /// <param name="json">An expression holding JSON (or JSON text).</param>
    /// <param name="path">The placeholder of a parameter bound to <see cref="JsonPath"/>.</param>
    public abstract string JsonText(string json, string path);

    /// <summary>The value to bind for a path of object members (["address", "city"]).</summary>
    public abstract object JsonPath(IReadOnlyList<string> members);

    /// <summary>A number from text; NULL when the text is not one.</summary>
    public abstract string TryNumber(string text);

    /// <summary>A moment (UTC) from ISO-8601 text; NULL when the text is not one.</summary>
    public abstract string TryTimestamp(string text);

    /// <summary>Whether <paramref name="text"/> contains the bound text, ignoring case.</summary>
    public virtual string ContainsIgnoringCase(string text, string parameter) => $"strpos(lower({text}), lower({parameter})) > 0";

    /// <summary>A column named like a keyword ("timestamp"), quoted.</summary>
    public virtual string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

/// <summary>
/// A compiled audience: a SELECT of <c>profile_id, household_id</c>, one row per member, and its
/// parameters in order (string, decimal, bool, long, <see cref="DateTimeOffset"/> in UTC, or a JSON
/// path as the dialect wants it). Nothing of the rule is in <see cref="Sql"/> but placeholders.
/// </summary>
public sealed record CompiledAudience(string Sql, IReadOnlyList<object> Parameters);

/// <summary>The rule cannot be compiled: it names an unknown audience, or includes itself through others.</summary>
public sealed class AudienceCompileException(string message) : Exception(message);
