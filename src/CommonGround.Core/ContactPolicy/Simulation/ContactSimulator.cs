using System.Numerics;
using CommonGround.Campaigns;
using CommonGround.Storage;

namespace CommonGround.ContactPolicy.Simulation;

/// <summary>How far a simulation is: the stage in words, and the work done of the total where known.</summary>
public sealed record SimulationProgress(string Stage, long Done, long? Total);

/// <summary>
/// The what-if simulator: for a window of days, plans every send of the campaigns active in it to
/// their targets, arbitrates the plan with a contact policy, and reports how many messages customers
/// and households would get per day without the policy and with it (<see cref="SimulationReport"/>).
/// </summary>
/// <remarks>
/// <para>Days are the policy's default time zone's days (customers have no zone of their own in the
/// store yet, so every customer is in that zone, as the caps count them).</para>
/// <para>Sends: a one-off campaign once, at its moment; a recurring one at each occurrence of its
/// cron in the window; an always-on (triggered) campaign has no schedule to read, so it is estimated
/// as one message a day to each of its targets, at 12:00 local time, on each day it runs.</para>
/// <para>Targets are the campaigns' stored target lists (refreshed from their audiences' snapshots),
/// without the held-out and control people, read from the store in one streamed query ordered by
/// person, with each person's marketing consent per channel and the stored suppression lists they are
/// on (a list the policy does not define blocks nothing). The ledger is not read: the simulation
/// shows what the plan alone would do.</para>
/// <para>Memory: the plan's columns (10 bytes a send), the arbitration's (about 10 bytes a send), and
/// two bytes per customer and day for the counts. Thread-safe: one instance may run several
/// simulations at once.</para>
/// </remarks>
public sealed class ContactSimulator(ICampaignStore campaigns, TimeProvider time)
{
    /// <summary>The longest window a simulation takes.</summary>
    public const int MaxDays = 31;

    /// <summary>Local time of day at which an always-on campaign's estimated daily message is planned.</summary>
    public static readonly TimeOnly AlwaysOnTime = new(12, 0);

    /// <summary>Simulates <paramref name="days"/> days from <paramref name="from"/> with <paramref name="policy"/>.</summary>
    /// <param name="policyVersion">The version number to report (0 for a policy that is not in force, e.g. a file).</param>
    /// <exception cref="ContactPolicyException">The policy is not valid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="days"/> is not between 1 and <see cref="MaxDays"/>.</exception>
    public async Task<SimulationReport> RunAsync(ContactPolicyDefinition policy, int policyVersion, DateOnly from, int days,
        IProgress<SimulationProgress>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var history = new PolicyHistory(policy, "what-if simulation", new CampaignDirectory(), time);
        var calendar = LocalCalendar.Find(policy.DefaultTimeZone);
        var start = calendar.ToUtc(from.ToDateTime(TimeOnly.MinValue));
        var end = calendar.ToUtc(from.AddDays(days).ToDateTime(TimeOnly.MinValue));

        progress?.Report(new SimulationProgress("Reading the campaign calendar", 0, null));
        var active = CampaignCalendar.ActiveBetween(await campaigns.ListAsync(new CampaignQuery(start, end), ct), start, end);
        var planned = new List<(Campaign Campaign, DateTimeOffset[] Times)>();
        foreach (var campaign in active)
        {
            var times = SendTimes(campaign.Schedule, calendar, from, days, start, end);
            if (times.Length > 0) planned.Add((campaign, times));
        }

        var plan = new ContactPlan(start);
        foreach (var (campaign, _) in planned) plan.AddCampaign(CampaignFacts.Of(campaign));
        var targets = new long[planned.Count];
        long rows = 0, last = long.MinValue;
        var customer = -1;
        var defined = new DefinedSuppressionLists(policy);
        await foreach (var t in campaigns.ReadPlannedTargetsAsync([.. planned.Select(p => p.Campaign.Id)], ct))
        {
            if (t.Profile.Value != last)
            {
                customer = plan.AddCustomer(t.Profile, t.HouseholdId, t.TimeZone, t.Consents, defined.Of(t.SuppressionLists));
                last = t.Profile.Value;
            }
            targets[t.Campaign]++;
            foreach (var at in planned[t.Campaign].Times) plan.AddSend(customer, t.Campaign, at);
            if (++rows % 100_000 == 0) progress?.Report(new SimulationProgress("Reading targets", rows, null));
        }

        progress?.Report(new SimulationProgress("Arbitrating", 0, plan.SendCount));
        var result = new Arbitrator(history, null, time).Run(plan);
        progress?.Report(new SimulationProgress("Counting", plan.SendCount, plan.SendCount));
        ct.ThrowIfCancellationRequested();
        return Tally(plan, result, planned, targets, calendar, from, days, policy.Currency, policyVersion);
    }

