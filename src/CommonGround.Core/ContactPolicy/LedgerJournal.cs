using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>What happened to a ledger entry, as the journal records it.</summary>
public enum LedgerChangeKind : byte
{
    Reserved,
    Confirmed,
    Cancelled,

    /// <summary>Recorded sent without a reservation (a "Message Sent" event, or transactional).</summary>
    Sent,
}

/// <summary>The message a reservation or a reported send is about.</summary>
/// <param name="ExpiresAt">When an unconfirmed reservation lapses; null for a send.</param>
public sealed record LedgerMessage(DateTimeOffset At, DateTimeOffset? ExpiresAt, string? Household, CampaignFacts Campaign);

/// <summary>
/// One line of the ledger's journal: an entry (the customer and the reservation number) and what
/// happened to it. Reservations and sends carry their <see cref="Message"/>; confirmations and
/// cancellations do not.
/// </summary>
public sealed record LedgerChange(ReservationId Entry, LedgerChangeKind Kind, DateTimeOffset RecordedAt, LedgerMessage? Message)
{
    /// <summary>A reservation is settled (confirmed or cancelled) within this long of the message's time.</summary>
    public static readonly TimeSpan SettleWithin = TimeSpan.FromDays(2);

    /// <summary>
    /// The entries the changes leave, in message time order: cancelled ones dropped, confirmed ones
    /// sent, reservations without a settlement still reserved (whether they lapsed is the reader's
    /// call). Changes about an entry whose message is not among them are ignored.
    /// </summary>
    public static IReadOnlyList<JournaledEntry> Fold(IEnumerable<LedgerChange> changes)
    {
        var entries = new Dictionary<ReservationId, JournaledEntry>();
        var settled = new Dictionary<ReservationId, LedgerChangeKind>();
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case LedgerChangeKind.Reserved or LedgerChangeKind.Sent when change.Message is { } message:
                    entries[change.Entry] = new JournaledEntry(change.Entry, message,
                        change.Kind == LedgerChangeKind.Sent ? EntryState.Sent : EntryState.Reserved);
                    break;
                case LedgerChangeKind.Cancelled:
                    settled[change.Entry] = LedgerChangeKind.Cancelled;
                    break;
                case LedgerChangeKind.Confirmed:
                    settled.TryAdd(change.Entry, LedgerChangeKind.Confirmed);
                    break;
            }
        }
        var result = new List<JournaledEntry>(entries.Count);
        foreach (var (id, entry) in entries)
        {
            if (entry.State == EntryState.Sent || !settled.TryGetValue(id, out var kind)) result.Add(entry);
            else if (kind == LedgerChangeKind.Confirmed) result.Add(entry with { State = EntryState.Sent });
        }
        result.Sort((a, b) => a.Message.At.CompareTo(b.Message.At) is var c and not 0 ? c
            : a.Entry.Profile.Value.CompareTo(b.Entry.Profile.Value) is var p and not 0 ? p : a.Entry.Sequence.CompareTo(b.Entry.Sequence));
        return result;
    }
}

/// <summary>A ledger entry as the journal leaves it.</summary>
public sealed record JournaledEntry(ReservationId Entry, LedgerMessage Message, EntryState State)
{
    /// <summary>Sent, or reserved and not lapsed at <paramref name="now"/>.</summary>
    public bool IsLive(DateTimeOffset now) => State != EntryState.Reserved || Message.ExpiresAt is not { } expires || expires > now;
}

/// <summary>A held-back real-time decision, kept so a profile can show what was held back and why.</summary>
/// <param name="At">When the message would have gone.</param>
/// <param name="DecidedAt">When the decision was made.</param>
public sealed record HeldBackDecision(
    ProfileId Profile, CampaignFacts Campaign, DateTimeOffset At, DateTimeOffset DecidedAt, int PolicyVersion, IReadOnlyList<HeldBackReason> Reasons);

/// <summary>One reason, as kept: its code (e.g. "capReached") and the sentence a person reads.</summary>
public sealed record HeldBackReason(string Code, string Text)
{
    public static HeldBackReason Of(HoldReason reason) => new(ContactPolicyJson.Name(reason.Code), reason.Text);
}
