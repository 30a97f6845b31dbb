using System.Buffers.Binary;
using CommonGround.ContactPolicy;
using CommonGround.Identity;

namespace CommonGround.Ledger.Redis;

/// <summary>
/// One customer's or household's entries as a Redis string: a 24-byte header, then 32-byte records
/// in time order (oldest first), little-endian. The same on every node: campaigns and teams are the
/// numbers <see cref="SharedCampaigns"/> gives through Redis, never a process's own indexes.
/// Immutable; every change makes a new list with a new random version.
/// </summary>
/// <remarks>
/// Header: version (8 bytes, random per write: what the compare-and-set script compares), base
/// (8, a customer's reservation ids are base + the record's sequence), last sequence given (4), and the
/// day (days since 0001-01-01) the customer's home pointer was last written (4).
/// Record: at (UTC ticks, 8), profile (8), sequence (4), expires in (seconds after at, int.MaxValue
/// for never, 4), campaign number (4), team number (2), kind (channel | category &lt;&lt; 4 | state &lt;&lt; 6, 1), unused (1).
/// </remarks>
readonly struct EntryList
{
    public const int HeaderSize = 24, RecordSize = 32;
    const int Never = int.MaxValue;

    /// <summary>How long a lapsed reservation is kept (it no longer counts) before it is dropped.</summary>
    public static readonly TimeSpan ExpiredKept = TimeSpan.FromDays(1);
    readonly byte[]? _bytes;

    public EntryList(byte[]? bytes) => _bytes = bytes is { Length: >= HeaderSize } ? bytes : null;

    public bool Exists => _bytes is not null;

    /// <summary>What the compare-and-set script compares: the first 8 bytes, or empty when the key was missing.</summary>
    public byte[] Version => _bytes is null ? [] : _bytes[..8];

    public long Base => _bytes is null ? 0 : BinaryPrimitives.ReadInt64LittleEndian(_bytes.AsSpan(8));

    public int Last => _bytes is null ? 0 : BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(16));

    public int PointerDay => _bytes is null ? 0 : BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(20));

    public int Count => _bytes is null ? 0 : (_bytes.Length - HeaderSize) / RecordSize;

    public ReadOnlySpan<byte> Record(int i) => _bytes.AsSpan(HeaderSize + i * RecordSize, RecordSize);

    public static long At(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64LittleEndian(r);

    public static long Profile(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt64LittleEndian(r[8..]);

    public static int Sequence(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt32LittleEndian(r[16..]);

    public static long ExpiresAt(ReadOnlySpan<byte> r)
    {
        var seconds = BinaryPrimitives.ReadInt32LittleEndian(r[20..]);
        return seconds == Never ? long.MaxValue : At(r) + seconds * TimeSpan.TicksPerSecond;
    }

    public static int Campaign(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt32LittleEndian(r[24..]);

    public static int Team(ReadOnlySpan<byte> r) => BinaryPrimitives.ReadInt16LittleEndian(r[28..]);

    public static EntryState State(ReadOnlySpan<byte> r) => (EntryState)(r[30] >> 6);

    /// <summary>Counts until confirmed, cancelled or expired (reservations), or always (sent and planned).</summary>
    public static bool IsLive(ReadOnlySpan<byte> r, long now) => ExpiresAt(r) > now;

    /// <summary>The index of a customer's entry, or -1.</summary>
    public int IndexOf(long profile, int sequence)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            var r = Record(i);
            if (Sequence(r) == sequence && Profile(r) == profile) return i;
        }
        return -1;
    }

    /// <summary>A record of a message; <paramref name="campaign"/> and <paramref name="team"/> are shared numbers.</summary>
    public static byte[] NewRecord(in ContactCandidate c, int sequence, long expiresAt, EntryState state, int campaign, int team)
    {
        var r = new byte[RecordSize];
        BinaryPrimitives.WriteInt64LittleEndian(r, c.At);
        BinaryPrimitives.WriteInt64LittleEndian(r.AsSpan(8), c.Profile.Value);
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(16), sequence);
        // Seconds after At, rounded up so a reservation never lapses early (as ContactEntry keeps it).
        var seconds = expiresAt == long.MaxValue ? Never
            : (int)Math.Clamp((expiresAt - c.At + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond, int.MinValue + 1, Never - 1);
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(20), seconds);
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(24), campaign);
        BinaryPrimitives.WriteInt16LittleEndian(r.AsSpan(28), checked((short)team));
        r[30] = (byte)((int)c.Channel | (int)c.Category << 4 | (int)state << 6);
        return r;
    }

    /// <summary>The entry as the policy reads it, with this process's campaign and team indexes.</summary>
    public static ContactEntry ToEntry(ReadOnlySpan<byte> r, int campaign, int team)
    {
        var kind = r[30];
        return new ContactEntry(At(r), ExpiresAt(r), new ProfileId(Profile(r)), Sequence(r), campaign, team,
            (Campaigns.Channel)(kind & 15), (Campaigns.CampaignCategory)((kind >> 4) & 3), (EntryState)(kind >> 6));
    }

    /// <summary>
    /// A new version of the list: the records within the retention period that are live or lapsed
    /// less than <see cref="ExpiredKept"/> ago, with
    /// <paramref name="added"/> in its place in time order, or the record at <paramref name="changed"/>
    /// replaced by <paramref name="replacement"/> (removed when that is null).
    /// </summary>
    public byte[] Write(long now, long @base, int last, int pointerDay, byte[]? added = null, int changed = -1, byte[]? replacement = null)
    {
        var oldest = now - CompiledContactPolicy.Retention.Ticks;
        // Lapsed reservations stay a day, so confirming one late says Expired rather than NotFound.
        var lapsedBefore = now - ExpiredKept.Ticks;
        Span<bool> keep = Count <= 512 ? stackalloc bool[Count] : new bool[Count];
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            var r = Record(i);
            keep[i] = i == changed ? replacement is not null : IsLive(r, lapsedBefore) && At(r) >= oldest;
            if (keep[i]) kept++;
        }
        var bytes = new byte[HeaderSize + (kept + (added is null ? 0 : 1)) * RecordSize];
        Random.Shared.NextBytes(bytes.AsSpan(0, 8));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), @base);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), last);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), pointerDay);
        var to = HeaderSize;
        for (var i = 0; i < Count; i++)
        {
            if (!keep[i]) continue;
            var r = i == changed ? replacement : Record(i);
            // Nearly always the newest; a message reported late goes into its place, before the first later one.
            if (added is not null && At(r) > At(added))
            {
                added.CopyTo(bytes, to);
                to += RecordSize;
                added = null;
            }
            r.CopyTo(bytes.AsSpan(to));
            to += RecordSize;
        }
        added?.CopyTo(bytes, to);
        return bytes;
    }

    /// <summary>The record at <paramref name="index"/>, marked sent: it no longer lapses.</summary>
    public byte[] AsSent(int index)
    {
        var r = Record(index).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(r.AsSpan(20), Never);
        r[30] = (byte)((r[30] & 0x3F) | (int)EntryState.Sent << 6);
        return r;
    }
}
