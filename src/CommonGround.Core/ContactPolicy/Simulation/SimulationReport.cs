using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy.Simulation;

/// <summary>
/// What the what-if simulator found for a window of days: how many messages each customer and each
/// household would get per day without the contact policy and with it, what the policy holds back
/// per team and per rule, and the worst days. Counts are of customer-days (or household-days): a
/// customer targeted in the window counts once for each day of it.
/// </summary>
/// <param name="From">The first day, in <paramref name="TimeZone"/> (the policy's default zone).</param>
/// <param name="Currency">The policy's currency, for the expected values held back.</param>
public sealed record SimulationReport(
    DateOnly From,
    int Days,
    string TimeZone,
    string Currency,
    int PolicyVersion,
    IReadOnlyList<SimulatedCampaign> Campaigns,
    long Customers,
    long Households,
    long Planned,
    long Kept,
    long HeldBack,
    decimal ValueHeldBack,
    DailyDistribution PerCustomer,
    DailyDistribution PerHousehold,
    IReadOnlyList<TeamHeldBack> Teams,
    IReadOnlyList<RuleHeldBack> Rules,
    IReadOnlyList<SimulatedDay> Daily,
    IReadOnlyList<SimulatedDay> WorstDays)
{
    /// <summary>The labels of the histogram buckets: 0, 1, 2, 3, 4 and 5 or more messages in a day.</summary>
    public static IReadOnlyList<string> Buckets { get; } = ["0", "1", "2", "3", "4", "5+"];

    /// <summary>Messages in a day from which a day counts as heavy (the last bucket).</summary>
    public const int Heavy = 5;

    public DateOnly To => From.AddDays(Days);
}

/// <summary>
/// Messages per day of each customer (or household), without the policy (everything planned) and
/// with it (what arbitration keeps): histograms over <see cref="SimulationReport.Buckets"/>, the
/// most in one day, and how many customers (households) had at least one day of 5 or more.
/// </summary>
public sealed record DailyDistribution(
    IReadOnlyList<long> Without,
    IReadOnlyList<long> With,
    int MaxWithout,
    int MaxWith,
    long HeavyWithout,
    long HeavyWith);

/// <summary>A campaign that sends in the window: its targets (contacted ones) and what the policy does to its sends.</summary>
/// <param name="Estimated">Always-on: the sends are an estimate (one a day per target), not a schedule.</param>
public sealed record SimulatedCampaign(
    string Id, string Name, string Team, Channel Channel, CampaignCategory Category, int Priority, decimal ExpectedValue,
    ScheduleKind Schedule, bool Estimated, int SendTimes, long Targets, long Planned, long Kept, long HeldBack);

/// <summary>What the policy holds back from one team: messages, distinct customers, and their expected value.</summary>
public sealed record TeamHeldBack(string Team, long Planned, long HeldBack, long Customers, decimal Value);

/// <summary>Held-back messages by the first rule that stopped them (a <see cref="HoldCode"/>, in its JSON name).</summary>
public sealed record RuleHeldBack(HoldCode Code, string Name, long HeldBack);

/// <summary>One day of the window: messages planned and kept, and how heavy the day is for customers.</summary>
/// <param name="HeavyWithout">Customers who would get 5 or more messages that day without the policy.</param>
public sealed record SimulatedDay(
    DateOnly Day, long Planned, long Kept, long HeldBack, long HeavyWithout, long HeavyWith, int MaxWithout, int MaxWith);
