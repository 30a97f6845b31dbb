using System.Globalization;
using Cronos;

namespace CommonGround.Campaigns;

public enum ScheduleKind
{
    /// <summary>Sent once, at one moment.</summary>
    OneOff,

    /// <summary>Sent again and again, at the times of a cron expression in a time zone.</summary>
    Recurring,

    /// <summary>Triggered by what people do (a basket abandoned, a birthday), any time between a start and an optional end.</summary>
    AlwaysOn,
}

/// <summary>
/// When a campaign runs. Calendar days are UTC days everywhere (the calendar, overlap and contact
/// pressure); a recurring schedule's cron is read in its own time zone, daylight saving included.
/// Immutable and thread-safe.
/// </summary>
public abstract record Schedule
{
    /// <summary>A recurring schedule fires at most this often on one day; more would be a trigger, not a send.</summary>
    public const int MaxTimesPerDay = 24;

    public abstract ScheduleKind Kind { get; }

    /// <summary>No occurrence before this moment.</summary>
    public abstract DateTimeOffset Start { get; }

    /// <summary>No occurrence at or after this moment (a one-off: its own moment, the only one); null when open-ended.</summary>
    public abstract DateTimeOffset? End { get; }

    /// <summary>
    /// The send times in [<paramref name="from"/>, <paramref name="to"/>), in order; at most
    /// <see cref="MaxTimesPerDay"/> per UTC day. An always-on schedule has none: it runs, rather than sends.
    /// </summary>
    public abstract IEnumerable<DateTimeOffset> TimesBetween(DateTimeOffset from, DateTimeOffset to);

    /// <summary>Whether the campaign runs at any moment of [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public virtual bool RunsBetween(DateTimeOffset from, DateTimeOffset to) => TimesBetween(from, to).Any();

    /// <summary>The UTC days of [<paramref name="from"/>, <paramref name="to"/>) on which the campaign runs, with its send times.</summary>
    public virtual IReadOnlyList<ScheduleDay> DaysBetween(DateTimeOffset from, DateTimeOffset to) =>
        [.. TimesBetween(from, to)
            .GroupBy(t => DateOnly.FromDateTime(t.UtcDateTime))
            .Select(g => new ScheduleDay(g.Key, [.. g.Select(t => t.ToUniversalTime())]))];

    /// <summary>Whether the campaign runs on the UTC day <paramref name="day"/>.</summary>
    public bool RunsOn(DateOnly day) => RunsBetween(DayStart(day), DayStart(day.AddDays(1)));

    /// <summary>Midnight UTC at the start of <paramref name="day"/>.</summary>
    public static DateTimeOffset DayStart(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>A UTC day on which a campaign runs, and its send times that day (none for an always-on campaign).</summary>
public sealed record ScheduleDay(DateOnly Day, IReadOnlyList<DateTimeOffset> Times);

public sealed record OneOffSchedule(DateTimeOffset At) : Schedule
{
    public override ScheduleKind Kind => ScheduleKind.OneOff;
    public override DateTimeOffset Start => At;
    public override DateTimeOffset? End => At;

    public override IEnumerable<DateTimeOffset> TimesBetween(DateTimeOffset from, DateTimeOffset to) =>
        At >= from && At < to ? [At.ToUniversalTime()] : [];
}

/// <summary>Runs, rather than sends, between <see cref="Start"/> and <see cref="End"/> (exclusive; null: until stopped).</summary>
public sealed record AlwaysOnSchedule(DateTimeOffset Begins, DateTimeOffset? Ends) : Schedule
{
    public override ScheduleKind Kind => ScheduleKind.AlwaysOn;
    public override DateTimeOffset Start => Begins;
    public override DateTimeOffset? End => Ends;

    public override IEnumerable<DateTimeOffset> TimesBetween(DateTimeOffset from, DateTimeOffset to) => [];

    public override bool RunsBetween(DateTimeOffset from, DateTimeOffset to) =>
        Begins < to && (Ends is not { } end || end > from) && from < to;

    public override IReadOnlyList<ScheduleDay> DaysBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var first = from > Begins ? from : Begins;
        var last = Ends is { } end && end < to ? end : to;
        if (first >= last) return [];
        var days = new List<ScheduleDay>();
        // The last moment before `last` decides the last day: an end at midnight does not run that day.
        var lastDay = DateOnly.FromDateTime(last.UtcDateTime.AddTicks(-1));
        for (var day = DateOnly.FromDateTime(first.UtcDateTime); day <= lastDay; day = day.AddDays(1)) days.Add(new ScheduleDay(day, []));
        return days;
    }
}

/// <summary>
/// Sends at the times of a standard five-field cron expression (minute hour day-of-month month
/// day-of-week, as Cronos reads it) in <see cref="TimeZone"/>, from <see cref="Begins"/> until
/// <see cref="Ends"/> (exclusive; null: until stopped). Across daylight saving a time that does not
/// exist runs at the first moment after the gap; a time that exists twice runs once.
/// </summary>
public sealed record RecurringSchedule : Schedule
{
    readonly CronExpression _cron;
    readonly TimeZoneInfo _zone;

