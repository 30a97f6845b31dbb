using System.Globalization;
using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>How channels are named in explanations.</summary>
static class Channels
{
    public const int Count = 9;

    /// <summary>"1 email", "2 SMS messages", "3 push notifications"; the noun only.</summary>
    public static string Noun(Channel channel, int count)
    {
        var (one, many) = channel switch
        {
            Channel.Email => ("email", "emails"),
            Channel.Sms => ("SMS message", "SMS messages"),
            Channel.Push => ("push notification", "push notifications"),
            Channel.DirectMail => ("letter", "letters"),
            Channel.Telemarketing => ("call", "calls"),
            Channel.PaidSocial => ("paid social ad", "paid social ads"),
            Channel.OnSiteAd => ("on-site ad", "on-site ads"),
            Channel.OffSiteAd => ("off-site ad", "off-site ads"),
            Channel.WebPersonalisation => ("web personalisation", "web personalisations"),
            _ => ("message", "messages"),
        };
        return count == 1 ? one : many;
    }

    /// <summary>"by email", "by SMS", "on paid social": how marketing reaches someone on the channel.</summary>
    public static string By(Channel channel) => channel switch
    {
        Channel.Email => "by email",
        Channel.Sms => "by SMS",
        Channel.Push => "by push notification",
        Channel.DirectMail => "by post",
        Channel.Telemarketing => "by phone",
        Channel.PaidSocial => "on paid social",
        Channel.OnSiteAd => "in on-site ads",
        Channel.OffSiteAd => "in off-site ads",
        Channel.WebPersonalisation => "by web personalisation",
        _ => "on this channel",
    };
}

/// <summary>Small English helpers for explanations.</summary>
static class Words
{
    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string List(IReadOnlyList<string> items, string conjunction = "and") => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + $" {conjunction} " + items[^1],
    };

    /// <summary>"$0.80", "€1.25", "£3.00", "¥120", otherwise "0.80 CHF".</summary>
    public static string Money(decimal value, string currency) => currency switch
    {
        "USD" => "$" + value.ToString("0.00", CultureInfo.InvariantCulture),
        "EUR" => "€" + value.ToString("0.00", CultureInfo.InvariantCulture),
        "GBP" => "£" + value.ToString("0.00", CultureInfo.InvariantCulture),
        "JPY" => "¥" + value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.00", CultureInfo.InvariantCulture) + " " + currency,
    };

    /// <summary>"4 hours", "30 minutes", "1 day", "2 days 6 hours", "90 seconds".</summary>
    public static string Duration(TimeSpan span)
    {
        var parts = new List<string>();
        void Add(int n, string unit)
        {
            if (n > 0) parts.Add(n == 1 ? $"1 {unit}" : $"{n} {unit}s");
        }
        Add(span.Days, "day");
        Add(span.Hours, "hour");
        Add(span.Minutes, "minute");
        Add(span.Seconds, "second");
        return parts.Count == 0 ? "no time" : string.Join(" ", parts);
    }

    public static string Clock(DateTime local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"09:14" on the same local day, otherwise "Tue 3 Mar 09:14".</summary>
    public static string When(DateTime local, DateOnly reference) =>
        DateOnly.FromDateTime(local) == reference
            ? Clock(local)
            : local.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture);
}
