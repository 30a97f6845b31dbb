using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>
/// One contact policy for every team: caps per customer and household, quiet hours, minimum gaps,
/// consent, suppression lists, and the order in which teams' campaigns are served. Immutable; a
/// change makes a new <see cref="PolicyVersion"/> in <see cref="PolicyHistory"/>. JSON form:
/// <see cref="ContactPolicyJson"/>; checked by <see cref="ContactPolicyValidator"/>.
/// </summary>
/// <remarks>
/// Named ...Definition (like AudienceDefinition) because a type called ContactPolicy inside the
/// CommonGround.ContactPolicy namespace would hide the namespace from every other folder.
/// </remarks>
public sealed record ContactPolicyDefinition
{
    /// <summary>At most N messages per customer or household per window; at most 64.</summary>
    public IReadOnlyList<ContactCap> Caps { get; init; } = [];

    /// <summary>Local times, per channel, when no marketing message or ad may go out.</summary>
    public IReadOnlyList<QuietHours> QuietHours { get; init; } = [];

    /// <summary>The least time between two counted messages to one customer.</summary>
    public IReadOnlyList<MinimumGap> MinimumGaps { get; init; } = [];

    /// <summary>
    /// When true, retail-media ad exposures (<see cref="CampaignCategory.Advertising"/>) count toward
    /// every cap, gap and quiet hour together with marketing messages; when false, only caps that
    /// name the advertising category count them.
    /// </summary>
    public bool AdvertisingCountsTowardCaps { get; init; } = true;

    /// <summary>
    /// Channels where marketing needs the customer's explicit consent; elsewhere only a refusal
    /// blocks. Transactional messages never need marketing consent.
    /// </summary>
    public IReadOnlyList<Channel> OptInChannels { get; init; } = [Channel.Email, Channel.Sms, Channel.Push, Channel.Telemarketing];

    /// <summary>Lists whose members may not be contacted, e.g. hard bounces or a do-not-call register.</summary>
    public IReadOnlyList<SuppressionList> SuppressionLists { get; init; } = [];

    /// <summary>Team priorities (1 to 100, higher first, like campaign priorities): between campaigns of equal priority, the team with the higher one goes first. Teams not listed come after those listed.</summary>
    public IReadOnlyList<TeamPriority> Teams { get; init; } = [];

    /// <summary>How long a real-time reservation holds its place when it is neither confirmed nor cancelled.</summary>
    public TimeSpan ReservationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The time zone (IANA id) of customers whose own is not known.</summary>
    public string DefaultTimeZone { get; init; } = "UTC";

    /// <summary>ISO 4217 code of expected values, used in explanations ("$0.80").</summary>
    public string Currency { get; init; } = "USD";
}

/// <summary>What a cap counts: every counted message, or only those of one channel, category or team.</summary>
public enum CapScope
{
    AllMarketing,
    Channel,
    Category,
    Team,
}

/// <summary>Whose messages a cap counts: one customer's, or everyone's at the same household.</summary>
public enum CapLevel
{
    Customer,

    /// <summary>All members of the household together; a customer without a known household is a household of one.</summary>
    Household,
}

/// <summary>The period a cap counts over.</summary>
public enum CapWindow
{
    /// <summary>Any 60 minutes.</summary>
    Hour,

    /// <summary>The customer's local calendar day, midnight to midnight in their time zone (23 or 25 hours on a daylight-saving change).</summary>
    Day,

    /// <summary>Any 7 times 24 hours.</summary>
    Rolling7Days,

    /// <summary>The customer's local calendar month.</summary>
    Month,
}

/// <summary>
/// At most <see cref="Limit"/> messages per <see cref="Window"/> for each customer or household.
/// </summary>
/// <remarks>
/// With <see cref="CapScope.Channel"/>, <see cref="Channel"/> names one channel; left empty, the cap
/// applies to each channel separately ("at most 1 message a day on any one channel"). The same holds
/// for <see cref="CapScope.Category"/> and <see cref="CapScope.Team"/>. Transactional messages are
/// never capped, so a category cap cannot name them.
/// </remarks>
public sealed record ContactCap
{
    public CapScope Scope { get; init; } = CapScope.AllMarketing;
    public CapLevel Level { get; init; } = CapLevel.Customer;
    public CapWindow Window { get; init; } = CapWindow.Day;
    public int Limit { get; init; }
    public Channel? Channel { get; init; }
    public CampaignCategory? Category { get; init; }
    public string? Team { get; init; }
}

/// <summary>
/// No marketing message or ad on <see cref="Channel"/> between <see cref="Start"/> (inclusive) and
/// <see cref="End"/> (exclusive), in the customer's local time. Start after end crosses midnight
/// (21:00 to 08:00).
/// </summary>
public sealed record QuietHours
{
    public Channel Channel { get; init; }
    public TimeOnly Start { get; init; }
    public TimeOnly End { get; init; }
}

/// <summary>
/// At least <see cref="Gap"/> between two counted messages to the same customer: on any channel, or
/// between two messages of <see cref="Channel"/> when it is set.
/// </summary>
public sealed record MinimumGap
{
    public TimeSpan Gap { get; init; }
    public Channel? Channel { get; init; }
}

/// <summary>
/// A named list whose members may not be contacted on its channels (all channels when empty). The
/// caller says which lists a customer is on; the policy says what each list blocks.
/// </summary>
public sealed record SuppressionList
{
    public string Name { get; init; } = "";
    public IReadOnlyList<Channel> Channels { get; init; } = [];

    /// <summary>When true, the list blocks transactional messages too (e.g. an address that bounces).</summary>
    public bool IncludesTransactional { get; init; }
}

/// <summary>A team's priority: 1 to 100, higher is served first.</summary>
public sealed record TeamPriority(string Team, int Priority);
