using CommonGround.Identity;

namespace CommonGround.Campaigns;

/// <summary>
/// Which campaigns reach the same people in a window. Counts are of contacted people only: those held
/// out by a campaign's holdout or by the global control group are not contacted, so they count nowhere.
/// </summary>
/// <param name="Campaigns">The campaigns active in the window (scheduled or live, running in it), by id.</param>
/// <param name="Pairs">One entry per pair of those campaigns that share at least one customer or household, First &lt; Second (ordinal).</param>
public sealed record CampaignOverlap(
    DateTimeOffset From, DateTimeOffset To, IReadOnlyList<CampaignReach> Campaigns, IReadOnlyList<OverlapPair> Pairs)
{
    /// <summary>Shared customers and households of two campaigns (zero when they share none; a campaign with itself: its reach).</summary>
    public (long Customers, long Households) Shared(string a, string b)
    {
        if (a == b)
            return Campaigns.FirstOrDefault(c => c.Campaign.Id == a) is { } reach ? (reach.Customers, reach.Households) : (0, 0);
        _byPair ??= Pairs.ToDictionary(p => (p.First, p.Second));
        return _byPair.TryGetValue(Ordered(a, b), out var pair) ? (pair.Customers, pair.Households) : (0, 0);
    }

    Dictionary<(string, string), OverlapPair>? _byPair;

    /// <summary>
    /// The overlap from what a store counted: contacted customers and households per campaign, and shared
    /// ones per pair (in either order). Campaigns without targets reach nobody.
    /// </summary>
    public static CampaignOverlap Assemble(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Campaign> active,
        IEnumerable<(string Campaign, long Customers, long Households)> reach,
        IEnumerable<(string A, string B, long Shared)> customerPairs,
        IEnumerable<(string A, string B, long Shared)> householdPairs)
    {
        var sizes = reach.ToDictionary(r => r.Campaign, r => (r.Customers, r.Households), StringComparer.Ordinal);
        var pairs = new SortedDictionary<(string, string), (long Customers, long Households)>(PairOrder.Instance);
        foreach (var (a, b, shared) in customerPairs) pairs[Ordered(a, b)] = (shared, 0);
        foreach (var (a, b, shared) in householdPairs)
        {
            var key = Ordered(a, b);
            pairs[key] = (pairs.TryGetValue(key, out var p) ? p.Customers : 0, shared);
        }
        return new CampaignOverlap(from, to,
            [.. active.Select(c => sizes.TryGetValue(c.Id, out var s) ? new CampaignReach(c, s.Customers, s.Households) : new CampaignReach(c, 0, 0))],
            [.. pairs.Where(p => p.Value.Customers > 0 || p.Value.Households > 0)
                .Select(p => new OverlapPair(p.Key.Item1, p.Key.Item2, p.Value.Customers, p.Value.Households))]);
    }

    static (string, string) Ordered(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

    sealed class PairOrder : IComparer<(string, string)>
    {
        public static readonly PairOrder Instance = new();

        public int Compare((string, string) x, (string, string) y) =>
            string.CompareOrdinal(x.Item1, y.Item1) is var first and not 0 ? first : string.CompareOrdinal(x.Item2, y.Item2);
    }
}

/// <summary>An active campaign and how many customers and households it contacts.</summary>
public sealed record CampaignReach(Campaign Campaign, long Customers, long Households);

/// <summary>Two campaigns' shared contacted customers and households (a household counts when each campaign contacts someone in it).</summary>
public sealed record OverlapPair(string First, string Second, long Customers, long Households);

/// <summary>The customers targeted by at least <see cref="K"/> active campaigns on one UTC day.</summary>
/// <param name="Total">How many customers that is, of which <see cref="Customers"/> holds the first (most campaigns first).</param>
public sealed record ContactPressure(DateOnly Day, int K, long Total, IReadOnlyList<PressuredCustomer> Customers);

/// <param name="Campaigns">The campaigns contacting the customer that day, by id.</param>
public sealed record PressuredCustomer(ProfileId Profile, string? HouseholdId, IReadOnlyList<CampaignRef> Campaigns)
{
    /// <summary>A customer as a store found them: the ids of their campaigns joined by commas (ids hold no comma).</summary>
    public static PressuredCustomer From(long profile, string? householdId, string campaignIds, IReadOnlyDictionary<string, Campaign> campaigns) =>
        new(new ProfileId(profile), householdId,
            [.. campaignIds.Split(',').Order(StringComparer.Ordinal).Select(id => CampaignRef.From(campaigns[id]))]);
}

/// <summary>A campaign named for a person: id, name and team.</summary>
public sealed record CampaignRef(string Id, string Name, string Team)
{
    public static CampaignRef From(Campaign c) => new(c.Id, c.Name, c.Team);
}

/// <summary>Which campaigns to list; every filter is optional.</summary>
/// <param name="From">With <see cref="To"/>: only campaigns whose schedule runs in [From, To).</param>
public sealed record CampaignQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Team = null, CampaignStatus? Status = null)
{
    /// <summary>Whether the campaign passes every filter (teams compared case-insensitively).</summary>
    public bool Matches(Campaign c) =>
        (Team is null || string.Equals(c.Team, Team, StringComparison.OrdinalIgnoreCase))
        && (Status is null || c.Status == Status)
        && (From is not { } from || To is not { } to || c.Schedule.RunsBetween(from, to));
}

