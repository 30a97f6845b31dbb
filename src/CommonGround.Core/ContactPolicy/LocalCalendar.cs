using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace CommonGround.ContactPolicy;

/// <summary>
/// A customer's time zone (an IANA id such as "Europe/Brussels") and its calendar: where a local
/// day and month begin and end in UTC, correct across daylight-saving changes (a local day may be 23
/// or 25 hours long, or begin at 01:00 where midnight is skipped). One instance per zone, shared and
/// thread-safe; recent days are cached so the hot path rarely asks <see cref="TimeZoneInfo"/>.
/// </summary>
public sealed class LocalCalendar
{
    static readonly ConcurrentDictionary<string, LocalCalendar> Zones = new(StringComparer.Ordinal);
    const int Slots = 16;

    readonly LocalDay?[] _days = new LocalDay?[Slots];
    readonly long _baseOffset;

    LocalCalendar(TimeZoneInfo zone)
    {
        Zone = zone;
        _baseOffset = zone.BaseUtcOffset.Ticks;
    }

    public TimeZoneInfo Zone { get; }

    public string Id => Zone.Id;

    /// <summary>Finds a zone by IANA id (Windows ids work where the platform converts them).</summary>
    public static bool TryFind(string? id, [NotNullWhen(true)] out LocalCalendar? calendar)
    {
        calendar = null;
        if (string.IsNullOrWhiteSpace(id)) return false;
        if (Zones.TryGetValue(id, out calendar)) return true;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) return false;
        calendar = Zones.GetOrAdd(id, _ => new LocalCalendar(zone));
        return true;
    }

    /// <exception cref="ContactRequestException">The id is not a known time zone.</exception>
    public static LocalCalendar Find(string id) =>
        TryFind(id, out var calendar)
            ? calendar
            : throw new ContactRequestException($"'{id}' is not a known time zone; use an IANA id such as \"Europe/Brussels\".");

    /// <summary>The local day holding a UTC instant (ticks), with its month.</summary>
    public LocalDay DayOf(long utc)
    {
        // Keyed by the day under the zone's standard offset: it is the local day except for an hour
        // around a daylight-saving change, where a miss simply recomputes.
        ref var slot = ref _days[(int)((ulong)((utc + _baseOffset) / TimeSpan.TicksPerDay) % Slots)];
        var day = Volatile.Read(ref slot);
        if (day is not null && utc >= day.Start && utc < day.End) return day;
        day = Compute(utc);
        Volatile.Write(ref slot, day);
        return day;
    }

    /// <summary>The local wall-clock time of a UTC instant.</summary>
    public DateTime LocalTime(DateTimeOffset utc) => LocalTime(utc.UtcTicks);

    internal DateTime LocalTime(long utc) => new(utc + Offset(utc), DateTimeKind.Unspecified);

    /// <summary>Time since local midnight (the clock's reading) of a UTC instant.</summary>
    internal TimeSpan TimeOfDay(long utc)
    {
        var day = DayOf(utc);
        return day.ConstantOffset != long.MinValue
            ? new TimeSpan((utc + day.ConstantOffset) % TimeSpan.TicksPerDay)
            : LocalTime(utc).TimeOfDay;
    }

    /// <summary>
    /// The UTC instant of a local wall-clock time; a time skipped by a daylight-saving change moves
    /// to the first instant after the gap, an ambiguous time takes its first occurrence.
    /// </summary>
    public DateTimeOffset ToUtc(DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local)) return new DateTimeOffset(FirstInstantAtOrAfter(local), TimeSpan.Zero);
        if (Zone.IsAmbiguousTime(local))
        {
            var offsets = Zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local.Ticks - offsets.Max().Ticks, TimeSpan.Zero);
        }
        return new DateTimeOffset(local.Ticks - Zone.GetUtcOffset(local).Ticks, TimeSpan.Zero);
    }

    long Offset(long utc) => Zone.GetUtcOffset(new DateTime(utc, DateTimeKind.Utc)).Ticks;

    LocalDay Compute(long utc)
    {
        var date = DateOnly.FromDateTime(LocalTime(utc));
        var start = StartOf(date);
        var end = StartOf(date.AddDays(1));
        var first = new DateOnly(date.Year, date.Month, 1);
        var constant = end - start == TimeSpan.TicksPerDay && Offset(start) == Offset(end - 1) ? Offset(start) : long.MinValue;
        return new LocalDay(date, start, end, StartOf(first), StartOf(first.AddMonths(1)), constant);
    }

    /// <summary>The first UTC instant whose local date is <paramref name="date"/>.</summary>
    long StartOf(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return Zone.IsInvalidTime(midnight) || Zone.IsAmbiguousTime(midnight)
            ? FirstInstantAtOrAfter(midnight)
            : midnight.Ticks - Zone.GetUtcOffset(midnight).Ticks;
    }

    /// <summary>The first UTC instant whose local time is at or after <paramref name="local"/>, by bisection (offsets stay within ±26 hours).</summary>
    long FirstInstantAtOrAfter(DateTime local)
    {
        long lo = local.Ticks - TimeSpan.TicksPerHour * 26, hi = local.Ticks + TimeSpan.TicksPerHour * 26;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (mid + Offset(mid) >= local.Ticks) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    public override string ToString() => Id;
}

/// <summary>One local calendar day in UTC ticks, [Start, End), and its month, [MonthStart, MonthEnd).</summary>
/// <param name="ConstantOffset">The UTC offset (ticks) when it holds all day, else long.MinValue.</param>
public sealed record LocalDay(DateOnly Date, long Start, long End, long MonthStart, long MonthEnd, long ConstantOffset);

/// <summary>A decision request that cannot be decided as given (unknown time zone, missing campaign); the message says what to fix.</summary>
public sealed class ContactRequestException(string message) : Exception(message);
