using System.Globalization;
using CommonGround.Campaigns;
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
/// One message to one customer as the ledger keeps it: 32 bytes, no names (those live in the
/// <see cref="CampaignDirectory"/>), times in UTC ticks. A reservation counts toward every cap
/// until <see cref="ExpiresAt"/>; a sent or planned message counts until it leaves every window.
/// Small on purpose: a decision scans a customer's recent entries, and fewer cache lines is faster.
/// </summary>
public readonly struct ContactEntry : IEquatable<ContactEntry>
{
    const int Never = int.MaxValue;
    readonly long _at;
    readonly long _profile;
    readonly int _sequence;
    readonly int _expiresIn;
    readonly int _campaign;
    readonly short _team;
    readonly byte _kind;

    /// <param name="at">When it was (or will be) sent, UTC ticks.</param>
    /// <param name="expiresAt">UTC ticks after which an unconfirmed reservation no longer counts, at most two days from <paramref name="at"/>; <see cref="long.MaxValue"/> when it never lapses.</param>
    /// <param name="sequence">Numbers the customer's entries in the ledger (the send's number in a plan).</param>
    /// <param name="campaign">Index in the <see cref="CampaignDirectory"/>.</param>
    /// <param name="team">Team index in the <see cref="CampaignDirectory"/> (below 32,768).</param>
    public ContactEntry(long at, long expiresAt, ProfileId profile, int sequence, int campaign, int team, Channel channel, CampaignCategory category, EntryState state)
    {
        _at = at;
        _profile = profile.Value;
        _sequence = sequence;
        // Seconds after At, rounded up so a reservation never lapses early.
        _expiresIn = expiresAt == long.MaxValue ? Never
            : (int)Math.Clamp((expiresAt - at + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond, int.MinValue + 1, Never - 1);
        _campaign = campaign;
        _team = checked((short)team);
        _kind = (byte)((int)channel | (int)category << 4 | (int)state << 6);
    }

    public long At => _at;

    public long ExpiresAt => _expiresIn == Never ? long.MaxValue : _at + _expiresIn * TimeSpan.TicksPerSecond;

    public ProfileId Profile => new(_profile);

    public int Sequence => _sequence;

    public int Campaign => _campaign;

    public int Team => _team;

    public Channel Channel => (Channel)(_kind & 15);

    public CampaignCategory Category => (CampaignCategory)((_kind >> 4) & 3);

    public EntryState State => (EntryState)(_kind >> 6);

    public bool IsLive(long now) => _expiresIn == Never || ExpiresAt > now;

    /// <summary>The same message, sent: it no longer lapses.</summary>
    public ContactEntry AsSent() => new(_at, long.MaxValue, Profile, _sequence, _campaign, _team, Channel, Category, EntryState.Sent);

    public bool Equals(ContactEntry other) =>
        _at == other._at && _profile == other._profile && _sequence == other._sequence && _expiresIn == other._expiresIn
        && _campaign == other._campaign && _team == other._team && _kind == other._kind;

    public override bool Equals(object? obj) => obj is ContactEntry other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_at, _profile, _sequence, _campaign);

    public static bool operator ==(ContactEntry left, ContactEntry right) => left.Equals(right);

    public static bool operator !=(ContactEntry left, ContactEntry right) => !left.Equals(right);

    public override string ToString() =>
        $"{new DateTimeOffset(_at, TimeSpan.Zero):u} p{_profile} #{_sequence} campaign {_campaign} {Channel} {Category} {State}";
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
