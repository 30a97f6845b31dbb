using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>
/// Seeded plans of a week for a few hundred customers in several time zones, some in households,
/// and an independent checker of the policy below written with plain LINQ and TimeZoneInfo.
/// </summary>
static class RandomPlans
{
    public const int Customers = 300, SendsPerCustomer = 8, Sends = Customers * SendsPerCustomer;
    public static readonly DateTimeOffset Start = new(2026, 3, 23, 0, 0, 0, TimeSpan.Zero);
    static readonly string[] Zones = [Brussels, "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Australia/Sydney"];

    public static readonly ContactPolicyDefinition Policy = new()
    {
        Caps =
        [
            Cap(2, CapWindow.Day),
            Cap(3, CapWindow.Day, level: CapLevel.Household),
            Cap(5, CapWindow.Rolling7Days),
            Cap(1, CapWindow.Hour, CapScope.Channel) with { Channel = Channel.Sms },
            Cap(1, CapWindow.Day, CapScope.Team),
        ],
        MinimumGaps = [new MinimumGap { Gap = TimeSpan.FromHours(2) }],
        QuietHours = [new QuietHours { Channel = Channel.Sms, Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0) }],
        Teams = [new TeamPriority("loyalty", 1)],
    };

    static readonly CampaignFacts[] Campaigns =
    [
        Campaign.GoldTier, Campaign.BrandX, Campaign.Spring, Campaign.Winback, Campaign.Receipt,
        Campaign.Email("newsletter", 20, 0.05m, "content"), Campaign.Sms("flash", 90, 1.2m, "stores"),
        Campaign.Email("points", 50, 0.5m, "loyalty"), Campaign.Email("bundle", 50, 0.5m, "ecommerce"),
        new("retarget", "Retargeting", "retail media", Channel.OffSiteAd, CampaignCategory.Advertising, 30, 0.6m),
    ];

    sealed record Row(long Profile, string? Household, string Zone, int Campaign, DateTimeOffset At);

    /// <summary>The same plan for a seed; <paramref name="shuffle"/> 1 reverses, 2 permutes, the order customers and sends are added in.</summary>
    public static ContactPlan Create(int seed, int shuffle)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        var profile = 1L;
        while (profile <= Customers)
        {
            var size = random.Next(10) < 6 ? 1 : random.Next(2, 4);
            var zone = Zones[random.Next(Zones.Length)];
            var household = size > 1 ? $"h_{profile}" : null;
            for (var m = 0; m < size && profile <= Customers; m++, profile++)
            {
                for (var s = 0; s < SendsPerCustomer; s++)
                    rows.Add(new Row(profile, household, zone, random.Next(Campaigns.Length), Start.AddMinutes(random.Next(7 * 24 * 60))));
            }
        }
        rows = shuffle switch
        {
            1 => Enumerable.Reverse(rows).ToList(),
            2 => rows.OrderBy(_ => random.Next()).ToList(),
            _ => rows,
        };
        var plan = new ContactPlan(Start, 16, 16);
        var customers = new Dictionary<long, int>();
        foreach (var row in rows)
        {
            if (!customers.TryGetValue(row.Profile, out var customer))
                customers[row.Profile] = customer = plan.AddCustomer(new ProfileId(row.Profile), row.Household, row.Zone, ChannelConsents.All(Consent.Granted));
            plan.AddSend(customer, plan.AddCampaign(Campaigns[row.Campaign]), row.At);
        }
        return plan;
    }

    /// <summary>The kept sends as sorted text, comparable between runs.</summary>
    public static List<string> Outcome(ArbitrationResult result) =>
        result.KeptSends().Select(s => $"{s.Profile} {s.Campaign.Id} {s.At:O}").Order(StringComparer.Ordinal).ToList();

    /// <summary>Every way the kept sends (or all sends) break the policy above, checked without the engine.</summary>
    public static List<string> Violations(ContactPlan plan, ArbitrationResult? result = null, bool keepAll = false)
    {
        var kept = Enumerable.Range(0, plan.SendCount)
            .Where(s => keepAll || result!.IsKept(s))
            .Select(s => (Send: s, Customer: plan.CustomerOf(s), Campaign: plan.Campaigns[plan.CampaignOf(s)], At: plan.TimeOf(s)))
            .Where(k => k.Campaign.Category != CampaignCategory.Transactional)
            .Select(k =>
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(plan.TimeZone(k.Customer)!.Id);
                var local = TimeZoneInfo.ConvertTime(k.At, zone);
                return (k.Customer, Household: plan.Household(k.Customer) ?? $"p{k.Customer}", k.Campaign, k.At, Local: local.DateTime);
            })
            .ToList();
        var problems = new List<string>();
        void Over(string what, IEnumerable<IGrouping<object, object>> groups, int limit) =>
            problems.AddRange(groups.Where(g => g.Count() > limit).Select(g => $"{what} {g.Key}: {g.Count()}"));

        Over("customer day", kept.GroupBy(k => (object)(k.Customer, k.Local.Date), k => (object)k), 2);
        Over("household day", kept.GroupBy(k => (object)(k.Household, k.Local.Date), k => (object)k), 3);
        Over("team day", kept.GroupBy(k => (object)(k.Customer, k.Campaign.Team, k.Local.Date), k => (object)k), 1);
        foreach (var customer in kept.GroupBy(k => k.Customer))
        {
            var times = customer.OrderBy(k => k.At).ToList();
            foreach (var k in times)
            {
                if (times.Count(o => o.At > k.At.AddDays(-7) && o.At <= k.At) > 5) problems.Add($"7 days {customer.Key} {k.At:O}");
                if (k.Campaign.Channel == Channel.Sms && times.Count(o => o.Campaign.Channel == Channel.Sms && o.At > k.At.AddHours(-1) && o.At <= k.At) > 1)
                    problems.Add($"SMS hour {customer.Key} {k.At:O}");
                if (k.Campaign.Channel == Channel.Sms && (k.Local.Hour >= 21 || k.Local.Hour < 8)) problems.Add($"quiet {customer.Key} {k.Local:O}");
            }
            problems.AddRange(times.Zip(times.Skip(1)).Where(p => p.Second.At - p.First.At < TimeSpan.FromHours(2))
                .Select(p => $"gap {customer.Key} {p.First.At:O} {p.Second.At:O}"));
        }
        return problems;
    }
}