/// <summary>The shared calendar: which campaigns run on which UTC day of a window.</summary>
public static class CampaignCalendar
{
    /// <summary>The longest window the calendar, overlap and pressure accept.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    /// <summary>Active campaigns (scheduled or live) that run in [from, to).</summary>
    public static IReadOnlyList<Campaign> ActiveBetween(IEnumerable<Campaign> campaigns, DateTimeOffset from, DateTimeOffset to) =>
        [.. campaigns.Where(c => c.IsActive && c.Schedule.RunsBetween(from, to)).OrderBy(c => c.Id, StringComparer.Ordinal)];

    /// <summary>Active campaigns that run on the UTC day.</summary>
    public static IReadOnlyList<Campaign> ActiveOn(IEnumerable<Campaign> campaigns, DateOnly day) =>
        ActiveBetween(campaigns, Schedule.DayStart(day), Schedule.DayStart(day.AddDays(1)));

    /// <summary>Every UTC day of the window with the campaigns that run on it and their send times, days in order.</summary>
    public static IReadOnlyList<CalendarDay> Days(IEnumerable<Campaign> campaigns, DateTimeOffset from, DateTimeOffset to)
    {
        var byDay = new SortedDictionary<DateOnly, List<CalendarEntry>>();
        foreach (var campaign in campaigns.OrderByDescending(c => c.Priority).ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal))
        {
            foreach (var day in campaign.Schedule.DaysBetween(from, to))
            {
                if (!byDay.TryGetValue(day.Day, out var entries)) byDay[day.Day] = entries = [];
                entries.Add(new CalendarEntry(campaign, day.Times));
            }
        }
        return [.. byDay.Select(d => new CalendarDay(d.Key, d.Value))];
    }

    /// <summary>The day of the window on which the most active campaigns run (the earliest of equals), or null when none runs.</summary>
    public static DateOnly? BusiestDay(IEnumerable<Campaign> campaigns, DateTimeOffset from, DateTimeOffset to) =>
        Days(campaigns.Where(c => c.IsActive), from, to) is { Count: > 0 } days
            ? days.OrderByDescending(d => d.Entries.Count).ThenBy(d => d.Day).First().Day
            : null;
}

/// <summary>A UTC day of the calendar; entries by priority, highest first.</summary>
public sealed record CalendarDay(DateOnly Day, IReadOnlyList<CalendarEntry> Entries);

/// <summary>A campaign running on a day, with its send times (none for an always-on campaign).</summary>
public sealed record CalendarEntry(Campaign Campaign, IReadOnlyList<DateTimeOffset> Times);

/// <summary>A campaign's target list refilled from a fresh snapshot of its audience.</summary>
/// <param name="Targets">Members of the snapshot, now the campaign's targets.</param>
/// <param name="HeldOut">Of them, kept out by the campaign's holdout.</param>
/// <param name="InControl">Of them, kept out as members of the global control group.</param>
/// <param name="Contacted">Of them, neither: the people the campaign contacts.</param>
public sealed record CampaignTargetsRefresh(string CampaignId, long SnapshotId, DateTimeOffset AsOf, long Targets, long HeldOut, long InControl, long Contacted);
