using System.Globalization;
using CommonGround.Campaigns;
using CommonGround.Storage;

namespace CommonGround.Cli.Demo;

/// <summary>
/// The demo teams' campaigns on the shared calendar, each aimed at one of <see cref="DemoAudiences"/>:
/// weekly and daily sends, always-on placements and one-off pushes around the week the demo was made,
/// so the calendar, its conflicts and the overlap heatmap have something to show. Tuesday of that
/// week is crowded on purpose, as real calendars are when teams plan alone: member offers, weekly
/// picks, basket reminders, sponsored products and a brand day, social retargeting all land on the
/// same frequent browsers, so some would get 5 or more messages that day without the contact policy
/// (the simulator shows it; the starter policy's 3 a day stops it).
/// </summary>
public static class DemoCampaigns
{
    /// <summary>A campaign of the demo; times are relative to the Monday of the week the demo is made.</summary>
    /// <param name="Schedule">"oneOff", "recurring" or "alwaysOn".</param>
    /// <param name="StartDays">Days after that Monday the schedule starts (or sends, for a one-off), negative for before.</param>
    /// <param name="EndDays">Days after that Monday it ends; null for open-ended.</param>
    public sealed record Spec(
        string Name, string Team, string Channel, string Category, string Audience, string Schedule, double StartDays, double? EndDays,
        string? Cron, int Priority, decimal ExpectedValue, double Holdout, string Status);

    public static IReadOnlyList<Spec> All { get; } =
    [
        new("Member offers", "loyalty marketing", "email", "marketing", "Gold and platinum members", "recurring", -28, null,
            "0 9 * * TUE", 70, 1.80m, 0.10, "live"),
        new("We miss you", "loyalty marketing", "email", "marketing", "Lapsing loyalty members", "oneOff", 3.4, null,
            null, 60, 3.50m, 0.10, "scheduled"),
        new("Double points weekend", "loyalty marketing", "sms", "marketing", "Gold and platinum members", "oneOff", 12.4, null,
            null, 65, 2.20m, 0.10, "draft"),
        new("Tidewater Coffee on site", "retail media", "onSiteAd", "advertising", "Engaged ad clickers", "alwaysOn", -7, 21,
            null, 40, 0.30m, 0.05, "live"),
        new("Sponsored products off site", "retail media", "offSiteAd", "advertising", "Frequent browsers", "recurring", 0, 14,
            "0 8 * * *", 30, 0.12m, 0.05, "live"),
        new("Come back for summer", "social", "paidSocial", "marketing", "Social clickers who have not bought", "alwaysOn", -3, 25,
            null, 45, 0.90m, 0.10, "live"),
        new("Basket reminder", "web", "email", "marketing", "Cart abandoners", "recurring", -14, null,
            "0 18 * * *", 80, 4.20m, 0.05, "live"),
        new("Big spender personalisation", "web", "webPersonalisation", "marketing", "Big online spenders", "alwaysOn", -30, null,
            null, 35, 1.10m, 0.10, "live"),
        new("Weekly picks", "web", "email", "marketing", "Frequent browsers", "recurring", -21, null,
            "30 7 * * TUE", 60, 0.80m, 0.05, "live"),
        new("Tuesday retargeting", "social", "paidSocial", "marketing", "Social clickers who have not bought", "recurring", -14, null,
            "0 19 * * TUE", 45, 0.40m, 0.10, "live"),
        new("Tidewater Coffee brand day", "retail media", "offSiteAd", "advertising", "Engaged ad clickers", "oneOff", 1.55, null,
            null, 35, 0.25m, 0.05, "scheduled"),
        new("Win-back calls", "telemarketing", "telemarketing", "marketing", "Phone win-back", "recurring", 0, null,
            "0 10 * * MON-FRI", 55, 6.00m, 0.20, "scheduled"),
        new("Business accounts call day", "telemarketing", "telemarketing", "marketing", "Business accounts to call", "oneOff", 9.6, null,
            null, 50, 8.00m, 0.20, "scheduled"),
    ];

    /// <summary>Adds the campaigns that are not there yet (by id), so an interrupted run can add the rest.</summary>
    /// <exception cref="InvalidOperationException">A campaign above is not valid (a bug of the demo).</exception>
    public static async Task AddAsync(IStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var origin = new DateTimeOffset(PlannedWeek(time).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        foreach (var spec in All)
        {
            var id = Id(spec.Name);
            if (await store.Campaigns.FindAsync(id, ct) is not null) continue;
            var start = Iso(origin.AddDays(spec.StartDays));
            var schedule = spec.Schedule == "oneOff"
                ? new ScheduleFields("oneOff", At: start)
                : new ScheduleFields(spec.Schedule, Cron: spec.Cron, TimeZone: spec.Cron is null ? null : "Europe/London", Start: start,
                    End: spec.EndDays is { } end ? Iso(origin.AddDays(end)) : null);
            var fields = new CampaignFields(spec.Name, spec.Team, spec.Channel, spec.Category, DemoAudiences.Id(spec.Audience), schedule,
                spec.Priority, spec.ExpectedValue, spec.Holdout, null, spec.Status);
            var (campaign, errors) = CampaignRules.Create(fields, id, "demo", now);
            if (campaign is null)
                throw new InvalidOperationException($"Demo campaign '{spec.Name}': {string.Join("; ", errors.Select(e => e.Field + ": " + e.Message))}");
            await store.Campaigns.AddAsync(campaign, ct);
        }
    }

    /// <summary>
    /// Fills the target lists of the demo's campaigns from their audiences, once people are resolved
    /// (targets are profiles). Campaigns that already have targets are left as they are.
    /// </summary>
    public static async Task TargetAsync(IStore store, TimeProvider time, CancellationToken ct)
    {
        foreach (var spec in All)
        {
            var id = Id(spec.Name);
            if (await store.Campaigns.FindAsync(id, ct) is null || (await store.Campaigns.ListTargetsAsync(id, ct)).Count > 0) continue;
            await store.Campaigns.RefreshTargetsAsync(id, time.GetUtcNow(), ct);
        }
    }

    /// <summary>
    /// The week the demo's campaigns are planned around: Monday to Sunday of the week the demo was
    /// made (campaign times are relative to that Monday). The what-if simulator shows it by default.
    /// </summary>
    public static DateOnly PlannedWeek(TimeProvider time)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
    }

    public static string Id(string name) => "c_demo_" + DemoAudiences.Slug(name);

    static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
