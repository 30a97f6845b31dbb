using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Caps per window, in the customer's local calendar, across teams, channels and households.</summary>
public class ContactCapTests
{
    [Fact]
    public void A_daily_cap_counts_the_customers_local_day_not_the_UTC_day()
    {
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Day)), Local(2026, 6, 10, 8, 0));
        // 23:10 and 23:20 in Brussels are 21:10 and 21:20 UTC; 00:30 local the next day is 22:30 UTC, still 10 June in UTC.
        world.SendAt(Local(2026, 6, 10, 23, 10), 1, Campaign.GoldTier);
        world.SendAt(Local(2026, 6, 10, 23, 20), 1, Campaign.Spring);
        Assert.False(world.DecideAt(Local(2026, 6, 10, 23, 59), 1, Campaign.Email("third")).Allowed);
        var nextLocalDay = Local(2026, 6, 11, 0, 30);
        Assert.Equal(10, nextLocalDay.UtcDateTime.Day);
        Assert.True(world.DecideAt(nextLocalDay, 1, Campaign.Email("fourth")).Allowed);
    }

    [Fact]
    public void The_same_UTC_instants_fall_on_other_days_in_another_zone()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 8, 0));
        // 21:30 UTC and 22:30 UTC: one day in New York (17:30, 18:30), two days in Brussels (23:30, 00:30).
        var first = new DateTimeOffset(2026, 6, 10, 21, 30, 0, TimeSpan.Zero);
        var second = first.AddHours(1);
        world.SendAt(first, 1, Campaign.GoldTier, zone: "America/New_York");
        world.SendAt(first, 2, Campaign.GoldTier);
        world.MoveTo(second);
        Assert.False(world.Decide(1, Campaign.Spring, zone: "America/New_York").Allowed);
        Assert.True(world.Decide(2, Campaign.Spring).Allowed);
    }

    [Fact]
    public void The_short_day_of_the_spring_daylight_saving_change_is_one_day()
    {
        // 29 March 2026 in Brussels: 02:00 becomes 03:00, the local day lasts 23 hours.
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Day)), Local(2026, 3, 28, 23, 0));
        world.SendAt(Local(2026, 3, 29, 0, 15), 1, Campaign.GoldTier);
        world.SendAt(Local(2026, 3, 29, 3, 0), 1, Campaign.Spring);
        var late = Local(2026, 3, 29, 23, 45);
        Assert.Equal(TimeSpan.FromHours(22.5), late - Local(2026, 3, 29, 0, 15));
        Assert.False(world.DecideAt(late, 1, Campaign.Email("third")).Allowed);
        Assert.True(world.DecideAt(Local(2026, 3, 30, 0, 0), 1, Campaign.Email("fourth")).Allowed);
    }

    [Fact]
    public void The_long_day_of_the_autumn_daylight_saving_change_is_one_day()
    {
        // 25 October 2026 in Brussels: 03:00 becomes 02:00 again, the local day lasts 25 hours.
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 10, 24, 23, 0));
        var early = Local(2026, 10, 25, 0, 5);
        world.SendAt(early, 1, Campaign.GoldTier);
        var late = Local(2026, 10, 25, 23, 55);
        Assert.Equal(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(50), late - early);
        Assert.False(world.DecideAt(late, 1, Campaign.Spring).Allowed);
        Assert.True(world.DecideAt(Local(2026, 10, 26, 0, 0), 1, Campaign.Spring).Allowed);
    }

    [Fact]
    public void An_hourly_cap_is_any_sixty_minutes()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Hour)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 9, 50), 1, Campaign.GoldTier);
        Assert.False(world.DecideAt(Local(2026, 6, 10, 10, 49), 1, Campaign.Spring).Allowed);
        Assert.True(world.DecideAt(Local(2026, 6, 10, 10, 50), 1, Campaign.Spring).Allowed);
    }

    [Fact]
    public void A_rolling_seven_day_cap_frees_a_place_seven_times_24_hours_after_a_send()
    {
        var world = new PolicyWorld(Policy(Cap(3, CapWindow.Rolling7Days)), Local(2026, 6, 1, 9, 0));
        world.SendAt(Local(2026, 6, 1, 10, 0), 1, Campaign.Email("a"));
        world.SendAt(Local(2026, 6, 3, 10, 0), 1, Campaign.Email("b"));
        world.SendAt(Local(2026, 6, 5, 10, 0), 1, Campaign.Email("c"));
        Assert.False(world.DecideAt(Local(2026, 6, 8, 9, 59), 1, Campaign.Email("d")).Allowed);
        Assert.True(world.DecideAt(Local(2026, 6, 8, 10, 0), 1, Campaign.Email("e")).Allowed);
    }

    [Fact]
    public void A_monthly_cap_follows_the_local_month()
    {
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Month)), Local(2026, 1, 30, 9, 0));
        world.SendAt(Local(2026, 1, 30, 10, 0), 1, Campaign.Email("a"));
        world.SendAt(Local(2026, 1, 31, 23, 30), 1, Campaign.Email("b"));
        Assert.False(world.DecideAt(Local(2026, 1, 31, 23, 59), 1, Campaign.Email("c")).Allowed);
        // 00:30 on 1 February in Brussels is still 31 January in UTC.
        var february = Local(2026, 2, 1, 0, 30);
        Assert.Equal(1, february.UtcDateTime.Month);
        Assert.True(world.DecideAt(february, 1, Campaign.Email("c")).Allowed);
    }

    [Fact]
    public void A_channel_cap_counts_only_its_channel()
    {
        var cap = Cap(1, CapWindow.Day, CapScope.Channel) with { Channel = Channel.Sms };
        var world = new PolicyWorld(Policy(cap), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.Winback);
        Assert.False(world.DecideAt(Local(2026, 6, 10, 11, 0), 1, Campaign.Sms("flash")).Allowed);
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
        Assert.True(world.Decide(1, Campaign.GoldTier).Allowed);
    }

    [Fact]
    public void A_cap_on_each_channel_counts_every_channel_separately()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day, CapScope.Channel)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.Winback);
        world.SendAt(Local(2026, 6, 10, 10, 5), 1, Campaign.Spring);
        Assert.False(world.Decide(1, Campaign.Sms("flash")).Allowed);
        Assert.False(world.Decide(1, Campaign.GoldTier).Allowed);
    }

    [Fact]
    public void A_team_cap_limits_one_team_and_leaves_the_others()
    {
        var cap = Cap(1, CapWindow.Day, CapScope.Team) with { Team = "loyalty" };
        var world = new PolicyWorld(Policy(cap), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        Assert.False(world.Decide(1, Campaign.Email("points", team: "loyalty")).Allowed);
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
        Assert.True(world.Decide(1, Campaign.Email("more", team: "ecommerce")).Allowed);
    }

    [Fact]
    public void A_cap_on_each_team_gives_every_team_its_own_count()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day, CapScope.Team)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
        Assert.False(world.Decide(1, Campaign.Email("points", team: "loyalty")).Allowed);
    }

    [Fact]
    public void A_category_cap_on_ads_counts_ads_only()
    {
        var cap = Cap(1, CapWindow.Day, CapScope.Category) with { Category = CampaignCategory.Advertising };
        var world = new PolicyWorld(Policy(cap), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        world.SendAt(Local(2026, 6, 10, 10, 1), 1, Campaign.BrandX);
        Assert.False(world.Decide(1, Campaign.BrandX with { Id = "brand-y", Name = "Brand Y" }).Allowed);
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
    }

    [Fact]
    public void Retail_media_ad_exposures_count_with_CRM_messages_when_the_policy_says_so()
    {
        var counting = new PolicyWorld(Policy(Cap(2, CapWindow.Day)), Local(2026, 6, 10, 9, 0));
        counting.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        counting.SendAt(Local(2026, 6, 10, 10, 1), 1, Campaign.BrandX);
        Assert.False(counting.Decide(1, Campaign.Spring).Allowed);

        var apart = new PolicyWorld(Policy(Cap(2, CapWindow.Day)) with { AdvertisingCountsTowardCaps = false }, Local(2026, 6, 10, 9, 0));
        apart.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        apart.SendAt(Local(2026, 6, 10, 10, 1), 1, Campaign.BrandX);
        Assert.True(apart.Decide(1, Campaign.Spring).Allowed);
        Assert.True(apart.Decide(1, Campaign.BrandX with { Id = "brand-y" }).Allowed);
    }

    [Fact]
    public void A_household_cap_counts_every_member_together()
    {
        var world = new PolicyWorld(Policy(Cap(5, CapWindow.Day), Cap(2, CapWindow.Day, level: CapLevel.Household)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier, household: "h_smith");
        world.SendAt(Local(2026, 6, 10, 10, 5), 2, Campaign.Spring, household: "h_smith");
        var decision = world.Decide(1, Campaign.Email("third"), household: "h_smith");
        Assert.False(decision.Allowed);
        Assert.Equal(HoldCode.CapReached, Assert.Single(decision.Reasons).Code);
        // Another household, and a customer with no known household, are not touched.
        Assert.True(world.Decide(3, Campaign.Email("third"), household: "h_jones").Allowed);
        Assert.True(world.Decide(4, Campaign.Email("third")).Allowed);
    }

    [Fact]
    public void A_customer_without_a_household_is_a_household_of_one()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day, level: CapLevel.Household)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        Assert.False(world.Decide(1, Campaign.Spring).Allowed);
        Assert.True(world.Decide(2, Campaign.Spring).Allowed);
    }

    [Fact]
    public async Task Transactional_messages_are_exempt_from_caps_but_recorded()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Local(2026, 6, 10, 9, 0));
        world.SendAt(Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        var receipt = world.Decide(1, Campaign.Receipt);
        Assert.True(receipt.Allowed);
        Assert.NotNull(receipt.Reservation);
        Assert.True(world.Decide(1, Campaign.Receipt with { Id = "receipt-2" }).Allowed);
        Assert.False(world.Decide(1, Campaign.Spring).Allowed);

        var entries = await world.Ledger.ReadAsync(new(1), null, world.Time.GetUtcNow(), TestContext.Current.CancellationToken);
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, entries.Count(e => e.Category == CampaignCategory.Transactional));
    }
}
