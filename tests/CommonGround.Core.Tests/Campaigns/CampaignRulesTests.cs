using CommonGround.Campaigns;

namespace CommonGround.Core.Tests.Campaigns;

public class CampaignRulesTests
{
    static readonly DateTimeOffset Now = new(2026, 4, 20, 12, 0, 0, TimeSpan.Zero);

    static CampaignFields Valid(string? status = null) => new(
        Name: "Spring sale", Team: "loyalty", Channel: "directMail", Category: "marketing", AudienceId: "aud-spring",
        Schedule: new ScheduleFields("oneOff", At: "2026-05-04T09:00:00Z"), Priority: 70, ExpectedValue: 1.25m,
        HoldoutShare: 0.1, Storyboard: "Chapter 1", Status: status);

    static IReadOnlyList<FieldError> Errors(CampaignFields fields) => CampaignRules.Create(fields, "c-1", "key-1", Now).Errors;

    [Fact]
    public void A_valid_campaign_is_created_as_a_draft_salted_with_its_id()
    {
        var (campaign, errors) = CampaignRules.Create(Valid(), "c-1", "key-1", Now);

        Assert.Empty(errors);
        Assert.NotNull(campaign);
        Assert.Equal(CampaignStatus.Draft, campaign.Status);
        Assert.Equal(Channel.DirectMail, campaign.Channel);
        Assert.Equal("c-1", campaign.HoldoutSalt);
        Assert.Equal((Now, "key-1", Now, "key-1"), (campaign.CreatedAt, campaign.CreatedBy, campaign.UpdatedAt, campaign.UpdatedBy));
    }

    [Fact]
    public void Defaults_are_priority_50_no_value_and_no_holdout()
    {
        var (campaign, _) = CampaignRules.Create(Valid() with { Priority = null, ExpectedValue = null, HoldoutShare = null }, "c-1", "k", Now);

        Assert.Equal((50, 0m, 0d), (campaign!.Priority, campaign.ExpectedValue, campaign.HoldoutShare));
    }

    [Fact]
    public void An_unknown_channel_is_named_with_the_channels_there_are()
    {
        var error = Assert.Single(Errors(Valid() with { Channel = "carrier pigeon" }));

        Assert.Equal("channel", error.Field);
        Assert.Equal("'carrier pigeon' is not a channel; use one of email, sms, push, directMail, telemarketing, paidSocial, onSiteAd, offSiteAd, webPersonalisation.",
            error.Message);
    }

    [Fact]
    public void Every_missing_field_is_named_at_once()
    {
        var errors = Errors(new CampaignFields(null, null, null, null, null, null, null, null, null, null, null));

        Assert.Equal(["name", "team", "channel", "category", "schedule"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("priority")]
    [InlineData("expectedValue")]
    [InlineData("holdoutShare")]
    [InlineData("category")]
    [InlineData("status")]
    public void Out_of_range_values_are_named(string field)
    {
        var fields = field switch
        {
            "priority" => Valid() with { Priority = 101 },
            "expectedValue" => Valid() with { ExpectedValue = -1 },
            "holdoutShare" => Valid() with { HoldoutShare = 1 },
            "category" => Valid() with { Category = "spam" },
            _ => Valid("paused"),
        };

        Assert.Equal(field, Assert.Single(Errors(fields)).Field);
    }

    [Fact]
    public void A_transactional_campaign_may_not_hold_anyone_out()
    {
        var error = Assert.Single(Errors(Valid() with { Category = "transactional", HoldoutShare = 0.05 }));

        Assert.Equal("holdoutShare", error.Field);
        Assert.Contains("must reach everyone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_errors_are_named_inside_the_schedule()
    {
        var error = Assert.Single(Errors(Valid() with { Schedule = new ScheduleFields("recurring", Cron: "every day", TimeZone: "UTC", Start: "2026-05-01") }));

        Assert.Equal("schedule.cron", error.Field);
    }

    [Theory]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Scheduled, true)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Live, true)]
    [InlineData(CampaignStatus.Draft, CampaignStatus.Done, false)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Draft, true)]
    [InlineData(CampaignStatus.Scheduled, CampaignStatus.Done, true)]
    [InlineData(CampaignStatus.Live, CampaignStatus.Done, true)]
    [InlineData(CampaignStatus.Live, CampaignStatus.Draft, false)]
    [InlineData(CampaignStatus.Live, CampaignStatus.Scheduled, false)]
    [InlineData(CampaignStatus.Done, CampaignStatus.Live, false)]
    [InlineData(CampaignStatus.Done, CampaignStatus.Done, true)]
    public void Status_moves_forward_only(CampaignStatus from, CampaignStatus to, bool allowed)
    {
        Assert.Equal(allowed, CampaignRules.CanMove(from, to));
    }

    [Fact]
    public void An_update_keeps_id_salt_and_creation_and_refuses_an_impossible_status()
    {
        var (created, _) = CampaignRules.Create(Valid("live"), "c-1", "key-1", Now);
        var later = Now.AddDays(1);

        var (renamed, none) = CampaignRules.Update(created!, Valid() with { Name = "Spring sale 2" }, "key-2", later);
        var (_, errors) = CampaignRules.Update(created!, Valid("draft"), "key-2", later);

        Assert.Empty(none);
        Assert.Equal(created! with { Name = "Spring sale 2", UpdatedBy = "key-2", UpdatedAt = later }, renamed);
        var error = Assert.Single(errors);
        Assert.Equal("status", error.Field);
        Assert.Equal("A live campaign cannot become draft; it can become done.", error.Message);
    }

    [Fact]
    public void A_done_campaign_is_final()
    {
        var (done, _) = CampaignRules.Create(Valid("scheduled"), "c-1", "k", Now);
        done = done! with { Status = CampaignStatus.Done };

        var error = Assert.Single(CampaignRules.Update(done, Valid("live"), "k", Now).Errors);

        Assert.Equal("A done campaign cannot become live; it is final.", error.Message);
    }

    [Fact]
    public void Enum_wire_names_are_camel_case_and_read_back()
    {
        Assert.Equal("webPersonalisation", CampaignRules.Wire(Channel.WebPersonalisation));
        Assert.True(CampaignRules.TryParse<Channel>("OnSiteAd", out var channel));
        Assert.Equal(Channel.OnSiteAd, channel);
        Assert.All(Enum.GetValues<Channel>(), c => Assert.True(CampaignRules.TryParse<Channel>(CampaignRules.Wire(c), out var back) && back == c));
    }
}
