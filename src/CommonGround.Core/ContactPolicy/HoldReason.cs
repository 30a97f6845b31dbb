using System.Text.Json.Serialization;

namespace CommonGround.ContactPolicy;

/// <summary>Why a message was held back.</summary>
public enum HoldCode : byte
{
    /// <summary>The customer is on a suppression list that covers the channel.</summary>
    Suppressed = 1,

    /// <summary>The customer refused marketing on the channel.</summary>
    ConsentRefused,

    /// <summary>The channel needs opt-in and the customer has not given it.</summary>
    NoConsent,

    /// <summary>It is the channel's quiet hours in the customer's time zone.</summary>
    QuietHours,

    /// <summary>Another message went too recently (or is planned too soon after).</summary>
    MinimumGap,

    /// <summary>A cap is used up by other messages.</summary>
    CapReached,
}

/// <summary>A message that used up a cap or a gap: its campaign, when, and whether it is sent, reserved or planned.</summary>
/// <param name="OtherMember">It went to another member of the customer's household.</param>
public sealed record ContactSend(CampaignFacts Campaign, DateTimeOffset At, EntryState State, bool OtherMember);

/// <summary>
/// One reason a message was held back: a code, the rule in words, the messages that used the rule
/// up, and when the message could go instead where that is known. <see cref="Text"/> is the sentence
/// a person reads, e.g. "held back: 2 marketing messages a day across teams, already used by 'Gold
/// tier offer' (loyalty, priority 90) and 'Brand X sponsored offer' (retail media, $0.80)".
/// </summary>
public sealed class HoldReason
{
    string? _text;

    internal HoldReason(HoldCode code, string rule, IReadOnlyList<ContactSend> usedBy, DateTimeOffset? notBefore, ExplanationContext context)
    {
        Code = code;
        Rule = rule;
        UsedBy = usedBy;
        NotBefore = notBefore;
        Context = context;
    }

    public HoldCode Code { get; }

    /// <summary>The rule in words, e.g. "2 marketing messages a day across teams".</summary>
    public string Rule { get; }

    /// <summary>The messages that used the cap up, oldest first (empty for consent, suppression, quiet hours).</summary>
    public IReadOnlyList<ContactSend> UsedBy { get; }

    /// <summary>When the message could go instead: the end of quiet hours or of a gap; null for caps and consent.</summary>
    public DateTimeOffset? NotBefore { get; }

    /// <summary>The English sentence, made on first use.</summary>
    public string Text => _text ??= Explanation.Sentence(this);

    [JsonIgnore]
    internal ExplanationContext Context { get; }

    public override string ToString() => Text;
}

/// <summary>What the wording needs besides the reason: the held-back campaign, the customer's calendar, the policy (currency, team priorities).</summary>
sealed record ExplanationContext(CampaignFacts Held, LocalCalendar Calendar, DateOnly LocalDate, CompiledContactPolicy Policy);

/// <summary>The sentences of <see cref="HoldReason.Text"/>.</summary>
static class Explanation
{
    /// <summary>At most this many messages are named; the rest are counted.</summary>
    const int Named = 4;

    public static string Sentence(HoldReason reason)
    {
        var context = reason.Context;
        var zone = context.Calendar;
        string Local(DateTimeOffset at) => Words.When(zone.LocalTime(at), context.LocalDate);
        return reason.Code switch
        {
            HoldCode.CapReached => $"held back: {reason.Rule}, already used by {Sends(reason.UsedBy, context)}",
            HoldCode.MinimumGap when reason.UsedBy.Count > 0 =>
                $"held back: {reason.Rule}; {Send(reason.UsedBy[^1], context)} {Went(reason.UsedBy[^1])} at {Local(reason.UsedBy[^1].At)}, " +
                $"so not before {Local(reason.NotBefore!.Value)}",
            HoldCode.QuietHours =>
                $"held back: {reason.Rule} in the customer's time zone ({zone.Id}); it can go from {Local(reason.NotBefore!.Value)}",
            _ => "held back: " + reason.Rule,
        };
    }

    static string Went(ContactSend send) => send.State switch
    {
        EntryState.Sent => "was sent",
        EntryState.Reserved => "is reserved",
        _ => "is planned",
    };

    static string Sends(IReadOnlyList<ContactSend> sends, ExplanationContext context)
    {
        var named = sends.Take(Named).Select(s => Send(s, context)).ToList();
        if (sends.Count > Named) named.Add($"{sends.Count - Named} more");
        return Words.List(named);
    }

    /// <summary>
    /// "'Gold tier offer' (loyalty, priority 90)": the campaign, its team, and why it came first — a
    /// higher priority, else a higher team priority, else its expected value; one sent or reserved
    /// earlier without a higher priority says so.
    /// </summary>
    static string Send(ContactSend send, ExplanationContext context)
    {
        var campaign = send.Campaign;
        var held = context.Held;
        var policy = context.Policy;
        var why = send.State switch
        {
            _ when campaign.Priority > held.Priority => $"priority {campaign.Priority}",
            EntryState.Planned when policy.TeamPriority(campaign.Team) > policy.TeamPriority(held.Team) => $"team priority {policy.TeamPriority(campaign.Team)}",
            EntryState.Planned => Words.Money(campaign.ExpectedValue, policy.Definition.Currency),
            EntryState.Sent => "already sent",
            _ => "already reserved",
        };
        var member = send.OtherMember ? ", to another member of the household" : "";
        return $"'{campaign.Name}' ({campaign.Team}, {why}{member})";
    }
}
