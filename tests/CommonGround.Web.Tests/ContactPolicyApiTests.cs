using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CommonGround.Storage;

namespace CommonGround.Web.Tests;

/// <summary>
/// The contact policy over HTTP: versions and changes, real-time decisions with reservations, the
/// reasons in words, bad requests, "Message Sent" events from ingestion, a profile's contacts, and
/// what survives a restart. The starter policy is in force: 3 marketing messages a day, 1 a day from
/// any one team, an hour between two messages, opt-in needed for email.
/// </summary>
public abstract class ContactPolicyApiTests(string provider) : ServerTests(provider)
{
    async Task<string> CampaignAsync(string name, string team = "loyalty", string channel = "directMail", string? key = null)
    {
        var created = await Json(await Send(HttpMethod.Post, "/api/campaigns", key, new
        {
            name, team, channel, category = "marketing", schedule = new { kind = "oneOff", at = "2026-05-05T09:00:00Z" }, priority = 60, expectedValue = 0.8,
        }), HttpStatusCode.Created);
        return created.GetProperty("id").GetString()!;
    }

    /// <summary>Ann (userId u-1, ann@example.com) and her profile id, resolved.</summary>
    async Task<string> AnnAsync()
    {
        await TrackAsync("""{"batch":[{"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"ann@example.com"}}]}""");
        await Server.ResolveAsync(Ct);
        var profile = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:ann@example.com"), HttpStatusCode.OK);
        return profile.GetProperty("id").GetString()!;
    }

    async Task TrackAsync(string batch)
    {
        var response = await Server.Http.SendAsync(Server.Track("/v1/batch", batch), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    Task<HttpResponseMessage> DecideAsync(object request, string? key = null) => Send(HttpMethod.Post, "/api/decisions", key, request);

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await Json(response, expected);
    }

    static string[] Codes(JsonElement decision) => [.. decision.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()!)];

    static string Text(JsonElement decision, string code) =>
        decision.GetProperty("reasons").EnumerateArray().Single(r => r.GetProperty("code").GetString() == code).GetProperty("text").GetString()!;

