using CommonGround.Audiences;
using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>
/// The audience builder, an interactive page: a rule written as text and edited point-and-click is
/// one rule, read back in plain English, with its problems marked where they are.
/// </summary>
public sealed class AudienceBuilderTests(DemoSite site)
{
    const string Rule = "loyalty_tier = \"gold\" and count of \"Order Completed\" in the last 180 days >= 2";

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

    [Fact]
    public async Task A_rule_written_as_text_is_explained_then_edited_point_and_click_and_written_back()
    {
        await using var ui = await OpenBuilderAsync(site);

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Write as text" }).ClickAsync();
        await ui.Page.GetByLabel("Rule", new() { Exact = true }).FillAsync(Rule);
        await Assertions.Expect(Explanation(ui)).ToHaveTextAsync(
            AudienceExplainer.Explain(AudienceText.Parse(Rule)));
        await Assertions.Expect(ui.Page.Locator(".check-ok")).ToBeVisibleAsync();
        await ui.ScreenshotAsync("20-audience-text");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Point and click" }).ClickAsync();
        var conditions = ui.Page.Locator(".condition");
        await Assertions.Expect(conditions).ToHaveCountAsync(2);
        Assert.Equal("loyalty_tier", await conditions.Nth(0).GetByLabel("Trait").InputValueAsync());
        Assert.Equal("Order Completed", await conditions.Nth(1).GetByLabel("Event").InputValueAsync());

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Add a condition" }).ClickAsync();
        await Assertions.Expect(conditions).ToHaveCountAsync(3);
        var kind = conditions.Nth(2).GetByLabel("Condition", new() { Exact = true });
        await Assertions.Expect(kind).ToBeFocusedAsync();
        await kind.SelectOptionAsync(new SelectOptionValue { Label = "Consented to a channel" });
        var expected = Rule + " and consent email for marketing";
        await Assertions.Expect(Explanation(ui)).ToHaveTextAsync(AudienceExplainer.Explain(AudienceText.Parse(expected)));
        await Assertions.Expect(ui.Page.Locator(".canonical pre")).ToHaveTextAsync(AudienceText.Format(AudienceText.Parse(expected)));
        await ui.ScreenshotAsync("21-audience-point-and-click");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Write as text" }).ClickAsync();
        Assert.Equal(AudienceText.Format(AudienceText.Parse(expected)), await ui.Page.GetByLabel("Rule", new() { Exact = true }).InputValueAsync());
        Assert.Empty(ui.Problems);
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
}
