using CommonGround.ContactPolicy;
using CommonGround.Identity;

namespace CommonGround.Storage;

/// <summary>
/// What the contact policy keeps: its versions, the journal of the embedded ledger (every
/// reservation, confirmation, cancellation and reported send, written in group commits), and the
/// log of held-back decisions that a profile shows.
/// </summary>
public interface IContactPolicyStore
{
    /// <summary>Every saved version, oldest first (empty for a new workspace).</summary>
    Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(CancellationToken ct);

    /// <summary>Saves a new version durably.</summary>
    /// <exception cref="ConflictException">A version with that number exists already (another change came first).</exception>
    Task AddPolicyVersionAsync(PolicyVersion version, CancellationToken ct);

    /// <summary>Appends ledger changes and held-back decisions in one transaction; returns once it is committed.</summary>
    Task AppendJournalAsync(IReadOnlyList<LedgerChange> changes, IReadOnlyList<HeldBackDecision> heldBack, CancellationToken ct);

    /// <summary>
    /// Appends held-back decisions that nobody waits for (the decision log explains, it does not
    /// count): the store may return before they are on disk, so a crash can lose the last of them.
    /// They are read like any other once this returns.
    /// </summary>
    Task LogHeldBackAsync(IReadOnlyList<HeldBackDecision> heldBack, CancellationToken ct) => AppendJournalAsync([], heldBack, ct);

    /// <summary>
    /// The journal of the messages meant for [<paramref name="from"/>, <paramref name="to"/>) (reserved
    /// or reported sent), of one profile (with the profiles merged into it) or all, with every confirmation and cancellation recorded since
    /// <paramref name="from"/> minus <see cref="LedgerChange.SettleWithin"/>; <see cref="LedgerChange.Fold"/> makes entries of them.
    /// </summary>
    Task<IReadOnlyList<LedgerChange>> ReadJournalAsync(ProfileId? profile, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>The held-back decisions of the profile and the profiles merged into it, for messages in [<paramref name="from"/>, <paramref name="to"/>), newest first.</summary>
    Task<IReadOnlyList<HeldBackDecision>> ListHeldBackAsync(ProfileId profile, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct);

    /// <summary>
    /// The contact facts of the surviving profile that has <paramref name="identifier"/>, by point
    /// lookups; null when no live profile has it.
    /// </summary>
    Task<ContactFacts?> FindContactFactsAsync(Identifier identifier, CancellationToken ct);

    /// <summary>The contact facts of a profile, following merges to the survivor; null when unknown, retired or emptied.</summary>
    Task<ContactFacts?> GetContactFactsAsync(ProfileId profile, CancellationToken ct);

    /// <summary>
    /// The contact facts and identifiers (but anonymous ids, of which a visitor has many) of the live profiles among <paramref name="profiles"/> that
    /// have derived rows or, when <paramref name="profiles"/> is null, of the <paramref name="limit"/>
    /// most recently seen profiles: set-based reads, for filling and refreshing a directory.
    /// </summary>
    Task<IReadOnlyList<ContactDirectoryEntry>> ReadContactDirectoryAsync(IReadOnlyCollection<ProfileId>? profiles, int limit, CancellationToken ct);

    /// <summary>
    /// Every profile whose contact facts were rewritten after <paramref name="since"/> (store time),
    /// with the profiles absorbed into them; the newest time first is not promised.
    /// </summary>
    Task<IReadOnlyList<ContactFactsChange>> ChangedContactFactsAsync(DateTimeOffset since, CancellationToken ct);
}