    [Fact]
    public async Task The_policy_starts_from_the_starter_policy_and_every_change_is_a_version()
    {
        var current = await Json(await Send(HttpMethod.Get, "/api/contact-policy"), HttpStatusCode.OK);
        Assert.Equal(1, current.GetProperty("number").GetInt32());
        Assert.Equal(3, current.GetProperty("policy").GetProperty("caps")[0].GetProperty("limit").GetInt32());
        Assert.Equal("21:00", current.GetProperty("policy").GetProperty("quietHours")[0].GetProperty("start").GetString());

        var policy = current.GetProperty("policy");
        var changed = await Json(await Send(HttpMethod.Put, "/api/contact-policy", json: new { policy, note = "same again", basedOn = 1 }), HttpStatusCode.OK);
        Assert.Equal(2, changed.GetProperty("number").GetInt32());
        Assert.Equal("same again", changed.GetProperty("note").GetString());

        var stale = await ProblemAsync(await Send(HttpMethod.Put, "/api/contact-policy", json: new { policy, basedOn = 1 }), HttpStatusCode.Conflict);
        Assert.Contains("changed since version 1", stale.GetProperty("detail").GetString());
        var versions = await Json(await Send(HttpMethod.Get, "/api/contact-policy/versions"), HttpStatusCode.OK);
        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        var first = await Json(await Send(HttpMethod.Get, "/api/contact-policy/versions/1"), HttpStatusCode.OK);
        Assert.Equal("The starter policy of a new workspace.", first.GetProperty("note").GetString());
        await ProblemAsync(await Send(HttpMethod.Get, "/api/contact-policy/versions/9"), HttpStatusCode.NotFound);

        var team = await TeamKeyAsync("loyalty");
        await Json(await Send(HttpMethod.Get, "/api/contact-policy", team), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Put, "/api/contact-policy", team, new { policy, basedOn = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync("/api/contact-policy", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_invalid_policy_is_refused_with_every_problem_and_its_path()
    {
        var policy = new
        {
            caps = new object[] { new { scope = "allMarketing", window = "day", limit = 0 }, new { scope = "channel", channel = "sms", window = "hour", limit = 1 } },
            reservationTimeout = "3.00:00:00",
        };
        var refused = await ProblemAsync(await Send(HttpMethod.Put, "/api/contact-policy", json: new { policy, basedOn = 1 }), HttpStatusCode.BadRequest);
        var errors = refused.GetProperty("errors");
        Assert.Contains("is 0", errors.GetProperty("policy.caps[0].limit")[0].GetString());
        Assert.True(errors.TryGetProperty("policy.reservationTimeout", out _));

        var unreadable = await ProblemAsync(await Send(HttpMethod.Put, "/api/contact-policy",
            json: new { policy = new { caps = new[] { new { scope = "allMarketing", window = "weekly", limit = 2 } } } }), HttpStatusCode.BadRequest);
        Assert.Contains("'weekly' is not a window", unreadable.GetProperty("errors").GetProperty("policy.caps[0].window")[0].GetString());

        var checkedOnly = await Json(await Send(HttpMethod.Post, "/api/contact-policy/validate", json: policy), HttpStatusCode.OK);
        Assert.False(checkedOnly.GetProperty("valid").GetBoolean());
        Assert.Contains(checkedOnly.GetProperty("problems").EnumerateArray(), p => p.GetProperty("path").GetString() == "policy.caps[0].limit");
        Assert.Equal(1, (await Json(await Send(HttpMethod.Get, "/api/contact-policy"), HttpStatusCode.OK)).GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task A_decision_reserves_then_holds_back_with_reasons_in_words_and_the_profile_shows_both()
    {
        var profile = await AnnAsync();
        var gold = await CampaignAsync("Gold tier offer");
        var points = await CampaignAsync("Points reminder");

        var allowed = await Json(await DecideAsync(new { identifier = "email:ANN@example.com", campaign = gold, channel = "directMail" }), HttpStatusCode.OK);
        Assert.Equal("allow", allowed.GetProperty("decision").GetString());
        Assert.Equal(profile, allowed.GetProperty("profileId").GetString());
        Assert.Equal(1, allowed.GetProperty("policyVersion").GetInt32());
        var reservation = allowed.GetProperty("reservationId").GetString()!;
        Assert.True(allowed.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        var denied = await Json(await DecideAsync(new { profileId = profile, campaign = "Points reminder" }), HttpStatusCode.OK);
        Assert.Equal("deny", denied.GetProperty("decision").GetString());
        Assert.False(denied.TryGetProperty("reservationId", out _));
        Assert.Equal(["minimumGap", "capReached"], Codes(denied).Order().Reverse());
        Assert.Equal("held back: 1 marketing message a day from any one team, already used by 'Gold tier offer' (loyalty, already reserved)",
            Text(denied, "capReached"));
        Assert.StartsWith("held back: at least 1 hour between two marketing messages or ads; 'Gold tier offer' (loyalty", Text(denied, "minimumGap"));

        var confirmed = await Json(await Send(HttpMethod.Post, $"/api/decisions/{reservation}/confirm"), HttpStatusCode.OK);
        Assert.Equal("confirmed", confirmed.GetProperty("result").GetString());
        Assert.Equal("alreadySent", (await Json(await Send(HttpMethod.Post, $"/api/decisions/{reservation}/confirm"), HttpStatusCode.OK)).GetProperty("result").GetString());
        await ProblemAsync(await Send(HttpMethod.Post, $"/api/decisions/{reservation}/cancel"), HttpStatusCode.Conflict);

        var contacts = await Json(await Send(HttpMethod.Get, $"/api/profiles/{profile}/contacts"), HttpStatusCode.OK);
        var received = contacts.GetProperty("received").EnumerateArray().Single();
        Assert.Equal((reservation, "Gold tier offer", "sent"), (received.GetProperty("reservationId").GetString(), received.GetProperty("campaignName").GetString(), received.GetProperty("state").GetString()));
        var heldBack = contacts.GetProperty("heldBack").EnumerateArray().Single();
        Assert.Equal((points, "Points reminder"), (heldBack.GetProperty("campaignId").GetString(), heldBack.GetProperty("campaignName").GetString()));
        Assert.Contains(heldBack.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("text").GetString() == Text(denied, "capReached"));

        var team = await TeamKeyAsync("web");
        Assert.Single((await Json(await Send(HttpMethod.Get, $"/api/profiles/{profile}/contacts", team), HttpStatusCode.OK)).GetProperty("received").EnumerateArray());
        await ProblemAsync(await DecideAsync(new { profileId = profile, campaign = gold }, team), HttpStatusCode.Forbidden);
        await ProblemAsync(await Send(HttpMethod.Get, "/api/profiles/p999999/contacts"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_cancelled_reservation_frees_its_place_and_email_needs_consent()
    {
        var profile = await AnnAsync();
        var gold = await CampaignAsync("Gold tier offer");
        var first = await Json(await DecideAsync(new { profileId = profile, campaign = gold }), HttpStatusCode.OK);
        var reservation = first.GetProperty("reservationId").GetString();
        Assert.Equal("cancelled", (await Json(await Send(HttpMethod.Post, $"/api/decisions/{reservation}/cancel"), HttpStatusCode.OK)).GetProperty("result").GetString());
        await ProblemAsync(await Send(HttpMethod.Post, $"/api/decisions/{reservation}/confirm"), HttpStatusCode.NotFound);
        await ProblemAsync(await Send(HttpMethod.Post, "/api/decisions/not-a-reservation/confirm"), HttpStatusCode.NotFound);
        Assert.Equal("allow", (await Json(await DecideAsync(new { profileId = profile, campaign = gold }), HttpStatusCode.OK)).GetProperty("decision").GetString());

        var mail = await CampaignAsync("Newsletter", team: "crm", channel: "email");
        var noConsent = await Json(await DecideAsync(new { profileId = profile, campaign = mail }), HttpStatusCode.OK);
        Assert.Equal("held back: no consent to marketing by email, which needs opt-in", Text(noConsent, "noConsent"));
    }

    [Fact]
    public async Task Bad_decision_requests_are_problems_never_errors()
    {
        var profile = await AnnAsync();
        var gold = await CampaignAsync("Gold tier offer");
        await CampaignAsync("Twin");
        await CampaignAsync("Twin");

        async Task<JsonElement> BadAsync(object request, HttpStatusCode expected = HttpStatusCode.BadRequest) =>
            await ProblemAsync(await DecideAsync(request), expected);

        await BadAsync(new { identifier = "email:nobody@example.com", campaign = gold }, HttpStatusCode.NotFound);
        await BadAsync(new { profileId = "p999999", campaign = gold }, HttpStatusCode.NotFound);
        await BadAsync(new { profileId = "ann", campaign = gold }, HttpStatusCode.NotFound);
        Assert.Contains("No campaign has the id or name", (await BadAsync(new { profileId = profile, campaign = "Nothing" })).GetProperty("errors").GetProperty("campaign")[0].GetString());
        Assert.Contains("2 campaigns are named 'Twin'", (await BadAsync(new { profileId = profile, campaign = "Twin" })).GetProperty("errors").GetProperty("campaign")[0].GetString());
        Assert.Contains("not a channel", (await BadAsync(new { profileId = profile, campaign = gold, channel = "pigeon" })).GetProperty("errors").GetProperty("channel")[0].GetString());
        Assert.Contains("sends by directMail, not sms", (await BadAsync(new { profileId = profile, campaign = gold, channel = "sms" })).GetProperty("errors").GetProperty("channel")[0].GetString());
        Assert.Contains("not a time", (await BadAsync(new { profileId = profile, campaign = gold, at = "yesterday" })).GetProperty("errors").GetProperty("at")[0].GetString());
        Assert.Contains("within a day of now", (await BadAsync(new { profileId = profile, campaign = gold, at = DateTimeOffset.UtcNow.AddDays(3) })).GetProperty("errors").GetProperty("at")[0].GetString());
        await BadAsync(new { identifier = "email:ann@example.com", profileId = profile, campaign = gold });
        await BadAsync(new { campaign = gold });
        await BadAsync(new { profileId = profile });
        Assert.Contains("not an identifier type", (await BadAsync(new { identifier = "shoe:42", campaign = gold })).GetProperty("errors").GetProperty("identifier")[0].GetString());
        await BadAsync(new { identifier = "no-colon", campaign = gold });

        var malformed = new HttpRequestMessage(HttpMethod.Post, "/api/decisions") { Content = new StringContent("{\"profileId\": ", Encoding.UTF8, "application/json") };
        malformed.Headers.Authorization = new("Bearer", Server.AdminKey);
        await ProblemAsync(await Server.Http.SendAsync(malformed, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.PostAsJsonAsync("/api/decisions", new { profileId = profile, campaign = gold }, Ct)).StatusCode);
    }

    [Fact]
    public async Task A_Message_Sent_event_through_ingestion_counts_toward_the_caps()
    {
        var profile = await AnnAsync();
        var gold = await CampaignAsync("Gold tier offer");
        await CampaignAsync("Points reminder");

        await TrackAsync("{\"batch\":[{\"type\":\"track\",\"messageId\":\"m-2\",\"userId\":\"u-1\",\"event\":\"Message Sent\",\"properties\":{\"campaign_id\":\"" + gold + "\"}}]}");

        var denied = await Json(await DecideAsync(new { profileId = profile, campaign = "Points reminder" }), HttpStatusCode.OK);
        Assert.Equal("deny", denied.GetProperty("decision").GetString());
        Assert.Equal("held back: 1 marketing message a day from any one team, already used by 'Gold tier offer' (loyalty, already sent)", Text(denied, "capReached"));
        var received = (await Json(await Send(HttpMethod.Get, $"/api/profiles/{profile}/contacts"), HttpStatusCode.OK)).GetProperty("received").EnumerateArray().Single();
        Assert.Equal(("Gold tier offer", "sent"), (received.GetProperty("campaignName").GetString(), received.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task A_Message_Sent_event_of_a_new_user_counts_once_identity_resolution_knows_them()
    {
        await TrackAsync("""
            {"batch":[
              {"type":"identify","messageId":"m-1","userId":"u-9","traits":{"email":"bo@example.com"}},
              {"type":"track","messageId":"m-2","userId":"u-9","event":"Message Sent","properties":{"campaign_id":"c-ext","campaign_name":"Brand X sponsored offer","team":"retail media","channel":"onSiteAd","category":"advertising","expected_value":0.8}}
            ]}
            """);
        await Server.ResolveAsync(Ct);
        await CampaignAsync("Partner deal", team: "retail media", channel: "offSiteAd");

        var denied = await Json(await DecideAsync(new { identifier = "email:bo@example.com", campaign = "Partner deal" }), HttpStatusCode.OK);
        Assert.Contains("already used by 'Brand X sponsored offer' (retail media", Text(denied, "capReached"));
    }

    [Fact]
    public async Task A_consent_change_reaches_decisions_within_seconds_though_decisions_are_cached()
    {
        await AnnAsync();
        var mail = await CampaignAsync("Newsletter", team: "crm", channel: "email");
        var ann = new { identifier = "email:ann@example.com", campaign = mail };
        Assert.Equal("noConsent", Codes(await Json(await DecideAsync(ann), HttpStatusCode.OK)).Single());

        async Task<string> ConsentAsync(string messageId, string status)
        {
            await TrackAsync("{\"batch\":[{\"type\":\"track\",\"messageId\":\"" + messageId + "\",\"userId\":\"u-1\",\"event\":\"Consent Updated\"," +
                "\"properties\":{\"channel\":\"email\",\"status\":\"" + status + "\"}}]}");
            await Server.ResolveAsync(Ct);
            // The server follows changed profiles every second: the next decisions see the change within a few.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string decision;
            do
            {
                var answer = await Json(await DecideAsync(ann), HttpStatusCode.OK);
                decision = answer.GetProperty("decision").GetString()!;
                if (decision == "allow") await Send(HttpMethod.Post, $"/api/decisions/{answer.GetProperty("reservationId").GetString()}/cancel");
                if (decision == (status == "granted" ? "allow" : "deny")) break;
                await Task.Delay(200, Ct);
            }
            while (clock.Elapsed < TimeSpan.FromSeconds(15));
            return decision;
        }

        Assert.Equal("allow", await ConsentAsync("m-consent-1", "granted"));
        Assert.Equal("deny", await ConsentAsync("m-consent-2", "withdrawn"));
        Assert.Equal("consentRefused", Codes(await Json(await DecideAsync(ann), HttpStatusCode.OK)).Single());
    }

    [Fact]
    public async Task A_stored_suppression_list_holds_decisions_back_on_every_node_until_the_member_is_removed()
    {
        await AnnAsync();
        var gold = await CampaignAsync("Gold tier offer");
        var ann = new { identifier = "userId:u-1", campaign = gold };
        var first = await Json(await DecideAsync(ann), HttpStatusCode.OK);
        await Send(HttpMethod.Post, $"/api/decisions/{first.GetProperty("reservationId").GetString()}/cancel");

        async Task<string> UntilAsync(string expected)
        {
            // Changes reach the decision directory by the store's change feed, about once a second.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                var answer = await Json(await DecideAsync(ann), HttpStatusCode.OK);
                var decision = answer.GetProperty("decision").GetString()!;
                if (decision == "allow") await Send(HttpMethod.Post, $"/api/decisions/{answer.GetProperty("reservationId").GetString()}/cancel");
                if (decision == expected || clock.Elapsed > TimeSpan.FromSeconds(15)) return decision == "deny" ? Codes(answer).Single() : decision;
                await Task.Delay(200, Ct);
            }
        }

        // Listed by her e-mail (written differently), decided by her userId.
        await Json(await Send(HttpMethod.Post, "/api/suppression-lists/do-not-contact/members", json: new
        {
            members = new[] { new { identifier = "email:Ann@Example.com", reason = "asked by phone" } },
        }), HttpStatusCode.OK);
        Assert.Equal("suppressed", await UntilAsync("deny"));
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, "/api/suppression-lists/do-not-contact/members/email:ann@example.com")).StatusCode);
        Assert.Equal("allow", await UntilAsync("allow"));

        // A stored list the policy does not define blocks nothing.
        await Send(HttpMethod.Post, "/api/suppression-lists/someone-elses-list/members", json: new { members = new[] { new { identifier = "email:ann@example.com" } } });
        await Task.Delay(2_500, Ct);
        Assert.Equal("allow", await UntilAsync("allow"));
    }

    [Fact]
    public async Task Quiet_hours_are_kept_in_the_time_zone_the_customers_device_reports()
    {
        // Ann's phone says New York; Bob's events name no zone, so the policy's default (UTC) is his.
        await TrackAsync("""
            {"batch":[
              {"type":"identify","messageId":"m-1","userId":"u-1","traits":{"email":"ann@example.com"},"context":{"timezone":"America/New_York"}},
              {"type":"identify","messageId":"m-2","userId":"u-2","traits":{"email":"bob@example.com"}},
              {"type":"track","messageId":"m-3","userId":"u-1","event":"Consent Updated","properties":{"channel":"sms","status":"granted"}},
              {"type":"track","messageId":"m-4","userId":"u-2","event":"Consent Updated","properties":{"channel":"sms","status":"granted"}}
            ]}
            """);
        await Server.ResolveAsync(Ct);
        var profile = await Json(await Send(HttpMethod.Get, "/api/profiles?identifier=email:ann@example.com"), HttpStatusCode.OK);
        Assert.Equal("America/New_York", profile.GetProperty("traits").GetProperty("timeZone").GetString());

        // The next 07:30 in New York: inside SMS quiet hours there (21:00-08:00), 11:30 or 12:30 in UTC, outside them.
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, newYork);
        var morning = new DateTimeOffset(local.Date.AddHours(7.5), newYork.GetUtcOffset(local.Date.AddHours(7.5)));
        if (morning <= DateTimeOffset.UtcNow) morning = new DateTimeOffset(local.Date.AddDays(1).AddHours(7.5), newYork.GetUtcOffset(local.Date.AddDays(1).AddHours(7.5)));
        var at = morning.ToUniversalTime().ToString("O");

        var sms = await CampaignAsync("Flash sale text", team: "crm", channel: "sms");
        var ann = await Json(await DecideAsync(new { identifier = "email:ann@example.com", campaign = sms, at }), HttpStatusCode.OK);
        Assert.Equal("quietHours", Codes(ann).Single());
        Assert.Contains("(America/New_York)", Text(ann, "quietHours"));
        var bob = await Json(await DecideAsync(new { identifier = "email:bob@example.com", campaign = sms, at }), HttpStatusCode.OK);
        Assert.Equal("allow", bob.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Policy_versions_and_ledger_entries_survive_a_restart()
    {
        var profile = await AnnAsync();
        var gold = await CampaignAsync("Gold tier offer");
        await CampaignAsync("Points reminder");
        var policy = (await Json(await Send(HttpMethod.Get, "/api/contact-policy"), HttpStatusCode.OK)).GetProperty("policy");
        await Json(await Send(HttpMethod.Put, "/api/contact-policy", json: new { policy, note = "kept", basedOn = 1 }), HttpStatusCode.OK);
        var held = (await Json(await DecideAsync(new { profileId = profile, campaign = gold }), HttpStatusCode.OK)).GetProperty("reservationId").GetString();

        await RestartAsync();

        var current = await Json(await Send(HttpMethod.Get, "/api/contact-policy"), HttpStatusCode.OK);
        Assert.Equal((2, "kept"), (current.GetProperty("number").GetInt32(), current.GetProperty("note").GetString()));
        var denied = await Json(await DecideAsync(new { profileId = profile, campaign = "Points reminder" }), HttpStatusCode.OK);
        Assert.Equal("deny", denied.GetProperty("decision").GetString());
        Assert.Equal(2, denied.GetProperty("policyVersion").GetInt32());
        Assert.Equal("confirmed", (await Json(await Send(HttpMethod.Post, $"/api/decisions/{held}/confirm"), HttpStatusCode.OK)).GetProperty("result").GetString());
        var next = await Json(await DecideAsync(new { profileId = profile, campaign = gold }), HttpStatusCode.OK);
        Assert.Equal("deny", next.GetProperty("decision").GetString());

        await RestartAsync();
        var received = (await Json(await Send(HttpMethod.Get, $"/api/profiles/{profile}/contacts"), HttpStatusCode.OK)).GetProperty("received").EnumerateArray().Single();
        Assert.Equal((held, "sent"), (received.GetProperty("reservationId").GetString(), received.GetProperty("state").GetString()));
        Assert.Equal("alreadySent", (await Json(await Send(HttpMethod.Post, $"/api/decisions/{held}/confirm"), HttpStatusCode.OK)).GetProperty("result").GetString());
    }
}

public sealed class DuckDbContactPolicyApiTests() : ContactPolicyApiTests(StoreOptions.DuckDb);

public sealed class PostgresContactPolicyApiTests() : ContactPolicyApiTests(StoreOptions.Postgres);
