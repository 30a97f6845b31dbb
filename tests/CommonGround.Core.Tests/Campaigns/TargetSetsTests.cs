using CommonGround.Campaigns;

namespace CommonGround.Core.Tests.Campaigns;

public class TargetSetsTests
{
    /// <summary>Random sets over numbers up to 200,000: several blocks of words, some sets ending early, one empty.</summary>
    static List<HashSet<long>> RandomSets(int seed, int count)
    {
        var random = new Random(seed);
        var sets = new List<HashSet<long>>();
        for (var i = 0; i < count; i++)
        {
            var top = i == 0 ? 0 : random.Next(1, 200_000);
            var share = random.NextDouble();
            sets.Add([.. Enumerable.Range(0, top).Where(_ => random.NextDouble() < share).Select(n => (long)n)]);
        }
        return sets;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Shared_members_of_every_pair_match_a_brute_force_count(int seed)
    {
        var sets = RandomSets(seed, 9);

        var shared = TargetSets.SharedPairs([.. sets.Select(MemberSet.Of)]);

        var p = 0;
        for (var i = 0; i < sets.Count; i++)
        {
            for (var j = i + 1; j < sets.Count; j++, p++) Assert.Equal(sets[i].Intersect(sets[j]).LongCount(), shared[p]);
        }
        Assert.Equal(p, shared.Length);
    }

    [Fact]
    public void A_set_survives_its_bytes_and_counts_and_answers_membership()
    {
        var set = MemberSet.Of([5, 64, 63, 5, 1_000_000]);

        var read = MemberSet.FromBytes(set.ToBytes());

        Assert.Equal(4, read.Count);
        Assert.True(read.Contains(63) && read.Contains(64) && read.Contains(1_000_000) && read.Contains(5));
        Assert.False(read.Contains(6) || read.Contains(999_999) || read.Contains(2_000_000) || read.Contains(-1));
        Assert.Equal(3, read.SharedWith(MemberSet.Of([5, 63, 64, 65])));
        Assert.Equal(0, MemberSet.FromBytes(MemberSet.Empty.ToBytes()).Count);
        Assert.Throws<FormatException>(() => MemberSet.FromBytes(new byte[7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemberSet.Of([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemberSet.Of([MemberSet.MaxMember + 1]));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 50)]
    [InlineData(5, 7)]
    [InlineData(6, 1000)]
    public void Members_of_k_or_more_sets_match_a_brute_force_count(int k, int limit)
    {
        var sets = RandomSets(k, 9);
        var expected = sets.SelectMany((s, i) => s.Select(m => (Member: m, Set: i)))
            .GroupBy(x => x.Member)
            .Where(g => g.Count() >= k)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .ToList();

        var (total, first) = TargetSets.AtLeast([.. sets.Select(MemberSet.Of)], k, limit);

        Assert.Equal(expected.Count, total);
        Assert.True(total > 0);
        Assert.Equal(expected.Take(limit).Select(g => g.Key), first.Select(f => f.Member));
        foreach (var (found, group) in first.Zip(expected)) Assert.Equal(group.Select(x => x.Set).Order(), found.Sets);
    }
}
