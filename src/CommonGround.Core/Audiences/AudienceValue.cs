using System.Text.Json.Serialization;

namespace CommonGround.Audiences;

/// <summary>
/// A typed value a trait is compared with: text, number, boolean, date, date and time, or a time
/// relative to now ("90 days ago"). Compilers bind it as a parameter of its type; it is never text
/// pasted into a query.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextValue), "text")]
[JsonDerivedType(typeof(NumberValue), "number")]
[JsonDerivedType(typeof(BooleanValue), "boolean")]
[JsonDerivedType(typeof(DateValue), "date")]
[JsonDerivedType(typeof(DateTimeValue), "dateTime")]
[JsonDerivedType(typeof(AgoValue), "ago")]
public abstract record AudienceValue;

public sealed record TextValue(string Value) : AudienceValue;

public sealed record NumberValue(decimal Value) : AudienceValue;

public sealed record BooleanValue(bool Value) : AudienceValue;

/// <summary>A point in time: an absolute date, date and time, or a duration before now.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(DateValue), "date")]
[JsonDerivedType(typeof(DateTimeValue), "dateTime")]
[JsonDerivedType(typeof(AgoValue), "ago")]
public abstract record TimeValue : AudienceValue
{
    /// <summary>The moment this value stands for, given the moment the audience is evaluated at. A date is its midnight, UTC.</summary>
    public abstract DateTimeOffset At(DateTimeOffset now);
}

/// <summary>A calendar date (2026-01-01), taken as its start in UTC.</summary>
public sealed record DateValue(DateOnly Value) : TimeValue
{
    public override DateTimeOffset At(DateTimeOffset now) => new(Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>A moment with its offset (2026-01-01T09:30:00Z).</summary>
public sealed record DateTimeValue(DateTimeOffset Value) : TimeValue
{
    public override DateTimeOffset At(DateTimeOffset now) => Value;
}

/// <summary>A duration before now ("90 days ago"); resolved only when a now is supplied.</summary>
public sealed record AgoValue(Duration Duration) : TimeValue
{
    public override DateTimeOffset At(DateTimeOffset now) => Duration.Before(now);
}

/// <summary>A calendar duration: "30 days", "6 weeks", "12 months", "1 year". Amount is at least 1.</summary>
public sealed record Duration(int Amount, DurationUnit Unit)
{
    /// <summary>The moment this long before <paramref name="now"/>; months and years by the calendar (a month before 31 March is 28 or 29 February).</summary>
    public DateTimeOffset Before(DateTimeOffset now) => Unit switch
    {
        DurationUnit.Hours => now.AddHours(-Amount),
        DurationUnit.Days => now.AddDays(-Amount),
        DurationUnit.Weeks => now.AddDays(-7.0 * Amount),
        DurationUnit.Months => now.AddMonths(-Amount),
        DurationUnit.Years => now.AddYears(-Amount),
        _ => throw new ArgumentOutOfRangeException(nameof(now), Unit, "Unknown duration unit."),
    };

    public override string ToString() => Amount + " " + Unit switch
    {
        DurationUnit.Hours => Amount == 1 ? "hour" : "hours",
        DurationUnit.Days => Amount == 1 ? "day" : "days",
        DurationUnit.Weeks => Amount == 1 ? "week" : "weeks",
        DurationUnit.Months => Amount == 1 ? "month" : "months",
        _ => Amount == 1 ? "year" : "years",
    };
}

public enum DurationUnit
{
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

/// <summary>
/// When something happened, relative to the moment of evaluation or absolute. Bounds: a window
/// includes its start and excludes its end; "in the last 30 days" runs from 30 days before now to now.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(InTheLast), "inTheLast")]
[JsonDerivedType(typeof(Since), "since")]
[JsonDerivedType(typeof(Before), "before")]
[JsonDerivedType(typeof(Between), "between")]
public abstract record TimeWindow
{
    /// <summary>The window's bounds given now; null means open on that side.</summary>
    public abstract (DateTimeOffset? From, DateTimeOffset? To) Resolve(DateTimeOffset now);
}

/// <summary>From the duration before now up to now: "in the last 30 days".</summary>
public sealed record InTheLast(Duration Duration) : TimeWindow
{
    public override (DateTimeOffset? From, DateTimeOffset? To) Resolve(DateTimeOffset now) => (Duration.Before(now), now);
}

/// <summary>From a point on, open-ended: "since 2026-01-01".</summary>
public sealed record Since(TimeValue From) : TimeWindow
{
    public override (DateTimeOffset? From, DateTimeOffset? To) Resolve(DateTimeOffset now) => (From.At(now), null);
}

/// <summary>Up to a point, excluded: "before 90 days ago".</summary>
public sealed record Before(TimeValue To) : TimeWindow
{
    public override (DateTimeOffset? From, DateTimeOffset? To) Resolve(DateTimeOffset now) => (null, To.At(now));
}

/// <summary>From one point (included) to another (excluded): "between 2026-01-01 and 2026-02-01".</summary>
public sealed record Between(TimeValue From, TimeValue To) : TimeWindow
{
    public override (DateTimeOffset? From, DateTimeOffset? To) Resolve(DateTimeOffset now) => (From.At(now), To.At(now));
}
