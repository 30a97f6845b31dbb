using System.Globalization;

namespace CommonGround.Audiences;

/// <summary>
/// Describes an audience in plain English for people who will not read the rule, e.g. "People whose
/// loyalty tier is gold or silver, and who did "Order Completed" at least 2 times in the last 180
/// days but not in the last 30 days." Stateless and thread-safe.
/// </summary>
public static class AudienceExplainer
{
    public static string Explain(AudienceDefinition definition) => "People " + Clause(definition.Rule) + ".";

    static string Clause(Condition c) => c switch
    {
        AndCondition => Join(MergeExclusions(AudienceText.Operands(c, and: true)), "and"),
        OrCondition => "either " + Join(AudienceText.Operands(c, and: false).Select(Clause).ToList(), "or"),
        NotCondition { Operand: AndCondition or OrCondition or NotCondition } n => "who are not among people " + Clause(n.Operand),
        NotCondition n => Leaf(n.Operand, negated: true),
        _ => Leaf(c, negated: false),
    };

    /// <summary>"did X at least 2 times in the last 180 days" followed by "no X in the last 30 days" reads as one clause with "but not in the last 30 days".</summary>
    static List<string> MergeExclusions(List<Condition> operands)
    {
        var merged = new List<string>();
        for (var i = 0; i < operands.Count; i++)
        {
            if (i > 0 && operands[i] is NotCondition { Operand: EventExists { Window: { } window } excluded }
                && operands[i - 1] is EventAggregate { Function: AggregateFunction.Count } or EventExists
                && EventOf(operands[i - 1]) == excluded.Event)
            {
                merged[^1] += " but not " + Window(window);
                continue;
            }
            merged.Add(Clause(operands[i]));
        }
        return merged;
    }

    static string? EventOf(Condition c) => c switch
    {
        EventAggregate a => a.Event,
        EventExists e => e.Event,
        _ => null,
    };

    /// <summary>Clauses contain "or" of their own ("gold or silver"), so "and" between clauses always takes a comma.</summary>
    static string Join(List<string> parts, string word) => parts.Count switch
    {
        0 => "",
        1 => parts[0],
        2 when word == "or" => $"{parts[0]} or {parts[1]}",
        _ => string.Join(", ", parts[..^1]) + $", {word} " + parts[^1],
    };

    static string Leaf(Condition c, bool negated)
    {
        var not = negated ? " not" : "";
        return c switch
        {
            TraitComparison { Trait: { Level: not TraitLevel.Person, Name: "members" } trait } m =>
                $"whose {Level(trait.Level)} {(negated ? "does not have" : "has")} {Compare(m.Operator, isTime: false)} {Value(m.Value)} members",
            TraitComparison t => $"whose {Trait(t.Trait)} is{not} {Compare(t.Operator, t.Value is TimeValue)} {Value(t.Value)}".Replace("  ", " ", StringComparison.Ordinal),
            TraitIn i => $"whose {Trait(i.Trait)} is{not} {(negated && i.Values.Count > 1 ? "any of " : "")}{OneOf(i.Values)}",
            TraitContains t => $"whose {Trait(t.Trait)} {(negated ? "does not contain" : "contains")} \"{t.Text}\"",
            TraitIsSet s => $"whose {Trait(s.Trait)} is{(negated ? " not" : "")} known",
            TraitInWindow w => $"whose {Trait(w.Trait)} is{not} {Window(w.Window)}",
            EventAggregate { Function: AggregateFunction.Count } a =>
                $"who did{(negated ? " not do" : "")} \"{a.Event}\" {Times(a.Operator, a.Threshold)}{OptionalWindow(a.Window)}",
            EventAggregate a =>
                $"whose {FunctionName(a.Function)} {Words(a.Property ?? "")} in \"{a.Event}\"{OptionalWindow(a.Window)} is{not} {Compare(a.Operator, isTime: false)} {Number(a.Threshold)}",
            EventExists { Window: null } e => negated ? $"who never did \"{e.Event}\"" : $"who did \"{e.Event}\" at least once",
            EventExists e => $"who did{(negated ? " not do" : "")} \"{e.Event}\" {Window(e.Window!)}",
            EventOccurrence o => $"whose {(o.Which == Occurrence.First ? "first" : "last")} \"{o.Event}\" was{not} {Window(o.Window)}",
            ConsentGiven g => $"who {(negated ? "have not consented" : "consented")} to {g.Channel} for {g.Purpose}",
            HasIdentifier h => $"who have {(negated ? "no" : Article(Identifier(h.Type)))} {Identifier(h.Type)}",
            AudienceMembership m => $"who are{not} in the audience \"{m.Audience}\"",
            _ => throw new ArgumentException($"Unknown condition {c.GetType().Name}.", nameof(c)),
        };
    }

