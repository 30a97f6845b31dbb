using System.Net;
using System.Text.Json;

namespace CommonGround.Web.Tests;

public sealed partial class UiSessionTests
{
    [Fact]
    public async Task The_profile_page_shows_what_the_person_received_and_what_was_held_back_and_why()
    {
        var identify = Server.Track("/v1/batch", """{"batch":[{"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"ann@example.com"}}]}""");
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.SendAsync(identify, Ct)).StatusCode);
        await Server.ResolveAsync(Ct);
        var profile = (await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:ann@example.com"), HttpStatusCode.OK)).GetProperty("id").GetString();
        foreach (var name in new[] { "Gold tier offer", "Points reminder" })
        {
            await Json(await Send(HttpMethod.Post, "/api/campaigns", json: new
            {
                name, team = "loyalty", channel = "directMail", category = "marketing", priority = 60, schedule = new { kind = "oneOff", at = "2026-05-05T09:00:00Z" },
            }), HttpStatusCode.Created);
            await Json(await Send(HttpMethod.Post, "/api/decisions", json: new { profileId = profile, campaign = name }), HttpStatusCode.OK);
        }

        using var client = NewClient();
        var page = await GetAsync(client, $"/profiles/{profile}", await SessionAsync(client, Server.AdminKey));
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Messages received and held back", html);
        Assert.Contains("<td>Gold tier offer</td>", html);
        Assert.Contains("<td>direct mail</td>", html);
        Assert.Contains("<li>held back: 1 marketing message a day from any one team, already used by 'Gold tier offer' (loyalty, already reserved)</li>", html);
    }

    [Fact]
    public async Task The_profile_page_says_which_suppression_lists_the_person_is_on_and_what_they_block()
    {
        var identify = Server.Track("/v1/batch", """{"batch":[{"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"Ann@Example.com"}}]}""");
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.SendAsync(identify, Ct)).StatusCode);
        await Server.ResolveAsync(Ct);
        var profile = (await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:ann@example.com"), HttpStatusCode.OK)).GetProperty("id").GetString();
        using var client = NewClient();
        var session = await SessionAsync(client, Server.AdminKey);
        var before = WebUtility.HtmlDecode(await (await GetAsync(client, $"/profiles/{profile}", session)).Content.ReadAsStringAsync(Ct));

        foreach (var (list, identifier) in new[] { ("do-not-contact", "email:ANN@example.com"), ("old-crm", "userId:u-1") })
            await Json(await Send(HttpMethod.Post, $"/api/suppression-lists/{list}/members", json: new { members = new[] { new { identifier, reason = "asked by phone" } } }), HttpStatusCode.OK);
        var after = WebUtility.HtmlDecode(await (await GetAsync(client, $"/profiles/{profile}", session)).Content.ReadAsStringAsync(Ct));

        Assert.Contains("Not on any suppression list.", before);
        Assert.Contains("On 2 suppression lists", after);
        Assert.Contains("<li><strong>do-not-contact</strong>: the policy blocks every channel, for marketing and ads</li>", after);
        Assert.Contains("<li><strong>old-crm</strong>: not in the policy: blocks nothing</li>", after);
        Assert.DoesNotContain("asked by phone", after);
    }
}