    /// <summary>When a campaign sends in the window (see the remarks on the class for always-on campaigns).</summary>
    public static DateTimeOffset[] SendTimes(Schedule schedule, LocalCalendar calendar, DateOnly from, int days, DateTimeOffset start, DateTimeOffset end)
    {
        if (schedule is not AlwaysOnSchedule)
            return [.. schedule.TimesBetween(start, end)];
        var times = new List<DateTimeOffset>(days);
        for (var d = 0; d < days; d++)
        {
            var day = from.AddDays(d);
            var (dayStart, dayEnd) = (calendar.ToUtc(day.ToDateTime(TimeOnly.MinValue)), calendar.ToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue)));
            if (!schedule.RunsBetween(dayStart, dayEnd)) continue;
            var at = calendar.ToUtc(day.ToDateTime(AlwaysOnTime));
            if (at < schedule.Start) at = schedule.Start;
            if (schedule.End is { } stop && at >= stop) continue;
            if (at >= dayStart && at < dayEnd) times.Add(at);
        }
        return [.. times];
    }

    static SimulationReport Tally(ContactPlan plan, ArbitrationResult result, List<(Campaign Campaign, DateTimeOffset[] Times)> planned,
        long[] targets, LocalCalendar calendar, DateOnly from, int days, string currency, int policyVersion)
    {
        var customers = plan.CustomerCount;
        // Households as arbitration groups them: a customer without one is a household of one.
        var groupOf = new int[customers];
        var groups = plan.HouseholdCount;
        for (var c = 0; c < customers; c++) groupOf[c] = plan.HouseholdNumber(c) is var h and >= 0 ? h : groups++;

        var teams = planned.Select(p => p.Campaign.Team).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var teamOf = planned.Select(p => Array.IndexOf(teams, p.Campaign.Team)).ToArray();
        var valueOf = planned.Select(p => p.Campaign.ExpectedValue).ToArray();
        var teamPlanned = new long[teams.Length];
        var teamHeld = new long[teams.Length];
        var teamValue = new decimal[teams.Length];
        var teamCustomers = new ulong[teams.Length][];
        for (var t = 0; t < teams.Length; t++) teamCustomers[t] = new ulong[(customers + 63) / 64];
        var codes = new long[ArbitrationResult.Outcomes];
        var dayPlanned = new long[days];
        var dayKept = new long[days];

        // Messages per customer (household) and day, without and with the policy, saturating at 255.
        var customerWithout = new byte[(long)customers * days];
        var customerWith = new byte[customerWithout.Length];
        var householdWithout = new byte[(long)groups * days];
        var householdWith = new byte[householdWithout.Length];
        var first = from.DayNumber;
        for (var s = 0; s < plan.SendCount; s++)
        {
            var d = calendar.DayOf(plan.TicksOf(s)).Date.DayNumber - first;
            if ((uint)d >= (uint)days) continue;
            var c = plan.CustomerOf(s);
            var campaign = plan.CampaignOf(s);
            var team = teamOf[campaign];
            long ci = (long)c * days + d, hi = (long)groupOf[c] * days + d;
            Increment(customerWithout, ci);
            Increment(householdWithout, hi);
            dayPlanned[d]++;
            teamPlanned[team]++;
            if (result.CodeOf(s) is { } code)
            {
                codes[(int)code]++;
                teamHeld[team]++;
                teamValue[team] += valueOf[campaign];
                teamCustomers[team][c >> 6] |= 1UL << (c & 63);
            }
            else
            {
                Increment(customerWith, ci);
                Increment(householdWith, hi);
                dayKept[d]++;
            }
        }

        var daily = new SimulatedDay[days];
        var heavyWithout = new long[days];
        var heavyWith = new long[days];
        var maxWithout = new int[days];
        var maxWith = new int[days];
        for (long c = 0; c < customers; c++)
        {
            for (var d = 0; d < days; d++)
            {
                int without = customerWithout[c * days + d], with = customerWith[c * days + d];
                if (without >= SimulationReport.Heavy) heavyWithout[d]++;
                if (with >= SimulationReport.Heavy) heavyWith[d]++;
                maxWithout[d] = Math.Max(maxWithout[d], without);
                maxWith[d] = Math.Max(maxWith[d], with);
            }
        }
        for (var d = 0; d < days; d++)
            daily[d] = new SimulatedDay(from.AddDays(d), dayPlanned[d], dayKept[d], dayPlanned[d] - dayKept[d], heavyWithout[d], heavyWith[d], maxWithout[d], maxWith[d]);
        var worst = daily.Where(d => d.Planned > 0)
            .OrderByDescending(d => d.HeavyWithout).ThenByDescending(d => d.MaxWithout).ThenByDescending(d => d.Planned).ThenBy(d => d.Day)
            .Take(3).ToList();

        var campaignRows = new List<SimulatedCampaign>();
        for (var i = 0; i < planned.Count; i++)
        {
            var (campaign, times) = planned[i];
            var outcome = result.Campaigns[i];
            campaignRows.Add(new SimulatedCampaign(campaign.Id, campaign.Name, campaign.Team, campaign.Channel, campaign.Category, campaign.Priority,
                campaign.ExpectedValue, campaign.Schedule.Kind, campaign.Schedule is AlwaysOnSchedule, times.Length, targets[i],
                outcome.Planned, outcome.Kept, outcome.HeldBack));
        }
        var teamRows = teams.Select((team, t) => new TeamHeldBack(team, teamPlanned[t], teamHeld[t],
            teamCustomers[t].Sum(w => (long)BitOperations.PopCount(w)), teamValue[t])).ToList();
        var ruleRows = Enumerable.Range(1, codes.Length - 1).Where(o => codes[o] > 0)
            .Select(o => new RuleHeldBack((HoldCode)o, ContactPolicyJson.Name((HoldCode)o), codes[o]))
            .OrderByDescending(r => r.HeldBack).ThenBy(r => r.Code).ToList();

        return new SimulationReport(from, days, calendar.Id, currency, policyVersion, campaignRows, customers, groups,
            result.Planned, result.Kept, result.HeldBack, teamValue.Sum(),
            Distribution(customerWithout, customerWith, customers, days),
            Distribution(householdWithout, householdWith, groups, days),
            teamRows, ruleRows, daily, worst);
    }

    static void Increment(byte[] counts, long i)
    {
        if (counts[i] < byte.MaxValue) counts[i]++;
    }

    static DailyDistribution Distribution(byte[] without, byte[] with, int members, int days)
    {
        var buckets = SimulationReport.Buckets.Count;
        var histogramWithout = new long[buckets];
        var histogramWith = new long[buckets];
        int maxWithout = 0, maxWith = 0;
        long heavyWithout = 0, heavyWith = 0;
        for (long m = 0; m < members; m++)
        {
            bool isHeavyWithout = false, isHeavyWith = false;
            for (var d = 0; d < days; d++)
            {
                int a = without[m * days + d], b = with[m * days + d];
                histogramWithout[Math.Min(a, buckets - 1)]++;
                histogramWith[Math.Min(b, buckets - 1)]++;
                maxWithout = Math.Max(maxWithout, a);
                maxWith = Math.Max(maxWith, b);
                isHeavyWithout |= a >= SimulationReport.Heavy;
                isHeavyWith |= b >= SimulationReport.Heavy;
            }
            if (isHeavyWithout) heavyWithout++;
            if (isHeavyWith) heavyWith++;
        }
        return new DailyDistribution(histogramWithout, histogramWith, maxWithout, maxWith, heavyWithout, heavyWith);
    }
}
