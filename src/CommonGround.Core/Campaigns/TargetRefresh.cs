using CommonGround.Audiences;
using CommonGround.Storage;

namespace CommonGround.Campaigns;

/// <summary>
/// What a store needs to refill a campaign's target list from its audience: the campaign, a fresh
/// snapshot of the audience, and the holdout and control thresholds the database compares buckets with.
/// </summary>
/// <param name="HoldoutThreshold">Buckets of the campaign's salt below this are held out (<see cref="Holdout.Threshold"/>).</param>
/// <param name="ControlThreshold">Buckets of the control group's salt below this are in control; 0 when the group is off or the campaign is transactional.</param>
public sealed record TargetRefresh(Campaign Campaign, AudienceSnapshot Snapshot, long HoldoutThreshold, string ControlSalt, long ControlThreshold)
{
    /// <summary>Finds the campaign and snapshots its audience.</summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    /// <exception cref="ConflictException">The campaign has no audience, or its audience is unknown.</exception>
    public static async Task<TargetRefresh> BeginAsync(ICampaignStore campaigns, IAudienceStore audiences, string campaignId,
        DateTimeOffset asOf, CancellationToken ct)
    {
        var campaign = await campaigns.FindAsync(campaignId, ct) ?? throw new KeyNotFoundException($"There is no campaign '{campaignId}'.");
        if (campaign.AudienceId is not { } audienceId)
            throw new ConflictException($"Campaign '{campaign.Name}' has no audience; give it an audienceId first.");
        var snapshot = await audiences.SnapshotAsync(audienceId, asOf, ct)
            ?? throw new ConflictException($"Campaign '{campaign.Name}' names audience '{audienceId}', which does not exist.");
        var control = await campaigns.GetGlobalControlAsync(ct);
        var inControl = campaign.ExcludesGlobalControl && control.Enabled && control.Salt.Length > 0;
        return new TargetRefresh(campaign, snapshot, Holdout.Threshold(campaign.HoldoutShare), control.Salt,
            inControl ? Holdout.Threshold(control.Share) : 0);
    }

    public CampaignTargetsRefresh Result(long targets, long heldOut, long inControl, long contacted) =>
        new(Campaign.Id, Snapshot.Id, Snapshot.AsOf, targets, heldOut, inControl, contacted);
}
