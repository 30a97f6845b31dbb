using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Events;
using CommonGround.Identity;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Reservations: confirm, cancel, expiry, and sends reported afterwards.</summary>
public class ReservationTests
{
    static PolicyWorld OnePerDay(TimeSpan? timeout = null) =>
        new(Policy(Cap(1, CapWindow.Day)) with { ReservationTimeout = timeout ?? TimeSpan.FromMinutes(10) }, Local(2026, 6, 10, 10, 0));

    static ReservationResult Confirm(PolicyWorld world, ReservationId id) => world.Decider.ConfirmAsync(id, CancellationToken.None).AsTask().Result;

    static ReservationResult Cancel(PolicyWorld world, ReservationId id) => world.Decider.CancelAsync(id, CancellationToken.None).AsTask().Result;

    [Fact]
    public void A_reservation_holds_its_place_until_it_expires()
    {
        var world = OnePerDay();
        var first = world.Decide(1, Campaign.GoldTier);
        Assert.True(first.Allowed);
        Assert.Equal(world.Time.GetUtcNow() + TimeSpan.FromMinutes(10), first.ExpiresAt);
        Assert.False(world.Decide(1, Campaign.Spring).Allowed);

        world.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.False(world.Decide(1, Campaign.Spring).Allowed);
        world.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
        Assert.Equal(ReservationResult.Expired, Confirm(world, first.Reservation!.Value));
    }

    [Fact]
    public void A_confirmed_reservation_counts_after_the_timeout()
    {
        var world = OnePerDay();
        var first = world.Decide(1, Campaign.GoldTier);
        Assert.Equal(ReservationResult.Confirmed, Confirm(world, first.Reservation!.Value));
        world.Time.Advance(TimeSpan.FromHours(2));
        Assert.False(world.Decide(1, Campaign.Spring).Allowed);
        Assert.Equal(ReservationResult.AlreadySent, Confirm(world, first.Reservation!.Value));
        Assert.Equal(ReservationResult.AlreadySent, Cancel(world, first.Reservation!.Value));
    }

    [Fact]
    public void Cancelling_frees_the_place_at_once()
    {
        var world = OnePerDay();
        var first = world.Decide(1, Campaign.GoldTier, household: "h_1");
        Assert.Equal(ReservationResult.Cancelled, Cancel(world, first.Reservation!.Value));
        Assert.True(world.Decide(1, Campaign.Spring, household: "h_1").Allowed);
        Assert.Equal(ReservationResult.NotFound, Cancel(world, first.Reservation!.Value));
        Assert.Equal(ReservationResult.NotFound, Confirm(world, new ReservationId(new ProfileId(99), 1)));
    }

