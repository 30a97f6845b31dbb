using System.Collections.Concurrent;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CommonGround.Ledger.Redis.Tests;

/// <summary>
/// Two CommonGround nodes against one Redis Cluster: each with its own connection, campaign
/// directory, policy history, ledger and decider, as two server processes would have.
/// </summary>
public sealed class TwoNodeTests(ITestOutputHelper output) : IAsyncDisposable
{
    const int CallersPerNode = 32, Customers = 100, Attempts = 120;
    const int CustomerDaily = 3, HouseholdDaily = 5, SmsHourly = 1;
    static readonly DateTimeOffset Noon = new(2026, 6, 10, 10, 0, 0, TimeSpan.Zero);
    static readonly CampaignFacts GoldTier = new("gold-tier", "Gold tier offer", "loyalty", Channel.Email, CampaignCategory.Marketing, 90, 0.40m);
    static readonly CampaignFacts Spring = new("spring-sale", "Spring sale", "ecommerce", Channel.Email, CampaignCategory.Marketing, 50, 0.50m);
    static readonly CampaignFacts Winback = new("winback", "Win-back", "lifecycle", Channel.Sms, CampaignCategory.Marketing, 30, 0.30m);
    static readonly CampaignFacts BrandX = new("brand-x", "Brand X sponsored offer", "retail media", Channel.OnSiteAd, CampaignCategory.Advertising, 50, 0.80m);
    static readonly CampaignFacts Flash = new("flash", "Flash sale", "stores", Channel.Sms, CampaignCategory.Marketing, 90, 2m);
    static readonly CampaignFacts Digest = new("digest", "Digest", "content", Channel.Email, CampaignCategory.Marketing, 20, 0.1m);
    readonly List<ConnectionMultiplexer> _connections = [];
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static ContactCap Cap(int limit, CapWindow window, CapScope scope = CapScope.AllMarketing, CapLevel level = CapLevel.Customer) =>
        new() { Limit = limit, Window = window, Scope = scope, Level = level };

    sealed record Node(RedisContactLedger Ledger, ContactDecider Decider, CampaignDirectory Campaigns, FakeTimeProvider Time)
    {
        public async Task<ContactDecision> DecideAsync(int profile, CampaignFacts campaign, string? household) =>
            await Decider.DecideAsync(new ContactRequest(new ProfileId(profile), campaign, household, "Europe/Brussels", Consent.Granted), Ct);

        public async Task<IReadOnlyList<ContactEntry>> ReadAsync(int profile, string? household) =>
            await Ledger.ReadAsync(new ProfileId(profile), household, Time.GetUtcNow(), Ct);
    }

    async Task<Node> NodeAsync(ContactPolicyDefinition policy, string prefix, params CampaignFacts[] known)
    {
        var redis = await TestRedis.ConnectAsync();
        _connections.Add(redis);
        var time = new FakeTimeProvider(Noon);
        var campaigns = new CampaignDirectory();
        // Each node meets campaigns in its own order, so its own indexes differ from the other's.
        foreach (var facts in known) campaigns.Register(facts);
        var history = new PolicyHistory(policy, "tests", campaigns, time);
        var ledger = new RedisContactLedger(campaigns, redis, prefix);
        return new Node(ledger, new ContactDecider(history, ledger, time), campaigns, time);
    }

