using CommonGround.Audiences;
using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>
/// The audience builder, an interactive page: a rule written as text and edited point-and-click is
/// one rule, read back in plain English, with its problems marked where they are.
/// </summary>
public sealed class AudienceBuilderTests(DemoSite site)
{
    const string Rule = "loyalty_tier = \"gold\" and has email";

    /// <summary>Opens the builder and waits until it is connected to the server.</summary>
    static async Task<UiSession> OpenBuilderAsync(DemoSite site)
    {
        var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/audiences/new");
        Assert.Equal("/audiences/new", ui.Path);
        await ui.Page.Locator(".builder[data-live=true]").WaitForAsync();
        return ui;
    }

    static ILocator Explanation(UiSession ui) => ui.Page.Locator(".builder-summary .explanation");

    static ILocator Stat(UiSession ui, string scope, string label) =>
        ui.Page.Locator($"{scope} .stats div:has(dt:text-is('{label}')) dd");

    /// <summary>What the store counts for a rule now, as the page writes it.</summary>
    async Task<(string People, string Households)> CountAsync(string rule)
    {
        var preview = await site.Store.Audiences.PreviewAsync(AudienceText.Parse(rule), DateTimeOffset.UtcNow, 0, TestContext.Current.CancellationToken);
        return (N(preview.Size), N(preview.Households));
    }

