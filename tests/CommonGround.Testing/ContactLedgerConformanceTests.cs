using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CommonGround.Testing;

/// <summary>
/// What every <see cref="IContactLedger"/> must do, run against each one (the embedded ledger in
/// CommonGround.Core.Tests, the Redis Cluster one in CommonGround.Ledger.Redis.Tests): reserve,
/// confirm, cancel, expiry, messages reported sent, reading, and caps per customer and household.
/// Decisions go through <see cref="ContactDecider"/> as the server's do, on fake time.
/// </summary>
public abstract class ContactLedgerConformanceTests
{
    protected static readonly CampaignFacts GoldTier = new("gold-tier", "Gold tier offer", "loyalty", Channel.Email, CampaignCategory.Marketing, 90, 0.40m);
    protected static readonly CampaignFacts Spring = new("spring-sale", "Spring sale", "ecommerce", Channel.Email, CampaignCategory.Marketing, 50, 0.50m);
    protected static readonly CampaignFacts Winback = new("winback", "Win-back", "lifecycle", Channel.Sms, CampaignCategory.Marketing, 30, 0.30m);
    protected static readonly CampaignFacts Receipt = new("receipt", "Order receipt", "ecommerce", Channel.Email, CampaignCategory.Transactional, 50, 0m);
    protected const string Brussels = "Europe/Brussels";

    /// <summary>10:00 on Wednesday 10 June 2026 in Brussels.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 6, 10, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A new, empty ledger of the kind under test, numbering campaigns with <paramref name="campaigns"/>.</summary>
    protected abstract Task<IContactLedger> CreateLedgerAsync(CampaignDirectory campaigns);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static ContactCap Cap(int limit, CapWindow window, CapScope scope = CapScope.AllMarketing, CapLevel level = CapLevel.Customer) =>
        new() { Limit = limit, Window = window, Scope = scope, Level = level };

    protected static ContactPolicyDefinition Policy(params ContactCap[] caps) =>
        new() { Caps = caps, OptInChannels = [], ReservationTimeout = TimeSpan.FromMinutes(10) };

    /// <summary>A policy, this kind of ledger and a decider on fake time.</summary>
    protected async Task<LedgerWorld> WorldAsync(ContactPolicyDefinition policy)
    {
        var time = new FakeTimeProvider(Start);
        var campaigns = new CampaignDirectory();
        var history = new PolicyHistory(policy, "tests", campaigns, time);
        var ledger = await CreateLedgerAsync(campaigns);
        return new LedgerWorld(time, ledger, new ContactDecider(history, ledger, time));
    }

