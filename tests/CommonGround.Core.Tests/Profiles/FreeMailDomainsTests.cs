using CommonGround.Profiles;
using CommonGround.Testing;

namespace CommonGround.Core.Tests.Profiles;

public class FreeMailDomainsTests
{
    [Theory]
    [InlineData("gmail.com")]
    [InlineData("googlemail.com")]
    [InlineData("yahoo.com")]
    [InlineData("yahoo.co.uk")]
    [InlineData("yahoo.fr")]
    [InlineData("hotmail.com")]
    [InlineData("hotmail.co.uk")]
    [InlineData("outlook.com")]
    [InlineData("live.co.uk")]
    [InlineData("msn.com")]
    [InlineData("icloud.com")]
    [InlineData("me.com")]
    [InlineData("aol.com")]
    [InlineData("gmx.de")]
    [InlineData("gmx.net")]
    [InlineData("web.de")]
    [InlineData("proton.me")]
    [InlineData("protonmail.com")]
    [InlineData("mail.ru")]
    [InlineData("yandex.ru")]
    [InlineData("qq.com")]
    [InlineData("163.com")]
    [InlineData("btinternet.com")]
    [InlineData("sky.com")]
    [InlineData("orange.fr")]
    [InlineData("comcast.net")]
    public void Consumer_mailbox_providers_are_free_mail(string domain) => Assert.True(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("mailinator.com")]
    [InlineData("guerrillamail.com")]
    [InlineData("yopmail.com")]
    [InlineData("10minutemail.com")]
    [InlineData("temp-mail.org")]
    public void Disposable_address_services_are_free_mail(string domain) => Assert.True(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("privaterelay.appleid.com")]
    [InlineData("duck.com")]
    [InlineData("mozmail.com")]
    public void Forwarding_services_are_free_mail(string domain) => Assert.True(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("GMAIL.COM")]
    [InlineData(" Gmail.Com ")]
    [InlineData("gmail.com.")]
    [InlineData("@gmail.com")]
    [InlineData("ann@gmail.com")]
    public void Case_spacing_and_an_address_around_the_domain_do_not_matter(string domain) =>
        Assert.True(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("eu.mailinator.com")]
    [InlineData("mail.yahoo.com")]
    [InlineData("a.b.gmx.net")]
    public void Subdomains_of_a_provider_are_free_mail(string domain) => Assert.True(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("yahoo.com.tw")]
    [InlineData("yahoo.co.jp")]
    [InlineData("hotmail.uk")]
    [InlineData("outlook.co.nz")]
    [InlineData("gmx.pt")]
    [InlineData("yandex.kz")]
    [InlineData("gmail.con")]
    public void The_big_providers_are_free_mail_under_every_suffix(string domain) => Assert.True(FreeMailDomains.Contains(domain));

    /// <summary>Every misspelling the demo workspace makes of its providers (DemoVocabulary.DomainTypos).</summary>
    [Theory]
    [InlineData("gmial.com")]
    [InlineData("gmail.co")]
    [InlineData("gmai.com")]
    [InlineData("gnail.com")]
    [InlineData("hotmial.co.uk")]
    [InlineData("hotmail.co")]
    [InlineData("hotmail.uk")]
    [InlineData("outlok.com")]
    [InlineData("outlook.co")]
    [InlineData("yaho.co.uk")]
    [InlineData("yahoo.co")]
    [InlineData("icoud.com")]
    [InlineData("icloud.co")]
    [InlineData("btinternet.co")]
    [InlineData("btinterent.com")]
    [InlineData("hotmial.com")]
    [InlineData("hotmal.com")]
    [InlineData("sky.co")]
    [InlineData("live.co")]
    [InlineData("protonn.me")]
    public void Misspelled_providers_are_free_mail(string domain) => Assert.True(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("acme.com")]
    [InlineData("ashbyengineering.co.uk")]
    [InlineData("mail.acme.com")]
    [InlineData("cloud.com")]
    [InlineData("gmail-consulting.com")]
    [InlineData("hotmailer.com")]
    [InlineData("gmial.org")]
    [InlineData("google.com")]
    [InlineData("microsoft.com")]
    [InlineData("apple.com")]
    [InlineData("gmz.com")]
    public void Company_domains_are_not_free_mail(string domain) => Assert.False(FreeMailDomains.Contains(domain));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("gmail")]
    [InlineData("com")]
    [InlineData("localhost")]
    [InlineData(".")]
    public void Things_that_are_not_domains_are_not_free_mail(string domain) => Assert.False(FreeMailDomains.Contains(domain));

    static string[] ListLines() =>
        File.ReadAllLines(Path.Combine(Repository.Root, "src", "CommonGround.Core", "Profiles", "FreeMailDomains.txt"));

    static List<string> ListEntries() => [.. ListLines().Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];

    [Fact]
    public void The_shipped_list_has_several_hundred_distinct_entries_and_says_where_it_comes_from()
    {
        var lines = ListLines();
        var entries = ListEntries();
        var header = string.Join('\n', lines.TakeWhile(l => l.StartsWith('#')));

        Assert.InRange(entries.Count, 400, 100_000);
        Assert.Equal(entries.Count, entries.Distinct(StringComparer.Ordinal).Count());
        Assert.All(entries, e => Assert.Matches(@"^~?[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$", e));
        Assert.Contains("Where it comes from", header, StringComparison.Ordinal);
        Assert.Contains("Extend it", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_listed_domain_is_free_mail()
    {
        var domains = ListEntries().Where(e => !e.EndsWith(".*", StringComparison.Ordinal)).Select(e => e.TrimStart('~'));
        Assert.All(domains, d => Assert.True(FreeMailDomains.Contains(d), d));
    }
}
