using System.Globalization;
using CommonGround.Identity;

namespace CommonGround.Web.Components;

/// <summary>How the UI writes numbers, times and ids: one culture-independent way everywhere.</summary>
public static class Format
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Number(long n) => n.ToString("N0", Invariant);

    /// <summary>"1 event", "2,048 events".</summary>
    public static string Count(long n, string one, string many) => Number(n) + " " + (n == 1 ? one : many);

    public static string Money(decimal amount, string? currency) =>
        amount.ToString("N2", Invariant) + (currency is null ? "" : " " + currency);

    /// <summary>"2025-03-14 09:30 UTC": unambiguous for every team, whatever their locale.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant);

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", Invariant);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("dddd d MMMM yyyy", Invariant);

    /// <summary>For the <c>datetime</c> attribute of a <c>time</c> element, and for paging links.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", Invariant);

    /// <summary>"3 h ago", "2 days ago": how long before <paramref name="now"/>.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        if (span < TimeSpan.Zero) return "in the future";
        if (span.TotalMinutes < 1) return "just now";
        if (span.TotalHours < 1) return $"{(int)span.TotalMinutes} min ago";
        if (span.TotalDays < 1) return $"{(int)span.TotalHours} h ago";
        if (span.TotalDays < 60) return (int)span.TotalDays == 1 ? "1 day ago" : $"{(int)span.TotalDays} days ago";
        return $"{(int)(span.TotalDays / 30.44)} months ago";
    }

    /// <summary>How fresh a source's data is, in words (never colour alone).</summary>
    public static Freshness FreshnessOf(DateTimeOffset? last, DateTimeOffset now) => last switch
    {
        null => Freshness.NoData,
        { } at when now - at < TimeSpan.FromDays(1) => Freshness.Fresh,
        { } at when now - at < TimeSpan.FromDays(7) => Freshness.Quiet,
        _ => Freshness.Stale,
    };

    public static string Label(Freshness f) => f switch
    {
        Freshness.Fresh => "fresh",
        Freshness.Quiet => "quiet",
        Freshness.Stale => "stale",
        _ => "no data yet",
    };

    // The teams the product is made for keep one colour each; any other team gets one by its name.
    static readonly Dictionary<string, int> KnownTeams = new(StringComparer.OrdinalIgnoreCase)
    {
        ["loyalty marketing"] = 0, ["lifecycle marketing"] = 0, ["retail media"] = 1, ["web"] = 2, ["social"] = 3,
        ["privacy"] = 4, ["telemarketing"] = 5, ["product marketing"] = 6, ["it"] = 7,
    };

    /// <summary>A stable colour class per team ("team-0" to "team-7"), so a team has one colour on every page.</summary>
    public static string TeamClass(string team)
    {
        if (!KnownTeams.TryGetValue(team.Trim(), out var index))
        {
            var hash = 2166136261u; // FNV-1a
            foreach (var c in team.Trim().ToLowerInvariant()) hash = (hash ^ c) * 16777619u;
            index = (int)(hash % 8);
        }
        return "team-" + index.ToString(Invariant);
    }

    /// <summary>What to call a profile: its name, or its id when the name is unknown or hidden from the viewer.</summary>
    public static string Name(ProfileId id, string? displayName) =>
        displayName is null || displayName == Profiles.PersonalDataPolicy.Redacted ? "Profile " + id : displayName;

    /// <summary>The address of a profile's page.</summary>
    public static string Href(ProfileId id) => "/profiles/" + id;
}

public enum Freshness { NoData, Fresh, Quiet, Stale }
