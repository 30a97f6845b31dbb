using CommonGround.Profiles;

namespace CommonGround.Core.Tests.Profiles;

public class BusinessKeyTests
{
    [Theory]
    [InlineData("ann@gmail.com")]
    [InlineData("Ann.Smith@GMAIL.COM")]
    [InlineData("ann@googlemail.com")]
    [InlineData("ann@hotmail.co.uk")]
    [InlineData("ann@yahoo.co.uk")]
    [InlineData("ann@icloud.com")]
    [InlineData("ann@btinternet.com")]
    [InlineData("ann@proton.me")]
    [InlineData("ann@gmial.com")]
    [InlineData("ann@protonn.me")]
    [InlineData("ann@mailinator.com")]
    [InlineData("x7@privaterelay.appleid.com")]
    public void Gmail_and_other_free_mail_is_never_a_business(string email) => Assert.Null(BusinessKey.FromEmail(email));

    [Fact]
    public void A_corporate_email_is_its_domains_business()
    {
        var business = BusinessKey.FromEmail(" Ann.Smith@AshbyEngineering.CO.UK ");
        Assert.Equal(new BusinessKey("domain:ashbyengineering.co.uk", BusinessEvidence.EmailDomain, null, "ashbyengineering.co.uk"), business);
    }

    [Theory]
    [InlineData("ann@sales.acme.co.uk", "acme.co.uk")]
    [InlineData("ann@eu.mail.acme.com", "acme.com")]
    [InlineData("ann@acme.com.au", "acme.com.au")]
    [InlineData("ann@tokyo.acme.co.jp", "acme.co.jp")]
    [InlineData("ann@acme.de", "acme.de")]
    [InlineData("ann@ox.ac.uk", "ox.ac.uk")]
    public void Subdomains_of_a_company_are_the_same_business(string email, string domain) =>
        Assert.Equal("domain:" + domain, BusinessKey.FromEmail(email)?.Key);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ann")]
    [InlineData("ann@")]
    [InlineData("@acme.com")]
    [InlineData("ann@acme")]
    [InlineData("ann@b@acme.com")]
    [InlineData("ann@co.uk")]
    [InlineData("ann@10.0.0.1")]
    [InlineData("ann@[10.0.0.1]")]
    [InlineData("ann@acme..com")]
    [InlineData("ann@-acme.com")]
    [InlineData("ann@ac me.com")]
    [InlineData("ann@example.com")]
    [InlineData("ann@shop.example")]
    public void Invalid_and_reserved_emails_are_no_business(string? email) => Assert.Null(BusinessKey.FromEmail(email));

    [Fact]
    public void A_group_call_is_its_group_ids_business()
    {
        var business = BusinessKey.FromGroup(" biz-00001 ", " Ashby Engineering Ltd ", "https://www.ashbyengineering.co.uk");
        Assert.Equal(new BusinessKey("group:biz-00001", BusinessEvidence.Group, "Ashby Engineering Ltd", "ashbyengineering.co.uk"), business);
    }

    [Fact]
    public void Group_ids_keep_their_case() =>
        Assert.NotEqual(BusinessKey.FromGroup("Biz-1", null, null)!.Key, BusinessKey.FromGroup("biz-1", null, null)!.Key);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_group_call_without_a_group_id_is_no_business(string? groupId) =>
        Assert.Null(BusinessKey.FromGroup(groupId, "Acme", "acme.com"));

    [Theory]
    [InlineData("acme.com")]
    [InlineData("www.acme.com")]
    [InlineData("https://www.acme.com/about?x=1#team")]
    [InlineData("http://ACME.COM:8080")]
    [InlineData("https://shop.acme.com/")]
    public void A_groups_web_site_gives_its_registrable_domain(string website) =>
        Assert.Equal("acme.com", BusinessKey.FromGroup("g1", null, website)!.Domain);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a site")]
    [InlineData("https://www.facebook.com/acmebakery")]
    [InlineData("https://acmebakery.wixsite.com/home")]
    [InlineData("gmail.com")]
    [InlineData("https://example.com")]
    public void A_web_site_that_is_not_the_companys_own_gives_no_domain(string? website) =>
        Assert.Null(BusinessKey.FromGroup("g1", "Acme", website)!.Domain);

