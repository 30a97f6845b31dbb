using System.Net;
using System.Text.Json;
using CommonGround.Storage;

namespace CommonGround.Web.Tests;

/// <summary>
/// Suppression lists over HTTP: members added by admins (normalised, idempotent, all or nothing),
/// counts for every key, members only for admins, one identifier checked, removal, and lists the
/// policy does not define (kept, flagged: they block nothing). The starter policy defines "do-not-contact".
/// </summary>
public abstract class SuppressionListApiTests(string provider) : ServerTests(provider)
{
    const string Lists = "/api/suppression-lists";
    const string DoNotContact = Lists + "/do-not-contact/members";

    Task<HttpResponseMessage> AddAsync(string list, object[] members, string? key = null) =>
        Send(HttpMethod.Post, $"{Lists}/{list}/members", key, new { members });

    static object Member(string identifier, string? reason = "asked by phone not to be contacted") => new { identifier, reason };

    static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await Json(response, expected);
    }

    /// <summary>Null values are left out of answers.</summary>
    static bool Absent(JsonElement e, string name) => !e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null;

    static JsonElement Named(JsonElement lists, string name) => lists.EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Members_are_normalised_so_the_same_address_in_another_case_is_one_member_and_adding_again_adds_nothing()
    {
        var first = await Json(await AddAsync("do-not-contact",
            [Member("email:Ann@Example.com"), Member("email:ann@example.com"), Member("phone:+44 7911 123456", null)]), HttpStatusCode.OK);
        var again = await Json(await AddAsync("do-not-contact", [Member("email:ANN@example.com")]), HttpStatusCode.OK);

        Assert.Equal((2, 0, 2L), (first.GetProperty("added").GetInt32(), first.GetProperty("alreadyOn").GetInt32(), first.GetProperty("members").GetInt64()));
        Assert.True(Absent(first, "warning"));
        Assert.Equal((0, 1, 2L), (again.GetProperty("added").GetInt32(), again.GetProperty("alreadyOn").GetInt32(), again.GetProperty("members").GetInt64()));
        var page = await Json(await Send(HttpMethod.Get, DoNotContact), HttpStatusCode.OK);
        Assert.Equal(["email:ann@example.com", "phone:+447911123456"],
            page.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("identifier").GetString()));
        Assert.Equal("asked by phone not to be contacted", page.GetProperty("members")[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Invalid_identifiers_are_named_by_index_and_nothing_is_stored()
    {
        var response = await AddAsync("do-not-contact",
            [Member("email:ann@example.com"), Member("email:not-an-address"), Member("userId:u-1"), Member("fax:12345"), Member("")]);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal(["members[1].identifier", "members[3].identifier", "members[4].identifier"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("not a valid email", errors.GetProperty("members[1].identifier")[0].GetString());
        Assert.Contains("has the type 'fax', which is not an identifier type", errors.GetProperty("members[3].identifier")[0].GetString());
        Assert.DoesNotContain("not-an-address", problem.GetRawText());
        Assert.Equal(0, Named(await Json(await Send(HttpMethod.Get, Lists), HttpStatusCode.OK), "do-not-contact").GetProperty("members").GetInt64());

        await ProblemAsync(await Send(HttpMethod.Post, DoNotContact, json: new { }), HttpStatusCode.BadRequest);
        await ProblemAsync(await AddAsync("two%0Alines", [Member("email:ann@example.com")]), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_list_the_policy_does_not_define_is_kept_with_a_warning_and_flagged_as_blocking_nothing()
    {
        var added = await Json(await AddAsync("legacy-crm-optouts", [Member("email:ann@example.com")]), HttpStatusCode.OK);

        Assert.Contains("defines no list 'legacy-crm-optouts'", added.GetProperty("warning").GetString());
        var lists = await Json(await Send(HttpMethod.Get, Lists), HttpStatusCode.OK);
        Assert.Equal(["do-not-contact", "legacy-crm-optouts"], lists.EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        var defined = Named(lists, "do-not-contact");
        Assert.True(defined.GetProperty("inPolicy").GetBoolean());
        Assert.Equal("every channel, for marketing and ads", defined.GetProperty("blocks").GetString());
        var legacy = Named(lists, "legacy-crm-optouts");
        Assert.Equal((false, 1L, "not in the policy: blocks nothing"),
            (legacy.GetProperty("inPolicy").GetBoolean(), legacy.GetProperty("members").GetInt64(), legacy.GetProperty("warning").GetString()));
    }

    [Fact]
    public async Task Members_come_in_pages_with_a_cursor_for_the_next()
    {
        await AddAsync("do-not-contact", [.. Enumerable.Range(0, 5).Select(i => Member($"userId:u-{i}"))]);

        var first = await Json(await Send(HttpMethod.Get, DoNotContact + "?limit=3"), HttpStatusCode.OK);
        var next = first.GetProperty("next").GetString()!;
        var second = await Json(await Send(HttpMethod.Get, $"{DoNotContact}?limit=3&after={Uri.EscapeDataString(next)}"), HttpStatusCode.OK);

        Assert.Equal("userId:u-2", next);
        Assert.Equal(["userId:u-3", "userId:u-4"], second.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("identifier").GetString()));
        Assert.True(Absent(second, "next"));
        await ProblemAsync(await Send(HttpMethod.Get, DoNotContact + "?limit=0"), HttpStatusCode.BadRequest);
        await ProblemAsync(await Send(HttpMethod.Get, DoNotContact + "?after=nocolon"), HttpStatusCode.BadRequest);
        await ProblemAsync(await Send(HttpMethod.Get, Lists + "/no-such-list/members"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_team_key_sees_counts_and_checks_an_identifier_but_never_reads_or_changes_members()
    {
        await AddAsync("do-not-contact", [Member("email:ann@example.com")]);
        var team = await TeamKeyAsync("loyalty");

        Assert.Equal(1, Named(await Json(await Send(HttpMethod.Get, Lists, team), HttpStatusCode.OK), "do-not-contact").GetProperty("members").GetInt64());
        var check = await Json(await Send(HttpMethod.Get, DoNotContact + "/check?identifier=email:Ann@Example.com", team), HttpStatusCode.OK);
        Assert.True(check.GetProperty("member").GetBoolean());
        Assert.Equal("email:ann@example.com", check.GetProperty("identifier").GetString());
        Assert.True(Absent(check, "reason"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, DoNotContact, team)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await AddAsync("do-not-contact", [Member("email:bob@example.com")], team)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, DoNotContact + "/email:ann@example.com", team)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync(Lists, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Http.GetAsync(DoNotContact + "/check?identifier=email:ann@example.com", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_admin_check_shows_why_and_a_bad_or_unknown_question_is_refused()
    {
        await AddAsync("do-not-contact", [Member("email:ann@example.com")]);

        var yes = await Json(await Send(HttpMethod.Get, DoNotContact + "/check?identifier=email:ann@example.com"), HttpStatusCode.OK);
        var no = await Json(await Send(HttpMethod.Get, DoNotContact + "/check?identifier=email:bob@example.com"), HttpStatusCode.OK);

        Assert.Equal("asked by phone not to be contacted", yes.GetProperty("reason").GetString());
        Assert.False(no.GetProperty("member").GetBoolean());
        var bad = await ProblemAsync(await Send(HttpMethod.Get, DoNotContact + "/check?identifier=ann"), HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("identifier", out _));
        await ProblemAsync(await Send(HttpMethod.Get, DoNotContact + "/check"), HttpStatusCode.BadRequest);
        await ProblemAsync(await Send(HttpMethod.Get, Lists + "/no-such-list/members/check?identifier=email:ann@example.com"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Removing_a_member_takes_it_off_and_removing_it_again_is_not_found()
    {
        await AddAsync("do-not-contact", [Member("email:ann@example.com"), Member("email:bob@example.com")]);

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, DoNotContact + "/" + Uri.EscapeDataString("email:Ann@Example.com"))).StatusCode);

        await ProblemAsync(await Send(HttpMethod.Delete, DoNotContact + "/email:ann@example.com"), HttpStatusCode.NotFound);
        await ProblemAsync(await Send(HttpMethod.Delete, DoNotContact + "/not-an-identifier"), HttpStatusCode.BadRequest);
        var page = await Json(await Send(HttpMethod.Get, DoNotContact), HttpStatusCode.OK);
        Assert.Equal(["email:bob@example.com"], page.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("identifier").GetString()));
    }
}

public sealed class DuckDbSuppressionListApiTests() : SuppressionListApiTests(StoreOptions.DuckDb);

public sealed class PostgresSuppressionListApiTests() : SuppressionListApiTests(StoreOptions.Postgres);
