using CommonGround.Events;
using CommonGround.Records;

namespace CommonGround.Identity;

/// <summary>One event or customer record, with the store-wide sequence number it was committed at.</summary>
public sealed record SequencedEvidence(long Sequence, TrackedEvent? Event, CustomerRecord? Customer);

/// <summary>A saved state of the identity graph, and the sequence it covers.</summary>
/// <param name="Graph">The graph in the <see cref="IdentitySnapshot"/> format.</param>
public sealed record IdentityCheckpoint(long Sequence, DateTimeOffset SavedAt, byte[] Graph);

/// <summary>
/// One step of resolution, to be saved in one transaction (<c>IIdentityStore.SaveAsync</c>).
/// Every member states how things are now, so saving the same step twice is harmless.
/// </summary>
/// <param name="Through">Every evidence up to this sequence is resolved.</param>
/// <param name="Identifiers">Identifiers whose profile is new or changed, with the business their e-mail domain stands for.</param>
/// <param name="Profiles">Profiles created or changed (merged into another, restored, retired).</param>
/// <param name="Merges">Merges made or whose status changed.</param>
/// <param name="Conflicts">New conflicts, numbered by their position in the graph's conflict log (from 1).</param>
/// <param name="Customers">Household and company business of customer records resolved in this step.</param>
/// <param name="BusinessLinks">Identifiers seen in a group call with a business.</param>
/// <param name="Checkpoint">A checkpoint to keep, or null.</param>
public sealed record IdentityChanges(
    long Through,
    DateTimeOffset At,
    IReadOnlyList<IdentifierLink> Identifiers,
    IReadOnlyList<ProfileState> Profiles,
    IReadOnlyList<MergeRecord> Merges,
    IReadOnlyList<NumberedConflict> Conflicts,
    IReadOnlyList<HouseholdRow> Households,
    IReadOnlyList<BusinessRow> Businesses,
    IReadOnlyList<CustomerLink> Customers,
    IReadOnlyList<BusinessLink> BusinessLinks,
    IdentityCheckpoint? Checkpoint)
{
    /// <summary>
    /// The profile each event of the step was put in, by the event's sequence number: stored with the
    /// event (<c>events.profile_id</c>) so audiences reach events by an integer. A profile absorbed
    /// later is followed through the merge (the store keeps absorbed profiles to their survivor).
    /// </summary>
    public IReadOnlyList<EventProfile> EventProfiles { get; init; } = [];

    /// <summary>
    /// Profiles whose events must be put again in the profile of their identifiers (an unmerge moved
    /// identifiers between them, which no merge explains).
    /// </summary>
    public IReadOnlyList<ProfileId> Repoint { get; init; } = [];

    /// <summary>
    /// Profiles whose derived rows must be recomputed (they got events) although their own row and
    /// identifiers did not change; queued with those of <see cref="Profiles"/>.
    /// </summary>
    public IReadOnlyList<ProfileId> Touched { get; init; } = [];

    /// <summary>
    /// The profiles whose earlier events this step moves (merges made or undone, unmerges): what they
    /// summarised of their events before no longer holds (<see cref="Profiles.ProfileEventSummaries"/>).
    /// </summary>
    public IEnumerable<long> MovedEvents() =>
        Merges.SelectMany(m => new[] { m.Survivor.Value, m.Absorbed.Value }).Concat(Repoint.Select(p => p.Value));
}

/// <summary>The profile an event (by its sequence number) was resolved into.</summary>
public readonly record struct EventProfile(long Sequence, ProfileId Profile);

/// <param name="Profile">Null when a conflict left the identifier without a profile.</param>
/// <param name="BusinessId">The business of an e-mail's corporate domain, for e-mail identifiers.</param>
public sealed record IdentifierLink(Identifier Identifier, ProfileId? Profile, string? BusinessId);

public sealed record NumberedConflict(long Number, IdentityConflict Conflict);

/// <param name="Address">The address as one of its members wrote it, for display.</param>
public sealed record HouseholdRow(string Id, string Key, string? Address);

/// <param name="Traits">JSON object of the latest group call's traits.</param>
public sealed record BusinessRow(string Id, string Key, string? Name, string? Domain, string? Traits);

/// <summary>The household and company business a customer record puts its person in.</summary>
public sealed record CustomerLink(string SourceId, string CustomerId, string? HouseholdId, string? BusinessId);

/// <summary>An identifier seen in a group call: its profile belongs to the business.</summary>
public sealed record BusinessLink(string BusinessId, Identifier Identifier, string Via);