    [Fact]
    public async Task A_reservation_holds_its_place_until_it_expires()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day)));
        var first = await world.DecideAsync(1, GoldTier);
        Assert.True(first.Allowed);
        Assert.Equal(Start + TimeSpan.FromMinutes(10), first.ExpiresAt);
        Assert.False((await world.DecideAsync(1, Spring)).Allowed);

        world.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.False((await world.DecideAsync(1, Spring)).Allowed);
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await world.DecideAsync(1, Spring)).Allowed);
        Assert.Equal(ReservationResult.Expired, await world.ConfirmAsync(first));
    }

    [Fact]
    public async Task A_confirmed_reservation_counts_after_the_timeout()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day)));
        var first = await world.DecideAsync(1, GoldTier);
        Assert.Equal(ReservationResult.Confirmed, await world.ConfirmAsync(first));
        world.Time.Advance(TimeSpan.FromHours(2));
        Assert.False((await world.DecideAsync(1, Spring)).Allowed);
        Assert.Equal(ReservationResult.AlreadySent, await world.ConfirmAsync(first));
        Assert.Equal(ReservationResult.AlreadySent, await world.CancelAsync(first));
    }

    [Fact]
    public async Task Cancelling_frees_the_place_at_once()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day)));
        var first = await world.DecideAsync(1, GoldTier, "h_1");
        Assert.Equal(ReservationResult.Cancelled, await world.CancelAsync(first));
        Assert.True((await world.DecideAsync(1, Spring, "h_1")).Allowed);
        Assert.Equal(ReservationResult.NotFound, await world.CancelAsync(first));
        Assert.Equal(ReservationResult.NotFound, await world.Decider.ConfirmAsync(new ReservationId(new ProfileId(99), 1), Ct));
    }

    [Fact]
    public async Task A_reservation_id_of_another_customer_or_number_is_not_found()
    {
        var world = await WorldAsync(Policy(Cap(3, CapWindow.Day)));
        var id = (await world.DecideAsync(1, GoldTier, "h_1")).Reservation!.Value;
        Assert.Equal(ReservationResult.NotFound, await world.Decider.ConfirmAsync(id with { Profile = new ProfileId(2) }, Ct));
        Assert.Equal(ReservationResult.NotFound, await world.Decider.ConfirmAsync(id with { Sequence = id.Sequence + 1 }, Ct));
        Assert.Equal(ReservationResult.Confirmed, await world.Decider.ConfirmAsync(id, Ct));
    }

    [Fact]
    public async Task Reservations_of_one_customer_get_distinct_ids_that_read_back()
    {
        var world = await WorldAsync(Policy(Cap(5, CapWindow.Day)));
        var ids = new List<ReservationId>();
        foreach (var campaign in new[] { GoldTier, Spring, Winback })
            ids.Add((await world.DecideAsync(7, campaign, "h_7")).Reservation!.Value);
        Assert.Equal(3, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(new ProfileId(7), id.Profile));
        Assert.True(ReservationId.TryParse(ids[1].ToString(), out var parsed));
        Assert.Equal(ReservationResult.Cancelled, await world.Decider.CancelAsync(parsed, Ct));
        Assert.Equal(2, (await world.ReadAsync(7, "h_7")).Count);
    }

    [Fact]
    public async Task A_customer_cap_counts_each_customer_alone()
    {
        var world = await WorldAsync(Policy(Cap(2, CapWindow.Day)));
        await world.SendAsync(1, GoldTier, "h_1");
        await world.SendAsync(1, Spring, "h_1");
        Assert.False((await world.DecideAsync(1, Winback, "h_1")).Allowed);
        Assert.True((await world.DecideAsync(2, Winback, "h_1")).Allowed);
    }

    [Fact]
    public async Task A_household_cap_counts_every_member_together()
    {
        var world = await WorldAsync(Policy(Cap(2, CapWindow.Day, level: CapLevel.Household)));
        await world.SendAsync(1, GoldTier, "h_1");
        await world.SendAsync(2, Spring, "h_1");
        var held = await world.DecideAsync(3, Winback, "h_1");
        Assert.False(held.Allowed);
        var reason = Assert.Single(held.Reasons);
        Assert.Equal(HoldCode.CapReached, reason.Code);
        Assert.Equal(["Gold tier offer", "Spring sale"], reason.UsedBy.Select(s => s.Campaign.Name));
        Assert.True((await world.DecideAsync(4, Winback, "h_2")).Allowed);
    }

    [Fact]
    public async Task Confirming_in_the_household_keeps_the_household_count()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day, level: CapLevel.Household)) with { ReservationTimeout = TimeSpan.FromMinutes(5) });
        var first = await world.DecideAsync(1, GoldTier, "h_1");
        Assert.Equal(ReservationResult.Confirmed, await world.ConfirmAsync(first));
        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.False((await world.DecideAsync(2, Spring, "h_1")).Allowed);
    }

    [Fact]
    public async Task A_customer_without_a_household_is_a_household_of_one()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day, level: CapLevel.Household)));
        await world.SendAsync(1, GoldTier);
        Assert.False((await world.DecideAsync(1, Spring)).Allowed);
        Assert.True((await world.DecideAsync(2, Spring)).Allowed);
    }

    [Fact]
    public async Task A_message_reported_sent_counts_and_reads_back_as_sent()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day)));
        var id = await world.Decider.RecordSentAsync(new SentMessage(new ProfileId(1), GoldTier, Start - TimeSpan.FromHours(1), "h_1", Brussels), Ct);
        Assert.Equal(new ProfileId(1), id.Profile);
        var reason = Assert.Single((await world.DecideAsync(1, Spring, "h_1")).Reasons);
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'Gold tier offer' (loyalty, priority 90)", reason.Text);
        var entry = Assert.Single(await world.ReadAsync(1, "h_1"));
        Assert.Equal(EntryState.Sent, entry.State);
        Assert.Equal((Start - TimeSpan.FromHours(1)).UtcTicks, entry.At);
        Assert.Equal(Channel.Email, entry.Channel);
    }

    [Fact]
    public async Task A_message_sent_with_its_reservation_confirms_it_instead_of_counting_twice()
    {
        var world = await WorldAsync(Policy(Cap(2, CapWindow.Day)));
        var decision = await world.DecideAsync(1, GoldTier);
        await world.Decider.RecordSentAsync(new SentMessage(new ProfileId(1), GoldTier, Start, TimeZone: Brussels, Reservation: decision.Reservation), Ct);
        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await world.DecideAsync(1, Spring)).Allowed);
        Assert.Equal(ReservationResult.AlreadySent, await world.ConfirmAsync(decision));
    }

    [Fact]
    public async Task Messages_reported_late_count_in_their_place()
    {
        var world = await WorldAsync(Policy(Cap(3, CapWindow.Hour)));
        await world.SendAsync(1, GoldTier);
        await world.Decider.RecordSentAsync(new SentMessage(new ProfileId(1), Winback, Start - TimeSpan.FromHours(2), TimeZone: Brussels), Ct);
        await world.Decider.RecordSentAsync(new SentMessage(new ProfileId(1), Spring, Start - TimeSpan.FromMinutes(30), TimeZone: Brussels), Ct);
        Assert.Equal([Winback.Name, Spring.Name, GoldTier.Name], (await world.ReadAsync(1, null)).Select(e => Name(world, e)));
        // In the last hour at 10:10: 09:30 and 10:00; the 08:00 one, reported after, must not hide the 10:00 one.
        world.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.True((await world.DecideAsync(1, Campaign("third"))).Allowed);
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.False((await world.DecideAsync(1, Campaign("fourth"))).Allowed);
    }

    [Fact]
    public async Task Transactional_messages_are_recorded_but_counted_by_no_cap()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day)));
        await world.SendAsync(1, Receipt);
        await world.SendAsync(1, Receipt);
        Assert.True((await world.DecideAsync(1, GoldTier)).Allowed);
        Assert.Equal(3, (await world.ReadAsync(1, null)).Count);
    }

    [Fact]
    public async Task Reading_gives_the_live_entries_of_the_customer_and_the_household_once_oldest_first()
    {
        var world = await WorldAsync(Policy(Cap(5, CapWindow.Day)));
        await world.SendAsync(1, GoldTier, "h_1");
        world.Time.Advance(TimeSpan.FromMinutes(1));
        await world.SendAsync(2, Spring, "h_1");
        world.Time.Advance(TimeSpan.FromMinutes(1));
        var lapsing = await world.DecideAsync(1, Winback, "h_1");
        Assert.True(lapsing.Allowed);

        var both = await world.ReadAsync(1, "h_1");
        Assert.Equal([1L, 2L, 1L], both.Select(e => e.Profile.Value));
        Assert.Equal([EntryState.Sent, EntryState.Sent, EntryState.Reserved], both.Select(e => e.State));
        Assert.Equal([1L, 1L], (await world.ReadAsync(1, null)).Select(e => e.Profile.Value));

        world.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(2, (await world.ReadAsync(1, "h_1")).Count);
        Assert.Empty(await world.ReadAsync(3, "h_3"));
    }

    [Fact]
    public async Task A_customer_who_moves_household_keeps_their_count_and_the_old_household_keeps_its_own()
    {
        var world = await WorldAsync(Policy(Cap(2, CapWindow.Day), Cap(2, CapWindow.Day, level: CapLevel.Household)));
        var sent = await world.SendAsync(1, GoldTier, "h_old");
        await world.SendAsync(2, Spring, "h_old");

        world.Time.Advance(TimeSpan.FromMinutes(1));
        var moved = await world.DecideAsync(1, Winback, "h_new");
        Assert.True(moved.Allowed);
        Assert.False((await world.DecideAsync(1, Campaign("third"), "h_new")).Allowed);
        Assert.False((await world.DecideAsync(3, Campaign("other member"), "h_old")).Allowed);
        Assert.True((await world.DecideAsync(4, Campaign("new neighbour"), "h_new")).Allowed);
        Assert.Equal(ReservationResult.AlreadySent, await world.ConfirmAsync(sent));
        Assert.Equal(ReservationResult.Confirmed, await world.ConfirmAsync(moved));
        Assert.Equal(2, (await world.ReadAsync(1, null)).Count);
    }

    [Fact]
    public async Task A_customer_who_gets_a_household_keeps_their_count()
    {
        var world = await WorldAsync(Policy(Cap(1, CapWindow.Day)));
        await world.SendAsync(1, GoldTier);
        Assert.False((await world.DecideAsync(1, Spring, "h_1")).Allowed);
        Assert.False((await world.DecideAsync(1, Spring)).Allowed);
    }

    static CampaignFacts Campaign(string id) => new(id, id, "ecommerce", Channel.Email, CampaignCategory.Marketing, 50, 0.5m);

    static string Name(LedgerWorld world, ContactEntry e) => world.Ledger.Campaigns[e.Campaign].Name;

    /// <summary>A ledger and a decider on fake time; decisions are for customers in Brussels who consented.</summary>
    protected sealed record LedgerWorld(FakeTimeProvider Time, IContactLedger Ledger, ContactDecider Decider)
    {
        public async Task<ContactDecision> DecideAsync(long profile, CampaignFacts campaign, string? household = null) =>
            await Decider.DecideAsync(new ContactRequest(new ProfileId(profile), campaign, household, Brussels, Consent.Granted), Ct);

        /// <summary>Decides and confirms: a message that went.</summary>
        public async Task<ContactDecision> SendAsync(long profile, CampaignFacts campaign, string? household = null)
        {
            var decision = await DecideAsync(profile, campaign, household);
            Assert.True(decision.Allowed, $"expected {campaign.Name} to be allowed: {string.Join("; ", decision.Reasons)}");
            Assert.Equal(ReservationResult.Confirmed, await ConfirmAsync(decision));
            return decision;
        }

        public async Task<ReservationResult> ConfirmAsync(ContactDecision decision) => await Decider.ConfirmAsync(decision.Reservation!.Value, Ct);

        public async Task<ReservationResult> CancelAsync(ContactDecision decision) => await Decider.CancelAsync(decision.Reservation!.Value, Ct);

        public async Task<IReadOnlyList<ContactEntry>> ReadAsync(long profile, string? household) =>
            await Ledger.ReadAsync(new ProfileId(profile), household, Time.GetUtcNow(), Ct);
    }
}
