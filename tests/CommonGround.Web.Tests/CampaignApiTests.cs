using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.Identity;
using CommonGround.Storage;

namespace CommonGround.Web.Tests;

/// <summary>The campaign calendar API: who may change what, bad input, the calendar, overlap and the global control group.</summary>
public abstract class CampaignApiTests(string provider) : ServerTests(provider)
{
    static object Campaign(string name, string? team = "loyalty", string channel = "email", object? schedule = null, string? status = null) => new
    {
        name, team, channel, category = "marketing", audienceId = "aud-1",
        schedule = schedule ?? new { kind = "oneOff", at = "2026-05-05T09:00:00Z" },
        priority = 60, expectedValue = 0.5, holdoutShare = 0.1, storyboard = "Chapter 1", status,
    };

    async Task<JsonElement> CreateAsync(object campaign, string? key = null) =>
        await Json(await Send(HttpMethod.Post, "/api/campaigns", key, campaign), HttpStatusCode.Created);

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await Json(response, expected);
    }

    [Fact]
    public async Task A_campaign_is_created_read_changed_and_deleted()
    {
        var created = await CreateAsync(Campaign("Spring sale", channel: "directMail"));
        var id = created.GetProperty("id").GetString()!;

        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.Equal("directMail", created.GetProperty("channel").GetString());
        Assert.Equal(["scheduled", "live"], created.GetProperty("nextStatuses").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("oneOff", created.GetProperty("schedule").GetProperty("kind").GetString());
        var read = await Json(await Send(HttpMethod.Get, $"/api/campaigns/{id}"), HttpStatusCode.OK);
        Assert.Equal("Spring sale", read.GetProperty("name").GetString());

        var changed = await Json(await Send(HttpMethod.Put, $"/api/campaigns/{id}", json: Campaign("Spring sale 2", status: "scheduled")), HttpStatusCode.OK);
        Assert.Equal(("Spring sale 2", "scheduled"), (changed.GetProperty("name").GetString(), changed.GetProperty("status").GetString()));
        Assert.Equal(created.GetProperty("createdAt").GetDateTimeOffset(), changed.GetProperty("createdAt").GetDateTimeOffset());

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, $"/api/campaigns/{id}")).StatusCode);
        await ProblemAsync(await Send(HttpMethod.Get, $"/api/campaigns/{id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_api_without_a_key_is_a_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync("/api/campaigns", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync("/api/campaigns/overlap?from=2026-05-01&to=2026-05-31", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_team_creates_and_edits_its_own_campaigns_and_reads_everyones()
    {
        var loyalty = await TeamKeyAsync("loyalty");
        var web = await TeamKeyAsync("web");
        var own = await CreateAsync(Campaign("Points reminder", team: null), loyalty);
        var theirs = await CreateAsync(Campaign("Home page banner", team: "web", channel: "webPersonalisation"), web);
        var theirId = theirs.GetProperty("id").GetString();

        Assert.Equal("loyalty", own.GetProperty("team").GetString());
        await ProblemAsync(await Send(HttpMethod.Post, "/api/campaigns", loyalty, Campaign("Not ours", team: "web")), HttpStatusCode.Forbidden);
        await ProblemAsync(await Send(HttpMethod.Put, $"/api/campaigns/{theirId}", loyalty, Campaign("Taken over", team: "web")), HttpStatusCode.Forbidden);
        await ProblemAsync(await Send(HttpMethod.Delete, $"/api/campaigns/{theirId}", loyalty), HttpStatusCode.Forbidden);
        var ownId = own.GetProperty("id").GetString();
        await ProblemAsync(await Send(HttpMethod.Put, $"/api/campaigns/{ownId}", loyalty, Campaign("Given away", team: "web")), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, $"/api/campaigns/{ownId}", loyalty, Campaign("Points reminder 2", team: null))).StatusCode);

        var all = await Json(await Send(HttpMethod.Get, "/api/campaigns", loyalty), HttpStatusCode.OK);
        Assert.Equal(["Points reminder 2", "Home page banner"], all.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var webOnly = await Json(await Send(HttpMethod.Get, "/api/campaigns?team=web", loyalty), HttpStatusCode.OK);
        Assert.Equal(["Home page banner"], webOnly.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("channel", """{"name":"x","team":"t","channel":"fax","category":"marketing","schedule":{"kind":"oneOff","at":"2026-05-05T09:00:00Z"}}""")]
    [InlineData("schedule.cron", """{"name":"x","team":"t","channel":"sms","category":"marketing","schedule":{"kind":"recurring","cron":"0 25 * * *","timeZone":"UTC","start":"2026-05-01"}}""")]
    [InlineData("schedule.timeZone", """{"name":"x","team":"t","channel":"sms","category":"marketing","schedule":{"kind":"recurring","cron":"0 9 * * *","timeZone":"Europe/Atlantis","start":"2026-05-01"}}""")]
    [InlineData("holdoutShare", """{"name":"x","team":"t","channel":"email","category":"transactional","holdoutShare":0.1,"schedule":{"kind":"alwaysOn","start":"2026-05-01"}}""")]
    [InlineData("status", """{"name":"x","team":"t","channel":"email","category":"marketing","status":"done","schedule":{"kind":"alwaysOn","start":"2026-05-01"}}""")]
    [InlineData("name", """{"team":"t","channel":"email","category":"marketing","schedule":{"kind":"alwaysOn","start":"2026-05-01"}}""")]
    public async Task A_bad_campaign_is_a_400_naming_the_field(string field, string body)
    {
        var request = Server.Api(HttpMethod.Post, "/api/campaigns");
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        var problem = await ProblemAsync(await Server.Http.SendAsync(request, Ct), HttpStatusCode.BadRequest);

        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Empty(await Store.Store.Campaigns.ListAsync(new CampaignQuery(), Ct));
    }

    [Fact]
    public async Task A_status_that_cannot_follow_is_a_400()
    {
        var id = (await CreateAsync(Campaign("Flash sale", status: "live"))).GetProperty("id").GetString();

        var problem = await ProblemAsync(await Send(HttpMethod.Put, $"/api/campaigns/{id}", json: Campaign("Flash sale", status: "draft")), HttpStatusCode.BadRequest);

        Assert.Contains("cannot become draft", problem.GetProperty("errors").GetProperty("status")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/campaigns/calendar?from=2026-06-01&to=2026-05-01", "to")]
    [InlineData("/api/campaigns/calendar?from=2026-01-01&to=2027-06-01", "to")]
    [InlineData("/api/campaigns/calendar?to=2026-05-01", "from")]
    [InlineData("/api/campaigns/calendar?from=yesterday&to=2026-05-01", "from")]
    [InlineData("/api/campaigns/calendar?from=2026-05-01&to=2026-05-31&status=paused", "status")]
    [InlineData("/api/campaigns/overlap?from=2026-06-01&to=2026-05-01", "to")]
    [InlineData("/api/campaigns/overlap?from=2026-01-01&to=2027-01-05", "to")]
    [InlineData("/api/campaigns/overlap?from=2026-05-01&to=2026-05-31&k=0", "k")]
    [InlineData("/api/campaigns/overlap?from=2026-05-01&to=2026-05-31&day=2026-07-01", "day")]
    [InlineData("/api/campaigns?from=2026-05-01", "to")]
    public async Task A_bad_window_is_a_400_naming_the_field(string path, string field)
    {
        var problem = await ProblemAsync(await Send(HttpMethod.Get, path), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors name '{field}'");
    }

    [Fact]
    public async Task The_calendar_shows_each_day_with_its_campaigns_and_send_times()
    {
        await CreateAsync(Campaign("Monday mail", schedule: new { kind = "recurring", cron = "0 9 * * MON", timeZone = "Europe/London", start = "2026-05-01" }, status: "scheduled"));
        await CreateAsync(Campaign("Basket reminder", team: "web", channel: "push", schedule: new { kind = "alwaysOn", start = "2026-05-10T00:00:00Z" }, status: "live"));

        var calendar = await Json(await Send(HttpMethod.Get, "/api/campaigns/calendar?from=2026-05-04&to=2026-05-11"), HttpStatusCode.OK);

        var days = calendar.GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-05-04", "2026-05-10", "2026-05-11"], days.Select(d => d.GetProperty("date").GetString()));
        var monday = days[0].GetProperty("campaigns")[0];
        Assert.Equal("Monday mail", monday.GetProperty("name").GetString());
        Assert.Equal(new DateTimeOffset(2026, 5, 4, 8, 0, 0, TimeSpan.Zero), monday.GetProperty("times")[0].GetDateTimeOffset());
        Assert.Equal(2, days[2].GetProperty("active").GetInt32());
        var webOnly = await Json(await Send(HttpMethod.Get, "/api/campaigns/calendar?from=2026-05-04&to=2026-05-11&team=web"), HttpStatusCode.OK);
        Assert.Equal(2, webOnly.GetProperty("days").GetArrayLength());
    }

    [Fact]
    public async Task The_overlap_gives_counts_shares_and_customers_in_k_or_more_campaigns()
    {
        var tuesday = new { kind = "oneOff", at = "2026-05-05T09:00:00Z" };
        var a = (await CreateAsync(Campaign("A", schedule: tuesday, status: "scheduled"))).GetProperty("id").GetString()!;
        var b = (await CreateAsync(Campaign("B", team: "web", schedule: tuesday, status: "live"))).GetProperty("id").GetString()!;
        var c = (await CreateAsync(Campaign("C", team: "stores", schedule: tuesday, status: "scheduled"))).GetProperty("id").GetString()!;
        await CreateAsync(Campaign("Draft", schedule: tuesday));
        // A: people 1-4, B: 3-6, C: 4 and 9; person 5 is held out of B, person 9 is in the control group.
        await SetTargetsAsync(a, [Target(1, "h_1"), Target(2, "h_1"), Target(3, "h_2"), Target(4, "h_3")]);
        await SetTargetsAsync(b, [Target(3, "h_2"), Target(4, "h_3"), Target(5, "h_4", holdout: true), Target(6, "h_1")]);
        await SetTargetsAsync(c, [Target(4, "h_3"), Target(9, "h_9", control: true)]);

        var overlap = await Json(await Send(HttpMethod.Get, "/api/campaigns/overlap?from=2026-05-04&to=2026-05-10&k=2", await TeamKeyAsync("stores")), HttpStatusCode.OK);

        var order = overlap.GetProperty("campaigns").EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList();
        Assert.Equal(new[] { a, b, c }.Order(StringComparer.Ordinal), order);
        var (ia, ib, ic) = (order.IndexOf(a), order.IndexOf(b), order.IndexOf(c));
        var customers = overlap.GetProperty("customers");
        Assert.Equal(4, customers.GetProperty("shared")[ia][ia].GetInt64());
        Assert.Equal(3, customers.GetProperty("shared")[ib][ib].GetInt64());
        Assert.Equal(2, customers.GetProperty("shared")[ia][ib].GetInt64());
        Assert.Equal(1, customers.GetProperty("shared")[ic][ic].GetInt64());
        Assert.Equal(0.5, customers.GetProperty("shares")[ia][ib].GetDouble());
        Assert.Equal(0.6667, customers.GetProperty("shares")[ib][ia].GetDouble());
        // Households: A reaches h_1, h_2, h_3; B reaches h_1 (through person 6), h_2, h_3.
        Assert.Equal(3, overlap.GetProperty("households").GetProperty("shared")[ia][ib].GetInt64());
        var pressure = overlap.GetProperty("pressure");
        Assert.Equal(("2026-05-05", 2, 2), (pressure.GetProperty("day").GetString(), pressure.GetProperty("k").GetInt32(), pressure.GetProperty("total").GetInt32()));
        var first = pressure.GetProperty("customers")[0];
        Assert.Equal("p4", first.GetProperty("profileId").GetString());
        Assert.Equal(["loyalty", "stores", "web"], first.GetProperty("campaigns").EnumerateArray().Select(x => x.GetProperty("team").GetString()).Order());
        Assert.Equal("p3", pressure.GetProperty("customers")[1].GetProperty("profileId").GetString());
    }

    static CampaignTarget Target(long profile, string household, bool holdout = false, bool control = false) =>
        new(new ProfileId(profile), household, holdout, control);

    Task SetTargetsAsync(string campaign, CampaignTarget[] targets) => Store.Store.Campaigns.SetTargetsAsync(campaign, targets, Ct);

    [Fact]
    public async Task Refreshing_targets_fills_the_list_from_the_campaigns_audience()
    {
        var batch = string.Join(",", Enumerable.Range(1, 3).Select(i =>
            $$"""{"type":"identify","messageId":"m-{{i}}","userId":"u-{{i}}","traits":{"vip":true},"timestamp":"2026-03-01T10:00:00Z"}"""));
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.SendAsync(Server.Track("/v1/batch", $$"""{"batch":[{{batch}}]}"""), Ct)).StatusCode);
        await Server.ResolveAsync(Ct);
        var rule = Audiences.AudienceText.Parse("vip = true");
        var audience = new Audiences.Audience("aud_vip", "VIPs", "loyalty", null, rule, Audiences.AudienceText.Format(rule), "k", DateTimeOffset.UtcNow, "k", DateTimeOffset.UtcNow);
        await Store.Store.Audiences.AddAsync(audience, Ct);
        var withAudience = await CreateAsync(Campaign("VIP mail"));
        var id = withAudience.GetProperty("id").GetString();
        await Send(HttpMethod.Put, $"/api/campaigns/{id}", json: new
        {
            name = "VIP mail", team = "loyalty", channel = "email", category = "marketing", audienceId = "aud_vip",
            schedule = new { kind = "oneOff", at = "2026-05-05T09:00:00Z" }, holdoutShare = 0.1,
        });
        var without = (await CreateAsync(new
        {
            name = "No audience", team = "loyalty", channel = "email", category = "marketing", schedule = new { kind = "oneOff", at = "2026-05-05T09:00:00Z" },
        })).GetProperty("id").GetString();

        var refresh = await Json(await Send(HttpMethod.Post, $"/api/campaigns/{id}/refresh-targets?asOf=2026-04-01T00:00:00Z"), HttpStatusCode.OK);

        Assert.Equal(3, refresh.GetProperty("targets").GetInt64());
        Assert.Equal(3, refresh.GetProperty("contacted").GetInt64() + refresh.GetProperty("heldOut").GetInt64());
        Assert.Equal(3, (await Store.Store.Campaigns.ListTargetsAsync(id!, Ct)).Count);
        await ProblemAsync(await Send(HttpMethod.Post, $"/api/campaigns/{without}/refresh-targets"), HttpStatusCode.Conflict);
        await ProblemAsync(await Send(HttpMethod.Post, $"/api/campaigns/{id}/refresh-targets", await TeamKeyAsync("web")), HttpStatusCode.Forbidden);
        await ProblemAsync(await Send(HttpMethod.Post, $"/api/campaigns/{id}/refresh-targets?asOf=soon"), HttpStatusCode.BadRequest);
        await ProblemAsync(await Send(HttpMethod.Post, "/api/campaigns/c_none/refresh-targets"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Only_an_admin_switches_the_global_control_group()
    {
        var team = await TeamKeyAsync("loyalty");
        var before = await Json(await Send(HttpMethod.Get, "/api/settings/global-control", team), HttpStatusCode.OK);
        Assert.False(before.GetProperty("enabled").GetBoolean());

        await ProblemAsync(await Send(HttpMethod.Put, "/api/settings/global-control", team, new { enabled = true, share = 0.05 }), HttpStatusCode.Forbidden);
        var tooBig = await ProblemAsync(await Send(HttpMethod.Put, "/api/settings/global-control", json: new { enabled = true, share = 0.6 }), HttpStatusCode.BadRequest);
        Assert.True(tooBig.GetProperty("errors").TryGetProperty("share", out _));
        var on = await Json(await Send(HttpMethod.Put, "/api/settings/global-control", json: new { enabled = true, share = 0.04 }), HttpStatusCode.OK);
        var salt = (await Store.Store.Campaigns.GetGlobalControlAsync(Ct)).Salt;
        await Json(await Send(HttpMethod.Put, "/api/settings/global-control", json: new { enabled = false }), HttpStatusCode.OK);

        Assert.True(on.GetProperty("enabled").GetBoolean());
        Assert.False(on.TryGetProperty("salt", out _));
        var stored = await Store.Store.Campaigns.GetGlobalControlAsync(Ct);
        Assert.Equal((false, 0.04, salt), (stored.Enabled, stored.Share, stored.Salt));
        Assert.NotEmpty(salt);
    }
}

public sealed class DuckDbCampaignApiTests() : CampaignApiTests(StoreOptions.DuckDb);

public sealed class PostgresCampaignApiTests() : CampaignApiTests(StoreOptions.Postgres);
