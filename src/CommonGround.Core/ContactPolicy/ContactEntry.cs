using System.Globalization;
using CommonGround.Identity;

namespace CommonGround.ContactPolicy;

/// <summary>Where a message in the ledger stands.</summary>
public enum EntryState : byte
{
    /// <summary>Allowed by a real-time decision and holding its place until confirmed, cancelled or expired.</summary>
    Reserved,

    /// <summary>Sent: confirmed, or reported by a "Message Sent" event.</summary>
    Sent,

    /// <summary>Accepted by a batch arbitration, not sent yet.</summary>
    Planned,
}

/// <summary>
/// One message to one customer as the ledger keeps it: small, no names (those live in the
/// <see cref="CampaignDirectory"/>), times in UTC ticks. A reservation counts toward every cap
/// until <see cref="ExpiresAt"/>; a sent message counts until it leaves every window.
/// </summary>
/// <param name="At">When it was (or will be) sent, UTC ticks.</param>
/// <param name="ExpiresAt">UTC ticks after which an unconfirmed reservation no longer counts; <see cref="long.MaxValue"/> otherwise.</param>
/// <param name="Sequence">Numbers the customer's entries (from 1); with the profile it is the reservation id.</param>
/// <param name="Campaign">Index in the <see cref="CampaignDirectory"/>.</param>
/// <param name="Team">Team index in the <see cref="CampaignDirectory"/>.</param>
/// <param name="Household">The household the message counted for, or null.</param>
public readonly record struct ContactEntry(
    long At, long ExpiresAt, ProfileId Profile, long Sequence, int Campaign, int Team,
    Channel Channel, MessageCategory Category, EntryState State, string? Household)
{
    public bool IsLive(long now) => ExpiresAt > now;

    public ReservationId Reservation => new(Profile, Sequence);
}

/// <summary>
/// A real-time reservation: the customer and the number of the ledger entry. Written "r12-3"
/// (profile 12, entry 3); <see cref="TryParse"/> reads it back.
/// </summary>
public readonly record struct ReservationId(ProfileId Profile, long Sequence)
{
    public override string ToString() =>
        "r" + Profile.Value.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out ReservationId id)
    {
        id = default;
        if (text is not { Length: > 3 } || text[0] != 'r') return false;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 2
            || !long.TryParse(text.AsSpan(1, dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var profile)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || profile < 1 || sequence < 1)
            return false;
        id = new ReservationId(new ProfileId(profile), sequence);
        return true;
    }
}
