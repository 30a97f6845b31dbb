using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CommonGround.Campaigns;

/// <summary>
/// A set of small non-negative numbers (profile ids, household numbers) as a bitmap: number n is bit
/// n % 64 of word n / 64. Profile ids are the identity graph's dense node numbers, so a campaign's
/// contacted customers over 10 million profiles take 1.25 MB, and two campaigns' shared customers are
/// the population count of the AND of their words. Immutable once built.
/// </summary>
public sealed class MemberSet
{
    /// <summary>The largest number a set holds (2^32 - 1): 512 MB of bitmap, far above any store's profile ids.</summary>
    public const long MaxMember = uint.MaxValue;

    readonly ulong[] _words;

    MemberSet(ulong[] words, long count)
    {
        _words = words;
        Count = count;
    }

    public static readonly MemberSet Empty = new([], 0);

    /// <summary>How many numbers the set holds.</summary>
    public long Count { get; }

    /// <summary>The bitmap's words, trimmed after the last one with a bit set.</summary>
    public ReadOnlySpan<ulong> Words => _words;

    public bool Contains(long n) => n >= 0 && n / 64 < _words.Length && (_words[n / 64] & (1UL << (int)(n % 64))) != 0;

    /// <summary>The set of the numbers given (any order, repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative or above <see cref="MaxMember"/>.</exception>
    public static MemberSet Of(IEnumerable<long> members)
    {
        var builder = new Builder();
        foreach (var m in members) builder.Add(m);
        return builder.Build();
    }

    /// <summary>How many numbers both sets hold.</summary>
    public long SharedWith(MemberSet other)
    {
        var n = Math.Min(_words.Length, other._words.Length);
        return AndCount(_words.AsSpan(0, n), other._words.AsSpan(0, n));
    }

    /// <summary>The words in little-endian order, for a store to keep as a blob.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[_words.Length * sizeof(ulong)];
        for (var i = 0; i < _words.Length; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * sizeof(ulong)), _words[i]);
        return bytes;
    }

    /// <summary>The set <see cref="ToBytes"/> wrote.</summary>
    /// <exception cref="FormatException">The length is not a whole number of 64-bit words.</exception>
    public static MemberSet FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(ulong) != 0) throw new FormatException($"A member set of {bytes.Length} bytes is not a whole number of 64-bit words.");
        var words = new ulong[bytes.Length / sizeof(ulong)];
        if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(words.AsSpan()));
        else for (var i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * sizeof(ulong))..]);
        return Trimmed(words);
    }

    static MemberSet Trimmed(ulong[] words)
    {
        var last = words.Length - 1;
        while (last >= 0 && words[last] == 0) last--;
        if (last + 1 < words.Length) Array.Resize(ref words, last + 1);
        long count = 0;
        foreach (var w in words) count += BitOperations.PopCount(w);
        return new MemberSet(words, count);
    }

    /// <summary>Population count of a AND b (equal lengths), four independent sums so the pipeline stays full.</summary>
    internal static long AndCount(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var n = Math.Min(a.Length, b.Length);
        long c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        var i = 0;
        for (; i + 4 <= n; i += 4)
        {
            c0 += BitOperations.PopCount(Unsafe.Add(ref x, i) & Unsafe.Add(ref y, i));
            c1 += BitOperations.PopCount(Unsafe.Add(ref x, i + 1) & Unsafe.Add(ref y, i + 1));
            c2 += BitOperations.PopCount(Unsafe.Add(ref x, i + 2) & Unsafe.Add(ref y, i + 2));
            c3 += BitOperations.PopCount(Unsafe.Add(ref x, i + 3) & Unsafe.Add(ref y, i + 3));
        }
        for (; i < n; i++) c0 += BitOperations.PopCount(Unsafe.Add(ref x, i) & Unsafe.Add(ref y, i));
        return c0 + c1 + c2 + c3;
    }

    /// <summary>Collects numbers one at a time (as a store reads them) into a set.</summary>
    public sealed class Builder
    {
        ulong[] _words = [];

        /// <exception cref="ArgumentOutOfRangeException">The number is negative or above <see cref="MaxMember"/>.</exception>
        public void Add(long n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(n, MaxMember);
            var word = (int)(n / 64);
            if (word >= _words.Length) Array.Resize(ref _words, Math.Max(word + 1, _words.Length * 2));
            _words[word] |= 1UL << (int)(n % 64);
        }

        public MemberSet Build() => Trimmed(_words);
    }
}
