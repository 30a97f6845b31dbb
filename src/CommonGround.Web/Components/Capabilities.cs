namespace CommonGround.Web.Components;

/// <summary>One page of the UI's navigation: a capability of the product, built or planned.</summary>
/// <param name="Href">The page's address.</param>
/// <param name="Summary">What the page is for, in the words of the teams that use it.</param>
/// <param name="Built">False for capabilities not built yet: their page says so and what it will do.</param>
/// <param name="Plans">For pages not built yet: what they will do.</param>
public sealed record Capability(string Title, string Href, string Summary, bool Built, IReadOnlyList<string> Plans);

/// <summary>A heading of the navigation and its pages.</summary>
public sealed record CapabilitySection(string Title, IReadOnlyList<Capability> Pages);

/// <summary>Every capability of the product, in the order of the navigation.</summary>
public static class Capabilities
{
    static Capability Built(string title, string href, string summary) => new(title, href, summary, true, []);

    static Capability Planned(string title, string href, string summary, params string[] plans) => new(title, href, summary, false, plans);

    public static IReadOnlyList<CapabilitySection> Sections { get; } =
    [
        new("", [Built("Overview", "/", "Customers, households, businesses, and what every team's sources send.")]),
        new("Source of truth",
        [
            Built("Catalog", "/catalog", "Every field that has arrived: its data type, dataset, owner team and whether it is personal."),
            Built("Profiles", "/profiles", "Find a person by e-mail, phone, id or name and see everything every team knows."),
            Built("Sources", "/sources", "The tools of each team that send data, and how fresh their data is."),
        ]),
        new("Activation",
        [
            Built("Audiences", "/audiences", "Targeting logic every team can read: build an audience, see who it reaches, in plain English."),
            Built("Campaign calendar", "/campaigns/calendar", "Every team's campaigns on one calendar, by week and month, with the days that contact the same customers too often."),
            Built("Campaign overlap", "/campaigns/overlap", "Which campaigns reach the same customers and households: a heatmap and the people contacted most."),
            Built("Contact policy", "/contact-policy", "One contact policy for every team: caps per customer and household, quiet hours, consent, and who goes first; every version with who changed it."),
            Built("What-if simulator", "/contact-policy/simulate", "A week of every team's planned campaigns with and without the contact policy: messages per customer a day, and what is held back."),
        ]),
        new("Learning",
        [
            Planned("Measurement", "/measurement", "The same metrics for everyone.",
                "Holdout-based incrementality per campaign and team.",
                "Attribution, ad revenue and return on ad spend for the retail media network.",
                "A timeline of every message a customer received."),
            Planned("Shared AI models", "/models", "Models that learn from every past campaign.",
                "Propensity, uplift and expected value per customer, trained on every team's campaigns.",
                "Each model with its data, its quality and who uses it."),
            Planned("Stand-up report", "/insights/standup", "The weekly cross-team stand-up report.",
                "What changed this week, per team and across teams, in plain words.",
                "Anomalies in arriving data and results, with where to look."),
            Planned("Storyboard", "/insights/storyboard", "Changes and anomalies told in plain words.",
                "What moved in the data, why it probably moved, and the charts that show it, ready to share."),
        ]),
        new("Web and IT",
        [
            Planned("Web performance", "/web-performance", "Real-user web performance joined to conversion and revenue.",
                "Core Web Vitals from real visits, by page and device.",
                "What slow pages cost in conversion and revenue."),
            Planned("Tags & vendors", "/tags", "Governance of third-party tags and vendors.",
                "What fires where on the website, and which vendor receives what.",
                "Personal data that leaks to vendors, found and explained."),
        ]),
    ];

    public static IEnumerable<Capability> All => Sections.SelectMany(s => s.Pages);

    /// <summary>The capability whose page is at <paramref name="path"/>, or null.</summary>
    public static Capability? At(string path) =>
        All.FirstOrDefault(c => string.Equals(c.Href, "/" + path.Trim('/'), StringComparison.OrdinalIgnoreCase));
}
