using System.Collections.Concurrent;
using CommonGround.Campaigns;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>A planned send as the result lists it.</summary>
/// <param name="Index">Its number in the plan (the order it was added).</param>
public sealed record PlannedSend(int Index, ProfileId Profile, string? Household, CampaignFacts Campaign, DateTimeOffset At);

/// <summary>Kept and held-back sends of one team on one channel.</summary>
public sealed record ArbitrationTotal(Channel Channel, string Team, long Planned, long Kept, long HeldBack);

/// <summary>Kept and held-back sends of one campaign, with the held-back ones by reason.</summary>
public sealed record CampaignOutcome(CampaignFacts Campaign, long Planned, long Kept, long HeldBack, IReadOnlyDictionary<HoldCode, long> HeldBackBy);

/// <summary>
/// What a batch arbitration decided: one outcome per planned send (kept, or held back with a code),
/// totals per channel and team, the send list per channel and team, and for any held-back send the
/// reasons in words (<see cref="Explain"/>, recomputed on demand so millions of held-back sends cost
/// two bytes each). Read-only and thread-safe.
/// </summary>
public sealed class ArbitrationResult
{
    internal const int Outcomes = 7;
    readonly ContactPlan _plan;
    readonly CompiledContactPolicy _policy;
    readonly Arbitrator.Layout _layout;
    readonly byte[] _status, _rule;
    readonly ConcurrentDictionary<int, ContactEntry[]> _history;
    readonly DateTimeOffset _at;

    internal ArbitrationResult(ContactPlan plan, CompiledContactPolicy policy, Arbitrator.Layout layout, byte[] status, byte[] rule,
        ConcurrentDictionary<int, ContactEntry[]> history, long[,] totals, DateTimeOffset at)
    {
        (_plan, _policy, _layout, _status, _rule, _history, _at) = (plan, policy, layout, status, rule, history, at);
        var campaigns = new List<CampaignOutcome>();
        for (var c = 0; c < plan.Campaigns.Count; c++)
        {
            var by = new SortedDictionary<HoldCode, long>();
            long held = 0;
            for (var o = 1; o < Outcomes; o++)
            {
                if (totals[c, o] == 0) continue;
                by[(HoldCode)o] = totals[c, o];
                held += totals[c, o];
            }
            campaigns.Add(new CampaignOutcome(plan.Campaigns[c], totals[c, 0] + held, totals[c, 0], held, by));
        }
        Campaigns = campaigns;
        Totals = campaigns
            .GroupBy(c => (c.Campaign.Channel, c.Campaign.Team))
            .OrderBy(g => g.Key.Channel).ThenBy(g => g.Key.Team, StringComparer.Ordinal)
            .Select(g => new ArbitrationTotal(g.Key.Channel, g.Key.Team, g.Sum(c => c.Planned), g.Sum(c => c.Kept), g.Sum(c => c.HeldBack)))
            .ToList();
        Kept = campaigns.Sum(c => c.Kept);
        HeldBack = campaigns.Sum(c => c.HeldBack);
    }

    public int PolicyVersion => _policy.Version;

    public long Planned => _status.Length;

    public long Kept { get; }

    public long HeldBack { get; }

    /// <summary>Per campaign, in the plan's order.</summary>
    public IReadOnlyList<CampaignOutcome> Campaigns { get; }

    /// <summary>Per channel and team, by channel then team.</summary>
    public IReadOnlyList<ArbitrationTotal> Totals { get; }

    public bool IsKept(int send) => _status[send] == 0;

    /// <summary>Why a send was held back (the first reason found), or null when it was kept.</summary>
    public HoldCode? CodeOf(int send) => _status[send] == 0 ? null : (HoldCode)_status[send];

    /// <summary>The kept sends of one team on one channel, in plan order: what that team sends.</summary>
    public IEnumerable<PlannedSend> SendList(Channel channel, string team)
    {
        var matching = _plan.Campaigns.Select(c => c.Channel == channel && c.Team == team).ToArray();
        for (var s = 0; s < _status.Length; s++)
        {
            if (_status[s] == 0 && matching[_plan.CampaignOf(s)]) yield return Send(s);
        }
    }

    /// <summary>Every kept send, in plan order.</summary>
    public IEnumerable<PlannedSend> KeptSends()
    {
        for (var s = 0; s < _status.Length; s++)
        {
            if (_status[s] == 0) yield return Send(s);
        }
    }

    /// <summary>Every held-back send, in plan order.</summary>
    public IEnumerable<PlannedSend> HeldBackSends()
    {
        for (var s = 0; s < _status.Length; s++)
        {
            if (_status[s] != 0) yield return Send(s);
        }
    }

    /// <summary>
    /// The reasons a send was held back (empty when kept), naming the sends that used up each cap:
    /// the customer's household is arbitrated again up to that send, which gives the same state.
    /// </summary>
    public IReadOnlyList<HoldReason> Explain(int send)
    {
        if (_status[send] == 0) return [];
        var customer = _plan.CustomerOf(send);
        var group = _layout.GroupOf[customer];
        var worker = new Arbitrator.Worker(_plan, _policy, _layout, null, _at);
        var (candidate, entries) = worker.Arbitrate(group, _history.GetValueOrDefault(group) ?? [], _status, _rule, stopAt: send)!.Value;
        var code = (HoldCode)_status[send];
        if (code is not (HoldCode.CapReached or HoldCode.MinimumGap))
            return [_policy.Explain(candidate, code, _rule[send], _plan.SuppressionLists(customer))];
        var verdict = _policy.Check(candidate, default, entries, shared: true, _at.UtcTicks);
        return _policy.Explain(candidate, verdict, default, entries, shared: true, _at.UtcTicks);
    }

    PlannedSend Send(int s)
    {
        var customer = _plan.CustomerOf(s);
        return new PlannedSend(s, _plan.Profile(customer), _plan.Household(customer), _plan.Campaigns[_plan.CampaignOf(s)], _plan.TimeOf(s));
    }
}
