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
    /// The journal of the messages meant for [<paramref name="from"/>, <paramref name="to"/>) (reserved
    /// or reported sent), of one profile or all, with every confirmation and cancellation recorded since
    /// <paramref name="from"/> minus <see cref="LedgerChange.SettleWithin"/>; <see cref="LedgerChange.Fold"/> makes entries of them.
    /// </summary>
    Task<IReadOnlyList<LedgerChange>> ReadJournalAsync(ProfileId? profile, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>The profile's held-back decisions for messages in [<paramref name="from"/>, <paramref name="to"/>), newest first.</summary>
    Task<IReadOnlyList<HeldBackDecision>> ListHeldBackAsync(ProfileId profile, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct);
}
