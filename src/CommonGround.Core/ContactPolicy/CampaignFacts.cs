using CommonGround.Campaigns;

namespace CommonGround.ContactPolicy;

/// <summary>A customer's answer to marketing on one channel, as the profile knows it.</summary>
public enum Consent
{
    /// <summary>Never asked or not recorded: allowed only on channels that do not require opt-in.</summary>
    Unknown,
    Granted,
    Refused,
}

/// <summary>
/// The facts about a campaign the contact policy needs: what a send or decision request carries,
/// so a caller without the stored <see cref="Campaign"/> (a sending tool reporting "Message Sent")
/// can still be decided. <see cref="Of"/> takes them from a campaign of the calendar.
/// </summary>
/// <param name="Id">Stable id; explanations and the ledger refer to the campaign by it.</param>
/// <param name="Name">Shown in explanations, e.g. 'Gold tier offer'.</param>
/// <param name="Team">The team that owns the campaign, e.g. "loyalty" or "retail media".</param>
/// <param name="Category">Marketing, transactional or advertising; the policy treats each differently (see docs/contact-policy.md).</param>
/// <param name="Priority">As the campaign calendar defines it: 1 to 100, higher is more important; arbitration takes higher first.</param>
/// <param name="ExpectedValue">Expected value of one message, in the policy's currency.</param>
public sealed record CampaignFacts(
    string Id, string Name, string Team, Channel Channel, CampaignCategory Category, int Priority, decimal ExpectedValue)
{
    public static CampaignFacts Of(Campaign campaign) =>
        new(campaign.Id, campaign.Name, campaign.Team, campaign.Channel, campaign.Category, campaign.Priority, campaign.ExpectedValue);
}
