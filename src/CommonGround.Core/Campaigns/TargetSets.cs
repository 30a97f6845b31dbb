using System.Numerics;

namespace CommonGround.Campaigns;

/// <summary>
/// A campaign's contacted targets (neither held out nor in the global control group) as two member
/// sets: customers by profile id, households by the number the store gave the household. A store
/// writes them with the target list (set or refreshed) and counts overlap from them alone, the same
/// way on every provider: no join of target lists at query time.
/// </summary>
public sealed record TargetSets(MemberSet Customers, MemberSet Households)
{
    public static readonly TargetSets Empty = new(MemberSet.Empty, MemberSet.Empty);

    /// <summary>Collects a campaign's contacted targets as a store reads them: (profile id, household number or null).</summary>
    public sealed class Builder
    {
        readonly MemberSet.Builder _customers = new();
        readonly MemberSet.Builder _households = new();

        public void Add(long profileId, long? householdNumber)
        {
            _customers.Add(profileId);
            if (householdNumber is { } h) _households.Add(h);
        }

        public TargetSets Build() => new(_customers.Build(), _households.Build());
    }

    /// <summary>
    /// The overlap of the active campaigns from their sets (a campaign without sets reaches nobody):
    /// reach per campaign, and shared customers and households per pair by AND and population count.
    /// The words are walked in blocks that stay in cache while every pair of the block is counted,
    /// blocks spread over the cores.
    /// </summary>
    public static CampaignOverlap Overlap(DateTimeOffset from, DateTimeOffset to, IReadOnlyList<Campaign> active,
        IReadOnlyDictionary<string, TargetSets> sets)
    {
        var list = active.Select(c => sets.TryGetValue(c.Id, out var s) ? s : Empty).ToArray();
        var customers = SharedPairs([.. list.Select(s => s.Customers)]);
        var households = SharedPairs([.. list.Select(s => s.Households)]);
        var reach = active.Select((c, i) => (c.Id, list[i].Customers.Count, list[i].Households.Count));
        return CampaignOverlap.Assemble(from, to, active, reach, Named(active, customers), Named(active, households));
    }

    static IEnumerable<(string, string, long)> Named(IReadOnlyList<Campaign> active, long[] shared)
    {
        var p = 0;
        for (var i = 0; i < active.Count; i++)
        {
            for (var j = i + 1; j < active.Count; j++, p++)
            {
                if (shared[p] > 0) yield return (active[i].Id, active[j].Id, shared[p]);
            }
        }
    }

    /// <summary>Words per block: 100 sets of 8 KB stay in a core's L2 cache while all their pairs are counted.</summary>
    const int BlockWords = 1024;

    /// <summary>Shared members of every pair (i, j), i &lt; j, in the order (0,1), (0,2), ..., (1,2), ...</summary>
    public static long[] SharedPairs(IReadOnlyList<MemberSet> sets)
    {
        var n = sets.Count;
        var total = new long[n * (n - 1) / 2];
        if (total.Length == 0) return total;
        var longest = sets.Max(s => s.Words.Length);
        var blocks = (longest + BlockWords - 1) / BlockWords;
        Parallel.For(0, blocks, () => new long[total.Length], (block, _, local) =>
        {
            var start = block * BlockWords;
            var p = 0;
            for (var i = 0; i < n; i++)
            {
                var a = sets[i].Words;
                if (a.Length <= start)
                {
                    p += n - i - 1;
                    continue;
                }
                var aBlock = a[start..Math.Min(a.Length, start + BlockWords)];
                for (var j = i + 1; j < n; j++, p++)
                {
                    var b = sets[j].Words;
                    if (b.Length <= start) continue;
                    var bBlock = b[start..Math.Min(b.Length, start + BlockWords)];
                    var length = Math.Min(aBlock.Length, bBlock.Length);
                    local[p] += MemberSet.AndCount(aBlock[..length], bBlock[..length]);
                }
            }
            return local;
        }, local =>
        {
            lock (total)
            {
                for (var k = 0; k < total.Length; k++) total[k] += local[k];
            }
        });
        return total;
    }

    /// <summary>
    /// The members held by at least k of the sets: how many there are, and the first <paramref name="limit"/>
    /// (most sets first, then by number) with the indexes of their sets.
    /// </summary>
    public static (long Total, IReadOnlyList<(long Member, IReadOnlyList<int> Sets)> First) AtLeast(IReadOnlyList<MemberSet> sets, int k, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sets.Count, ushort.MaxValue);
        if (sets.Count < k) return (0, []);
        var counts = new ushort[sets.Max(s => s.Words.Length) * 64];
        foreach (var set in sets)
        {
            var words = set.Words;
            for (var w = 0; w < words.Length; w++)
            {
                for (var bits = words[w]; bits != 0; bits &= bits - 1) counts[w * 64 + BitOperations.TrailingZeroCount(bits)]++;
            }
        }
        var histogram = new long[sets.Count + 1];
        foreach (var c in counts) histogram[c]++;
        long total = 0;
        for (var c = k; c <= sets.Count; c++) total += histogram[c];
        // The lowest count that still belongs to the first `limit`: everything above it is listed.
        var threshold = sets.Count;
        for (long seen = histogram[threshold]; threshold > k && seen < limit; seen += histogram[--threshold]) { }
        var first = new List<(long Member, int Count)>();
        for (var m = 0; m < counts.Length; m++)
        {
            if (counts[m] >= threshold) first.Add((m, counts[m]));
        }
        return (total, [.. first.OrderByDescending(f => f.Count).ThenBy(f => f.Member).Take(limit)
            .Select(f => (f.Member, (IReadOnlyList<int>)[.. Enumerable.Range(0, sets.Count).Where(i => sets[i].Contains(f.Member))]))]);
    }

    /// <summary>The contact pressure of a day from <see cref="AtLeast"/> over the day's active campaigns' customer sets (in the campaigns' order).</summary>
    /// <param name="households">Household of each listed customer (as their target rows say), when they have one.</param>
    public static ContactPressure Pressure(DateOnly day, int k, IReadOnlyList<Campaign> active, long total,
        IReadOnlyList<(long Member, IReadOnlyList<int> Sets)> first, IReadOnlyDictionary<long, string> households) =>
        new(day, k, total, [.. first.Select(f => new PressuredCustomer(new Identity.ProfileId(f.Member), households.GetValueOrDefault(f.Member),
            [.. f.Sets.Select(i => CampaignRef.From(active[i]))]))]);
}
