using System.Globalization;
using CommonGround.Audiences;

namespace CommonGround.Web.Components.Audiences;

/// <summary>
/// The audience being built point-and-click: an editable copy of the rule's tree, which the forms
/// change field by field while a value may still be half typed. <see cref="DraftTree.Build(DraftGroup)"/> turns
/// it into the rule (<see cref="Condition"/>) and says what is missing; <see cref="DraftTree.From(AudienceDefinition)"/>
/// makes one from a rule. Both ways keep the tree as it is, so text, JSON and point-and-click are
/// three views of one rule. Belongs to one page; not thread-safe.
/// </summary>
public abstract class DraftNode
{
    static int _next;

    /// <summary>Unique in the process: keys for rendering and ids of form fields.</summary>
    public int Id { get; } = Interlocked.Increment(ref _next);

    /// <summary>People who match are excluded: the rule's "not".</summary>
    public bool Negated { get; set; }

    /// <summary>Just added by the person: its first field takes the keyboard focus once shown.</summary>
    public bool Fresh { get; set; }
}

/// <summary>Conditions joined by "and" (match all) or "or" (match any).</summary>
public sealed class DraftGroup : DraftNode
{
    public bool MatchAll { get; set; } = true;
    public List<DraftNode> Children { get; } = [];
}

/// <summary>What a condition tests, as a marketer picks it; several map to one kind of the language.</summary>
public enum ConditionKind
{
    TraitCompare,
    TraitIn,
    TraitContains,
    TraitIsSet,
    TraitWindow,
    EventDid,
    EventCount,
    EventAggregate,
    EventOccurrence,
    Consent,
    HasIdentifier,
    InAudience,
    HouseholdSize,
    BusinessSize,
}

/// <summary>One condition; the fields its kind does not use keep what was typed, so switching kinds back loses nothing.</summary>
public sealed class DraftCondition : DraftNode
{
    public ConditionKind Kind { get; set; } = ConditionKind.TraitCompare;
    public TraitLevel Level { get; set; } = TraitLevel.Person;
    public string Trait { get; set; } = "";
    public ComparisonOperator Operator { get; set; } = ComparisonOperator.Equal;
    public DraftValue Value { get; set; } = new();
    public List<DraftValue> Values { get; } = [new()];
    public string Contains { get; set; } = "";
    public string Event { get; set; } = "";
    public AggregateFunction Function { get; set; } = AggregateFunction.Sum;
    public string Property { get; set; } = "";

    /// <summary>The number an aggregate or a size is compared with, as typed.</summary>
    public string Threshold { get; set; } = "1";

    public DraftWindow Window { get; set; } = new();
    public Occurrence Which { get; set; } = Occurrence.Last;
    public string Channel { get; set; } = "email";
    public string Purpose { get; set; } = "marketing";
    public string Identifier { get; set; } = "email";
    public string Audience { get; set; } = "";

    /// <summary>Kinds that test a trait, whose level (person, household, business) can be picked.</summary>
    public bool TestsTrait => Kind is ConditionKind.TraitCompare or ConditionKind.TraitIn or ConditionKind.TraitContains
        or ConditionKind.TraitIsSet or ConditionKind.TraitWindow;

    /// <summary>Kinds that test an event.</summary>
    public bool TestsEvent => Kind is ConditionKind.EventDid or ConditionKind.EventCount or ConditionKind.EventAggregate
        or ConditionKind.EventOccurrence;
}

public enum ValueKind { Text, Number, Boolean, Date, DateTime, Ago }

/// <summary>A duration being edited: "30 days".</summary>
public interface IDraftDuration
{
    int Amount { get; set; }
    DurationUnit Unit { get; set; }
}

/// <summary>A value or a moment as typed: text, number, yes/no, date, date and time (UTC), or a time ago.</summary>
public sealed class DraftValue : IDraftDuration
{
    public ValueKind Kind { get; set; } = ValueKind.Text;

    /// <summary>What was typed for text, number, date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM).</summary>
    public string Text { get; set; } = "";

    public bool Boolean { get; set; } = true;
    public int Amount { get; set; } = 30;
    public DurationUnit Unit { get; set; } = DurationUnit.Days;

    public static DraftValue Moment(ValueKind kind = ValueKind.Ago) => new() { Kind = kind };
}

public enum WindowKind { AllTime, InTheLast, Since, Before, Between }

