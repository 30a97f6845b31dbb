using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>The sentences a person reads when a message is held back.</summary>
public class ExplanationWordingTests
{
    [Fact]
    public void Each_kind_of_cap_reads_as_a_rule()
    {
        var policy = new CompiledContactPolicy(Policy(
            Cap(2, CapWindow.Day),
            Cap(1, CapWindow.Day, CapScope.Channel) with { Channel = Channel.Sms },
            Cap(3, CapWindow.Rolling7Days, level: CapLevel.Household),
            Cap(1, CapWindow.Hour, CapScope.Channel),
            Cap(4, CapWindow.Month, CapScope.Category) with { Category = CampaignCategory.Advertising },
            Cap(1, CapWindow.Day, CapScope.Category),
            Cap(2, CapWindow.Rolling7Days, CapScope.Team) with { Team = "loyalty" },
            Cap(1, CapWindow.Day, CapScope.Team, CapLevel.Household),
            Cap(2, CapWindow.Month, CapScope.Channel) with { Channel = Channel.DirectMail }), 1, new CampaignDirectory());
        Assert.Equal(
            [
                "2 marketing messages a day across teams",
                "1 SMS message a day across teams",
                "3 marketing messages in any 7 days per household across teams",
                "1 marketing message an hour on any one channel",
                "4 ads a month across teams",
                "1 message a day of any one category",
                "2 marketing messages in any 7 days from loyalty",
                "1 marketing message a day per household from any one team",
                "2 letters a month across teams",
            ],
            policy.CapRules);
    }

    [Fact]
    public void A_gap_names_the_message_that_went_and_when_the_next_may_go()
    {
        var world = new PolicyWorld(Policy() with { MinimumGaps = [new MinimumGap { Gap = TimeSpan.FromHours(4) }] }, Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        Assert.Equal(
            "held back: at least 4 hours between two marketing messages or ads; 'Gold tier offer' (loyalty, priority 90) was sent at 10:00, so not before 14:00",
            world.DecideAt(Local(2026, 6, 10, 11, 30), 1, Campaign.Winback).Reasons[0].Text);
    }

    [Fact]
    public void A_gap_on_one_channel_says_so()
    {
        var gap = new MinimumGap { Gap = TimeSpan.FromMinutes(90), Channel = Channel.Sms };
        var world = new PolicyWorld(Policy() with { MinimumGaps = [gap] }, Local(2026, 6, 10, 23, 0));
        var sms = Campaign.Sms("flash", priority: 90);
        world.SendAt(Local(2026, 6, 10, 23, 0), 1, sms);
        Assert.Equal(
            "held back: at least 1 hour 30 minutes between two SMS messages; 'flash' (ecommerce, priority 90) was sent at Wed 10 Jun 23:00, so not before 00:30",
            world.DecideAt(Local(2026, 6, 11, 0, 15), 1, Campaign.Winback).Reasons[0].Text);
    }

    [Fact]
    public void A_reservation_that_holds_a_place_reads_as_reserved()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 9, 0));
        Assert.True(world.Decide(1, Campaign.Winback).Allowed);
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'Win-back' (lifecycle, already reserved)",
            world.Decide(1, Campaign.Spring).Reasons[0].Text);
    }

    [Fact]
    public void A_better_priority_is_named_even_when_it_was_sent_first()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 9, 0), 1, Campaign.GoldTier);
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'Gold tier offer' (loyalty, priority 90)",
            world.Decide(1, Campaign.Spring).Reasons[0].Text);
    }

    [Fact]
    public void Many_messages_are_named_up_to_four_and_counted_after()
    {
        var world = new PolicyWorld(Policy(Cap(6, CapWindow.Day)) with { Currency = "EUR" }, Local(2026, 6, 10, 9, 0));
        for (var i = 1; i <= 6; i++) world.SendAt(Local(2026, 6, 10, 9, i), 1, Campaign.Email($"m{i}", priority: 90));
        Assert.Equal(
            "held back: 6 marketing messages a day across teams, already used by 'm1' (ecommerce, priority 90), 'm2' (ecommerce, priority 90), " +
            "'m3' (ecommerce, priority 90), 'm4' (ecommerce, priority 90) and 2 more",
            world.Decide(1, Campaign.Spring).Reasons[0].Text);
    }

    [Fact]
    public void Values_are_written_in_the_policys_currency()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)) with { Currency = "EUR" }, Local(2026, 6, 10, 6, 0));
        var plan = new ContactPlan(Local(2026, 6, 10, 6, 0));
        var customer = plan.AddCustomer(new(1), null, Brussels, ChannelConsents.All(Consent.Granted));
        plan.AddSend(customer, plan.AddCampaign(Campaign.Spring), Local(2026, 6, 10, 9, 0));
        plan.AddSend(customer, plan.AddCampaign(Campaign.BrandX), Local(2026, 6, 10, 10, 0));
        var result = new Arbitrator(world.Policies, null, world.Time).Run(plan);
        Assert.Equal("held back: 1 marketing message a day across teams, already used by 'Brand X sponsored offer' (retail media, €0.80)",
            result.Explain(0)[0].Text);
    }

    [Fact]
    public void Consent_reasons_name_the_channel()
    {
        var world = new PolicyWorld(Policy() with { OptInChannels = [Channel.Push] }, Local(2026, 6, 10, 9, 0));
        Assert.Equal("held back: the customer refused marketing by SMS", world.Decide(1, Campaign.Winback, consent: Consent.Refused).Reasons[0].Text);
        var push = new CampaignFacts("app", "App nudge", "mobile", Channel.Push, CampaignCategory.Marketing, 50, 0.1m);
        Assert.Equal("held back: no consent to marketing by push notification, which needs opt-in",
            world.Decide(1, push, consent: Consent.Unknown).Reasons[0].Text);
    }

    [Fact]
    public void Every_cap_that_holds_a_message_back_is_a_reason()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day), Cap(1, CapWindow.Day, CapScope.Channel) with { Channel = Channel.Email }),
            Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 9, 0), 1, Campaign.GoldTier);
        Assert.Equal(["1 marketing message a day across teams", "1 email a day across teams"], world.Decide(1, Campaign.Spring).Reasons.Select(r => r.Rule));
    }
}
