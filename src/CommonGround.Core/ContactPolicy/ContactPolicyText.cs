using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>
/// A policy in plain words, one sentence per rule, for people who read it rather than edit its
/// JSON (the policy page, `commonground policy show`). The same phrases as the explanations of
/// held-back messages, so a rule reads the same everywhere.
/// </summary>
public static class ContactPolicyText
{
    /// <summary>Each part of the policy in words, grouped under headings, in the policy's order.</summary>
    public static IReadOnlyList<(string Heading, IReadOnlyList<string> Rules)> Describe(ContactPolicyDefinition policy)
    {
        var counted = policy.AdvertisingCountsTowardCaps ? "marketing messages or ads" : "marketing messages";
        var sections = new List<(string, IReadOnlyList<string>)>
        {
            ("Caps", policy.Caps.Count == 0 ? ["No caps: any number of messages."] : [.. policy.Caps.Select(c => "At most " + CompiledContactPolicy.Describe(c) + ".")]),
            ("Quiet hours", policy.QuietHours.Count == 0 ? ["None."] : [.. policy.QuietHours.Select(q =>
                $"No {Channels.Noun(q.Channel, 2)} from {q.Start:HH\\:mm} to {q.End:HH\\:mm} in the customer's time zone.")]),
            ("Minimum gaps", policy.MinimumGaps.Count == 0 ? ["None."] : [.. policy.MinimumGaps.Select(g =>
                $"At least {Words.Duration(g.Gap)} between two {(g.Channel is { } c ? Channels.Noun(c, 2) : counted)} to one customer.")]),
            ("Consent", [
                policy.OptInChannels.Count == 0
                    ? "No channel needs opt-in; a customer's refusal still blocks marketing on that channel."
                    : $"Marketing {Words.List([.. policy.OptInChannels.Select(Channels.By)], "or")} needs the customer's opt-in; elsewhere only a refusal blocks it.",
                policy.AdvertisingCountsTowardCaps
                    ? "Retail-media ads count toward the caps together with marketing messages."
                    : "Retail-media ads count only toward caps on the advertising category.",
                "Transactional messages are never capped or delayed, but they are recorded.",
            ]),
            ("Suppression lists", policy.SuppressionLists.Count == 0 ? ["None."] : [.. policy.SuppressionLists.Select(l =>
                $"'{l.Name}' blocks {(l.Channels.Count == 0 ? "every channel" : Words.List([.. l.Channels.Select(c => Channels.Noun(c, 2))]))}" +
                (l.IncludesTransactional ? ", transactional messages too." : " for marketing and ads."))]),
            ("Order", [
                "Higher campaign priority first, then team priority, then expected value.",
                .. policy.Teams.OrderByDescending(t => t.Priority).Select(t => $"Team '{t.Team}' has priority {t.Priority}."),
            ]),
            ("Defaults", [
                $"Customers whose time zone is not known are in {policy.DefaultTimeZone}; values are in {policy.Currency}.",
                $"A real-time reservation holds its place for {Words.Duration(policy.ReservationTimeout)}.",
            ]),
        };
        return sections;
    }

    /// <summary>A channel's name as people say it ("SMS", "direct mail").</summary>
    public static string ChannelName(Channel channel) => channel switch
    {
        Channel.Sms => "SMS",
        Channel.DirectMail => "direct mail",
        Channel.PaidSocial => "paid social",
        Channel.OnSiteAd => "on-site ads",
        Channel.OffSiteAd => "off-site ads",
        Channel.WebPersonalisation => "web personalisation",
        _ => channel.ToString().ToLowerInvariant(),
    };
}
