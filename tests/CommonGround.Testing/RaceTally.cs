using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using Xunit;

namespace CommonGround.Testing;

/// <summary>
/// What the callers of a contact ledger race kept (confirmed or left reserved), counted against the
/// race's caps: a customer's daily cap, a household's daily cap and one SMS an hour per customer
/// (all messages of a race fall in one hour). Shared by the embedded and the Redis Cluster races.
/// </summary>
public sealed class RaceTally(IEnumerable<(int Customer, CampaignFacts Campaign)> kept, Func<int, string> householdOf)
{
    readonly Dictionary<int, List<CampaignFacts>> _perCustomer =
        kept.GroupBy(k => k.Customer).ToDictionary(g => g.Key, g => g.Select(k => k.Campaign).ToList());

    /// <summary>Messages kept per household.</summary>
    public Dictionary<string, int> PerHousehold => _perCustomer.GroupBy(c => householdOf(c.Key)).ToDictionary(g => g.Key, g => g.Sum(c => c.Value.Count));

    /// <summary>Messages kept for a customer.</summary>
    public int Of(int customer) => _perCustomer.GetValueOrDefault(customer)?.Count ?? 0;

    /// <summary>Every cap exceeded, in words; empty when none was.</summary>
    public List<string> Violations(int customerDaily, int householdDaily, int smsHourly) =>
        _perCustomer.Where(c => c.Value.Count > customerDaily).Select(c => $"customer {c.Key}: {c.Value.Count}")
            .Concat(_perCustomer.Where(c => c.Value.Count(k => k.Channel == Channel.Sms) > smsHourly).Select(c => $"customer {c.Key}: SMS"))
            .Concat(PerHousehold.Where(h => h.Value > householdDaily).Select(h => $"{h.Key}: {h.Value}"))
            .ToList();

    /// <summary>No cap was exceeded, and the caps were reached rather than dodged: every household ends full.</summary>
    public void AssertCapsHeldAndReached(int households, int customerDaily, int householdDaily, int smsHourly)
    {
        Assert.Empty(Violations(customerDaily, householdDaily, smsHourly));
        Assert.Equal(households, PerHousehold.Count(h => h.Value == householdDaily));
    }
}
