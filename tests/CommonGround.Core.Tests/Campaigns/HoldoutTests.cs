using CommonGround.Campaigns;
using CommonGround.Identity;

namespace CommonGround.Core.Tests.Campaigns;

public class HoldoutTests
{
    const int People = 100_000;

    static IEnumerable<ProfileId> Profiles(int count = People) => Enumerable.Range(1, count).Select(i => new ProfileId(i));

    [Theory]
    [InlineData("salt", 42L, 1319313584L)]
    [InlineData("c-1", 1L, 2433083764L)]
    [InlineData("winter-sale", 123456789L, 2299770220L)]
    public void The_bucket_is_the_first_four_bytes_of_the_sha256_of_salt_and_profile(string salt, long profile, long expected)
    {
        // Expected values computed independently (Python hashlib), so the databases can compute the same.
        Assert.Equal(expected, Holdout.Bucket(salt, new ProfileId(profile)));
    }

    [Fact]
    public void The_same_person_stays_in_or_out_across_evaluations()
    {
        var first = Profiles(10_000).Select(p => Holdout.IsHeldOut("spring-sale", p, 0.1)).ToArray();
        var again = Profiles(10_000).Select(p => Holdout.IsHeldOut("spring-sale", p, 0.1)).ToArray();

        Assert.Equal(first, again);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void About_the_share_is_held_out(double share)
    {
        var held = Profiles().Count(p => Holdout.IsHeldOut("c-42", p, share));

        // Six standard deviations of a binomial count: fails by chance about once in a billion runs.
        var sd = Math.Sqrt(People * share * (1 - share));
        Assert.InRange(held, People * share - 6 * sd, People * share + 6 * sd);
    }

    [Fact]
    public void Nobody_is_held_out_at_share_zero()
    {
        Assert.DoesNotContain(Profiles(10_000), p => Holdout.IsHeldOut("c-1", p, 0));
    }

    [Fact]
    public void Raising_the_share_keeps_everyone_who_was_held_out()
    {
        var small = Profiles(20_000).Where(p => Holdout.IsHeldOut("c-7", p, 0.05)).ToHashSet();
        var large = Profiles(20_000).Where(p => Holdout.IsHeldOut("c-7", p, 0.15)).ToHashSet();

        Assert.Subset(large, small);
        Assert.True(large.Count > small.Count);
    }

    [Theory]
    [InlineData("c-1", "c-2")]
    [InlineData("spring-sale", "spring-salf")]
    [InlineData("a", "b")]
    public void Holdouts_of_two_campaigns_are_independent(string saltA, string saltB)
    {
        const double shareA = 0.2, shareB = 0.3;
        long both = 0, onlyA = 0, onlyB = 0, neither = 0;
        foreach (var p in Profiles())
        {
            var (a, b) = (Holdout.IsHeldOut(saltA, p, shareA), Holdout.IsHeldOut(saltB, p, shareB));
            if (a && b) both++;
            else if (a) onlyA++;
            else if (b) onlyB++;
            else neither++;
        }

        // Pearson's chi-square for independence of the 2x2 table, one degree of freedom. 20 is far
        // beyond any chance result (p < 0.00001); correlated hashes give thousands.
        double n = People, rowA = both + onlyA, colB = both + onlyB;
        double[] observed = [both, onlyA, onlyB, neither];
        double[] expected = [rowA * colB / n, rowA * (n - colB) / n, (n - rowA) * colB / n, (n - rowA) * (n - colB) / n];
        var chiSquare = observed.Zip(expected).Sum(x => (x.First - x.Second) * (x.First - x.Second) / x.Second);
        Assert.True(chiSquare < 20, $"chi-square {chiSquare:F1}: the holdouts of '{saltA}' and '{saltB}' are correlated");
        Assert.InRange(both / n, shareA * shareB - 0.005, shareA * shareB + 0.005);
    }

    [Fact]
    public void The_global_control_group_is_kept_out_of_marketing_and_advertising_but_not_transactional_messages()
    {
        var group = new GlobalControlGroup(true, 0.2, "workspace-salt");
        var member = Profiles().First(group.Contains);
        var outsider = Profiles().First(p => !group.Contains(p));

        foreach (var category in new[] { CampaignCategory.Marketing, CampaignCategory.Advertising })
        {
            var campaign = Campaign("c-1", category, holdout: 0);
            Assert.True(CampaignTarget.For(campaign, group, member, null).Control);
            Assert.False(CampaignTarget.For(campaign, group, member, null).Contacted);
            Assert.True(CampaignTarget.For(campaign, group, outsider, null).Contacted);
        }
        var receipt = CampaignTarget.For(Campaign("c-2", CampaignCategory.Transactional, holdout: 0), group, member, "h_1");
        Assert.True(receipt.Contacted);
        Assert.Equal("h_1", receipt.HouseholdId);
    }

    [Fact]
    public void A_switched_off_global_control_group_holds_nobody()
    {
        var off = new GlobalControlGroup(false, 0.2, "workspace-salt");

        Assert.DoesNotContain(Profiles(10_000), off.Contains);
    }

    [Fact]
    public void A_target_is_held_out_by_its_campaigns_own_share()
    {
        var campaign = Campaign("c-9", CampaignCategory.Marketing, holdout: 0.25);
        var targets = Profiles(40_000).Select(p => CampaignTarget.For(campaign, GlobalControlGroup.Default, p, null)).ToList();

        Assert.All(targets, t => Assert.Equal(Holdout.IsHeldOut("c-9", t.Profile, 0.25), t.Holdout));
        Assert.DoesNotContain(targets, t => t.Control);
        Assert.InRange(targets.Count(t => t.Holdout), 9_500, 10_500);
    }

    [Fact]
    public void Global_control_changes_are_checked()
    {
        Assert.Empty(GlobalControlGroup.Validate(true, 0.05));
        Assert.Equal("enabled", Assert.Single(GlobalControlGroup.Validate(null, 0.05)).Field);
        Assert.Equal("share", Assert.Single(GlobalControlGroup.Validate(true, 0.6)).Field);
        Assert.Equal("share", Assert.Single(GlobalControlGroup.Validate(false, 0)).Field);
    }

    static Campaign Campaign(string id, CampaignCategory category, double holdout) => new()
    {
        Id = id, Name = id, Team = "web", Channel = Channel.Email, Category = category,
        Schedule = new OneOffSchedule(DateTimeOffset.UnixEpoch), Priority = 50, ExpectedValue = 0, HoldoutShare = holdout,
        HoldoutSalt = id, Status = CampaignStatus.Draft, CreatedBy = "k", CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedBy = "k", UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
