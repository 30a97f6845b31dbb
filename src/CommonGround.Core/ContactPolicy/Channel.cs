namespace CommonGround.ContactPolicy;

/// <summary>
/// The channels a campaign can use, as the campaign calendar names them (JSON: camelCase, e.g.
/// "directMail"). CRM messages and retail-media ad exposures share one list so one cap can count both.
/// </summary>
public enum Channel
{
    Email,
    Sms,
    Push,
    DirectMail,
    Telemarketing,
    PaidSocial,
    OnSiteAd,
    OffSiteAd,
    WebPersonalisation,
}

/// <summary>What kind of message a send is; the contact policy treats each differently.</summary>
public enum MessageCategory
{
    /// <summary>Promotional messages from any team: counted by every cap.</summary>
    Marketing,

    /// <summary>Receipts, password resets, delivery notices: exempt from caps, gaps, quiet hours and marketing consent, but recorded.</summary>
    Transactional,

    /// <summary>Retail-media ad exposures: counted with marketing when the policy says so (<see cref="ContactPolicyDefinition.AdvertisingCountsTowardCaps"/>).</summary>
    Advertising,
}

/// <summary>A customer's answer to marketing on one channel, as the profile knows it.</summary>
public enum Consent
{
    /// <summary>Never asked or not recorded: allowed only on channels that do not require opt-in.</summary>
    Unknown,
    Granted,
    Refused,
}

/// <summary>
/// The facts about a campaign the contact policy needs. The campaign calendar owns campaigns; a
/// send or decision request carries these so the policy does not depend on it.
/// </summary>
/// <param name="Id">Stable id; explanations and the ledger refer to the campaign by it.</param>
/// <param name="Name">Shown in explanations, e.g. 'Gold tier offer'.</param>
/// <param name="Team">The team that owns the campaign, e.g. "loyalty" or "retail media".</param>
/// <param name="Priority">1 is the most important; arbitration takes lower numbers first.</param>
/// <param name="ExpectedValue">Expected value of one message, in the policy's currency.</param>
public sealed record CampaignFacts(
    string Id, string Name, string Team, Channel Channel, MessageCategory Category, int Priority, decimal ExpectedValue);
