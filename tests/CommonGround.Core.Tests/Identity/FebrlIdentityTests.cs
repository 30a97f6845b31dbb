using CommonGround.Identity;
using CommonGround.Testing;

namespace CommonGround.Core.Tests.Identity;

/// <summary>
/// Deterministic matching on one shared identifier against FEBRL's ground truth: febrl1 holds 500
/// originals with exactly one corrupted duplicate each. The generator corrupts soc_sec_id too, so an
/// exact match on it finds only part of the true pairs; this measures how many.
/// </summary>
public class FebrlIdentityTests(ITestOutputHelper output)
{
    const string SocialSecurityId = "socSecId";

    [Fact]
    public void Matching_on_soc_sec_id_finds_exactly_the_pairs_that_share_it()
    {
        var rows = File.ReadLines(Repository.SharedData("febrl/febrl1.csv")).Skip(1)
            .Select(line => line.Split(',').Select(f => f.Trim()).ToArray())
            .Select(f => (RecId: f[0], Entity: f[0].Split('-')[1], Ssn: f[10]))
            .ToList();
        var options = new IdentityOptions
        {
            Types = [new() { Name = SocialSecurityId }, new() { Name = IdentifierTypes.ExternalId }],
            MaxMergesPerProfile = int.MaxValue,
        };
        var graph = new IdentityGraph(options, TimeProvider.System);
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var profileOf = new Dictionary<string, ProfileId>();
        foreach (var row in rows)
        {
            profileOf[row.RecId] = graph.Observe(new IdentityEvidence(EvidenceReference.Record("febrl1", row.RecId), at,
                [new(IdentifierTypes.ExternalId, row.RecId), new(SocialSecurityId, row.Ssn)]))!.Value;
        }
        foreach (var row in rows) profileOf[row.RecId] = graph.ProfileOf(new Identifier(IdentifierTypes.ExternalId, row.RecId))!.Value;

        // Ground truth from rec_id alone: records of the same <n> are one person.
        var truePairs = rows.GroupBy(r => r.Entity).Sum(g => g.Count() * (g.Count() - 1) / 2);
        var foundPairs = rows.GroupBy(r => profileOf[r.RecId]).Sum(g => g.Count() * (g.Count() - 1) / 2);
        var foundTrue = rows.GroupBy(r => (profileOf[r.RecId], r.Entity)).Sum(g => g.Count() * (g.Count() - 1) / 2);
        // Independent count by brute force: true pairs whose two soc_sec_id values are equal and present.
        var expectedTrue = rows.GroupBy(r => r.Entity).Sum(g =>
        {
            var members = g.ToList();
            var n = 0;
            for (var i = 0; i < members.Count; i++)
                for (var j = i + 1; j < members.Count; j++)
                    if (members[i].Ssn.Length > 0 && members[i].Ssn == members[j].Ssn) n++;
            return n;
        });
        var sharingSsn = rows.Where(r => r.Ssn.Length > 0).GroupBy(r => r.Ssn).Sum(g => g.Count() * (g.Count() - 1) / 2);
        output.WriteLine($"febrl1: {rows.Count} records, {truePairs} true pairs; soc_sec_id matching found {foundPairs} pairs, " +
                         $"{foundTrue} true (recall {(double)foundTrue / truePairs:P1}, precision {(double)foundTrue / foundPairs:P1}).");

        Assert.Equal(1000, rows.Count);
        Assert.Equal(500, truePairs);
        Assert.Equal(expectedTrue, foundTrue);
        Assert.Equal(sharingSsn, foundPairs);
        Assert.InRange(foundTrue, 1, truePairs - 1);
    }
}
