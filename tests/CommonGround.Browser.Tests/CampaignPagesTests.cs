using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.Cli.Demo;
using CommonGround.Web.Components.Campaigns;
using Microsoft.Playwright;

namespace CommonGround.Browser.Tests;

/// <summary>
/// The shared campaign calendar (week and month, conflicts marked) and the overlap heatmap, read in the
/// browser and checked against the store and the API that answer the same questions.
/// </summary>
public sealed class CampaignPagesTests(DemoSite site)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task The_calendar_shows_every_team_s_campaigns_by_week_and_month_with_conflicting_days_marked()
    {
        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/campaigns/calendar");

        Assert.Equal("Campaign calendar", await ui.HeadingAsync());
        var rows = await ui.Page.Locator("table.calendar.week tbody th[scope=row]").AllInnerTextsAsync();
        Assert.Equal(DemoWorkspace.SourceNames.Select(s => s.Team).Order(), rows.Select(r => r.Trim()).Order());
        // A daily campaign of the web team is in the web row on every day of the week.
        var web = ui.Page.Locator("table.calendar.week tbody tr").Filter(new() { Has = ui.Page.Locator("th", new() { HasTextString = "web" }) });
        Assert.Equal(7, await web.Locator("td:has(.chip:has-text('Basket reminder'))").CountAsync());

        // Each marked day says how many customers hear from two or more campaigns, as the store counts them.
        var monday = CampaignText.WeekStart(Today);
        var marked = 0;
        for (var i = 0; i < 7; i++)
        {
            var day = monday.AddDays(i);
            var pressure = await site.Store.Campaigns.ContactedByAtLeastAsync(day, 2, 1, Ct);
            var badge = ui.Page.Locator("table.calendar.week thead th").Nth(i + 1).Locator(".conflict-badge");
            if (pressure.Total == 0)
            {
                Assert.Equal(0, await badge.CountAsync());
                continue;
            }
            marked++;
            Assert.Contains(N(pressure.Total) + " hear from 2+", await badge.InnerTextAsync(), StringComparison.Ordinal);
        }
        Assert.True(marked > 0, "no day of this week has customers contacted by two campaigns");
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("30-calendar-week");

        await ui.Page.GetByLabel("Show", new() { Exact = true }).SelectOptionAsync("month");
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await ui.Page.WaitForURLAsync("**/campaigns/calendar?view=month*");
        var weeks = await ui.Page.Locator("table.calendar.month tbody tr").CountAsync();
        Assert.InRange(weeks, 4, 6);
        Assert.Equal(7 * weeks, await ui.Page.Locator("table.calendar.month tbody td").CountAsync());
        Assert.True(await ui.Page.Locator("table.calendar.month .chip").CountAsync() > 0);
        await ui.ScreenshotAsync("31-calendar-month");

        await ui.Page.Locator("table.calendar.month .chip", new() { HasTextString = "Member offers" }).First.ClickAsync();
        await ui.Page.WaitForURLAsync("**/campaigns/" + DemoCampaigns.Id("Member offers"));
        Assert.Equal("Member offers", await ui.HeadingAsync());
        Assert.Contains("Gold and platinum members", await ui.Page.Locator("section[aria-labelledby=audience-heading]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("32-campaign");
    }

    [Fact]
    public async Task The_overlap_heatmap_and_its_table_give_the_api_s_counts_and_shares_for_customers_and_households()
    {
        var from = CampaignText.WeekStart(Today);
        var to = from.AddDays(6);
        using var request = site.Server.Api(HttpMethod.Get, $"/api/campaigns/overlap?from={CampaignText.Day(from)}&to={CampaignText.Day(to)}&k=2");
        using var response = await site.Server.Http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        var api = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        var ids = api.GetProperty("campaigns").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
        var (i, j) = BusiestPair(api.GetProperty("customers").GetProperty("shared"), ids.Count);

        await using var ui = await UiSession.OpenAsync(site);
        await ui.SignInAsync(site.AdminKey, "/campaigns/overlap");

        Assert.Equal("Campaign overlap", await ui.HeadingAsync());
        Assert.Equal(ids.Count, await ui.Page.Locator("table.overlap-table tbody tr").CountAsync());
        Assert.Equal(ids.Count * ids.Count, await ui.Page.Locator("svg.heatmap rect").CountAsync());
        await CheckCellAsync(ui, api.GetProperty("customers"), ids, i, j);
        var total = api.GetProperty("pressure").GetProperty("total").GetInt64();
        Assert.StartsWith(N(total) + " customer", await ui.Page.Locator("#pressure-total").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Empty(ui.Problems);
        await ui.ScreenshotAsync("33-overlap-customers");

        // Waiting starts before the click, so a navigation that finishes first is not missed; CI machines are slow.
        var navigated = ui.Page.WaitForURLAsync("**measure=households*", new() { Timeout = 60_000 });
        await ui.Page.GetByRole(AriaRole.Link, new() { Name = "Households", Exact = true }).ClickAsync();
        await navigated;
        await CheckCellAsync(ui, api.GetProperty("households"), ids, i, j);
        await ui.ScreenshotAsync("34-overlap-households");
    }

    /// <summary>The pair of different campaigns that share the most, so the cell read is not a zero.</summary>
    static (int, int) BusiestPair(JsonElement shared, int n)
    {
        var best = (0, 1, -1L);
        for (var a = 0; a < n; a++)
            for (var b = 0; b < n; b++)
                if (a != b && shared[a][b].GetInt64() > best.Item3) best = (a, b, shared[a][b].GetInt64());
        Assert.True(best.Item3 > 0, "no two campaigns of this week share anyone");
        return (best.Item1, best.Item2);
    }

    static async Task CheckCellAsync(UiSession ui, JsonElement matrix, List<string> ids, int i, int j)
    {
        var cell = ui.Page.Locator($"table.overlap-table tr[data-campaign='{ids[i]}'] td[data-column='{ids[j]}']");
        Assert.Equal(N(matrix.GetProperty("shared")[i][j].GetInt64()), await cell.Locator(".shared").InnerTextAsync());
        Assert.Equal(CampaignText.Percent(matrix.GetProperty("shares")[i][j].GetDouble()), await cell.Locator(".share").InnerTextAsync());
        var reach = ui.Page.Locator($"table.overlap-table tr[data-campaign='{ids[i]}'] td:nth-of-type(1)");
        Assert.Equal(N(matrix.GetProperty("shared")[i][i].GetInt64()), await reach.InnerTextAsync());
    }
}