    [Fact]
    public async Task Sixty_four_callers_on_two_nodes_on_the_same_hundred_customers_never_exceed_a_cap()
    {
        var policy = new ContactPolicyDefinition
        {
            Caps =
            [
                Cap(CustomerDaily, CapWindow.Day),
                Cap(HouseholdDaily, CapWindow.Day, level: CapLevel.Household),
                Cap(SmsHourly, CapWindow.Hour, CapScope.Channel) with { Channel = Channel.Sms },
            ],
            OptInChannels = [],
        };
        CampaignFacts[] campaigns = [GoldTier, Spring, Winback, BrandX, Flash, Digest];
        var prefix = TestRedis.NewPrefix();
        Node[] nodes = [await NodeAsync(policy, prefix, campaigns), await NodeAsync(policy, prefix, [.. campaigns.Reverse()])];
        Assert.NotEqual(nodes[0].Campaigns.Register(GoldTier), nodes[1].Campaigns.Register(GoldTier));
        static string HouseholdOf(int customer) => $"h_{customer / 2}";

        var kept = new ConcurrentBag<(int Customer, CampaignFacts Campaign)>();
        long allowed = 0, denied = 0, cancelled = 0;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 2 * CallersPerNode).Select(caller => Task.Run(async () =>
        {
            var node = nodes[caller % 2];
            var random = new Random(caller);
            await start.Task;
            for (var i = 0; i < Attempts; i++)
            {
                var customer = random.Next(Customers);
                var campaign = campaigns[random.Next(campaigns.Length)];
                var decision = await node.DecideAsync(customer + 1, campaign, HouseholdOf(customer));
                if (!decision.Allowed)
                {
                    Interlocked.Increment(ref denied);
                    continue;
                }
                Interlocked.Increment(ref allowed);
                var id = decision.Reservation!.Value;
                // Most are confirmed, some cancelled (freeing the place for another caller), some left
                // reserved; half of them by the other node, which must find the reservation too.
                var settler = nodes[random.Next(2)];
                switch (random.Next(10))
                {
                    case < 6:
                        Assert.Equal(ReservationResult.Confirmed, await settler.Decider.ConfirmAsync(id, Ct));
                        kept.Add((customer, campaign));
                        break;
                    case < 8:
                        Assert.Equal(ReservationResult.Cancelled, await settler.Decider.CancelAsync(id, Ct));
                        Interlocked.Increment(ref cancelled);
                        break;
                    default:
                        kept.Add((customer, campaign));
                        break;
                }
            }
        }, Ct)).ToList();
        start.SetResult();
        await Task.WhenAll(callers);
        output.WriteLine($"{allowed:N0} allowed ({cancelled:N0} then cancelled), {denied:N0} denied, {kept.Count} kept");

        var tally = new RaceTally(kept, HouseholdOf);
        tally.AssertCapsHeldAndReached(Customers / 2, CustomerDaily, HouseholdDaily, SmsHourly);
        Assert.Equal(kept.Count + cancelled, allowed);

