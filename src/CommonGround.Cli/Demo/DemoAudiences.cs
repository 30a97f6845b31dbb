using CommonGround.Audiences;
using CommonGround.Storage;

namespace CommonGround.Cli.Demo;

/// <summary>
/// A few audiences each demo team would keep, written in the audience language over the demo's own
/// traits and events, so the audience pages have something to show from the first start.
/// </summary>
public static class DemoAudiences
{
    /// <summary>Name, owner team, what it is for, and the rule.</summary>
    public static IReadOnlyList<(string Name, string Team, string Description, string Rule)> All { get; } =
    [
        ("Gold and platinum members", "loyalty marketing", "Top loyalty tiers who may be e-mailed: first to hear of member offers.",
            "loyalty_tier in (\"gold\", \"platinum\")\nand consent email for marketing"),
        ("Lapsing loyalty members", "loyalty marketing", "Members who bought this quarter but not in the last month: a win-back before they drift.",
            "loyalty_tier is set\nand did \"Order Completed\" in the last 90 days\nand no \"Order Completed\" in the last 30 days"),
        ("Engaged ad clickers", "retail media", "Shoppers who clicked a sponsored placement lately: a sellable audience for brand partners.",
            "count of \"Ad Clicked\" in the last 30 days >= 1"),
        ("Frequent browsers", "retail media", "People who look at many products: reach for brand awareness on site.",
            "count of \"Product Viewed\" in the last 30 days >= 5"),
        ("Social clickers who have not bought", "social", "Came from a social ad in the last two months but have not ordered since.",
            "did \"Social Ad Clicked\" in the last 60 days\nand no \"Order Completed\" in the last 60 days"),
        ("Cart abandoners", "web", "Added to the basket this week and did not check out.",
            "did \"Added to Cart\" in the last 7 days\nand no \"Order Completed\" in the last 7 days"),
        ("Big online spenders", "web", "Spent more than £150 (before tax) in the web shop in the last 90 days.",
            "sum of revenue in \"Order Completed\" in the last 90 days > 150"),
        ("Phone win-back", "telemarketing", "Customers who agreed to calls and have not ordered for two months.",
            "has phone\nand consent phone for marketing\nand no \"Order Completed\" in the last 60 days"),
        ("Business accounts to call", "telemarketing", "People at businesses we know, with a phone number, for the business accounts desk.",
            "business has at least 1 members\nand has phone"),
    ];

    /// <summary>Saves the audiences that are not there yet (by name), so an interrupted run can add the rest.</summary>
    public static async Task AddAsync(IStore store, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (name, team, description, rule) in All)
        {
            if (await store.Audiences.FindByNameAsync(name, ct) is not null) continue;
            var definition = AudienceText.Parse(rule);
            await store.Audiences.AddAsync(new Audience(Id(name), name, team, description, definition,
                AudienceText.Format(definition), "demo", now, "demo", now), ct);
        }
    }

    /// <summary>The demo audience's id: fixed, so demo campaigns can name it.</summary>
    public static string Id(string name) => "aud_demo_" + Slug(name);

    internal static string Slug(string name) =>
        string.Concat(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')).Trim('_');
}
