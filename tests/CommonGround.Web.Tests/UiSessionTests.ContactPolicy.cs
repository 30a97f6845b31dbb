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
}