/// <summary>When events happened or a date trait falls.</summary>
public sealed class DraftWindow : IDraftDuration
{
    public WindowKind Kind { get; set; } = WindowKind.AllTime;
    public int Amount { get; set; } = 30;
    public DurationUnit Unit { get; set; } = DurationUnit.Days;
    public DraftValue From { get; set; } = DraftValue.Moment();
    public DraftValue To { get; set; } = DraftValue.Moment(ValueKind.Date);
}

/// <summary>A rule built from a draft, or what keeps it from being one; <see cref="Rule"/> is null when any node has a problem.</summary>
public sealed record DraftBuild(Condition? Rule, IReadOnlyDictionary<DraftNode, string> Problems, IReadOnlyDictionary<DraftNode, Condition> Leaves);

public static class DraftTree
{
    /// <summary>An editable copy of a rule. The root is always a group, so there is somewhere to add conditions.</summary>
    public static DraftGroup From(AudienceDefinition? definition)
    {
        if (definition is null) return new DraftGroup();
        var node = From(definition.Rule);
        if (node is DraftGroup group) return group;
        var root = new DraftGroup();
        root.Children.Add(node);
        return root;
    }

    static DraftNode From(Condition c)
    {
        switch (c)
        {
            case AndCondition or OrCondition:
                var group = new DraftGroup { MatchAll = c is AndCondition };
                // Only the left spine is one group: a right operand of the same kind was written in
                // parentheses, and stays a group of its own, so the tree comes back as it was.
                group.Children.AddRange(Spine(c).Select(From));
                return group;
            case NotCondition n:
                var operand = From(n.Operand);
                if (!operand.Negated)
                {
                    operand.Negated = true;
                    return operand;
                }
                var wrapper = new DraftGroup { Negated = true };
                wrapper.Children.Add(operand);
                return wrapper;
            default:
                return Leaf(c);
        }
    }

    static IEnumerable<Condition> Spine(Condition c)
    {
        var operands = new Stack<Condition>();
        var node = c;
        while (true)
        {
            switch (node)
            {
                case AndCondition a when c is AndCondition:
                    operands.Push(a.Right);
                    node = a.Left;
                    continue;
                case OrCondition o when c is OrCondition:
                    operands.Push(o.Right);
                    node = o.Left;
                    continue;
            }
            operands.Push(node);
            return operands;
        }
    }

    static DraftCondition Leaf(Condition c)
    {
        var d = new DraftCondition();
        switch (c)
        {
            case TraitComparison { Trait: { Level: not TraitLevel.Person, Name: "members" } trait, Value: NumberValue size } t:
                d.Kind = trait.Level == TraitLevel.Household ? ConditionKind.HouseholdSize : ConditionKind.BusinessSize;
                d.Operator = t.Operator;
                d.Threshold = Number(size.Value);
                break;
            case TraitComparison t:
                (d.Kind, d.Level, d.Trait, d.Operator, d.Value) = (ConditionKind.TraitCompare, t.Trait.Level, t.Trait.Name, t.Operator, Value(t.Value));
                break;
            case TraitIn i:
                (d.Kind, d.Level, d.Trait) = (ConditionKind.TraitIn, i.Trait.Level, i.Trait.Name);
                d.Values.Clear();
                d.Values.AddRange(i.Values.Select(Value));
                break;
            case TraitContains t:
                (d.Kind, d.Level, d.Trait, d.Contains) = (ConditionKind.TraitContains, t.Trait.Level, t.Trait.Name, t.Text);
                break;
            case TraitIsSet s:
                (d.Kind, d.Level, d.Trait) = (ConditionKind.TraitIsSet, s.Trait.Level, s.Trait.Name);
                break;
            case TraitInWindow w:
                (d.Kind, d.Level, d.Trait, d.Window) = (ConditionKind.TraitWindow, w.Trait.Level, w.Trait.Name, Window(w.Window));
                break;
            case EventAggregate a:
                d.Kind = a.Function == AggregateFunction.Count ? ConditionKind.EventCount : ConditionKind.EventAggregate;
                if (a.Function != AggregateFunction.Count) d.Function = a.Function;
                (d.Event, d.Property, d.Operator, d.Threshold, d.Window) = (a.Event, a.Property ?? "", a.Operator, Number(a.Threshold), Window(a.Window));
                break;
            case EventExists e:
                (d.Kind, d.Event, d.Window) = (ConditionKind.EventDid, e.Event, Window(e.Window));
                break;
            case EventOccurrence o:
                (d.Kind, d.Which, d.Event, d.Window) = (ConditionKind.EventOccurrence, o.Which, o.Event, Window(o.Window));
                break;
            case ConsentGiven g:
                (d.Kind, d.Channel, d.Purpose) = (ConditionKind.Consent, g.Channel, g.Purpose);
                break;
            case HasIdentifier h:
                (d.Kind, d.Identifier) = (ConditionKind.HasIdentifier, h.Type);
                break;
            case AudienceMembership m:
                (d.Kind, d.Audience) = (ConditionKind.InAudience, m.Audience);
                break;
            default:
                throw new ArgumentException($"Unknown condition {c.GetType().Name}.", nameof(c));
        }
        return d;
    }

