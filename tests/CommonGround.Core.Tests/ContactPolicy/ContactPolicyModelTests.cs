using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>The policy as JSON, its validation, and its versions.</summary>
public class ContactPolicyModelTests
{
    const string Example = """
        {
          "caps": [
            { "scope": "allMarketing", "level": "customer", "window": "day", "limit": 2 },
            { "scope": "allMarketing", "level": "household", "window": "rolling7Days", "limit": 6 },
            { "scope": "channel", "channel": "sms", "window": "hour", "limit": 1 },
            { "scope": "team", "team": "retail media", "window": "month", "limit": 20 }
          ],
          "quietHours": [ { "channel": "sms", "start": "21:00", "end": "08:00" } ],
          "minimumGaps": [ { "gap": "04:00:00" } ],
          "advertisingCountsTowardCaps": true,
          "optInChannels": [ "email", "sms" ],
          "suppressionLists": [ { "name": "hard bounces", "channels": [ "email" ], "includesTransactional": true } ],
          "teams": [ { "team": "loyalty", "priority": 1 } ],
          "reservationTimeout": "00:05:00",
          "defaultTimeZone": "Europe/Brussels",
          "currency": "EUR"
        }
        """;

    [Fact]
    public void A_policy_reads_from_JSON_and_writes_back_the_same()
    {
        var policy = ContactPolicyJson.Deserialize(Example);
        Assert.Empty(ContactPolicyValidator.Validate(policy));
        Assert.Equal(CapWindow.Rolling7Days, policy.Caps[1].Window);
        Assert.Equal(new TimeOnly(21, 0), policy.QuietHours[0].Start);
        Assert.Equal(TimeSpan.FromHours(4), policy.MinimumGaps[0].Gap);
        var json = ContactPolicyJson.Serialize(policy);
        Assert.Contains("\"window\": \"rolling7Days\"", json, StringComparison.Ordinal);
        Assert.Contains("\"start\": \"21:00\"", json, StringComparison.Ordinal);
        Assert.Equal(json, ContactPolicyJson.Serialize(ContactPolicyJson.Deserialize(json)));
    }

    [Theory]
    [InlineData("""{"caps":[{"window":"weekly","limit":1}]}""", "caps[0].window", "'weekly' is not a window; use hour, day, rolling7Days or month.")]
    [InlineData("""{"quietHours":[{"channel":"fax"}]}""", "quietHours[0].channel", "'fax' is not a channel; use email, sms, push, directMail, telemarketing, paidSocial, onSiteAd, offSiteAd or webPersonalisation.")]
    [InlineData("""{"quietHours":[{"channel":"sms","start":"9pm"}]}""", "quietHours[0].start", "a local time is written \"21:00\" (24-hour clock, hh:mm).")]
    public void JSON_that_cannot_be_read_says_where_and_what_is_allowed(string json, string path, string message)
    {
        var problem = Assert.Single(Assert.Throws<ContactPolicyException>(() => ContactPolicyJson.Deserialize(json)).Problems);
        Assert.Equal(path, problem.Path);
        Assert.Equal(message, problem.Message);
    }

    [Fact]
    public void Validation_lists_every_problem_with_its_place()
    {
        var policy = new ContactPolicyDefinition
        {
            Caps =
            [
                new ContactCap { Limit = 0 },
                new ContactCap { Limit = 2, Scope = CapScope.AllMarketing, Channel = Channel.Sms },
                new ContactCap { Limit = 2, Scope = CapScope.Category, Category = CampaignCategory.Transactional },
                new ContactCap { Limit = 2 },
                new ContactCap { Limit = 2 },
            ],
            QuietHours = [new QuietHours { Channel = Channel.Sms, Start = new TimeOnly(9, 0), End = new TimeOnly(9, 0) }],
            MinimumGaps = [new MinimumGap { Gap = TimeSpan.Zero }],
            Teams = [new TeamPriority("loyalty", 0)],
            DefaultTimeZone = "Mars/Olympus",
            Currency = "dollars",
        };
        Assert.Equal(
            [
                "caps[0].limit: is 0; a cap allows at least 1 message (to stop all messages, use a suppression list).",
                "caps[1].channel: is set but the scope is 'allMarketing'; use scope 'channel' or remove the channel.",
                "caps[2].category: transactional messages are exempt from caps; cap 'marketing' or 'advertising'.",
                "caps[4]: repeats caps[3].",
                "quietHours[0]: starts and ends at 09:00, which is no quiet time at all; give different times (start after end crosses midnight).",
                "minimumGaps[0].gap: must be longer than zero.",
                "teams[0].priority: is 0; priorities run from 1 to 100, higher is more important.",
                "defaultTimeZone: 'Mars/Olympus' is not a known time zone; use an IANA id such as \"Europe/Brussels\".",
                "currency: 'dollars' is not an ISO 4217 code such as \"USD\" or \"EUR\".",
            ],
            ContactPolicyValidator.Validate(policy).Select(p => p.ToString()));
    }

