using System.Globalization;
using CommonGround.ContactPolicy;
using CommonGround.ContactPolicy.Simulation;
using CommonGround.Web.Components.Campaigns;
using CommonGround.Web.Hosting;
using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>The contact policy page (read, edit, versions) and the what-if simulator, in the browser.</summary>
public sealed class ContactPolicyPagesTests(DemoSite site)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_sees_the_problem_of_an_invalid_value_next_to_its_path_then_saves_a_valid_policy_as_a_new_version()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/contact-policy");
        Assert.Equal("Contact policy", await ui.HeadingAsync());
        Assert.Contains("At most 3 marketing messages a day across teams.", await ui.Page.Locator("#rules-heading + p + .cards").InnerTextAsync());
        var before = int.Parse(await ui.Page.Locator("input[name=BasedOn]").InputValueAsync(), CultureInfo.InvariantCulture);

        // An invalid value: a cap of 0 messages.
        var invalid = ContactPolicyJson.Serialize(ContactPolicyHosting.StarterPolicy with
        {
            Caps = [new ContactCap { Scope = CapScope.AllMarketing, Level = CapLevel.Customer, Window = CapWindow.Day, Limit = 0 }],
        });
        await ui.Page.GetByLabel("Policy (JSON)").FillAsync(invalid);
        await ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Save as version") }).ClickAsync();
        await ui.Page.WaitForLoadStateAsync();
        var problems = ui.Page.Locator("#policy-problems");
        await Assertions.Expect(problems).ToContainTextAsync("caps[0].limit");
        Assert.Contains("a cap allows at least 1 message", await problems.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await ui.Page.GetByLabel("Policy (JSON)").GetAttributeAsync("aria-invalid"));
        await ui.ScreenshotAsync("40-contact-policy-invalid");

        // A valid one: the same rules, in the demo retailer's currency, with a note.
        var valid = ContactPolicyJson.Serialize(ContactPolicyHosting.StarterPolicy with { Currency = "GBP" });
        await ui.Page.GetByLabel("Policy (JSON)").FillAsync(valid);
        await ui.Page.GetByLabel("Why (kept with the version)").FillAsync("Values in pounds");
        await ui.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Save as version") }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/contact-policy?saved=*");
        var saved = before + 1;
        await Assertions.Expect(ui.Page.Locator("#rules-heading")).ToHaveTextAsync($"Version {saved} in force");
        var newest = ui.Page.Locator("table.versions tbody tr").First;
        Assert.Contains($"{saved} (in force)", await newest.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Values in pounds", await newest.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("values are in GBP", await ui.Page.Locator("#rules-heading + p + .cards").InnerTextAsync(), StringComparison.Ordinal);
        // The refused save answered 422 Unprocessable Content, which the browser logs; nothing else went wrong.
        Assert.All(ui.Problems, p => Assert.Contains("status of 422", p, StringComparison.Ordinal));
        await ui.ScreenshotAsync("41-contact-policy-saved");
    }

    [Fact]
    public async Task Saving_from_an_outdated_version_is_refused_and_says_who_changed_it_keeping_the_edit()
    {
        await using var first = await UiSession.OpenAsync(site);
        await first.SignInAsync(site.AdminKey, "/contact-policy");
        await using var second = await UiSession.OpenAsync(site);
        await second.SignInAsync(site.AdminKey, "/contact-policy");

        // The second person saves first (the rules unchanged, only a note).
        await second.Page.GetByLabel("Why (kept with the version)").FillAsync("Reviewed, no change");
        await second.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Save as version") }).ClickAsync();
        await second.Page.WaitForURLAsync("**/contact-policy?saved=*");

        await first.Page.GetByLabel("Why (kept with the version)").FillAsync("My change");
        await first.Page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Save as version") }).ClickAsync();
        await first.Page.WaitForLoadStateAsync();

        var conflict = first.Page.Locator("#policy-conflict");
        await Assertions.Expect(conflict).ToContainTextAsync("The policy changed since version");
        Assert.Contains("was made by tests", await conflict.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("My change", await first.Page.GetByLabel("Why (kept with the version)").InputValueAsync());
        Assert.Equal("Reviewed, no change", await first.Page.Locator("table.versions tbody tr").First.Locator("td").Nth(3).InnerTextAsync());
        await first.ScreenshotAsync("43-contact-policy-conflict");
    }

    [Fact]
    public async Task A_team_key_reads_the_policy_but_has_no_editor()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.TeamKey, "/contact-policy");

        Assert.Contains("Only an admin may change the contact policy", await ui.Page.Locator("#edit-heading + p").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await ui.Page.Locator("#policy-form").CountAsync());
        Assert.True(await ui.Page.Locator("table.versions tbody tr").CountAsync() >= 1);
    }

    [Fact]
    public async Task The_simulator_shows_for_the_week_how_many_customers_would_get_5_or_more_messages_a_day_with_and_without_the_policy()
    {
        var monday = CampaignText.WeekStart(DateOnly.FromDateTime(DateTime.UtcNow));
        // What the page must say: the simulator run on the same store with the rules in force (only the currency may have changed).
        var expected = await new ContactSimulator(site.Store.Campaigns, TimeProvider.System)
            .RunAsync(ContactPolicyHosting.StarterPolicy, 1, monday, 7, null, Ct);
        var week = ISOWeek.GetYear(monday.ToDateTime(TimeOnly.MinValue)) + "-W" + ISOWeek.GetWeekOfYear(monday.ToDateTime(TimeOnly.MinValue)).ToString("D2", CultureInfo.InvariantCulture);

        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/contact-policy/simulate");
        Assert.Equal("What-if simulator", await ui.HeadingAsync());
        await ui.Page.GetByLabel("Week", new() { Exact = true }).FillAsync(week);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Simulate" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/contact-policy/simulate?week=*");

        Assert.Equal(expected.PerCustomer.HeavyWithout.ToString("N0", CultureInfo.InvariantCulture), await ui.Page.Locator("#heavy-without").InnerTextAsync());
        Assert.Equal("none", await ui.Page.Locator("#heavy-with").InnerTextAsync());
        var histogram = ui.Page.Locator("section[aria-labelledby=histogram-heading] table.sim-histogram");
        var without = await histogram.Locator("tbody tr").First.Locator("td").AllInnerTextsAsync();
        Assert.Equal([.. expected.PerCustomer.Without.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)), expected.PerCustomer.MaxWithout.ToString(CultureInfo.InvariantCulture)], without);
        Assert.True(await ui.Page.Locator("section[aria-labelledby=histogram-heading] svg rect").CountAsync() > 0);
        Assert.Equal(expected.Teams.Count, await ui.Page.Locator("#sim-teams tbody tr").CountAsync());
        Assert.Equal(7, await ui.Page.Locator("#sim-days tbody tr").CountAsync());
        Assert.Equal("page", await ui.Page.Locator("nav a[href='/contact-policy/simulate']").GetAttributeAsync("aria-current"));
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("42-contact-policy-simulator");
    }
}
