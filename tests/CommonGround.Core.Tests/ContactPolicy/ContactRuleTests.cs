using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Quiet hours, minimum gaps, consent and suppression lists.</summary>
public class ContactRuleTests
{
    static readonly QuietHours SmsNights = new() { Channel = Channel.Sms, Start = new TimeOnly(21, 0), End = new TimeOnly(8, 0) };

    [Theory]
    [InlineData(20, 59, true)]
    [InlineData(21, 0, false)]
    [InlineData(23, 30, false)]
    [InlineData(3, 0, false)]
    [InlineData(7, 59, false)]
    [InlineData(8, 0, true)]
    public void Quiet_hours_crossing_midnight_hold_back_SMS_in_the_customers_local_time(int hour, int minute, bool allowed)
    {
        var world = new PolicyWorld(Policy() with { QuietHours = [SmsNights] }, Local(2026, 6, 9, 0, 0));
        Assert.Equal(allowed, world.DecideAt(Local(2026, 6, 10, hour, minute), 1, Campaign.Winback).Allowed);
    }

    [Fact]
    public void Quiet_hours_say_when_the_message_can_go()
    {
        var world = new PolicyWorld(Policy() with { QuietHours = [SmsNights] }, Local(2026, 6, 10, 22, 0));
        var reason = Assert.Single(world.Decide(1, Campaign.Winback).Reasons);
        Assert.Equal(HoldCode.QuietHours, reason.Code);
        Assert.Equal(Local(2026, 6, 11, 8, 0), reason.NotBefore);
        Assert.Equal("held back: quiet hours for SMS messages are 21:00 to 08:00 in the customer's time zone (Europe/Brussels); it can go from Thu 11 Jun 08:00",
            reason.Text);
    }

    [Fact]
    public void Quiet_hours_follow_the_clock_across_a_daylight_saving_change()
    {
        // On 29 March 2026 Brussels moves from UTC+1 to UTC+2: 08:00 local is 07:00 UTC before, 06:00 UTC after.
        var world = new PolicyWorld(Policy() with { QuietHours = [SmsNights] }, new DateTimeOffset(2026, 3, 28, 6, 30, 0, TimeSpan.Zero));
        Assert.False(world.Decide(1, Campaign.Winback).Allowed);
        world.MoveTo(new DateTimeOffset(2026, 3, 29, 6, 30, 0, TimeSpan.Zero));
        Assert.True(world.Decide(1, Campaign.Winback).Allowed);
    }

    [Fact]
    public void Quiet_hours_leave_other_channels_and_transactional_messages_alone()
    {
        var world = new PolicyWorld(Policy() with { QuietHours = [SmsNights] }, Local(2026, 6, 10, 23, 0));
        Assert.False(world.Decide(1, Campaign.Winback).Allowed);
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
        Assert.True(world.Decide(1, Campaign.DeliverySms).Allowed);
    }

    [Fact]
    public void A_minimum_gap_holds_back_until_it_has_passed()
    {
        var world = new PolicyWorld(Policy() with { MinimumGaps = [new MinimumGap { Gap = TimeSpan.FromHours(4) }] }, Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        var decision = world.DecideAt(Local(2026, 6, 10, 13, 59), 1, Campaign.Winback);
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(HoldCode.MinimumGap, reason.Code);
        Assert.Equal(Local(2026, 6, 10, 14, 0), reason.NotBefore);
        Assert.Equal("Gold tier offer", Assert.Single(reason.UsedBy).Campaign.Name);
        Assert.True(world.DecideAt(Local(2026, 6, 10, 14, 0), 1, Campaign.Winback).Allowed);
    }

    [Fact]
    public void A_minimum_gap_on_one_channel_ignores_the_others()
    {
        var gap = new MinimumGap { Gap = TimeSpan.FromHours(24), Channel = Channel.Sms };
        var world = new PolicyWorld(Policy() with { MinimumGaps = [gap] }, Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.Winback);
        Assert.True(world.DecideAt(Local(2026, 6, 10, 11, 0), 1, Campaign.Spring).Allowed);
        Assert.False(world.Decide(1, Campaign.Sms("flash")).Allowed);
        Assert.True(world.Decide(2, Campaign.Sms("flash")).Allowed);
    }

    [Fact]
    public void Transactional_messages_neither_wait_for_a_gap_nor_start_one()
    {
        var world = new PolicyWorld(Policy() with { MinimumGaps = [new MinimumGap { Gap = TimeSpan.FromHours(4) }] }, Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.Receipt);
        world.SendAt(Local(2026, 6, 10, 10, 1), 1, Campaign.GoldTier);
        Assert.True(world.Decide(1, Campaign.Receipt with { Id = "receipt-2" }).Allowed);
    }

    [Fact]
    public void Opt_in_channels_need_consent_and_a_refusal_blocks_everywhere()
    {
        var world = new PolicyWorld(Policy() with { OptInChannels = [Channel.Sms] }, Local(2026, 6, 10, 10, 0));
        var unknown = world.Decide(1, Campaign.Winback, consent: Consent.Unknown);
        Assert.Equal(HoldCode.NoConsent, Assert.Single(unknown.Reasons).Code);
        Assert.True(world.Decide(2, Campaign.Winback, consent: Consent.Granted).Allowed);
        Assert.True(world.Decide(3, Campaign.Spring, consent: Consent.Unknown).Allowed);
        var refused = world.Decide(4, Campaign.Spring, consent: Consent.Refused);
        Assert.Equal(HoldCode.ConsentRefused, Assert.Single(refused.Reasons).Code);
        Assert.True(world.Decide(4, Campaign.Receipt, consent: Consent.Refused).Allowed);
    }

    [Fact]
    public void Suppression_lists_block_their_channels_and_transactional_only_when_they_say_so()
    {
        var bounces = new SuppressionList { Name = "hard bounces", Channels = [Channel.Email], IncludesTransactional = true };
        var doNotCall = new SuppressionList { Name = "do not call", Channels = [Channel.Telemarketing] };
        var world = new PolicyWorld(Policy() with { SuppressionLists = [bounces, doNotCall] }, Local(2026, 6, 10, 10, 0));
        Assert.Equal(HoldCode.Suppressed, Assert.Single(world.Decide(1, Campaign.Spring, lists: ["hard bounces"]).Reasons).Code);
        Assert.False(world.Decide(1, Campaign.Receipt, lists: ["hard bounces"]).Allowed);
        Assert.True(world.Decide(1, Campaign.Winback, lists: ["hard bounces"]).Allowed);
        Assert.True(world.Decide(2, Campaign.Spring, lists: ["do not call"]).Allowed);
    }

    [Fact]
    public void A_list_the_policy_does_not_know_blocks_marketing_but_not_transactional_messages()
    {
        var world = new PolicyWorld(Policy(), Local(2026, 6, 10, 10, 0));
        var decision = world.Decide(1, Campaign.Winback, lists: ["complaints"]);
        Assert.Equal("held back: on the suppression list 'complaints'", Assert.Single(decision.Reasons).Text);
        Assert.True(world.Decide(1, Campaign.Receipt, lists: ["complaints"]).Allowed);
    }
}