        // Both nodes' view of the ledger agrees with what the callers kept.
        for (var customer = 0; customer < Customers; customer++)
        {
            var expected = tally.Of(customer);
            Assert.Equal(expected, (await nodes[0].ReadAsync(customer + 1, null)).Count);
            Assert.Equal(expected, (await nodes[1].ReadAsync(customer + 1, null)).Count);
        }
    }

    [Fact]
    public async Task A_node_explains_and_confirms_what_another_node_reserved_though_it_numbers_campaigns_otherwise()
    {
        var policy = new ContactPolicyDefinition { Caps = [Cap(1, CapWindow.Day, level: CapLevel.Household)], OptInChannels = [] };
        var prefix = TestRedis.NewPrefix();
        var first = await NodeAsync(policy, prefix, Digest, Spring);
        var second = await NodeAsync(policy, prefix);

        var reserved = await first.DecideAsync(1, GoldTier, "h_1");
        Assert.True(reserved.Allowed);
        var held = await second.DecideAsync(2, Winback, "h_1");
        var reason = Assert.Single(held.Reasons);
        Assert.Equal(
            "held back: 1 marketing message a day per household across teams, already used by 'Gold tier offer' (loyalty, priority 90, to another member of the household)",
            reason.Text);
        Assert.Equal(ReservationResult.Confirmed, await second.Decider.ConfirmAsync(reserved.Reservation!.Value, Ct));
        Assert.Equal(ReservationResult.AlreadySent, await first.Decider.ConfirmAsync(reserved.Reservation!.Value, Ct));

        var seen = Assert.Single(await second.ReadAsync(1, "h_1"));
        Assert.Equal("gold-tier", second.Campaigns[seen.Campaign].Id);
        Assert.Equal(second.Campaigns.TeamIndex("loyalty"), seen.Team);
        Assert.Equal(EntryState.Sent, seen.State);
    }

    [Fact]
    public async Task A_household_and_its_members_share_one_shard_and_every_key_expires()
    {
        var prefix = TestRedis.NewPrefix();
        var node = await NodeAsync(new ContactPolicyDefinition { Caps = [Cap(3, CapWindow.Day)], OptInChannels = [] }, prefix);
        Assert.True((await node.DecideAsync(1, GoldTier, "h_9")).Allowed);
        Assert.True((await node.DecideAsync(2, GoldTier, "h_9")).Allowed);
        Assert.True((await node.DecideAsync(3, GoldTier, null)).Allowed);

        var db = _connections[0].GetDatabase();
        RedisKey[] group = [$"{prefix}{{h:h_9}}:h", $"{prefix}{{h:h_9}}:c:1", $"{prefix}{{h:h_9}}:c:2"];
        RedisKey[] all = [.. group, $"{prefix}{{p:1}}:home", $"{prefix}{{p:3}}:c", $"{prefix}directory"];
        Assert.Single(group.Select(k => _connections[0].HashSlot(k)).Distinct());
        Assert.Equal("h:h_9", await db.StringGetAsync($"{prefix}{{p:1}}:home"));
        foreach (var key in all.SkipLast(1))
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.True(ttl > RedisContactLedger.KeyLifetime - TimeSpan.FromMinutes(1) && ttl <= RedisContactLedger.KeyLifetime, $"{key}: {ttl}");
        }
        Assert.True(await db.KeyExistsAsync(all[^1]));
    }

    [Fact]
    public async Task Writing_drops_entries_past_the_retention_period_and_lapsed_reservations_after_a_day()
    {
        var prefix = TestRedis.NewPrefix();
        var node = await NodeAsync(new ContactPolicyDefinition { Caps = [Cap(5, CapWindow.Day)], OptInChannels = [] }, prefix);
        var sent = await node.DecideAsync(1, GoldTier, null);
        await node.Decider.ConfirmAsync(sent.Reservation!.Value, Ct);
        node.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await node.DecideAsync(1, Spring, null)).Allowed);
        var db = _connections[0].GetDatabase();
        RedisKey key = $"{prefix}{{p:1}}:c";
        Assert.Equal(24 + 2 * 32, await db.StringLengthAsync(key));

        node.Time.Advance(CompiledContactPolicy.Retention);
        Assert.True((await node.DecideAsync(1, Winback, null)).Allowed);
        Assert.Equal(24 + 32, await db.StringLengthAsync(key));
        Assert.Equal(Channel.Sms, Assert.Single(await node.ReadAsync(1, null)).Channel);
    }

    [Fact]
    public async Task A_household_whose_name_holds_a_brace_still_keeps_its_members_together()
    {
        var prefix = TestRedis.NewPrefix();
        var node = await NodeAsync(new ContactPolicyDefinition { Caps = [Cap(1, CapWindow.Day, level: CapLevel.Household)], OptInChannels = [] }, prefix);
        Assert.True((await node.DecideAsync(1, GoldTier, "h}{1")).Allowed);
        Assert.False((await node.DecideAsync(2, Spring, "h}{1")).Allowed);
        Assert.True((await node.DecideAsync(3, Spring, "h}{2")).Allowed);
    }

    [Fact]
    public async Task An_unreachable_Redis_is_reported_with_its_address()
    {
        var error = await Assert.ThrowsAsync<Storage.StoreUnavailableException>(() => RedisContactLedger.ConnectAsync("127.0.0.1:1,connectTimeout=500"));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("ContactPolicy:Ledger", error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
    }
}
