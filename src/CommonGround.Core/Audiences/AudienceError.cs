namespace CommonGround.Audiences;

/// <summary>
/// One problem with an audience's text or rule, where it is and what to do about it. Line and
/// column count from 1; both are 0 when the rule did not come from text (e.g. JSON from the builder).
/// </summary>
/// <param name="Length">How many characters the problem spans, at least 1 when positioned.</param>
/// <param name="Message">A sentence a marketer can act on, without the position.</param>
public sealed record AudienceError(int Line, int Column, int Length, string Message)
{
    public override string ToString() => Line > 0 ? $"{Message} (line {Line}, column {Column})" : Message;
}

/// <summary>Thrown when an audience's text cannot be read; <see cref="Errors"/> says where and why.</summary>
public sealed class AudienceSyntaxException(IReadOnlyList<AudienceError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<AudienceError> Errors { get; } = errors;
}

/// <summary>Where a piece of an audience's text was written: 1-based line and column, and length.</summary>
public readonly record struct SourceSpan(int Line, int Column, int Length);

/// <summary>
/// Where each node of a parsed definition was written, so later checks (the catalog validator) can
/// point at the text. Keyed by node identity and a part name ("" for the whole node, or "trait",
/// "event", "property", "audience", "identifier"). Filled once by the parser, then read-only.
/// </summary>
public sealed class SourceMap
{
    readonly Dictionary<(object Node, string Part), SourceSpan> _spans = new(NodeComparer.Instance);

    internal void Add(object node, string part, SourceSpan span) => _spans[(node, part)] = span;

    /// <summary>The span of a node's part, or of the whole node, or null when unknown.</summary>
    public SourceSpan? Find(object node, string part = "") =>
        _spans.TryGetValue((node, part), out var span) ? span
        : _spans.TryGetValue((node, ""), out span) ? span
        : null;

    sealed class NodeComparer : IEqualityComparer<(object Node, string Part)>
    {
        public static readonly NodeComparer Instance = new();

        public bool Equals((object Node, string Part) x, (object Node, string Part) y) =>
            ReferenceEquals(x.Node, y.Node) && x.Part == y.Part;

        public int GetHashCode((object Node, string Part) key) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Node), key.Part);
    }
}
