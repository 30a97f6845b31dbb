using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.ContactPolicy;

/// <summary>
/// The embedded ledger made durable: <see cref="InMemoryContactLedger"/> does the atomic
/// check-and-reserve, and every change (reservation, confirmation, cancellation, reported send) is
/// written to the store's journal through <see cref="ContactJournal"/>'s group commits before the
/// call returns. So nothing acknowledged is lost in a crash; <see cref="LoadAsync"/> puts the live
/// entries back at start. One process per store (the ledger's memory is the truth between commits).
/// </summary>
public sealed class JournaledContactLedger(InMemoryContactLedger memory, ContactJournal journal) : IContactLedger
{
    public CampaignDirectory Campaigns => memory.Campaigns;

    public async ValueTask<LedgerOutcome> TryReserveAsync(ContactCandidate candidate, CompiledContactPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var outcome = await memory.TryReserveAsync(candidate, policy, now, ct);
        if (outcome.Reservation is not { } id) return outcome;
        var message = new LedgerMessage(Time(candidate.At), outcome.ExpiresAt, candidate.Household, Campaigns[candidate.Campaign]);
        try
        {
            await journal.WriteAsync(new LedgerChange(id, LedgerChangeKind.Reserved, now, message));
        }
        catch
        {
            // Not durable, so not given: free the place again.
            await memory.CancelAsync(id, now, CancellationToken.None);
            throw;
        }
        return outcome;
    }

    public async ValueTask<ReservationResult> ConfirmAsync(ReservationId id, DateTimeOffset now, CancellationToken ct)
    {
        var result = await memory.ConfirmAsync(id, now, ct);
        // Journaled again when already sent, so a confirmation retried after a failed write is kept.
        if (result is ReservationResult.Confirmed or ReservationResult.AlreadySent)
            await journal.WriteAsync(new LedgerChange(id, LedgerChangeKind.Confirmed, now, null));
        return result;
    }

    public async ValueTask<ReservationResult> CancelAsync(ReservationId id, DateTimeOffset now, CancellationToken ct)
    {
        var result = await memory.CancelAsync(id, now, ct);
        if (result == ReservationResult.Cancelled) await journal.WriteAsync(new LedgerChange(id, LedgerChangeKind.Cancelled, now, null));
        return result;
    }

    public async ValueTask<ReservationId> RecordSentAsync(ContactCandidate sent, DateTimeOffset now, CancellationToken ct)
    {
        var id = await memory.RecordSentAsync(sent, now, ct);
        var message = new LedgerMessage(Time(sent.At), null, sent.Household, Campaigns[sent.Campaign]);
        await journal.WriteAsync(new LedgerChange(id, LedgerChangeKind.Sent, now, message));
        return id;
    }

    public ValueTask<IReadOnlyList<ContactEntry>> ReadAsync(ProfileId profile, string? household, DateTimeOffset now, CancellationToken ct) =>
        memory.ReadAsync(profile, household, now, ct);

    /// <summary>
    /// Puts back the live entries of the journal (those that can still count at <paramref name="now"/>).
    /// Call once at start, before decisions. Returns how many entries were restored.
    /// </summary>
    public static async Task<int> LoadAsync(InMemoryContactLedger memory, IContactPolicyStore store, DateTimeOffset now, CancellationToken ct)
    {
        // Messages are decided at most a day ahead; a little more for clocks.
        var changes = await store.ReadJournalAsync(null, now - CompiledContactPolicy.Retention, now + TimeSpan.FromDays(2), ct);
        var last = new Dictionary<ProfileId, long>();
        foreach (var change in changes)
        {
            var profile = change.Entry.Profile;
            last[profile] = Math.Max(last.GetValueOrDefault(profile), change.Entry.Sequence);
        }
        var restored = 0;
        foreach (var entry in LedgerChange.Fold(changes).OrderBy(e => e.Entry.Profile.Value).ThenBy(e => e.Entry.Sequence))
        {
            if (memory.Restore(entry, last[entry.Entry.Profile], now)) restored++;
        }
        return restored;
    }

    static DateTimeOffset Time(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