    static DraftValue Value(AudienceValue value) => value switch
    {
        TextValue t => new DraftValue { Kind = ValueKind.Text, Text = t.Value },
        NumberValue n => new DraftValue { Kind = ValueKind.Number, Text = Number(n.Value) },
        BooleanValue b => new DraftValue { Kind = ValueKind.Boolean, Boolean = b.Value },
        DateValue d => new DraftValue { Kind = ValueKind.Date, Text = d.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
        // As a date-and-time field takes it: UTC, seconds and milliseconds only when there are some.
        DateTimeValue t => new DraftValue
        {
            Kind = ValueKind.DateTime,
            Text = t.Value.UtcDateTime.ToString(t.Value.UtcDateTime.TimeOfDay.Ticks % TimeSpan.TicksPerMinute == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss.FFF", CultureInfo.InvariantCulture),
        },
        AgoValue a => new DraftValue { Kind = ValueKind.Ago, Amount = a.Duration.Amount, Unit = a.Duration.Unit },
        _ => throw new ArgumentException($"Unknown value {value.GetType().Name}.", nameof(value)),
    };

    static DraftWindow Window(TimeWindow? window) => window switch
    {
        null => new DraftWindow(),
        InTheLast l => new DraftWindow { Kind = WindowKind.InTheLast, Amount = l.Duration.Amount, Unit = l.Duration.Unit },
        Since s => new DraftWindow { Kind = WindowKind.Since, From = Value(s.From) },
        Before b => new DraftWindow { Kind = WindowKind.Before, To = Value(b.To) },
        Between b => new DraftWindow { Kind = WindowKind.Between, From = Value(b.From), To = Value(b.To) },
        _ => throw new ArgumentException($"Unknown window {window.GetType().Name}.", nameof(window)),
    };

    static string Number(decimal n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The rule the draft stands for, and a problem for each node that keeps it from being complete.</summary>
    public static DraftBuild Build(DraftGroup root)
    {
        var problems = new Dictionary<DraftNode, string>();
        var leaves = new Dictionary<DraftNode, Condition>();
        var rule = Build(root, problems, leaves, isRoot: true);
        return new DraftBuild(problems.Count == 0 ? rule : null, problems, leaves);
    }

    static Condition? Build(DraftNode node, Dictionary<DraftNode, string> problems, Dictionary<DraftNode, Condition> leaves, bool isRoot = false)
    {
        Condition? built;
        if (node is DraftGroup group)
        {
            var children = group.Children.Select(c => Build(c, problems, leaves)).ToList();
            if (children.Count == 0)
            {
                problems[group] = isRoot ? "Add a condition to start." : "This group is empty: add a condition to it or remove it.";
                return null;
            }
            if (children.Any(c => c is null)) return null;
            built = children.Skip(1).Aggregate(children[0]!, (left, right) => group.MatchAll ? new AndCondition(left, right!) : new OrCondition(left, right!));
        }
        else
        {
            var condition = (DraftCondition)node;
            try
            {
                built = Leaf(condition);
                leaves[condition] = built;
            }
            catch (DraftProblem problem)
            {
                problems[condition] = problem.Message;
                return null;
            }
        }
        return node.Negated ? new NotCondition(built) : built;
    }

    sealed class DraftProblem(string message) : Exception(message);

    static Condition Leaf(DraftCondition d)
    {
        TraitRef Trait() => d.Trait.Trim() is { Length: > 0 } name ? new TraitRef(d.Level, name) : throw new DraftProblem("Pick a trait.");
        string Event() => d.Event.Trim() is { Length: > 0 } name ? name : throw new DraftProblem("Pick an event.");

        return d.Kind switch
        {
            ConditionKind.TraitCompare => new TraitComparison(Trait(), d.Operator, Build(d.Value)),
            ConditionKind.TraitIn => d.Values.Count == 0
                ? throw new DraftProblem("Add at least one value.")
                : new TraitIn(Trait(), [.. d.Values.Select(Build)]),
            ConditionKind.TraitContains => new TraitContains(Trait(), d.Contains),
            ConditionKind.TraitIsSet => new TraitIsSet(Trait()),
            ConditionKind.TraitWindow => new TraitInWindow(Trait(), Build(d.Window) ?? throw new DraftProblem("Pick when: in the last, since, before or between.")),
            ConditionKind.EventDid => new EventExists(Event(), Build(d.Window)),
            ConditionKind.EventCount => new EventAggregate(AggregateFunction.Count, Event(), d.Operator, Threshold(d), null, Build(d.Window)),
            ConditionKind.EventAggregate => new EventAggregate(d.Function, Event(), d.Operator, Threshold(d),
                d.Property.Trim() is { Length: > 0 } property ? property : throw new DraftProblem("Pick the property to add up."), Build(d.Window)),
            ConditionKind.EventOccurrence => new EventOccurrence(d.Which, Event(), Build(d.Window) ?? throw new DraftProblem("Pick when: in the last, since, before or between.")),
            ConditionKind.Consent => d.Channel.Trim().Length == 0 || d.Purpose.Trim().Length == 0
                ? throw new DraftProblem("Pick a channel and a purpose.")
                : new ConsentGiven(d.Channel.Trim().ToLowerInvariant(), d.Purpose.Trim().ToLowerInvariant()),
            ConditionKind.HasIdentifier => d.Identifier.Trim() is { Length: > 0 } type ? new HasIdentifier(type) : throw new DraftProblem("Pick an identifier type."),
            ConditionKind.InAudience => d.Audience.Trim() is { Length: > 0 } audience ? new AudienceMembership(audience) : throw new DraftProblem("Pick an audience."),
            ConditionKind.HouseholdSize => new TraitComparison(new TraitRef(TraitLevel.Household, "members"), d.Operator, new NumberValue(Members(d))),
            ConditionKind.BusinessSize => new TraitComparison(new TraitRef(TraitLevel.Business, "members"), d.Operator, new NumberValue(Members(d))),
            _ => throw new DraftProblem("Pick what to test."),
        };
    }

    static decimal Threshold(DraftCondition d) =>
        decimal.TryParse(d.Threshold.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new DraftProblem($"'{d.Threshold}' is not a number: write digits, with a dot for decimals (e.g. 2 or 19.99).");

    static decimal Members(DraftCondition d) =>
        Threshold(d) is var n && n >= 0 && n == decimal.Truncate(n) ? n : throw new DraftProblem("A number of members is a whole number, 0 or more.");

    static AudienceValue Build(DraftValue v) => v.Kind switch
    {
        ValueKind.Text => new TextValue(v.Text),
        ValueKind.Number => decimal.TryParse(v.Text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? new NumberValue(n)
            : throw new DraftProblem($"'{v.Text}' is not a number: write digits, with a dot for decimals (e.g. 2 or 19.99)."),
        ValueKind.Boolean => new BooleanValue(v.Boolean),
        _ => Moment(v),
    };

    static TimeValue Moment(DraftValue v) => v.Kind switch
    {
        ValueKind.Date => DateOnly.TryParseExact(v.Text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? new DateValue(date)
            : throw new DraftProblem("Pick a date."),
        ValueKind.DateTime => DateTime.TryParseExact(v.Text.Trim(), ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var moment)
            ? new DateTimeValue(new DateTimeOffset(moment, TimeSpan.Zero))
            : throw new DraftProblem("Pick a date and a time (UTC)."),
        ValueKind.Ago => new AgoValue(Duration(v.Amount, v.Unit)),
        _ => throw new DraftProblem("A time window takes a date, a date and time, or a time ago."),
    };

    static Duration Duration(int amount, DurationUnit unit) =>
        amount >= 1 ? new Duration(amount, unit) : throw new DraftProblem("A duration is at least 1.");

    static TimeWindow? Build(DraftWindow w) => w.Kind switch
    {
        WindowKind.InTheLast => new InTheLast(Duration(w.Amount, w.Unit)),
        WindowKind.Since => new Since(Moment(w.From)),
        WindowKind.Before => new Before(Moment(w.To)),
        WindowKind.Between => new Between(Moment(w.From), Moment(w.To)),
        _ => null,
    };
}

/// <summary>A problem of the rule's text: it cannot be read (syntax), or names what the workspace does not know (catalog).</summary>
public sealed record RuleProblem(AudienceError Error, bool Syntax);
