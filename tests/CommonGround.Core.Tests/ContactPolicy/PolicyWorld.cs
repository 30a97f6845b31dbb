using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>Campaigns the contact policy tests share; names and teams as the issue's example.</summary>
static class Campaign
{
    public static readonly CampaignFacts GoldTier = new("gold-tier", "Gold tier offer", "loyalty", Channel.Email, CampaignCategory.Marketing, 90, 0.40m);
    public static readonly CampaignFacts BrandX = new("brand-x", "Brand X sponsored offer", "retail media", Channel.OnSiteAd, CampaignCategory.Advertising, 50, 0.80m);
    public static readonly CampaignFacts Spring = new("spring-sale", "Spring sale", "ecommerce", Channel.Email, CampaignCategory.Marketing, 50, 0.50m);
    public static readonly CampaignFacts Winback = new("winback", "Win-back", "lifecycle", Channel.Sms, CampaignCategory.Marketing, 30, 0.30m);
    public static readonly CampaignFacts Receipt = new("receipt", "Order receipt", "ecommerce", Channel.Email, CampaignCategory.Transactional, 50, 0m);
    public static readonly CampaignFacts DeliverySms = new("delivery-sms", "Delivery notice", "logistics", Channel.Sms, CampaignCategory.Transactional, 50, 0m);

    public static CampaignFacts Email(string id, int priority = 50, decimal value = 0.5m, string team = "ecommerce") =>
        new(id, id, team, Channel.Email, CampaignCategory.Marketing, priority, value);

    public static CampaignFacts Sms(string id, int priority = 50, decimal value = 0.5m, string team = "ecommerce") =>
        new(id, id, team, Channel.Sms, CampaignCategory.Marketing, priority, value);
}

/// <summary>
/// A policy, a ledger and a decider on fake time, for one test. Times are given in the customer's
/// local time (<see cref="Local"/>) so tests read like the calendar they check.
/// </summary>
sealed class PolicyWorld
{
    public const string Brussels = "Europe/Brussels";

    public PolicyWorld(ContactPolicyDefinition policy, DateTimeOffset start)
    {
        Time = new FakeTimeProvider(start);
        Campaigns = new CampaignDirectory();
        Policies = new PolicyHistory(policy, "tests", Campaigns, Time);
        Ledger = new InMemoryContactLedger(Campaigns, stripes: 64);
        Decider = new ContactDecider(Policies, Ledger, Time);
    }

    public FakeTimeProvider Time { get; }
    public CampaignDirectory Campaigns { get; }
    public PolicyHistory Policies { get; }
    public InMemoryContactLedger Ledger { get; }
    public ContactDecider Decider { get; }

    public static ContactPolicyDefinition Policy(params ContactCap[] caps) => new() { Caps = caps, OptInChannels = [] };

    public static ContactCap Cap(int limit, CapWindow window, CapScope scope = CapScope.AllMarketing, CapLevel level = CapLevel.Customer) =>
        new() { Limit = limit, Window = window, Scope = scope, Level = level };

    /// <summary>A wall-clock time in a zone, as a UTC instant.</summary>
    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute, string zone = Brussels) =>
        LocalCalendar.Find(zone).ToUtc(new DateTime(year, month, day, hour, minute, 0));

    /// <summary>Moves the fake clock to a time (never backwards) and decides there.</summary>
    public ContactDecision DecideAt(DateTimeOffset at, long profile, CampaignFacts campaign, string? household = null, string zone = Brussels,
        Consent consent = Consent.Granted, IReadOnlyList<string>? lists = null)
    {
        MoveTo(at);
        return Decide(profile, campaign, household, zone, consent, lists);
    }

    public ContactDecision Decide(long profile, CampaignFacts campaign, string? household = null, string zone = Brussels,
        Consent consent = Consent.Granted, IReadOnlyList<string>? lists = null) =>
        Decider.DecideAsync(new ContactRequest(new ProfileId(profile), campaign, household, zone, consent, lists), CancellationToken.None)
            .AsTask().GetAwaiter().GetResult();

    /// <summary>Decides and confirms at once: a message that went.</summary>
    public ContactDecision SendAt(DateTimeOffset at, long profile, CampaignFacts campaign, string? household = null, string zone = Brussels)
    {
        var decision = DecideAt(at, profile, campaign, household, zone);
        Assert.True(decision.Allowed, $"expected {campaign.Name} at {at:u} to be allowed: {string.Join("; ", decision.Reasons)}");
        Assert.Equal(ReservationResult.Confirmed, Decider.ConfirmAsync(decision.Reservation!.Value, CancellationToken.None).AsTask().GetAwaiter().GetResult());
        return decision;
    }

    public void MoveTo(DateTimeOffset at)
    {
        Assert.True(at >= Time.GetUtcNow(), $"tests move time forward only ({at:u} is before {Time.GetUtcNow():u})");
        Time.SetUtcNow(at);
    }
}
