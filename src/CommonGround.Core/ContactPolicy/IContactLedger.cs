using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>
/// The ledger of messages per customer and household: what the contact policy counts. Embedded
/// (<see cref="InMemoryContactLedger"/>) by default; a shared one (Redis Cluster) later implements
/// the same port.
/// </summary>
/// <remarks>
/// The one hard promise: <see cref="TryReserveAsync"/> checks and reserves as one atomic step over
/// the customer's and the household's entries, so concurrent callers can never exceed a cap.
/// Entries use the indexes of <see cref="Campaigns"/>; policies compiled for this ledger must use
/// the same directory.
/// </remarks>
public interface IContactLedger
{
    CampaignDirectory Campaigns { get; }

    /// <summary>
    /// Checks the message against the live entries of its customer and household with
    /// <see cref="CompiledContactPolicy.Check"/> and, when it fits, adds a reservation that counts
    /// until confirmed, cancelled or <paramref name="now"/> + the policy's reservation timeout.
    /// </summary>
    ValueTask<LedgerOutcome> TryReserveAsync(ContactCandidate candidate, CompiledContactPolicy policy, DateTimeOffset now, CancellationToken ct);

    /// <summary>Marks a reservation sent; it then counts until it leaves every window.</summary>
    ValueTask<ReservationResult> ConfirmAsync(ReservationId id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Removes a reservation that was not used.</summary>
    ValueTask<ReservationResult> CancelAsync(ReservationId id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Adds a message that was sent without a reservation (reported through ingestion, or transactional).</summary>
    ValueTask<ReservationId> RecordSentAsync(ContactCandidate sent, DateTimeOffset now, CancellationToken ct);

    /// <summary>The live entries of a customer and of their household (each once), oldest first.</summary>
    ValueTask<IReadOnlyList<ContactEntry>> ReadAsync(ProfileId profile, string? household, DateTimeOffset now, CancellationToken ct);

    /// <summary>The customer's own live entries, each with the reservation id the ledger handed out for it, oldest first.</summary>
    async ValueTask<IReadOnlyList<(ReservationId Id, ContactEntry Entry)>> ReadCustomerAsync(ProfileId profile, DateTimeOffset now, CancellationToken ct) =>
        [.. (await ReadAsync(profile, null, now, ct)).Where(e => e.Profile == profile).Select(e => (new ReservationId(e.Profile, e.Sequence), e))];
}

/// <summary>What <see cref="IContactLedger.TryReserveAsync"/> did: a reservation, or the reasons it could not.</summary>
public readonly record struct LedgerOutcome(ReservationId? Reservation, DateTimeOffset? ExpiresAt, IReadOnlyList<HoldReason> Reasons)
{
    public bool Allowed => Reservation is not null;
}

/// <summary>What became of a confirmation or cancellation.</summary>
public enum ReservationResult
{
    Confirmed,
    Cancelled,

    /// <summary>Confirmed earlier (or reported sent): nothing changed.</summary>
    AlreadySent,

    /// <summary>The reservation timed out before it was confirmed; it no longer counts.</summary>
    Expired,

    /// <summary>No such reservation (wrong id, cancelled, or forgotten after the retention period).</summary>
    NotFound,
}