    RecurringSchedule(string cron, CronExpression expression, TimeZoneInfo zone, DateTimeOffset begins, DateTimeOffset? ends)
    {
        Cron = cron;
        _cron = expression;
        _zone = zone;
        TimeZone = zone.Id;
        Begins = begins;
        Ends = ends;
    }

    public string Cron { get; }

    /// <summary>An IANA time zone id ("Europe/London"; "UTC").</summary>
    public string TimeZone { get; }

    public DateTimeOffset Begins { get; }
    public DateTimeOffset? Ends { get; }

    public override ScheduleKind Kind => ScheduleKind.Recurring;
    public override DateTimeOffset Start => Begins;
    public override DateTimeOffset? End => Ends;

    /// <summary>Builds a recurring schedule, or says what is wrong with the cron expression or time zone.</summary>
    /// <param name="field">The name of the schedule in error messages ("schedule").</param>
    public static RecurringSchedule? TryCreate(string cron, string timeZone, DateTimeOffset begins, DateTimeOffset? ends,
        string field, ICollection<FieldError> errors)
    {
        var before = errors.Count;
        var expression = ParseCron(cron, field, errors);
        var zone = FindZone(timeZone, field, errors);
        if (expression is null || zone is null) return null;
        var schedule = new RecurringSchedule(cron.Trim(), expression, zone, begins, ends);
        // A sample week from the start: at most MaxTimesPerDay a day on average.
        var sample = schedule.AllTimes(begins, begins.AddDays(7)).Take(7 * MaxTimesPerDay + 1).Count();
        if (sample > 7 * MaxTimesPerDay)
            errors.Add(new FieldError($"{field}.cron", $"'{cron}' sends more than {MaxTimesPerDay} times a day; a campaign is sent at most hourly. " +
                "For messages triggered by what people do, use an alwaysOn schedule."));
        return errors.Count == before ? schedule : null;
    }

    static CronExpression? ParseCron(string cron, string field, ICollection<FieldError> errors)
    {
        var text = cron.Trim();
        if (text.Length == 0)
        {
            errors.Add(new FieldError($"{field}.cron", "Give a cron expression, e.g. \"0 9 * * MON\" for Mondays at 09:00."));
            return null;
        }
        if (!text.StartsWith('@') && text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
        {
            errors.Add(new FieldError($"{field}.cron",
                $"'{cron}' is not a five-field cron expression (minute hour day-of-month month day-of-week), e.g. \"0 9 * * MON\"."));
            return null;
        }
        if (CronExpression.TryParse(text, CronFormat.Standard, out var expression)) return expression;
        errors.Add(new FieldError($"{field}.cron",
            $"'{cron}' is not a valid cron expression; fields are minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6 or SUN-SAT), e.g. \"30 8 1 * *\"."));
        return null;
    }

    static TimeZoneInfo? FindZone(string timeZone, string field, ICollection<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            errors.Add(new FieldError($"{field}.timeZone", "Give the time zone the cron is read in, e.g. \"Europe/London\" or \"UTC\"."));
            return null;
        }
        if (TimeZoneInfo.TryFindSystemTimeZoneById(timeZone.Trim(), out var zone)) return zone;
        errors.Add(new FieldError($"{field}.timeZone", $"'{timeZone}' is not a known time zone; use an IANA name such as \"Europe/London\" or \"America/New_York\"."));
        return null;
    }

    public override IEnumerable<DateTimeOffset> TimesBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var start = from > Begins ? from : Begins;
        var end = Ends is { } e && e < to ? e : to;
        if (start >= end) yield break;
        var perDay = 0;
        var day = DateOnly.MinValue;
        var (cursor, inclusive) = (start, true);
        while (_cron.GetNextOccurrence(cursor, _zone, inclusive) is { } next && next < end)
        {
            var nextDay = DateOnly.FromDateTime(next.UtcDateTime);
            if (nextDay != day) (day, perDay) = (nextDay, 0);
            if (perDay == MaxTimesPerDay)
            {
                // Skip the rest of a crowded day rather than enumerate every minute of it.
                (cursor, inclusive) = (DayStart(day.AddDays(1)), true);
                continue;
            }
            perDay++;
            yield return next.ToUniversalTime();
            (cursor, inclusive) = (next, false);
        }
    }

    IEnumerable<DateTimeOffset> AllTimes(DateTimeOffset from, DateTimeOffset to) =>
        _cron.GetOccurrences(from, to, _zone, fromInclusive: true, toInclusive: false);

    public bool Equals(RecurringSchedule? other) =>
        other is not null && Cron == other.Cron && TimeZone == other.TimeZone && Begins == other.Begins && Ends == other.Ends;

    public override int GetHashCode() => HashCode.Combine(Cron, TimeZone, Begins, Ends);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"'{Cron}' in {TimeZone} from {Begins:O}");
}

