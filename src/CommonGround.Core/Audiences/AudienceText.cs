using System.Globalization;
using System.Text;

namespace CommonGround.Audiences;

/// <summary>
/// The text form of an audience: <see cref="Parse"/> reads it, <see cref="Format"/> writes the
/// canonical form (lower-case keywords, one top-level condition per line), so
/// Parse(Format(d)) equals d. Stateless and thread-safe.
/// </summary>
public static class AudienceText
{
    /// <summary>Reads an audience's text.</summary>
    /// <exception cref="AudienceSyntaxException">The text is empty or malformed; the errors say where and how to fix it.</exception>
    public static AudienceDefinition Parse(string text) => AudienceParser.Parse(text);

    /// <summary>Writes the canonical text of a definition.</summary>
    /// <exception cref="ArgumentException">A name in the rule cannot be written in the language (e.g. a trait with a space), which the validator reports first.</exception>
    public static string Format(AudienceDefinition definition)
    {
        var rule = definition.Rule;
        if (rule is AndCondition or OrCondition)
        {
            var isAnd = rule is AndCondition;
            var operands = new List<Condition>();
            Spine(rule, isAnd, operands);
            return string.Join(isAnd ? "\nand " : "\nor ", operands.Select(o => Write(o, isAnd ? 3 : 2)));
        }
        return Write(rule, 1);
    }

    /// <summary>The operands of a left-nested chain of one operator; a right-nested chain stays one operand, so the tree is kept.</summary>
    static void Spine(Condition c, bool and, List<Condition> into)
    {
        if (c is AndCondition a && and) { Spine(a.Left, and, into); into.Add(a.Right); }
        else if (c is OrCondition o && !and) { Spine(o.Left, and, into); into.Add(o.Right); }
        else into.Add(c);
    }

    /// <summary>The operands of a chain of one operator (and, or), left to right, however it nests: the two are associative.</summary>
    internal static List<Condition> Operands(Condition c, bool and)
    {
        var operands = new List<Condition>();
        void Walk(Condition node)
        {
            if (and && node is AndCondition a) { Walk(a.Left); Walk(a.Right); }
            else if (!and && node is OrCondition o) { Walk(o.Left); Walk(o.Right); }
            else operands.Add(node);
        }
        Walk(c);
        return operands;
    }

    /// <summary>Writes a condition; parentheses when its precedence is below <paramref name="min"/> (or 1, and 2, not 3, leaf 4).</summary>
    static string Write(Condition c, int min)
    {
        var (text, precedence) = c switch
        {
            OrCondition o => (Write(o.Left, 1) + " or " + Write(o.Right, 2), 1),
            AndCondition a => (Write(a.Left, 2) + " and " + Write(a.Right, 3), 2),
            NotCondition { Operand: TraitIn i } => (Trait(i.Trait) + " not" + Leaf(i)[Trait(i.Trait).Length..], 4),
            NotCondition { Operand: TraitContains t } => (Trait(t.Trait) + " not" + Leaf(t)[Trait(t.Trait).Length..], 4),
            NotCondition { Operand: TraitIsSet s } => (Trait(s.Trait) + " is not set", 4),
            NotCondition { Operand: EventExists e } => ("no" + Leaf(e)[3..], 4),
            NotCondition n => ("not " + Write(n.Operand, 3), 3),
            _ => (Leaf(c), 4),
        };
        return precedence < min ? "(" + text + ")" : text;
    }