    [Fact]
    public void Confirming_in_the_household_keeps_the_household_count()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day, level: CapLevel.Household)) with { ReservationTimeout = TimeSpan.FromMinutes(5) },
            Local(2026, 6, 10, 10, 0));
        var first = world.Decide(1, Campaign.GoldTier, household: "h_1");
        Assert.Equal(ReservationResult.Confirmed, Confirm(world, first.Reservation!.Value));
        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.False(world.Decide(2, Campaign.Spring, household: "h_1").Allowed);
    }

    [Fact]
    public void Reservation_ids_read_back_from_their_text()
    {
        var id = new ReservationId(new ProfileId(12), 345);
        Assert.Equal("r12-345", id.ToString());
        Assert.True(ReservationId.TryParse("r12-345", out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(ReservationId.TryParse("12-345", out _));
        Assert.False(ReservationId.TryParse("r12", out _));
        Assert.False(ReservationId.TryParse("r-1-2", out _));
    }

    [Fact]
    public async Task A_message_sent_event_counts_toward_the_caps()
    {
        var world = OnePerDay();
        var e = Sent("""{"campaign_id":"newsletter","campaign_name":"Weekly newsletter","team":"content","channel":"email","priority":4,"expected_value":0.05}""",
            world.Time.GetUtcNow());
        var message = MessageSentEvent.Read(e, new ProfileId(1), world.Campaigns, timeZone: Brussels);
        Assert.Equal(Channel.Email, message.Campaign.Channel);
        Assert.Equal(CampaignCategory.Marketing, message.Campaign.Category);
        await world.Decider.RecordSentAsync(message, TestContext.Current.CancellationToken);

        var reason = Assert.Single(world.Decide(1, Campaign.Spring).Reasons);
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'Weekly newsletter' (content, already sent)", reason.Text);
    }

    [Fact]
    public async Task A_message_sent_event_with_its_reservation_confirms_it_instead_of_counting_twice()
    {
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Day)), Local(2026, 6, 10, 10, 0));
        var decision = world.Decide(1, Campaign.GoldTier);
        var e = Sent($$"""{"campaignId":"gold-tier","reservationId":"{{decision.Reservation}}"}""", world.Time.GetUtcNow());
        var message = MessageSentEvent.Read(e, new ProfileId(1), world.Campaigns, timeZone: Brussels);
        Assert.Equal("Gold tier offer", message.Campaign.Name);
        await world.Decider.RecordSentAsync(message, TestContext.Current.CancellationToken);

        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
        Assert.Equal(ReservationResult.AlreadySent, Confirm(world, decision.Reservation!.Value));
    }

    [Fact]
    public async Task A_sweep_forgets_lapsed_reservations_and_messages_past_the_retention()
    {
        var world = OnePerDay();
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        Assert.True(world.Decide(2, Campaign.Spring).Allowed);
        world.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, world.Ledger.Sweep(world.Time.GetUtcNow()));
        world.Time.Advance(CompiledContactPolicy.Retention);
        Assert.Equal(1, world.Ledger.Sweep(world.Time.GetUtcNow()));
        Assert.Empty(await world.Ledger.ReadAsync(new ProfileId(1), null, world.Time.GetUtcNow(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_ledger_keeps_thousands_of_customers_apart_through_growth_and_sweeps()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Local(2026, 6, 10, 10, 0));
        var campaigns = new CampaignDirectory();
        var policies = new PolicyHistory(Policy(Cap(1, CapWindow.Day, level: CapLevel.Household)), "tests", campaigns, time);
        var ledger = new InMemoryContactLedger(campaigns, stripes: 2);
        var decider = new ContactDecider(policies, ledger, time);
        var ct = TestContext.Current.CancellationToken;
        const int Customers = 3000;
        var ids = new ReservationId[Customers + 1];
        for (var p = 1; p <= Customers; p++)
        {
            var decision = await decider.DecideAsync(new ContactRequest(new ProfileId(p), Campaign.GoldTier, $"h{p}", Brussels, Consent.Granted), ct);
            ids[p] = decision.Reservation!.Value;
        }
        for (var p = 2; p <= Customers; p += 2) Assert.Equal(ReservationResult.Confirmed, await decider.ConfirmAsync(ids[p], ct));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2 * Customers / 2, ledger.Sweep(time.GetUtcNow()));
        for (var p = 1; p <= Customers; p++)
        {
            var entries = await ledger.ReadAsync(new ProfileId(p), $"h{p}", time.GetUtcNow(), ct);
            Assert.Equal(p % 2 == 0 ? 1 : 0, entries.Count);
            Assert.Equal(p % 2 == 1, (await decider.DecideAsync(new ContactRequest(new ProfileId(p), Campaign.Spring, $"h{p}", Brussels, Consent.Granted), ct)).Allowed);
        }
    }

    [Fact]
    public async Task Messages_reported_late_count_in_their_place()
    {
        var world = new PolicyWorld(Policy(Cap(3, CapWindow.Hour)), Local(2026, 6, 10, 10, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        var ct = TestContext.Current.CancellationToken;
        await world.Decider.RecordSentAsync(new SentMessage(new ProfileId(1), Campaign.Winback, Local(2026, 6, 10, 8, 0), TimeZone: Brussels), ct);
        await world.Decider.RecordSentAsync(new SentMessage(new ProfileId(1), Campaign.Spring, Local(2026, 6, 10, 9, 30), TimeZone: Brussels), ct);
        // In the last hour at 10:10: 09:30 and 10:00; the 08:00 one, reported after, must not hide the 10:00 one.
        Assert.True(world.DecideAt(Local(2026, 6, 10, 10, 10), 1, Campaign.Email("third")).Allowed);
        Assert.False(world.DecideAt(Local(2026, 6, 10, 10, 11), 1, Campaign.Email("fourth")).Allowed);
    }

    [Theory]
    [InlineData("""{"campaign_name":"x","team":"t","channel":"email"}""", "properties.campaign_id: is missing")]
    [InlineData("""{"campaign_id":"new","team":"t","channel":"email"}""", "properties.campaign_name: is missing and campaign 'new' is not known yet.")]
    [InlineData("""{"campaign_id":"new","campaign_name":"x","team":"t","channel":"fax"}""", "properties.channel: 'fax' is not a channel; use email, sms, push")]
    [InlineData("""{"campaign_id":"new","campaign_name":"x","team":"t","channel":"sms","reservation_id":"abc"}""", "properties.reservation_id: 'abc' is not a reservation id")]
    public void A_message_sent_event_that_cannot_be_read_says_which_property(string properties, string expected)
    {
        var e = Sent(properties, DateTimeOffset.UnixEpoch);
        var error = Assert.Throws<ContactRequestException>(() => MessageSentEvent.Read(e, new ProfileId(1), new CampaignDirectory()));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    static TrackedEvent Sent(string properties, DateTimeOffset at) => new()
    {
        SourceId = "esp", MessageId = Guid.NewGuid().ToString(), Type = EventType.Track, Name = "Message Sent", UserId = "u1",
        Timestamp = at, ReceivedAt = at, Properties = properties,
    };
}
