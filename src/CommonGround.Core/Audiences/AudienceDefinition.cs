using System.Text.Json.Serialization;

namespace CommonGround.Audiences;

/// <summary>
/// An audience's rule: one condition tree, the same whether it was written as text
/// (<see cref="AudienceText.Parse"/>), built in the UI or posted as JSON (<see cref="AudienceJson"/>).
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Two definitions are equal when their trees are equal; where the text
/// came from (<see cref="Source"/>) is not part of the rule. Relative times are kept as durations
/// ("in the last 30 days"): the moment they are measured from is supplied when the audience is
/// evaluated or compiled, never read from a clock here.
/// </remarks>
public sealed record AudienceDefinition(Condition Rule)
{
    /// <summary>Where each node was written, when the definition was parsed from text; null otherwise.</summary>
    [JsonIgnore]
    public SourceMap? Source { get; init; }

    public bool Equals(AudienceDefinition? other) => other is not null && Rule.Equals(other.Rule);

    public override int GetHashCode() => Rule.GetHashCode();
}

/// <summary>
/// One node of an audience's rule. The set of kinds is closed: compilers and explainers switch over
/// them, and the JSON form names each by its "kind".
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(AndCondition), "and")]
[JsonDerivedType(typeof(OrCondition), "or")]
[JsonDerivedType(typeof(NotCondition), "not")]
[JsonDerivedType(typeof(TraitComparison), "compare")]
[JsonDerivedType(typeof(TraitIn), "in")]
[JsonDerivedType(typeof(TraitContains), "contains")]
[JsonDerivedType(typeof(TraitIsSet), "isSet")]
[JsonDerivedType(typeof(TraitInWindow), "traitWindow")]
[JsonDerivedType(typeof(EventAggregate), "aggregate")]
[JsonDerivedType(typeof(EventExists), "exists")]
[JsonDerivedType(typeof(EventOccurrence), "occurrence")]
[JsonDerivedType(typeof(ConsentGiven), "consent")]
[JsonDerivedType(typeof(HasIdentifier), "hasIdentifier")]
[JsonDerivedType(typeof(AudienceMembership), "inAudience")]
public abstract record Condition;

/// <summary>Both sides hold. A chain "a and b and c" is left-nested: And(And(a, b), c).</summary>
public sealed record AndCondition(Condition Left, Condition Right) : Condition;

/// <summary>Either side holds. A chain is left-nested, as for <see cref="AndCondition"/>.</summary>
public sealed record OrCondition(Condition Left, Condition Right) : Condition;

/// <summary>
/// The operand does not hold. A person without the trait or event in question does not match the
/// operand, so matches its negation: "not city = "London"" includes people with no city.
/// </summary>
public sealed record NotCondition(Condition Operand) : Condition;

/// <summary>Compares a trait with a value: loyalty_tier = "gold", order_count >= 3, last_seen &lt; 90 days ago.</summary>
public sealed record TraitComparison(TraitRef Trait, ComparisonOperator Operator, AudienceValue Value) : Condition;

/// <summary>The trait equals one of the values: loyalty_tier in ("gold", "silver"). Values are in written order.</summary>
public sealed record TraitIn(TraitRef Trait, IReadOnlyList<AudienceValue> Values) : Condition
{
    public bool Equals(TraitIn? other) =>
        other is not null && Trait.Equals(other.Trait) && Values.SequenceEqual(other.Values);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Trait);
        foreach (var value in Values) hash.Add(value);
        return hash.ToHashCode();
    }
}

/// <summary>The text trait contains the text, ignoring case: city contains "manchester".</summary>
public sealed record TraitContains(TraitRef Trait, string Text) : Condition;

/// <summary>The trait has a value (not missing, not null): last_seen is set.</summary>
public sealed record TraitIsSet(TraitRef Trait) : Condition;

/// <summary>The date trait falls in a time window: last_seen in the last 30 days.</summary>
public sealed record TraitInWindow(TraitRef Trait, TimeWindow Window) : Condition;

/// <summary>
/// An aggregate of one event over a time window, compared with a number: how many times
/// (<see cref="AggregateFunction.Count"/>, <see cref="Property"/> null) or the sum, average,
/// minimum or maximum of a numeric property of the event.
/// </summary>
/// <param name="Event">The track event's name, as sent ("Order Completed"); case-sensitive.</param>
/// <param name="Property">The event property, without the "properties." prefix ("revenue"); null for a count.</param>
/// <param name="Window">When the events happened; null for all time.</param>
public sealed record EventAggregate(
    AggregateFunction Function,
    string Event,
    ComparisonOperator Operator,
    decimal Threshold,
    string? Property = null,
    TimeWindow? Window = null) : Condition;

/// <summary>The person did the event at least once in the window (all time when null). Negate it for "no ...".</summary>
public sealed record EventExists(string Event, TimeWindow? Window = null) : Condition;

/// <summary>The person's first (or last) time doing the event falls in the window: first "Order Completed" in the last 30 days.</summary>
public sealed record EventOccurrence(Occurrence Which, string Event, TimeWindow Window) : Condition;

/// <summary>The person's latest consent for the channel and purpose is granted: consent email for marketing.</summary>
/// <param name="Channel">email, sms, phone, push, post, ... (lower case).</param>
/// <param name="Purpose">marketing, analytics, ... (lower case).</param>
public sealed record ConsentGiven(string Channel, string Purpose) : Condition;

/// <summary>The person has at least one identifier of the type: has email, has phone.</summary>
/// <param name="Type">An identifier type as the identity graph names it ("email", "phone", "userId").</param>
public sealed record HasIdentifier(string Type) : Condition;

/// <summary>The person is a member of another audience, by its name: in audience "lapsed-vips".</summary>
public sealed record AudienceMembership(string Audience) : Condition;

/// <summary>
/// A trait of the person, of their household or of one of their businesses. Text form: the name
/// alone for the person ("loyalty_tier"), prefixed for the other levels ("household.order_count",
/// "business.industry").
/// </summary>
/// <param name="Name">The trait's name: a computed trait ("last_seen") or a field of identify traits or customer records, without the "traits." prefix; dots reach nested fields.</param>
public sealed record TraitRef(TraitLevel Level, string Name)
{
    public override string ToString() => Level switch
    {
        TraitLevel.Household => "household." + Name,
        TraitLevel.Business => "business." + Name,
        _ => Name,
    };
}

public enum TraitLevel
{
    Person,

    /// <summary>The person's household; "members" is the number of people in it.</summary>
    Household,

    /// <summary>Any business the person belongs to; "members" is the number of people in it.</summary>
    Business,
}

public enum ComparisonOperator
{
    Equal,
    NotEqual,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}

public enum AggregateFunction
{
    Count,
    Sum,
    Average,
    Minimum,
    Maximum,
}

public enum Occurrence
{
    First,
    Last,
}