    static string Leaf(Condition c) => c switch
    {
        TraitComparison { Trait.Level: not TraitLevel.Person, Trait.Name: "members", Value: NumberValue n } m
            when n.Value == decimal.Truncate(n.Value) && n.Value >= 0 && Members(m.Operator) is { } phrase =>
            $"{(m.Trait.Level == TraitLevel.Household ? "household" : "business")} has {phrase} {n.Value.ToString("0", CultureInfo.InvariantCulture)} members",
        TraitComparison t => $"{Trait(t.Trait)} {Operator(t.Operator)} {Value(t.Value)}",
        TraitIn i => $"{Trait(i.Trait)} in ({string.Join(", ", i.Values.Select(Value))})",
        TraitContains t => $"{Trait(t.Trait)} contains {Quote(t.Text)}",
        TraitIsSet s => $"{Trait(s.Trait)} is set",
        TraitInWindow w => $"{Trait(w.Trait)} {Window(w.Window)}",
        EventAggregate { Function: AggregateFunction.Count } a =>
            $"count of {Quote(a.Event)}{Optional(a.Window)} {Operator(a.Operator)} {Number(a.Threshold)}",
        EventAggregate a =>
            $"{Function(a.Function)} of {Word(a.Property ?? throw new ArgumentException("An aggregate other than count needs a property.", nameof(c)))} in {Quote(a.Event)}{Optional(a.Window)} {Operator(a.Operator)} {Number(a.Threshold)}",
        EventExists e => $"did {Quote(e.Event)}{Optional(e.Window)}",
        EventOccurrence o => $"{(o.Which == Occurrence.First ? "first" : "last")} {Quote(o.Event)} {Window(o.Window)}",
        ConsentGiven g => $"consent {WordOrQuote(g.Channel)} for {WordOrQuote(g.Purpose)}",
        HasIdentifier h => $"has {WordOrQuote(h.Type)}",
        AudienceMembership m => $"in audience {Quote(m.Audience)}",
        _ => throw new ArgumentException($"Unknown condition {c.GetType().Name}.", nameof(c)),
    };

    static string? Members(ComparisonOperator op) => op switch
    {
        ComparisonOperator.GreaterThanOrEqual => "at least",
        ComparisonOperator.LessThanOrEqual => "at most",
        ComparisonOperator.Equal => "exactly",
        _ => null,
    };

    static string Trait(TraitRef trait) => Word(trait.ToString());

    internal static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "!=",
        ComparisonOperator.LessThan => "<",
        ComparisonOperator.LessThanOrEqual => "<=",
        ComparisonOperator.GreaterThan => ">",
        _ => ">=",
    };

    static string Function(AggregateFunction function) => function switch
    {
        AggregateFunction.Sum => "sum",
        AggregateFunction.Average => "avg",
        AggregateFunction.Minimum => "min",
        AggregateFunction.Maximum => "max",
        _ => "count",
    };

    static string Optional(TimeWindow? window) => window is null ? "" : " " + Window(window);

    internal static string Window(TimeWindow window) => window switch
    {
        InTheLast l => "in the last " + l.Duration,
        Since s => "since " + AudienceTimes.Format(s.From),
        Before b => "before " + AudienceTimes.Format(b.To),
        Between b => $"between {AudienceTimes.Format(b.From)} and {AudienceTimes.Format(b.To)}",
        _ => throw new ArgumentException($"Unknown window {window.GetType().Name}.", nameof(window)),
    };

    static string Value(AudienceValue value) => value switch
    {
        TextValue t => Quote(t.Value),
        NumberValue n => Number(n.Value),
        BooleanValue b => b.Value ? "true" : "false",
        TimeValue t => AudienceTimes.Format(t),
        _ => throw new ArgumentException($"Unknown value {value.GetType().Name}.", nameof(value)),
    };

    static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="name"/> can be written unquoted: letters, digits and underscores, dot-separated, and not "not".</summary>
    internal static bool IsWord(string name) =>
        name.Length > 0 && !name.Equals("not", StringComparison.OrdinalIgnoreCase) && name.Split('.').All(part => part.Length > 0 && (char.IsAsciiLetter(part[0]) || part[0] == '_') && part.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'));

    static string Word(string name) => IsWord(name)
        ? name
        : throw new ArgumentException($"'{name}' cannot be written in the audience language: use letters, digits and underscores.", nameof(name));

    /// <summary>Channels, purposes and identifier types; quoted when they could be read as a keyword.</summary>
    static string WordOrQuote(string name) =>
        IsWord(name) && !AudienceParser.TraitKeywords.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.Equals("for", StringComparison.OrdinalIgnoreCase)
            ? name
            : Quote(name);

    internal static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\r': quoted.Append("\\r"); break;
                case < ' ': quoted.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: quoted.Append(ch); break;
            }
        }
        return quoted.Append('"').ToString();
    }
}
