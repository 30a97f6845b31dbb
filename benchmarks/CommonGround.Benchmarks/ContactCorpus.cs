using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;

namespace CommonGround.Benchmarks;

/// <summary>
/// A deterministic contact-policy workload: a realistic policy, 20 campaigns of six teams over a
/// week, and customers in eight time zones, 40% of them in households of 2-4, with consents and a
/// few on a suppression list. Shared by the decision micro benchmark and the arbitration run.
/// </summary>
static class ContactCorpus
{
    public static readonly string[] Zones =
        ["Europe/Brussels", "Europe/London", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"];

    /// <summary>Monday 1 June 2026, 00:00 UTC: the week's first day (the plan starts a day earlier to hold every zone).</summary>
    public static readonly DateTimeOffset Week = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Caps across teams, channels and households, quiet hours, a gap, consent, a suppression list, team priorities.</summary>
    public static readonly ContactPolicyDefinition Policy = new()
    {
        Caps =
        [
            new ContactCap { Limit = 2, Window = CapWindow.Day },
            new ContactCap { Limit = 4, Window = CapWindow.Day, Level = CapLevel.Household },
            new ContactCap { Limit = 6, Window = CapWindow.Rolling7Days },
            new ContactCap { Limit = 1, Window = CapWindow.Hour, Scope = CapScope.Channel, Channel = Channel.Sms },
            new ContactCap { Limit = 3, Window = CapWindow.Rolling7Days, Scope = CapScope.Channel, Channel = Channel.Sms },
            new ContactCap { Limit = 1, Window = CapWindow.Day, Scope = CapScope.Team },
            new ContactCap { Limit = 3, Window = CapWindow.Day, Scope = CapScope.Category, Category = CampaignCategory.Advertising },
            new ContactCap { Limit = 20, Window = CapWindow.Month },
        ],
        QuietHours =
        [
            new QuietHours { Channel = Channel.Sms, Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0) },
            new QuietHours { Channel = Channel.Push, Start = new TimeOnly(22, 0), End = new TimeOnly(7, 0) },
        ],
        MinimumGaps = [new MinimumGap { Gap = TimeSpan.FromHours(1) }],
        OptInChannels = [Channel.Email, Channel.Sms, Channel.Push],
        SuppressionLists = [new SuppressionList { Name = "hard bounces", Channels = [Channel.Email], IncludesTransactional = true }],
        Teams = [new TeamPriority("loyalty", 30), new TeamPriority("lifecycle", 20), new TeamPriority("retail media", 10)],
    };

    /// <summary>One cap only (2 marketing messages a customer's local day), no consent needed: what a SQL window query can express.</summary>
    public static readonly ContactPolicyDefinition SingleCap = new()
    {
        Caps = [new ContactCap { Limit = 2, Window = CapWindow.Day }],
        OptInChannels = [],
        SuppressionLists = Policy.SuppressionLists,
    };

    /// <summary>A campaign and when it goes: a day of the week and a local hour.</summary>
    public sealed record Scheduled(CampaignFacts Facts, int Day, int Hour);

    public static IReadOnlyList<Scheduled> Campaigns(int count, int seed)
    {
        var random = new Random(seed);
        (string Team, Channel Channel, CampaignCategory Category)[] kinds =
        [
            ("loyalty", Channel.Email, CampaignCategory.Marketing), ("loyalty", Channel.Push, CampaignCategory.Marketing),
            ("ecommerce", Channel.Email, CampaignCategory.Marketing), ("ecommerce", Channel.Email, CampaignCategory.Transactional),
            ("lifecycle", Channel.Sms, CampaignCategory.Marketing), ("lifecycle", Channel.Email, CampaignCategory.Marketing),
            ("retail media", Channel.OnSiteAd, CampaignCategory.Advertising), ("retail media", Channel.OffSiteAd, CampaignCategory.Advertising),
            ("stores", Channel.DirectMail, CampaignCategory.Marketing), ("content", Channel.PaidSocial, CampaignCategory.Marketing),
        ];
        return Enumerable.Range(0, count).Select(i =>
        {
            var (team, channel, category) = kinds[i % kinds.Length];
            var facts = new CampaignFacts($"c{i:D3}", $"Campaign {i}", team, channel, category, 25 * (1 + random.Next(4)),
                Math.Round((decimal)(0.05 + random.NextDouble() * 1.95), 2));
            return new Scheduled(facts, random.Next(7), 7 + random.Next(16));
        }).ToList();
    }

    public sealed record Customer(ProfileId Profile, string? Household, string Zone, ChannelConsents Consents, IReadOnlyList<string>? Lists);

    /// <summary>The customers, households together and sharing a zone; deterministic for a seed.</summary>
    public static IEnumerable<Customer> Customers(int count, int seed)
    {
        var random = new Random(seed);
        var profile = 1L;
        while (profile <= count)
        {
            var size = random.Next(10) < 6 ? 1 : random.Next(2, 5);
            var zone = Zones[random.Next(Zones.Length)];
            var household = size > 1 ? "h_" + profile.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            for (var m = 0; m < size && profile <= count; m++, profile++)
            {
                var consents = ChannelConsents.All(Consent.Unknown)
                    .With(Channel.Email, Pick(random, 85, 5))
                    .With(Channel.Sms, Pick(random, 50, 10))
                    .With(Channel.Push, Pick(random, 60, 5))
                    .With(Channel.PaidSocial, Pick(random, 0, 10));
                yield return new Customer(new ProfileId(profile), household, zone, consents, random.Next(100) == 0 ? ["hard bounces"] : null);
            }
        }
    }

    static Consent Pick(Random random, int granted, int refused)
    {
        var n = random.Next(100);
        return n < granted ? Consent.Granted : n < granted + refused ? Consent.Refused : Consent.Unknown;
    }

    /// <summary>
    /// Every customer gets every campaign, at the campaign's local day and hour plus up to an hour
    /// of send-time jitter: customers × campaigns planned sends.
    /// </summary>
    public static ContactPlan Plan(int customers, IReadOnlyList<Scheduled> campaigns, int seed)
    {
        var start = Week.AddDays(-1);
        var plan = new ContactPlan(start, customers, customers * campaigns.Count);
        var indexes = campaigns.Select(c => plan.AddCampaign(c.Facts)).ToArray();
        // The UTC time of each campaign in each zone, computed once.
        var at = Zones.ToDictionary(z => z, z =>
        {
            var calendar = LocalCalendar.Find(z);
            return campaigns.Select(c => calendar.ToUtc(Week.UtcDateTime.Date.AddDays(c.Day).AddHours(c.Hour))).ToArray();
        }, StringComparer.Ordinal);
        var random = new Random(seed + 1);
        foreach (var customer in Customers(customers, seed))
        {
            var index = plan.AddCustomer(customer.Profile, customer.Household, customer.Zone, customer.Consents, customer.Lists);
            var times = at[customer.Zone];
            for (var c = 0; c < campaigns.Count; c++) plan.AddSend(index, indexes[c], times[c].AddMinutes(random.Next(60)));
        }
        return plan;
    }
}