/// <summary>The raw schedule of a request: <c>kind</c> and the fields that kind needs.</summary>
/// <param name="Kind">"oneOff", "recurring" or "alwaysOn".</param>
/// <param name="At">One-off: when. ISO-8601; without an offset it is UTC.</param>
/// <param name="Start">Recurring and always-on: from when.</param>
/// <param name="End">Recurring and always-on: until when (exclusive), or none.</param>
public sealed record ScheduleFields(string? Kind, string? At = null, string? Cron = null, string? TimeZone = null, string? Start = null, string? End = null)
{
    /// <summary>Checks the fields and builds the schedule, or adds what is wrong (fields named "schedule.*").</summary>
    public Schedule? ToSchedule(ICollection<FieldError> errors)
    {
        const string field = "schedule";
        switch (Kind?.Trim())
        {
            case "oneOff":
                return Time(At, "at", required: true, errors) is { } at ? new OneOffSchedule(at) : null;
            case "recurring":
            {
                var (start, end) = Window(errors);
                if (Cron is null) errors.Add(new FieldError($"{field}.cron", "A recurring schedule needs a cron expression, e.g. \"0 9 * * MON\"."));
                if (TimeZone is null) errors.Add(new FieldError($"{field}.timeZone", "A recurring schedule needs a time zone, e.g. \"Europe/London\" or \"UTC\"."));
                if (Cron is null || TimeZone is null || start is null) return null;
                return RecurringSchedule.TryCreate(Cron, TimeZone, start.Value, end, field, errors);
            }
            case "alwaysOn":
            {
                var (start, end) = Window(errors);
                return start is { } s ? new AlwaysOnSchedule(s, end) : null;
            }
            case null or "":
                errors.Add(new FieldError($"{field}.kind", "Say what kind of schedule: oneOff, recurring or alwaysOn."));
                return null;
            default:
                errors.Add(new FieldError($"{field}.kind", $"'{Kind}' is not a kind of schedule; use oneOff, recurring or alwaysOn."));
                return null;
        }
    }

    (DateTimeOffset? Start, DateTimeOffset? End) Window(ICollection<FieldError> errors)
    {
        var start = Time(Start, "start", required: true, errors);
        var end = Time(End, "end", required: false, errors);
        if (start is { } s && end is { } e && e <= s)
        {
            errors.Add(new FieldError("schedule.end", "The end must be after the start."));
            return (null, null);
        }
        return (start, end);
    }

    static DateTimeOffset? Time(string? text, string name, bool required, ICollection<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors.Add(new FieldError($"schedule.{name}", $"Give schedule.{name} as an ISO-8601 time, e.g. \"2026-05-04T09:00:00Z\"."));
            return null;
        }
        if (CampaignRules.TryParseTime(text, out var time)) return time;
        errors.Add(new FieldError($"schedule.{name}", $"'{text}' is not a time; use ISO-8601, e.g. \"2026-05-04T09:00:00Z\" or \"2026-05-04T10:00:00+01:00\"."));
        return null;
    }

    /// <summary>The fields of a stored schedule, as the API shows them.</summary>
    public static ScheduleFields From(Schedule schedule) => schedule switch
    {
        OneOffSchedule o => new ScheduleFields("oneOff", At: Iso(o.At)),
        RecurringSchedule r => new ScheduleFields("recurring", Cron: r.Cron, TimeZone: r.TimeZone, Start: Iso(r.Begins), End: r.Ends is { } e ? Iso(e) : null),
        AlwaysOnSchedule a => new ScheduleFields("alwaysOn", Start: Iso(a.Begins), End: a.Ends is { } e ? Iso(e) : null),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule)),
    };

    static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}

/// <summary>How a store keeps a schedule in columns: kind, start, end, cron, time zone.</summary>
public static class ScheduleColumns
{
    /// <summary>The schedule of stored columns, as written by a store from a valid schedule.</summary>
    /// <exception cref="InvalidOperationException">The stored columns do not make a schedule (edited by hand?).</exception>
    public static Schedule Read(string kind, DateTimeOffset start, DateTimeOffset? end, string? cron, string? timeZone)
    {
        if (!CampaignRules.TryParse<ScheduleKind>(kind, out var k))
            throw new InvalidOperationException($"A stored campaign has an unknown schedule kind '{kind}'.");
        switch (k)
        {
            case ScheduleKind.OneOff:
                return new OneOffSchedule(start);
            case ScheduleKind.AlwaysOn:
                return new AlwaysOnSchedule(start, end);
            default:
                var errors = new List<FieldError>();
                return RecurringSchedule.TryCreate(cron ?? "", timeZone ?? "", start, end, "schedule", errors)
                    ?? throw new InvalidOperationException("A stored recurring schedule is not valid: " + string.Join("; ", errors.Select(e => e.Message)));
        }
    }

    public static (string Kind, DateTimeOffset Start, DateTimeOffset? End, string? Cron, string? TimeZone) Write(Schedule schedule) => schedule switch
    {
        RecurringSchedule r => (CampaignRules.Wire(r.Kind), r.Start, r.End, r.Cron, r.TimeZone),
        _ => (CampaignRules.Wire(schedule.Kind), schedule.Start, schedule.End, null, null),
    };
}
