using CommonGround.Profiles;

namespace CommonGround.Core.Tests.Profiles;

public class BusinessesTests
{
    const string Ashby = "Ashby Engineering Ltd";
    const string AshbyDomain = "ashbyengineering.co.uk";
    static readonly GroupMembership AshbyGroup = new("biz-00001", Ashby, "https://www." + AshbyDomain);

    [Fact]
    public void Nothing_known_is_no_business()
    {
        Assert.Empty(Businesses.Resolve(null, null, null));
        Assert.Empty(Businesses.Resolve([], [], []));
        Assert.Empty(Businesses.Resolve([null, new GroupMembership("  ")], [null, "", "ann@gmail.com"], [null, "n/a"]));
    }

    [Fact]
    public void A_company_field_and_an_email_at_its_domain_are_one_business()
    {
        var businesses = Businesses.Resolve(null, ["ann.smith@" + AshbyDomain], [Ashby]);
        Assert.Equal([new BusinessKey("domain:" + AshbyDomain, BusinessEvidence.EmailDomain, Ashby, AshbyDomain)], businesses);
    }

    [Fact]
    public void A_group_whose_web_site_is_the_email_domain_is_one_business()
    {
        var businesses = Businesses.Resolve([AshbyGroup], ["ann.smith@" + AshbyDomain], [Ashby]);
        Assert.Equal([new BusinessKey("domain:" + AshbyDomain, BusinessEvidence.Group, Ashby, AshbyDomain)], businesses);
    }

    [Fact]
    public void A_group_with_a_web_site_is_known_by_its_domain_even_alone() =>
        Assert.Equal("domain:" + AshbyDomain, Assert.Single(Businesses.Resolve([AshbyGroup], null, null)).Key);

    [Fact]
    public void A_group_without_a_web_site_whose_name_spells_the_email_domain_is_that_business()
    {
        var businesses = Businesses.Resolve([new GroupMembership("biz-00001", Ashby)], ["ann@" + AshbyDomain], null);
        Assert.Equal([new BusinessKey("domain:" + AshbyDomain, BusinessEvidence.Group, Ashby, AshbyDomain)], businesses);
    }

    [Fact]
    public void A_group_without_a_domain_keeps_its_group_key_and_takes_in_a_company_of_the_same_name()
    {
        var businesses = Businesses.Resolve([new GroupMembership("biz-00001", Ashby)], ["ann@gmail.com"], ["ASHBY ENGINEERING LIMITED"]);
        Assert.Equal([new BusinessKey("group:biz-00001", BusinessEvidence.Group, Ashby, null)], businesses);
    }

    [Theory]
    [InlineData("ashby-engineering.com")]
    [InlineData("ashbyengineeringltd.co.uk")]
    [InlineData("ashbyengineeringuk.com")]
    [InlineData("ashbyengineeringgroup.com")]
    public void A_company_name_spells_its_domain_with_or_without_hyphens_and_endings(string domain) =>
        Assert.Equal("domain:" + domain, Assert.Single(Businesses.Resolve(null, ["ann@" + domain], [Ashby])).Key);

    /// <summary>The demo's companies: "{stem} {kind} {suffix}", with the kind itself sometimes ending in "Group".</summary>
    [Theory]
    [InlineData("Calloway Veterinary Group Group", "callowayveterinarygroup.co.uk")]
    [InlineData("Dunmore Engineering & Co", "dunmoreengineering.com")]
    [InlineData("Brackley Coffee Roasters LLP", "brackleycoffeeroasters.co.uk")]
    public void The_demo_workspaces_companies_meet_their_domains(string company, string domain) =>
        Assert.Single(Businesses.Resolve(null, ["a.b@" + domain], [company]));

    [Fact]
    public void A_company_unrelated_to_the_email_domain_is_a_second_business()
    {
        var businesses = Businesses.Resolve(null, ["ann@" + AshbyDomain], ["Brackley Logistics LLP"]);
        Assert.Equal(["company:brackley logistics", "domain:" + AshbyDomain], businesses.Select(b => b.Key));
    }

    [Fact]
    public void A_free_mail_address_leaves_the_company_field_as_the_only_business() =>
        Assert.Equal("company:ashby engineering", Assert.Single(Businesses.Resolve(null, ["ann@gmail.com"], [Ashby])).Key);

    [Fact]
    public void Several_addresses_at_one_company_are_one_business() =>
        Assert.Single(Businesses.Resolve(null, ["ann@" + AshbyDomain, "Ann.Smith@Sales." + AshbyDomain], null));

    [Fact]
    public void A_person_can_belong_to_several_businesses()
    {
        var businesses = Businesses.Resolve([new GroupMembership("club-9", "Chess Club")], ["ann@" + AshbyDomain, "ann@brackley.com"], ["Ashby"]);
        Assert.Equal(["company:ashby", "domain:ashbyengineering.co.uk", "domain:brackley.com", "group:club-9"], businesses.Select(b => b.Key));
    }

    [Fact]
    public void A_name_that_spells_two_domains_goes_to_the_first_in_ordinal_order()
    {
        var businesses = Businesses.Resolve(null, ["ann@acme.com", "ann@acme.co.uk"], ["Acme Ltd"]);
        Assert.Equal(
            [new BusinessKey("domain:acme.co.uk", BusinessEvidence.EmailDomain, "Acme Ltd", "acme.co.uk"),
             new BusinessKey("domain:acme.com", BusinessEvidence.EmailDomain, null, "acme.com")],
            businesses);
    }

    [Fact]
    public void The_same_inputs_in_any_order_give_the_same_businesses()
    {
        GroupMembership[] groups = [new("g2", "Beta"), new("g1", "Alpha Ltd"), new("g1", "Alpha"), AshbyGroup];
        string[] emails = ["x@zeta.com", "y@" + AshbyDomain, "z@gmail.com"];
        string[] companies = ["Alpha", "Gamma Inc", "Ashby Engineering"];
        var expected = Businesses.Resolve(groups, emails, companies);

        Assert.Equal(expected, Businesses.Resolve(groups.Reverse(), emails.Reverse(), companies.Reverse()));
        Assert.Equal(expected.Select(b => b.Key).Order(StringComparer.Ordinal), expected.Select(b => b.Key));
        Assert.Equal("Alpha", expected.Single(b => b.Key == "group:g1").Name);
    }
}
