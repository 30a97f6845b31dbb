using System.Collections.Concurrent;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Testing;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Many callers on the same customers at once never get past a cap (embedded ledger).</summary>
public class ContactLedgerRaceTests(ITestOutputHelper output)
{
    const int Callers = 64, Customers = 100, Attempts = 400;
    const int CustomerDaily = 3, HouseholdDaily = 5, SmsHourly = 1;

    [Fact]
    public async Task Sixty_four_callers_on_the_same_hundred_customers_never_exceed_a_cap()
    {
        var policy = Policy(
            Cap(CustomerDaily, CapWindow.Day),
            Cap(HouseholdDaily, CapWindow.Day, level: CapLevel.Household),
            Cap(SmsHourly, CapWindow.Hour, CapScope.Channel) with { Channel = Channel.Sms });
        var world = new PolicyWorld(policy, Local(2026, 6, 10, 12, 0));
        CampaignFacts[] campaigns =
        [
            Campaign.GoldTier, Campaign.Spring, Campaign.Winback, Campaign.BrandX, Campaign.Sms("flash", 90, 2m, "stores"),
            Campaign.Email("digest", 20, 0.1m, "content"),
        ];
        static string HouseholdOf(int customer) => $"h_{customer / 2}";

        var kept = new ConcurrentBag<(int Customer, CampaignFacts Campaign)>();
        long allowed = 0, denied = 0, cancelled = 0;
        using var start = new Barrier(Callers);
        var threads = Enumerable.Range(0, Callers).Select(caller => new Thread(() =>
        {
            var random = new Random(caller);
            start.SignalAndWait();
            for (var i = 0; i < Attempts; i++)
            {
                var customer = random.Next(Customers);
                var campaign = campaigns[random.Next(campaigns.Length)];
                var decision = world.Decide(customer + 1, campaign, HouseholdOf(customer));
                if (!decision.Allowed)
                {
                    Interlocked.Increment(ref denied);
                    continue;
                }
                Interlocked.Increment(ref allowed);
                var id = decision.Reservation!.Value;
                // Most are confirmed, some cancelled (freeing the place for another caller), some left reserved.
                switch (random.Next(10))
                {
                    case < 6:
                        Assert.Equal(ReservationResult.Confirmed, world.Decider.ConfirmAsync(id, CancellationToken.None).AsTask().Result);
                        kept.Add((customer, campaign));
                        break;
                    case < 8:
                        Assert.Equal(ReservationResult.Cancelled, world.Decider.CancelAsync(id, CancellationToken.None).AsTask().Result);
                        Interlocked.Increment(ref cancelled);
                        break;
                    default:
                        kept.Add((customer, campaign));
                        break;
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        output.WriteLine($"{allowed:N0} allowed ({cancelled:N0} then cancelled), {denied:N0} denied, {kept.Count} kept");

        var tally = new RaceTally(kept, HouseholdOf);
        tally.AssertCapsHeldAndReached(Customers / 2, CustomerDaily, HouseholdDaily, SmsHourly);
        Assert.Equal(kept.Count + cancelled, allowed);

        // The ledger's own view agrees with what the callers kept.
        var now = world.Time.GetUtcNow();
        for (var customer = 0; customer < Customers; customer++)
        {
            var entries = await world.Ledger.ReadAsync(new ProfileId(customer + 1), null, now, TestContext.Current.CancellationToken);
            Assert.Equal(tally.Of(customer), entries.Count);
        }
    }
}
