namespace CommonGround.Identity;

/// <summary>
/// A profile's id: a sequence number given in the order profiles are created, so the same input in
/// the same order always gives the same ids, and a lower id is an older profile.
/// </summary>
public readonly record struct ProfileId(long Value) : IComparable<ProfileId>
{
    public int CompareTo(ProfileId other) => Value.CompareTo(other.Value);

    public override string ToString() => "p" + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A resolved person: the surviving profile and every identifier that resolves to it.</summary>
/// <param name="Identifiers">In the order the graph first saw them.</param>
/// <param name="Merges">How many merges made this profile (0 for a profile that absorbed none).</param>
public sealed record IdentityProfile(ProfileId Id, DateTimeOffset CreatedAt, IReadOnlyList<Identifier> Identifiers, int Merges);

public enum MergeStatus
{
    Active,

    /// <summary>Undone by an operator with <see cref="IdentityGraph.Unmerge"/>; the pair stays apart.</summary>
    Undone,

    /// <summary>Not reproduced when the evidence was replayed after another merge of the same profile was undone.</summary>
    Reverted,
}

/// <summary>
/// One merge: <see cref="Absorbed"/> was joined into <see cref="Survivor"/> (always the older of the
/// two) because <see cref="Identifier"/>, already in the absorbed profile, was seen in
/// <see cref="Evidence"/> with identifiers of the survivor.
/// </summary>
/// <param name="Id">Sequence number, from 1, in the order merges happened.</param>
/// <param name="Observation">Sequence number (from 0) of the observation that caused it.</param>
/// <param name="Time">The observation's time.</param>
/// <param name="UndoneAt">When an unmerge undid or reverted it.</param>
/// <param name="UndoneBy">The merge whose unmerge undid or reverted it.</param>
public sealed record MergeRecord(
    long Id, ProfileId Survivor, ProfileId Absorbed, Identifier Identifier, EvidenceReference Evidence,
    DateTimeOffset Time, long Observation, MergeStatus Status = MergeStatus.Active,
    DateTimeOffset? UndoneAt = null, long? UndoneBy = null);

public enum ConflictReason
{
    /// <summary>Joining would put more identifiers of <see cref="IdentityConflict.Type"/> in one profile than allowed (two userIds).</summary>
    TypeLimit,

    /// <summary>Joining would exceed <see cref="IdentityOptions.MaxMergesPerProfile"/>.</summary>
    MergeCap,

    /// <summary>The pair was split by an unmerge, and this evidence is not new enough to join them again.</summary>
    UndoneMerge,
}

/// <summary>
/// Evidence that the graph refused to follow: <see cref="Identifier"/> links <see cref="Profile"/>
/// (where the observation went) to <see cref="Other"/>, or could not be added to <see cref="Profile"/>
/// when <see cref="Other"/> is null. Both profiles are kept apart; an operator can review it.
/// </summary>
/// <param name="Type">The identifier type whose limit was reached, for <see cref="ConflictReason.TypeLimit"/>.</param>
public sealed record IdentityConflict(
    ProfileId Profile, ProfileId? Other, Identifier Identifier, EvidenceReference Evidence, DateTimeOffset Time,
    ConflictReason Reason, string? Type = null);

/// <summary>
/// Everything an <see cref="IdentityGraph"/> knows, as plain records to save and load: profiles,
/// identifier to profile map, observations (kept so that an unmerge can replay them), merge and
/// conflict logs, blocks left by unmerges and the counts of ignored values.
/// </summary>
public sealed record IdentityGraphState(
    IReadOnlyList<ProfileState> Profiles,
    IReadOnlyList<IdentifierState> Identifiers,
    IReadOnlyList<ObservationState> Observations,
    IReadOnlyList<MergeRecord> Merges,
    IReadOnlyList<IdentityConflict> Conflicts,
    IReadOnlyList<MergeBlock> Blocks,
    long JunkIgnored,
    long InvalidIgnored);

/// <param name="MergedInto">The surviving profile it now resolves to; null for a surviving profile.</param>
/// <param name="FoundingObservation">The observation that created it; an unmerge's replay recreates it there.</param>
/// <param name="Retired">Emptied by an unmerge whose replay no longer created it.</param>
public sealed record ProfileState(ProfileId Id, DateTimeOffset CreatedAt, long FoundingObservation, ProfileId? MergedInto, bool Retired);

/// <param name="Profile">The surviving profile it resolves to; null when no profile could take it (a conflict).</param>
public sealed record IdentifierState(Identifier Identifier, ProfileId? Profile);

public sealed record ObservationState(long Sequence, EvidenceReference Evidence, DateTimeOffset Time, IReadOnlyList<Identifier> Identifiers);

/// <summary>
/// Left by an unmerge: the profiles on the two sides of <see cref="MergeId"/> are not joined again
/// by evidence older than <see cref="FromObservation"/>, nor by any evidence holding <see cref="Identifier"/>.
/// </summary>
public sealed record MergeBlock(long MergeId, ProfileId Survivor, ProfileId Absorbed, Identifier Identifier, long FromObservation);