    static string Compare(ComparisonOperator op, bool isTime) => (op, isTime) switch
    {
        (ComparisonOperator.Equal, _) => "",
        (ComparisonOperator.NotEqual, _) => "other than",
        (ComparisonOperator.LessThan, true) => "before",
        (ComparisonOperator.LessThanOrEqual, true) => "on or before",
        (ComparisonOperator.GreaterThan, true) => "after",
        (ComparisonOperator.GreaterThanOrEqual, true) => "on or after",
        (ComparisonOperator.LessThan, false) => "less than",
        (ComparisonOperator.LessThanOrEqual, false) => "at most",
        (ComparisonOperator.GreaterThan, false) => "more than",
        _ => "at least",
    };

    static string Times(ComparisonOperator op, decimal n)
    {
        var times = n == 1 ? "time" : "times";
        return op switch
        {
            ComparisonOperator.Equal => $"exactly {Number(n)} {times}",
            ComparisonOperator.NotEqual => $"other than exactly {Number(n)} {times}",
            ComparisonOperator.LessThan => $"fewer than {Number(n)} {times}",
            ComparisonOperator.LessThanOrEqual => $"at most {Number(n)} {times}",
            ComparisonOperator.GreaterThan => $"more than {Number(n)} {times}",
            _ => $"at least {Number(n)} {times}",
        };
    }

    static string FunctionName(AggregateFunction function) => function switch
    {
        AggregateFunction.Sum => "total",
        AggregateFunction.Average => "average",
        AggregateFunction.Minimum => "smallest",
        _ => "largest",
    };

    static string OneOf(IReadOnlyList<AudienceValue> values) => Join(values.Select(Value).ToList(), "or");

    static string OptionalWindow(TimeWindow? window) => window is null ? "" : " " + Window(window);

    static string Window(TimeWindow window) => window switch
    {
        InTheLast l => "in the last " + l.Duration,
        Since s => "since " + Value(s.From),
        Before b => "before " + Value(b.To),
        Between b => $"between {Value(b.From)} and {Value(b.To)}",
        _ => throw new ArgumentException($"Unknown window {window.GetType().Name}.", nameof(window)),
    };

    static string Value(AudienceValue value) => value switch
    {
        TextValue { Value: "" } => "empty",
        TextValue t => t.Value,
        NumberValue n => Number(n.Value),
        BooleanValue b => b.Value ? "true" : "false",
        DateValue d => d.Value.ToString("d MMMM yyyy", CultureInfo.InvariantCulture),
        DateTimeValue t => t.Value.ToString("d MMMM yyyy HH:mm zzz", CultureInfo.InvariantCulture),
        AgoValue a => a.Duration + " ago",
        _ => throw new ArgumentException($"Unknown value {value.GetType().Name}.", nameof(value)),
    };

    static string Number(decimal n) => n.ToString("#,0.##########", CultureInfo.InvariantCulture);

    static string Trait(TraitRef trait) =>
        trait.Level == TraitLevel.Person ? Words(trait.Name) : $"{Level(trait.Level)}'s {Words(trait.Name)}";

    static string Level(TraitLevel level) => level == TraitLevel.Household ? "household" : "business";

    static string Words(string name)
    {
        var plain = name.StartsWith("traits.", StringComparison.OrdinalIgnoreCase) ? name[7..] : name;
        return plain.Replace('_', ' ').Replace('.', ' ');
    }

    static string Identifier(string type) => type.ToLowerInvariant() switch
    {
        "email" => "e-mail address",
        "phone" => "phone number",
        "userid" => "user id",
        "anonymousid" => "anonymous id",
        "deviceid" => "device id",
        "loyaltyid" => "loyalty id",
        "externalid" => "external id",
        _ => Words(type),
    };

    static string Article(string noun) => noun.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(noun[0]), StringComparison.Ordinal) ? "an" : "a";
}
