using System.Globalization;
using CommonGround.Campaigns;

namespace CommonGround.Web.Components.Campaigns;

/// <summary>How the UI names channels, statuses and schedules, and where its calendar weeks start (Monday, UTC).</summary>
public static class CampaignText
{
    public static string Channel(Channel channel) => channel switch
    {
        CommonGround.Campaigns.Channel.Email => "e-mail",
        CommonGround.Campaigns.Channel.Sms => "SMS",
        CommonGround.Campaigns.Channel.Push => "push",
        CommonGround.Campaigns.Channel.DirectMail => "direct mail",
        CommonGround.Campaigns.Channel.Telemarketing => "telemarketing",
        CommonGround.Campaigns.Channel.PaidSocial => "paid social",
        CommonGround.Campaigns.Channel.OnSiteAd => "on-site ad",
        CommonGround.Campaigns.Channel.OffSiteAd => "off-site ad",
        CommonGround.Campaigns.Channel.WebPersonalisation => "web personalisation",
        _ => channel.ToString(),
    };

    public static string Status(CampaignStatus status) => status.ToString().ToLowerInvariant();

    public static string Category(CampaignCategory category) => category.ToString().ToLowerInvariant();

    /// <summary>"once, 2026-05-04 09:00 UTC", "always on from ... until ...", "'0 9 * * TUE' in Europe/London, from ...".</summary>
    public static string Schedule(Schedule schedule) => schedule switch
    {
        OneOffSchedule o => "once, " + Format.Time(o.At),
        AlwaysOnSchedule a => "always on from " + Format.Date(a.Begins) + (a.Ends is { } end ? " until " + Format.Date(end) : ", open-ended"),
        RecurringSchedule r => $"by the cron '{r.Cron}' in {r.TimeZone}, from {Format.Date(r.Begins)}" + (r.Ends is { } end ? " until " + Format.Date(end) : ", open-ended"),
        _ => schedule.ToString() ?? "",
    };

    /// <summary>The Monday of the day's week.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"Tue 5 May".</summary>
    public static string ShortDay(DateOnly day) => day.ToString("ddd d MMM", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString(share is > 0 and < 0.1 ? "0.#" : "0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A day from a query (YYYY-MM-DD), or null.</summary>
    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
