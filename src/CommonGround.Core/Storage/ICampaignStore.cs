using CommonGround.Campaigns;

namespace CommonGround.Storage;

/// <summary>
/// The shared campaign calendar: every team's campaigns, their evaluated target lists, the global
/// control group, and the overlap between campaigns. Days are UTC days.
/// </summary>
public interface ICampaignStore
{
    /// <exception cref="ConflictException">A campaign with that id exists already.</exception>
    Task AddAsync(Campaign campaign, CancellationToken ct);

    Task<Campaign?> FindAsync(string id, CancellationToken ct);

    /// <summary>Replaces the stored campaign with the same id. False when there is none.</summary>
    Task<bool> UpdateAsync(Campaign campaign, CancellationToken ct);

    /// <summary>Removes the campaign and its target list. False when there is none.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken ct);

    /// <summary>Campaigns passing the query's filters, by team, then name, then id.</summary>
    Task<IReadOnlyList<Campaign>> ListAsync(CampaignQuery query, CancellationToken ct);

    /// <summary>
    /// Replaces the campaign's target list with <paramref name="targets"/> in one transaction (bulk).
    /// A person given twice is kept once, the last given winning. Returns how many are stored.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    Task<long> SetTargetsAsync(string campaignId, IEnumerable<CampaignTarget> targets, CancellationToken ct);

    /// <summary>
    /// Snapshots the campaign's audience as of <paramref name="asOf"/> (<see cref="IAudienceStore.SnapshotAsync"/>)
    /// and replaces the campaign's target list with its members, holdout and global control computed
    /// inside the database with <see cref="Holdout"/>'s formula (the same answer as <see cref="CampaignTarget.For"/>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No campaign has that id.</exception>
    /// <exception cref="ConflictException">The campaign has no audience, or its audience is unknown.</exception>
    Task<CampaignTargetsRefresh> RefreshTargetsAsync(string campaignId, DateTimeOffset asOf, CancellationToken ct);

    /// <summary>The campaign's target list, by profile id (for checks and exports; large lists are large).</summary>
    Task<IReadOnlyList<CampaignTarget>> ListTargetsAsync(string campaignId, CancellationToken ct);

    /// <summary>
    /// The overlap of the campaigns active in [<paramref name="from"/>, <paramref name="to"/>): scheduled
    /// or live, and running in the window. Only contacted targets count (not held out, not in control).
    /// </summary>
    Task<CampaignOverlap> OverlapAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>
    /// Customers contacted by at least <paramref name="k"/> of the campaigns active on the UTC day, most
    /// campaigns first (then by profile id), at most <paramref name="limit"/> of them, with the total.
    /// </summary>
    Task<ContactPressure> ContactedByAtLeastAsync(DateOnly day, int k, int limit, CancellationToken ct);

    /// <summary>
    /// The contacted targets (not held out, not in control) of <paramref name="campaignIds"/>, one row
    /// per campaign and person, ordered by profile id then campaign, each with the person's latest
    /// marketing consent per channel; streamed, for the contact policy's what-if simulator.
    /// <see cref="PlannedTarget.Campaign"/> is the campaign's position in <paramref name="campaignIds"/>.
    /// </summary>
    IAsyncEnumerable<PlannedTarget> ReadPlannedTargetsAsync(IReadOnlyList<string> campaignIds, CancellationToken ct);

    /// <summary>The workspace's global control group (<see cref="GlobalControlGroup.Default"/> until set).</summary>
    Task<GlobalControlGroup> GetGlobalControlAsync(CancellationToken ct);

    Task SetGlobalControlAsync(GlobalControlGroup group, CancellationToken ct);
}