    [Fact]
    public void Null_lists_from_JSON_are_refused_rather_than_crashing()
    {
        var policy = ContactPolicyJson.Deserialize("""{"caps":null}""");
        Assert.Equal("caps: is null; leave it out for the default, or give an empty list.", Assert.Single(ContactPolicyValidator.Validate(policy)).ToString());
    }

    [Fact]
    public void Every_change_is_a_new_version_with_who_and_when()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));
        var history = new PolicyHistory(new ContactPolicyDefinition(), "setup", new CampaignDirectory(), time);
        time.Advance(TimeSpan.FromDays(1));
        var second = history.Change(new ContactPolicyDefinition { Caps = [new ContactCap { Limit = 3 }] }, "anna@example.com", "three a day");

        Assert.Equal(2, second.Number);
        Assert.Equal("anna@example.com", second.ChangedBy);
        Assert.Equal(time.GetUtcNow(), second.At);
        Assert.Equal(2, history.Compiled.Version);
        Assert.Equal(["1 setup", "2 anna@example.com three a day"], history.Versions.Select(v => $"{v.Number} {v.ChangedBy}{(v.Note is null ? "" : " " + v.Note)}"));
        Assert.Empty(history.Find(1)!.Policy.Caps);
    }

    [Fact]
    public void An_invalid_change_is_refused_and_the_policy_in_force_stays()
    {
        var history = new PolicyHistory(new ContactPolicyDefinition(), "setup", new CampaignDirectory(), TimeProvider.System);
        var error = Assert.Throws<ContactPolicyException>(() => history.Change(new ContactPolicyDefinition { Caps = [new ContactCap()] }, "ben"));
        Assert.Equal("caps[0].limit", Assert.Single(error.Problems).Path);
        Assert.Equal(1, history.Current.Number);
        Assert.Equal(1, history.Compiled.Version);
    }

    [Fact]
    public void A_change_based_on_an_old_version_is_refused()
    {
        var history = new PolicyHistory(new ContactPolicyDefinition(), "setup", new CampaignDirectory(), TimeProvider.System);
        history.Change(new ContactPolicyDefinition { Currency = "EUR" }, "anna", basedOn: 1);
        var error = Assert.Throws<ConflictException>(() => history.Change(new ContactPolicyDefinition { Currency = "GBP" }, "ben", basedOn: 1));
        Assert.StartsWith("The policy changed since version 1: version 2 was made by anna", error.Message, StringComparison.Ordinal);
        Assert.Equal("EUR", history.Current.Policy.Currency);
    }

    [Fact]
    public void A_campaign_of_the_calendar_gives_the_facts_the_policy_needs()
    {
        var at = new DateTimeOffset(2026, 6, 10, 8, 0, 0, TimeSpan.Zero);
        var campaign = new CommonGround.Campaigns.Campaign
        {
            Id = "cmp_1", Name = "Gold tier offer", Team = "loyalty", Channel = Channel.Email, Category = CampaignCategory.Marketing,
            Schedule = new OneOffSchedule(at), Priority = 90, ExpectedValue = 0.4m, HoldoutShare = 0.1, HoldoutSalt = "cmp_1",
            Status = CampaignStatus.Scheduled, CreatedBy = "anna", CreatedAt = at, UpdatedBy = "anna", UpdatedAt = at,
        };
        Assert.Equal(new CampaignFacts("cmp_1", "Gold tier offer", "loyalty", Channel.Email, CampaignCategory.Marketing, 90, 0.4m), CampaignFacts.Of(campaign));
    }

    [Fact]
    public void A_new_policy_applies_to_the_next_decision()
    {
        var world = new PolicyWorld(PolicyWorld.Policy(PolicyWorld.Cap(1, CapWindow.Day)), PolicyWorld.Local(2026, 6, 10, 10, 0));
        world.SendAt(PolicyWorld.Local(2026, 6, 10, 10, 0), 1, Campaign.GoldTier);
        Assert.False(world.Decide(1, Campaign.Spring).Allowed);
        world.Policies.Change(PolicyWorld.Policy(PolicyWorld.Cap(2, CapWindow.Day)), "anna");
        var decision = world.Decide(1, Campaign.Spring);
        Assert.True(decision.Allowed);
        Assert.Equal(2, decision.PolicyVersion);
    }
}
