using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Batch arbitration: order, households, history, explanations, send lists, determinism.</summary>
public class ArbitratorTests
{
    static readonly ChannelConsents Granted = ChannelConsents.All(Consent.Granted);

    static ArbitrationResult Arbitrate(PolicyWorld world, ContactPlan plan, int parallelism = 0) =>
        new Arbitrator(world.Policies, world.Ledger, world.Time).Run(plan, parallelism);

    static ContactPlan PlanFor(DateTimeOffset start, params (CampaignFacts Campaign, DateTimeOffset At)[] sends)
    {
        var plan = new ContactPlan(start);
        var customer = plan.AddCustomer(new ProfileId(1), null, Brussels, Granted);
        foreach (var (campaign, at) in sends) plan.AddSend(customer, plan.AddCampaign(campaign), at);
        return plan;
    }

    static string[] Kept(ArbitrationResult result) => result.KeptSends().Select(s => s.Campaign.Id).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void The_issues_example_reads_as_written()
    {
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Day)), Local(2026, 6, 10, 6, 0));
        var plan = PlanFor(Local(2026, 6, 10, 6, 0),
            (Campaign.Spring, Local(2026, 6, 10, 9, 0)),
            (Campaign.GoldTier, Local(2026, 6, 10, 10, 0)),
            (Campaign.BrandX, Local(2026, 6, 10, 11, 0)));
        var result = Arbitrate(world, plan);
        Assert.Equal(["brand-x", "gold-tier"], Kept(result));
        var reason = Assert.Single(result.Explain(0));
        Assert.Equal(
            "held back: 2 marketing messages a day across teams, already used by 'Gold tier offer' (loyalty, priority 90) and 'Brand X sponsored offer' (retail media, $0.80)",
            reason.Text);
        Assert.Equal(["Gold tier offer", "Brand X sponsored offer"], reason.UsedBy.Select(s => s.Campaign.Name));
        Assert.All(reason.UsedBy, s => Assert.Equal(EntryState.Planned, s.State));
    }

    [Fact]
    public void Priority_comes_before_value()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 6, 0));
        var at = Local(2026, 6, 10, 10, 0);
        var result = Arbitrate(world, PlanFor(at, (Campaign.Email("rich", priority: 50, value: 5m), at), (Campaign.Email("important", priority: 90, value: 0.01m), at)));
        Assert.Equal(["important"], Kept(result));
    }

    [Fact]
    public void Between_equal_priorities_the_higher_value_goes_first()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 6, 0));
        var at = Local(2026, 6, 10, 10, 0);
        var result = Arbitrate(world, PlanFor(at, (Campaign.Email("cheap", value: 0.5m), at), (Campaign.Email("dear", value: 0.9m), at)));
        Assert.Equal(["dear"], Kept(result));
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'dear' (ecommerce, $0.90)", result.Explain(0)[0].Text);
    }

    [Fact]
    public void Between_equal_priorities_and_values_the_better_team_then_the_campaign_id_decide()
    {
        var policy = Policy(Cap(1, CapWindow.Day)) with { Teams = [new TeamPriority("stores", 20), new TeamPriority("content", 10)] };
        var world = new PolicyWorld(policy, Local(2026, 6, 10, 6, 0));
        var at = Local(2026, 6, 10, 10, 0);
        var byTeam = Arbitrate(world, PlanFor(at, (Campaign.Email("a-content", team: "content"), at), (Campaign.Email("z-stores", team: "stores"), at)));
        Assert.Equal(["z-stores"], Kept(byTeam));
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'z-stores' (stores, team priority 20)", byTeam.Explain(0)[0].Text);
        var byId = Arbitrate(world, PlanFor(at, (Campaign.Email("b", team: "x"), at), (Campaign.Email("a", team: "y"), at)));
        Assert.Equal(["a"], Kept(byId));
    }

    [Fact]
    public void Household_members_are_arbitrated_together()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day, level: CapLevel.Household)), Local(2026, 6, 10, 6, 0));
        var plan = new ContactPlan(Local(2026, 6, 10, 6, 0));
        var anna = plan.AddCustomer(new ProfileId(1), "h_smith", Brussels, Granted);
        var ben = plan.AddCustomer(new ProfileId(2), "h_smith", Brussels, Granted);
        var solo = plan.AddCustomer(new ProfileId(3), null, Brussels, Granted);
        plan.AddSend(anna, plan.AddCampaign(Campaign.Spring), Local(2026, 6, 10, 9, 0));
        plan.AddSend(ben, plan.AddCampaign(Campaign.GoldTier), Local(2026, 6, 10, 12, 0));
        plan.AddSend(solo, plan.AddCampaign(Campaign.Spring), Local(2026, 6, 10, 9, 0));
        var result = Arbitrate(world, plan);
        Assert.False(result.IsKept(0));
        Assert.True(result.IsKept(1));
        Assert.True(result.IsKept(2));
        Assert.Equal(
            "held back: 1 marketing message a day per household across teams, already used by 'Gold tier offer' (loyalty, priority 90, to another member of the household)",
            result.Explain(0)[0].Text);
    }

    [Fact]
    public void A_rolling_window_holds_for_sends_kept_later_in_the_week()
    {
        // Kept first (better priority): day 5 and day 8. A lesser send on day 2 would make three in (day 1, day 8].
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Rolling7Days)), Local(2026, 6, 1, 0, 0));
        var result = Arbitrate(world, PlanFor(Local(2026, 6, 1, 0, 0),
            (Campaign.Email("day2", priority: 70), Local(2026, 6, 2, 10, 0)),
            (Campaign.Email("day5", priority: 90), Local(2026, 6, 5, 10, 0)),
            (Campaign.Email("day8", priority: 80), Local(2026, 6, 8, 10, 0)),
            (Campaign.Email("day13", priority: 60), Local(2026, 6, 13, 10, 0))));
        Assert.Equal(["day13", "day5", "day8"], Kept(result));
        Assert.Equal(["day5", "day8"], result.Explain(0)[0].UsedBy.Select(s => s.Campaign.Id));
    }

    [Fact]
    public void Messages_already_in_the_ledger_count()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 8, 0));
        world.SendAt(Local(2026, 6, 10, 8, 0), 1, Campaign.Winback);
        var result = Arbitrate(world, PlanFor(Local(2026, 6, 10, 9, 0), (Campaign.GoldTier, Local(2026, 6, 10, 12, 0)), (Campaign.Spring, Local(2026, 6, 11, 12, 0))));
        Assert.Equal(["spring-sale"], Kept(result));
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'Win-back' (lifecycle, already sent)", result.Explain(0)[0].Text);
    }

    [Fact]
    public void Quiet_hours_consent_and_suppression_hold_back_planned_sends_with_their_reason()
    {
        var policy = Policy() with
        {
            QuietHours = [new QuietHours { Channel = Channel.Sms, Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0) }],
            OptInChannels = [Channel.Email],
        };
        var world = new PolicyWorld(policy, Local(2026, 6, 10, 6, 0));
        var plan = new ContactPlan(Local(2026, 6, 10, 6, 0));
        var night = plan.AddCustomer(new ProfileId(1), null, Brussels, Granted);
        var unasked = plan.AddCustomer(new ProfileId(2), null, Brussels, ChannelConsents.All(Consent.Unknown));
        var listed = plan.AddCustomer(new ProfileId(3), null, "America/New_York", Granted, ["complaints"]);
        plan.AddSend(night, plan.AddCampaign(Campaign.Winback), Local(2026, 6, 10, 22, 0));
        plan.AddSend(unasked, plan.AddCampaign(Campaign.Spring), Local(2026, 6, 10, 12, 0));
        plan.AddSend(unasked, plan.AddCampaign(Campaign.Winback), Local(2026, 6, 10, 12, 0));
        plan.AddSend(listed, plan.AddCampaign(Campaign.Spring), Local(2026, 6, 10, 12, 0));
        var result = Arbitrate(world, plan);
        Assert.Equal([HoldCode.QuietHours, HoldCode.NoConsent, null, HoldCode.Suppressed], Enumerable.Range(0, 4).Select(result.CodeOf));
        Assert.Equal("held back: no consent to marketing by email, which needs opt-in", result.Explain(1)[0].Text);
        Assert.Equal("held back: on the suppression list 'complaints'", result.Explain(3)[0].Text);
        Assert.Equal(1, result.Campaigns.Single(c => c.Campaign.Id == "spring-sale").HeldBackBy[HoldCode.NoConsent]);
    }

    [Fact]
    public void The_send_list_and_totals_are_per_channel_and_team()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day, CapScope.Channel)), Local(2026, 6, 10, 6, 0));
        var plan = new ContactPlan(Local(2026, 6, 10, 6, 0));
        for (var p = 1; p <= 3; p++)
        {
            var customer = plan.AddCustomer(new ProfileId(p), null, Brussels, Granted);
            plan.AddSend(customer, plan.AddCampaign(Campaign.GoldTier), Local(2026, 6, 10, 10, 0));
            plan.AddSend(customer, plan.AddCampaign(Campaign.Spring), Local(2026, 6, 10, 11, 0));
            plan.AddSend(customer, plan.AddCampaign(Campaign.Winback), Local(2026, 6, 10, 12, 0));
        }
        var result = Arbitrate(world, plan);
        Assert.Equal([1L, 2L, 3L], result.SendList(Channel.Email, "loyalty").Select(s => s.Profile.Value));
        Assert.Empty(result.SendList(Channel.Email, "ecommerce"));
        Assert.Equal(3, result.SendList(Channel.Sms, "lifecycle").Count());
        Assert.Equal(
            [
                new ArbitrationTotal(Channel.Email, "ecommerce", 3, 0, 3),
                new ArbitrationTotal(Channel.Email, "loyalty", 3, 3, 0),
                new ArbitrationTotal(Channel.Sms, "lifecycle", 3, 3, 0),
            ],
            result.Totals);
        Assert.Equal((9L, 6L, 3L), (result.Planned, result.Kept, result.HeldBack));
    }

    [Fact]
    public void The_same_plan_gives_the_same_result_whatever_the_order_and_the_threads()
    {
        var world = new PolicyWorld(RandomPlans.Policy, RandomPlans.Start);
        var expected = RandomPlans.Outcome(Arbitrate(world, RandomPlans.Create(seed: 7, shuffle: 0), parallelism: 1));
        Assert.Equal(expected, RandomPlans.Outcome(Arbitrate(world, RandomPlans.Create(seed: 7, shuffle: 0), parallelism: 4)));
        Assert.Equal(expected, RandomPlans.Outcome(Arbitrate(world, RandomPlans.Create(seed: 7, shuffle: 1), parallelism: 2)));
        Assert.Equal(expected, RandomPlans.Outcome(Arbitrate(world, RandomPlans.Create(seed: 7, shuffle: 2), parallelism: 3)));
        Assert.InRange(expected.Count, 100, RandomPlans.Sends - 100);
    }

    [Fact]
    public void Kept_sends_break_no_cap_when_checked_independently()
    {
        var world = new PolicyWorld(RandomPlans.Policy, RandomPlans.Start);
        var plan = RandomPlans.Create(seed: 11, shuffle: 0);
        var result = Arbitrate(world, plan);
        Assert.Empty(RandomPlans.Violations(plan, result));
        // And the check is not vacuous: keeping everything breaks caps.
        Assert.NotEmpty(RandomPlans.Violations(plan, keepAll: true));
    }
}