    static string N(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task An_audience_written_as_text_then_edited_point_and_click_is_explained_counted_saved_and_opened()
    {
        await using var ui = await OpenBuilderAsync(site);
        var name = "Gold members with e-mail " + Guid.NewGuid().ToString("N")[..6];

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Write as text" }).ClickAsync();
        await ui.Page.GetByLabel("Rule", new() { Exact = true }).FillAsync(Rule);
        await Assertions.Expect(Explanation(ui)).ToHaveTextAsync(AudienceExplainer.Explain(AudienceText.Parse(Rule)));
        await Assertions.Expect(ui.Page.Locator(".check-ok")).ToBeVisibleAsync();
        var (people, households) = await CountAsync(Rule);
        Assert.NotEqual("0", people);
        await Assertions.Expect(Stat(ui, ".audience-preview", "People")).ToHaveTextAsync(people);
        await Assertions.Expect(Stat(ui, ".audience-preview", "Households")).ToHaveTextAsync(households);
        await ui.ScreenshotAsync("20-audience-text");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Point and click" }).ClickAsync();
        var conditions = ui.Page.Locator(".condition");
        await Assertions.Expect(conditions).ToHaveCountAsync(2);
        Assert.Equal("loyalty_tier", await conditions.Nth(0).GetByLabel("Trait").InputValueAsync());
        Assert.Equal("gold", await conditions.Nth(0).GetByLabel("Value", new() { Exact = true }).InputValueAsync());

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add a condition" }).ClickAsync();
        await Assertions.Expect(conditions).ToHaveCountAsync(3);
        var kind = conditions.Nth(2).GetByLabel("Condition", new() { Exact = true });
        await Assertions.Expect(kind).ToBeFocusedAsync();
        await kind.SelectOptionAsync(new SelectOptionValue { Label = "Consented to a channel" });
        var expected = Rule + " and consent email for marketing";
        await Assertions.Expect(Explanation(ui)).ToHaveTextAsync(AudienceExplainer.Explain(AudienceText.Parse(expected)));
        await Assertions.Expect(ui.Page.Locator(".canonical pre")).ToHaveTextAsync(AudienceText.Format(AudienceText.Parse(expected)));
        var (fewer, _) = await CountAsync(expected);
        Assert.NotEqual(people, fewer);
        Assert.NotEqual("0", fewer);
        await Assertions.Expect(Stat(ui, ".audience-preview", "People")).ToHaveTextAsync(fewer);
        await ui.ScreenshotAsync("21-audience-point-and-click");

        await ui.Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Save the audience" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/audiences/aud_*");
        Assert.Equal(name, await ui.HeadingAsync());
        var saved = (await site.Store.Audiences.FindByNameAsync(name, TestContext.Current.CancellationToken))!;
        Assert.Equal(AudienceText.Parse(expected), saved.Definition);
        Assert.Null(saved.Team);
        Assert.Equal(AudienceExplainer.Explain(saved.Definition), await ui.Page.Locator(".meaning .explanation").InnerTextAsync());
        Assert.Equal(saved.Text, await ui.Page.Locator(".meaning pre.rule").InnerTextAsync());
        await ui.Page.GetByText("The SQL it runs").ClickAsync();
        Assert.Contains("SELECT", await ui.Page.Locator(".sql pre").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
        await Assertions.Expect(Stat(ui, "#reach-heading ~", "People")).ToHaveTextAsync(fewer);

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Take a snapshot now" }).ClickAsync();
        var row = ui.Page.Locator("table.snapshots tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        Assert.Equal(fewer, await row.Locator("td:nth-child(3)").InnerTextAsync());
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("23-audience-page");

        await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Start a new audience from this one" }).ClickAsync();
        await ui.Page.Locator(".builder[data-live=true]").WaitForAsync();
        await Assertions.Expect(ui.Page.Locator(".condition")).ToHaveCountAsync(3);
    }

    [Fact]
    public async Task A_mistake_in_the_text_is_listed_with_its_line_and_column_and_marked_in_place()
    {
        await using var ui = await OpenBuilderAsync(site);
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Write as text" }).ClickAsync();
        var text = ui.Page.GetByLabel("Rule", new() { Exact = true });

        await text.FillAsync("has email\nand loyalty_teir = \"gold\"");
        var problem = ui.Page.Locator("#rule-problems li");
        await Assertions.Expect(problem).ToContainTextAsync("Line 2, column 5:");
        await Assertions.Expect(problem).ToContainTextAsync("Did you mean 'loyalty_tier'?");
        Assert.Equal("loyalty_teir", await ui.Page.Locator(".code-backdrop mark").InnerTextAsync());
        Assert.Equal("true", await text.GetAttributeAsync("aria-invalid"));

        await text.FillAsync("has email\nand count of \"Order Completed\" >=");
        await Assertions.Expect(problem).ToContainTextAsync("Expected a number after '>='");
        await Assertions.Expect(Explanation(ui)).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("22-audience-text-error");

        // The builder cannot take a rule it cannot read, and says so.
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Point and click" }).ClickAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("fix the marked spots first");

        await text.FillAsync("has email\nand count of \"Order Completed\" >= 2");
        await Assertions.Expect(problem).ToHaveCountAsync(0);
        await Assertions.Expect(Explanation(ui)).ToContainTextAsync("who did \"Order Completed\" at least 2 times");
        Assert.Null(await text.GetAttributeAsync("aria-invalid"));
        Assert.Empty(ui.Problems);
    }

    [Fact]
    public async Task Every_team_reads_every_audience_in_plain_English_and_sees_only_what_it_may_of_the_people()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.TeamKey, "/audiences");

        Assert.Equal("Audiences", await ui.HeadingAsync());
        var rows = ui.Page.Locator("table.audiences tbody tr");
        foreach (var (name, team, _, rule) in Cli.Demo.DemoAudiences.All)
        {
            var row = rows.Filter(new() { Has = ui.Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });
            Assert.Contains(team, await row.Locator("td:nth-child(2)").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(AudienceExplainer.Explain(AudienceText.Parse(rule)), await row.Locator("td:nth-child(3)").InnerTextAsync());
        }
        await ui.ScreenshotAsync("24-audiences");

        await ui.Page.GetByLabel("Team").SelectOptionAsync("web");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/audiences?team=web");
        var teams = await rows.Locator("td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal(Cli.Demo.DemoAudiences.All.Count(a => a.Team == "web"), teams.Count);
        Assert.All(teams, t => Assert.Equal("web", t.Trim()));

        // Loyalty's personal fields are not shared with this team: the sample shows them redacted.
        await ui.GoAsync("/audiences/aud_demo_gold_and_platinum_members");
        Assert.Equal("Gold and platinum members", await ui.HeadingAsync());
        Assert.True(await ui.Page.Locator(".profile-list li").CountAsync() > 0);
        Assert.True(await ui.Page.Locator(".profile-list .redacted").CountAsync() > 0);
        Assert.DoesNotContain("@", await ui.Page.Locator(".profile-list").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("25-audience-as-team");
    }
}