    [Fact]
    public void A_blank_group_name_is_no_name() => Assert.Null(BusinessKey.FromGroup("g1", "  ", null)!.Name);

    [Theory]
    [InlineData("Ashby Engineering")]
    [InlineData("Ashby Engineering Ltd")]
    [InlineData("ASHBY ENGINEERING LIMITED")]
    [InlineData("Ashby Engineering Ltd.")]
    [InlineData("Ashby Engineering LLP")]
    [InlineData("Ashby Engineering PLC")]
    [InlineData("Ashby Engineering Group")]
    [InlineData("Ashby Engineering Group Ltd")]
    [InlineData("Ashby Engineering & Co")]
    [InlineData("Ashby Engineering and Co.")]
    [InlineData("The Ashby Engineering Company")]
    [InlineData("Ashby  Engineering, Inc.")]
    [InlineData("Ashby Engineering L.L.C.")]
    [InlineData("Ashby Engineering GmbH")]
    [InlineData("Ashby-Engineering Ltd")]
    [InlineData("Ashby Engineering Pty Ltd")]
    public void Company_names_ignore_case_punctuation_and_legal_suffixes(string company) =>
        Assert.Equal("company:ashby engineering", BusinessKey.FromCompany(company)?.Key);

    [Fact]
    public void Company_names_ignore_accents() =>
        Assert.Equal(BusinessKey.FromCompany("Cafe Muller")!.Key, BusinessKey.FromCompany("Café Müller GmbH")!.Key);

    [Fact]
    public void Holdings_and_sons_are_part_of_the_name()
    {
        Assert.Equal("company:acme holdings", BusinessKey.FromCompany("Acme Holdings Ltd")!.Key);
        Assert.Equal("company:smith and sons", BusinessKey.FromCompany("Smith & Sons Ltd")!.Key);
    }

    [Fact]
    public void A_company_keeps_its_name_as_typed()
    {
        var business = BusinessKey.FromCompany("  Ashby Engineering Ltd ");
        Assert.Equal(new BusinessKey("company:ashby engineering", BusinessEvidence.Company, "Ashby Engineering Ltd", null), business);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("n/a")]
    [InlineData("N/A")]
    [InlineData("none")]
    [InlineData("-")]
    [InlineData("--")]
    [InlineData(".")]
    [InlineData("self-employed")]
    [InlineData("Self Employed")]
    [InlineData("retired")]
    [InlineData("Student")]
    [InlineData("unknown")]
    [InlineData("Ltd")]
    [InlineData("Group")]
    [InlineData("Self-employed Ltd")]
    public void Empty_and_placeholder_companies_are_no_business(string? company) => Assert.Null(BusinessKey.FromCompany(company));

    [Fact]
    public void Ids_are_short_url_safe_and_depend_only_on_the_key()
    {
        var named = new BusinessKey("domain:acme.com", BusinessEvidence.Group, "Acme", "acme.com");
        var unnamed = new BusinessKey("domain:acme.com", BusinessEvidence.EmailDomain, null, null);
        Assert.Matches("^b_[a-z2-7]{16}$", named.Id);
        Assert.Equal(named.Id, unnamed.Id);
        Assert.NotEqual(named.Id, new BusinessKey("domain:acme.co.uk", BusinessEvidence.Group, null, null).Id);
    }

    [Fact]
    public void A_business_id_follows_its_key_when_the_key_changes()
    {
        var business = new BusinessKey("group:g1", BusinessEvidence.Group, null, null);
        Assert.Equal(new BusinessKey("domain:acme.com", BusinessEvidence.Group, null, null).Id, (business with { Key = "domain:acme.com" }).Id);
    }

    [Fact]
    public void Business_and_household_ids_of_the_same_text_differ_only_by_prefix() =>
        Assert.Equal(HouseholdKey.IdOf("x")[2..], new BusinessKey("x", BusinessEvidence.Company, null, null).Id[2..]);
}
