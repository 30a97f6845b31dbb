using System.Globalization;
using CommonGround.Profiles;
using CommonGround.Web.Components;
using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>
/// The web UI in Debian's chromium, headless, against a real server holding the demo workspace: what a
/// person of each team sees, from signing in to a customer's timeline. Screenshots of every step are
/// kept (see <see cref="Screenshots"/>).
/// </summary>
public sealed class UiTests(DemoSite site)
{
    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Signing_in_with_the_admin_key_opens_the_overview_with_the_workspace_counts()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.GoAsync("/");
        await ui.ScreenshotAsync("01-sign-in");

        await ui.SignInAsync(site.AdminKey);

        Assert.Equal("/", ui.Path);
        Assert.Equal("Overview", await ui.HeadingAsync());
        var overview = await site.Store.Profiles.OverviewAsync(TestContext.Current.CancellationToken);
        Assert.True(overview.Profiles > 0);
        var stats = ui.Page.Locator(".stats");
        foreach (var (label, value) in new[]
                 {
                     ("Customer profiles", overview.Profiles), ("Households", overview.Households), ("Businesses", overview.Businesses),
                     ("Events", overview.Events), ("Customer records", overview.Customers), ("Orders", overview.Orders),
                 })
        {
            Assert.Equal(N(value), await stats.Locator("div").Filter(new() { Has = ui.Page.GetByText(label, new() { Exact = true }) }).Locator("dd").InnerTextAsync());
        }
        var teams = await ui.Page.Locator("#teams-heading + ul .bar-label").AllInnerTextsAsync();
        Assert.Equal(["loyalty marketing", "retail media", "social", "telemarketing", "web"], teams.Order());
        Assert.Equal(overview.Sources.Count, await ui.Page.Locator("section[aria-labelledby=freshness-heading] tbody tr").CountAsync());
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("02-overview");
    }

    [Fact]
    public async Task The_catalog_lists_fields_with_their_owner_team_and_personal_flag()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/catalog");

        Assert.Equal("/catalog", ui.Path);
        var customers = ui.Page.Locator("table.catalog tbody")
            .Filter(new() { Has = ui.Page.Locator("tr.group th", new() { HasTextRegex = new("^customers profile") }) });
        var email = customers.Locator("tr").Filter(new() { Has = ui.Page.Locator("code", new() { HasTextRegex = new("^email$") }) });
        Assert.Equal(1, await email.CountAsync());
        Assert.Contains("loyalty marketing", await email.Locator("td:nth-child(3)").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("personal", await email.Locator("td:nth-child(4)").InnerTextAsync(), StringComparison.Ordinal);
        await ui.ScreenshotAsync("03-catalog");

        await ui.Page.GetByLabel("Personal data only").CheckAsync();
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/catalog?*personal=true*");

        var personal = await ui.Page.Locator("table.catalog tbody tr:not(.group) td:nth-child(4)").AllInnerTextsAsync();
        Assert.NotEmpty(personal);
        Assert.All(personal, cell => Assert.Contains("personal", cell, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_by_email_opens_the_profile_with_identities_household_and_traits_then_a_timeline_from_several_teams()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/profiles");

        await ui.Page.GetByLabel("E-mail, phone, id or name").FillAsync(site.PersonEmail);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var result = ui.Page.Locator($".profile-list a[href='/profiles/{site.Person.Id}']");
        await result.WaitForAsync();
        Assert.DoesNotContain(site.PersonEmail, ui.Page.Url, StringComparison.OrdinalIgnoreCase);
        await ui.ScreenshotAsync("04-search");

        await result.ClickAsync();
        await ui.Page.WaitForURLAsync($"**/profiles/{site.Person.Id}");
        Assert.Equal(Format.Name(site.Person.Id, site.Person.DisplayName), await ui.HeadingAsync());
        var identities = await ui.Page.Locator("section[aria-labelledby=identities-heading] tbody tr").AllInnerTextsAsync();
        Assert.Contains(identities, row => row.Contains(site.PersonEmail, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(site.Person.Identifiers.Count, identities.Count);
        var household = ui.Page.Locator($"a[href='/households/{site.Person.Household!.Id}']");
        Assert.Equal(1, await household.CountAsync());
        var teams = await ui.Page.Locator("section[aria-labelledby=traits-heading] .bar-label").AllInnerTextsAsync();
        Assert.Equal(site.Person.Traits.Teams.Where(t => t.Events > 0).Select(t => t.Team).Order(), teams.Order());
        Assert.Equal(N(site.Person.Traits.EventCount), await ui.Page.Locator(".stats div:has(dt:text-is('Events')) dd").InnerTextAsync());
        await ui.ScreenshotAsync("05-profile");

        await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Full timeline" }).ClickAsync();
        await ui.Page.WaitForURLAsync($"**/profiles/{site.Person.Id}/timeline");
        var entries = ui.Page.Locator(".timeline-entry");
        Assert.True(await entries.CountAsync() > 0);
        var entryTeams = (await ui.Page.Locator(".timeline-entry .team-name").AllInnerTextsAsync()).Distinct().ToList();
        Assert.True(entryTeams.Count >= 2, "the timeline shows one team only: " + string.Join(", ", entryTeams));
        await entries.First.Locator("summary").ClickAsync();
        Assert.True(await entries.First.Locator("dl.details-list dt").CountAsync() > 0);
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("06-timeline");

        await ui.GoAsync("/households/" + site.Person.Household.Id);
        Assert.Equal(1, await ui.Page.Locator($".profile-list a[href='/profiles/{site.Person.Id}']").CountAsync());
        await ui.ScreenshotAsync("06b-household");
    }

    [Fact]
    public async Task A_team_key_sees_the_personal_fields_of_another_team_as_redacted_with_the_reason()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.TeamKey, "/profiles/" + site.Person.Id);

        Assert.Equal("/profiles/" + site.Person.Id, ui.Path);
        Assert.Contains("team " + DemoSite.Team, await ui.Page.Locator(".session").InnerTextAsync(), StringComparison.Ordinal);
        var email = ui.Page.Locator("section[aria-labelledby=identities-heading] tbody tr").Filter(new() { HasTextString = "email" });
        Assert.Contains(PersonalDataPolicy.Redacted, await email.First.InnerTextAsync(), StringComparison.Ordinal);
        var page = await ui.Page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain(site.PersonEmail, page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not shared with team " + DemoSite.Team, await ui.Page.Locator("#redaction-note").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(Web.Components.Shared.Value.Why, await ui.Page.Locator(".redacted").First.GetAttributeAsync("title"));
        await ui.ScreenshotAsync("07-profile-as-team");
    }

    [Fact]
    public async Task Every_page_not_built_yet_says_so_and_what_it_will_do()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey);

        foreach (var capability in Capabilities.All.Where(c => !c.Built))
        {
            await ui.Page.Locator($"nav a[href='{capability.Href}']").ClickAsync();
            await ui.Page.WaitForURLAsync("**" + capability.Href);
            Assert.Equal(capability.Title, await ui.HeadingAsync());
            Assert.Contains("not built yet", await ui.Page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(capability.Plans.Count, await ui.Page.Locator("main li").CountAsync());
            Assert.Equal("page", await ui.Page.Locator($"nav a[href='{capability.Href}']").GetAttributeAsync("aria-current"));
        }
        await ui.ScreenshotAsync("08-not-built-yet");
    }

    [Fact]
    public async Task Every_page_has_one_h1_a_main_landmark_labelled_fields_and_no_console_errors()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.GoAsync("/login");
        await CheckPageAsync(ui, "/login");
        await ui.SignInAsync(site.AdminKey);
        var person = site.Person;
        string[] pages =
        [
            "/", "/catalog", "/profiles", "/sources", "/profiles/" + person.Id, $"/profiles/{person.Id}/timeline",
            "/households/" + person.Household!.Id, "/audiences/new", .. Capabilities.All.Where(c => !c.Built).Select(c => c.Href),
        ];
        foreach (var path in pages)
        {
            await ui.GoAsync(path);
            await CheckPageAsync(ui, path);
        }
        Assert.Empty(ui.Problems);

        // Pages for what is not there (the browser logs their 404 status, so they come last).
        foreach (var path in (string[])["/profiles/p999999999", "/no/such/page"])
        {
            await ui.GoAsync(path);
            await CheckPageAsync(ui, path);
        }
    }

    static async Task CheckPageAsync(UiSession ui, string path)
    {
        Assert.True(await ui.Page.Locator("h1").CountAsync() == 1, path + ": not exactly one h1");
        Assert.True(await ui.Page.Locator("main").CountAsync() == 1, path + ": not exactly one main landmark");
        Assert.Equal("en", await ui.Page.Locator("html").GetAttributeAsync("lang"));
        Assert.False(string.IsNullOrWhiteSpace(await ui.Page.TitleAsync()), path + ": no title");
        Assert.Equal(1, await ui.Page.Locator("a.skip-link[href='#main']").CountAsync());
        // Every field a person fills in has a label; every image has a text alternative (empty when decorative).
        var unlabelled = await ui.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(e => e.labels.length === 0 && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                .map(e => e.outerHTML)
            """);
        Assert.True(unlabelled.Length == 0, path + ": fields without a label: " + string.Join(" ", unlabelled));
        Assert.Equal(0, await ui.Page.Locator("img:not([alt])").CountAsync());
        var navs = await ui.Page.Locator("nav").AllAsync();
        foreach (var nav in navs) Assert.False(string.IsNullOrEmpty(await nav.GetAttributeAsync("aria-label")), path + ": a nav without a label");
    }

    [Fact]
    public async Task On_a_phone_in_dark_mode_the_profile_fits_the_screen_and_the_menu_is_one_link_away()
    {
        await using var ui = await UiSession.OpenAsync(site, width: 390, height: 844, colors: ColorScheme.Dark);
        await ui.SignInAsync(site.AdminKey, "/profiles/" + site.Person.Id);

        var overflow = await ui.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"the page scrolls sideways by {overflow} px");
        await ui.ScreenshotAsync("09-profile-on-a-phone-dark");

        await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Menu" }).ClickAsync();
        Assert.True(await ui.Page.Locator("nav#navigation").IsVisibleAsync());
        Assert.True(await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Catalog" }).IsVisibleAsync());
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_signing_out_ends_the_session()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync("cg_this_is_not_a_key");

        Assert.Equal("/login", ui.Path);
        Assert.Contains("unknown or revoked", await ui.Page.GetByRole(AriaRole.Alert).InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await ui.Page.GetByLabel("API key").GetAttributeAsync("aria-invalid"));
        await ui.ScreenshotAsync("10-wrong-key");

        await ui.Page.GetByLabel("API key").FillAsync(site.AdminKey);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ui.Page.WaitForURLAsync(new Uri(ui.Site, "/").ToString());
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/login?signedOut=true");
        Assert.Contains("signed out", await ui.Page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);

        await ui.GoAsync("/catalog");
        Assert.Equal("/login", ui.Path);
    }
}
