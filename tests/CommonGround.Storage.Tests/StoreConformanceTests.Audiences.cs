using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Records;

namespace CommonGround.Storage.Tests;

/// <summary>
/// Audiences counted in the store, on a small data set built through the real path (records and
/// events stored, identity resolution run) whose members are worked out by hand below.
/// </summary>
public abstract partial class StoreConformanceTests
{
    /// <summary>The moment audiences are evaluated at; every event is placed relative to it.</summary>
    private static DateTimeOffset Now => T0.AddDays(600);

    private const string Injection = "'; drop table events; --";

    private static TrackedEvent At(string messageId, EventType type, string? userId, double daysAgo, string? name = null,
        string? properties = null, string? traits = null, string? anonymousId = null, string? groupId = null) => new()
        {
            SourceId = "src-web",
            MessageId = messageId,
            Type = type,
            Name = name,
            UserId = userId,
            AnonymousId = anonymousId,
            GroupId = groupId,
            Properties = properties,
            Traits = traits,
            Timestamp = Now.AddDays(-daysAgo),
            ReceivedAt = Now.AddDays(-daysAgo),
        };

    private static CustomerRecord Person(string id, string email, string first, string city, string line, string tier,
        string? phone = null, string? company = null) => new()
        {
            SourceId = "src-crm",
            CustomerId = id,
            Email = email,
            Phone = phone,
            FirstName = first,
            LastName = "Lee",
            AddressLine = line,
            PostalCode = "SW1A 1AA",
            City = city,
            Country = "GB",
            Company = company,
            CreatedAt = Now.AddDays(-500),
            Traits = $$"""{"loyalty_tier":"{{tier}}"}""",
        };

    /// <summary>
    /// Ann (gold, London, 3 orders: 10, 40 and 200 days ago for 50, 70, 30; viewed a product 2 days ago;
    /// consented to e-mail), Bob (silver, Manchester, Ann's address, 1 order event 100 days ago for 20
    /// and 1 order record 30 days ago for 80; e-mail consent withdrawn, SMS granted; a phone), Cat (an
    /// anonymous visitor who viewed a product yesterday), Dan (bronze, Leeds, Ashby Engineering with
    /// industry Retail, 1 order 400 days ago for 500), Eve (identify only: Paris and a loyalty tier that
    /// reads like SQL).
    /// </summary>
    private async Task<Dictionary<long, string>> PeopleAsync()
    {
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync(
        [
            Person("c-ann", "ann@example.com", "Ann", "London", "12 High Street", "gold"),
            Person("c-bob", "bob@example.com", "Bob", "Manchester", "12 High Street", "silver", phone: "+44 7911 123456"),
            Person("c-dan", "dan@ashby-engineering.co.uk", "Dan", "Leeds", "14 High Street", "bronze", company: "Ashby Engineering Ltd"),
        ], Ct);
        await Store.Records.UpsertOrdersAsync(
        [
            new OrderRecord { SourceId = "src-crm", OrderId = "o-b2", CustomerId = "c-bob", OrderedAt = Now.AddDays(-30), Total = 80m, Currency = "GBP" },
        ], Ct);
        const string order = "Order Completed";
        await Store.Events.AppendAsync(
        [
            At("a1", EventType.Identify, "u-ann", 300, traits: """{"email":"ann@example.com","vip":true,"points":1200,"birthday":"1990-05-01"}"""),
            At("a2", EventType.Track, "u-ann", 10, order, """{"order_id":"o-a1","revenue":50}"""),
            At("a3", EventType.Track, "u-ann", 40, order, """{"order_id":"o-a2","revenue":70}"""),
            At("a4", EventType.Track, "u-ann", 200, order, """{"order_id":"o-a3","revenue":30}"""),
            At("a5", EventType.Track, "u-ann", 2, "Product Viewed"),
            At("a6", EventType.Track, "u-ann", 5, "Consent Updated", """{"channel":"email","purpose":"marketing","granted":true}"""),
            At("b1", EventType.Identify, "u-bob", 300, traits: """{"email":"bob@example.com"}"""),
            At("b2", EventType.Track, "u-bob", 100, order, """{"order_id":"o-b1","revenue":20}"""),
            At("b3", EventType.Track, "u-bob", 50, "Consent Updated", """{"channel":"email","purpose":"marketing","granted":true}"""),
            At("b4", EventType.Track, "u-bob", 20, "Consent Updated", """{"channel":"email","purpose":"marketing","granted":false}"""),
            At("b5", EventType.Track, "u-bob", 20, "Consent Updated", """{"channel":"sms","purpose":"marketing","status":"granted"}"""),
            At("c1", EventType.Track, null, 1, "Product Viewed", anonymousId: "anon-cat"),
            At("d1", EventType.Identify, "u-dan", 300, traits: """{"email":"dan@ashby-engineering.co.uk"}"""),
            At("d2", EventType.Group, "u-dan", 300, groupId: "acct-1",
                traits: """{"name":"Ashby Engineering","website":"ashby-engineering.co.uk","industry":"Retail"}"""),
            At("d3", EventType.Track, "u-dan", 400, order, """{"order_id":"o-d1","revenue":500}"""),
            At("e1", EventType.Identify, "u-eve", 300, traits: $$"""{"loyalty_tier":"{{Injection.Replace("\"", "\\\"")}}","city":"Paris"}"""),
        ], Ct);
        await NewResolver().CatchUpAsync(null, Ct);

        var names = new Dictionary<long, string>();
        foreach (var (name, identifier) in new[]
        {
            ("Ann", new Identifier("userId", "u-ann")), ("Bob", new Identifier("userId", "u-bob")), ("Cat", new Identifier("anonymousId", "anon-cat")),
            ("Dan", new Identifier("userId", "u-dan")), ("Eve", new Identifier("userId", "u-eve")),
        })
        {
            names[(await Store.Profiles.FindAsync(identifier, Ct))!.Value.Value] = name;
        }
        Assert.Equal(5, names.Count);
        return names;
    }

    private async Task<string> MembersAsync(Dictionary<long, string> names, string text, DateTimeOffset? asOf = null)
    {
        var preview = await Store.Audiences.PreviewAsync(AudienceText.Parse(text), asOf ?? Now, 100, Ct);
        Assert.Equal(preview.Size, preview.Sample.Count);
        return string.Join(",", preview.Sample.Select(s => names.GetValueOrDefault(s.Id.Value, s.Id.ToString())).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("loyalty_tier = \"gold\"", "Ann")]
    [InlineData("traits.loyalty_tier = \"silver\"", "Bob")]
    [InlineData("loyalty_tier != \"gold\"", "Bob,Dan,Eve")]
    [InlineData("not loyalty_tier = \"gold\"", "Bob,Cat,Dan,Eve")]
    [InlineData("loyalty_tier in (\"gold\", \"silver\")", "Ann,Bob")]
    [InlineData("loyalty_tier not in (\"gold\", \"silver\")", "Cat,Dan,Eve")]
    [InlineData("city contains \"LON\"", "Ann")]
    [InlineData("city not contains \"o\"", "Bob,Cat,Dan,Eve")]
    [InlineData("points >= 1000", "Ann")]
    [InlineData("points < 1000", "")]
    [InlineData("vip = true", "Ann")]
    [InlineData("birthday < 2000-01-01", "Ann")]
    [InlineData("phone is set", "Bob")]
    [InlineData("city is not set", "Cat")]
    [InlineData("order_count >= 2", "Ann,Bob")]
    [InlineData("revenue > 100", "Ann,Dan")]
    [InlineData("event_count = 1", "Cat,Eve")]
    [InlineData("channels = \"web\"", "Ann,Bob,Cat,Dan")]
    [InlineData("last_seen in the last 3 days", "Ann,Cat")]
    [InlineData("first_seen before 400 days ago", "Ann,Bob,Dan")]
    [InlineData("last_seen < 250 days ago", "Dan,Eve")]
    [InlineData("count of \"Order Completed\" in the last 60 days >= 2", "Ann")]
    [InlineData("count of \"Order Completed\" in the last 60 days < 1", "Bob,Cat,Dan,Eve")]
    [InlineData("count of \"Order Completed\" = 1", "Bob,Dan")]
    [InlineData("sum of revenue in \"Order Completed\" since 180 days ago > 100", "Ann")]
    [InlineData("sum of revenue in \"Order Completed\" < 25", "Bob,Cat,Eve")]
    [InlineData("avg of revenue in \"Order Completed\" > 40", "Ann,Dan")]
    [InlineData("min of revenue in \"Order Completed\" <= 20", "Bob")]
    [InlineData("max of revenue in \"Order Completed\" between 500 days ago and 300 days ago >= 500", "Dan")]
    [InlineData("did \"Product Viewed\" in the last 7 days", "Ann,Cat")]
    [InlineData("no \"Order Completed\" in the last 30 days", "Bob,Cat,Dan,Eve")]
    [InlineData("first \"Order Completed\" in the last 250 days", "Ann,Bob")]
    [InlineData("last \"Order Completed\" before 50 days ago", "Bob,Dan")]
    [InlineData("consent email for marketing", "Ann")]
    [InlineData("consent sms for marketing", "Bob")]
    [InlineData("has email", "Ann,Bob,Dan")]
    [InlineData("has anonymousId", "Cat")]
    [InlineData("has phone", "Bob")]
    [InlineData("household has at least 2 members", "Ann,Bob")]
    [InlineData("household has exactly 1 members", "Dan")]
    [InlineData("household.order_count >= 1", "Ann,Bob")]
    [InlineData("business.industry = \"Retail\"", "Dan")]
    [InlineData("business.name contains \"ashby\"", "Dan")]
    [InlineData("business has at least 1 members", "Dan")]
    [InlineData("(city = \"London\" or city = \"Paris\") and not has email", "Eve")]
    [InlineData("loyalty_tier = \"gold\" or count of \"Order Completed\" >= 1 and revenue > 400", "Ann,Dan")]
    public async Task Each_construct_matches_the_people_worked_out_by_hand(string rule, string expected)
    {
        var names = await PeopleAsync();

        Assert.Equal(expected, await MembersAsync(names, rule));
    }

    [Fact]
    public async Task Preview_counts_households_and_reach_per_channel()
    {
        var names = await PeopleAsync();

        var preview = await Store.Audiences.PreviewAsync(AudienceText.Parse("has email or has phone"), Now, 2, Ct);

        Assert.Equal(3, preview.Size);
        Assert.Equal(2, preview.Households);
        Assert.Equal(["Ann", "Bob"], preview.Sample.Select(s => names[s.Id.Value]));
        Assert.Equal("Ann Lee", preview.Sample[0].DisplayName);
        Assert.Equal("ann@example.com", preview.Sample[0].Email);
        var reach = preview.Reach.ToDictionary(r => r.Channel, r => r.People);
        Assert.Equal(1, reach["email"]);
        Assert.Equal(1, reach["sms"]);
        Assert.Equal(0, reach["phone"]);
    }

    [Fact]
    public async Task In_audience_uses_the_other_audiences_rule_and_a_cycle_is_refused()
    {
        var names = await PeopleAsync();
        await Store.Audiences.AddAsync(NewAudience("gold", "loyalty_tier = \"gold\""), Ct);
        await Store.Audiences.AddAsync(NewAudience("loop-a", "in audience \"loop-b\""), Ct);
        await Store.Audiences.AddAsync(NewAudience("loop-b", "in audience \"loop-a\""), Ct);

        Assert.Equal("Ann", await MembersAsync(names, "in audience \"gold\""));
        Assert.Equal("Bob,Cat,Dan,Eve", await MembersAsync(names, "not in audience \"gold\""));
        var cycle = await Assert.ThrowsAsync<AudienceCompileException>(() => MembersAsync(names, "in audience \"loop-a\""));
        Assert.Contains("\"loop-a\" → \"loop-b\" → \"loop-a\"", cycle.Message);
        await Assert.ThrowsAsync<AudienceCompileException>(() => MembersAsync(names, "in audience \"nobody\""));
    }

    [Fact]
    public async Task Windows_include_their_start_and_exclude_their_end()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            At("s1", EventType.Track, "u-start", 30, "Email Opened"),
            At("s2", EventType.Track, "u-inside", 29.999, "Email Opened"),
            At("s3", EventType.Track, "u-before", 30.001, "Email Opened"),
            At("s4", EventType.Track, "u-end", 0, "Email Opened"),
        ], Ct);
        await NewResolver().CatchUpAsync(null, Ct);
        var names = new Dictionary<long, string>();
        foreach (var user in new[] { "u-start", "u-inside", "u-before", "u-end" })
            names[(await Store.Profiles.FindAsync(new Identifier("userId", user), Ct))!.Value.Value] = user;

        Assert.Equal("u-inside,u-start", await MembersAsync(names, "did \"Email Opened\" in the last 30 days"));
        Assert.Equal("u-before,u-end", await MembersAsync(names, "no \"Email Opened\" in the last 30 days"));
        Assert.Equal("u-before", await MembersAsync(names, "did \"Email Opened\" before 30 days ago"));
        Assert.Equal("u-end,u-inside,u-start", await MembersAsync(names, "did \"Email Opened\" since 30 days ago"));
        // Now is 4 November: a month back is 4 October, 31 days (the calendar), so 30.001 days ago is inside;
        // now itself is the end, and excluded.
        Assert.Equal(new DateTimeOffset(2027, 11, 4, 9, 26, 53, 589, TimeSpan.Zero), Now.AddTicks(-7 * TimeSpan.TicksPerMicrosecond));
        Assert.Equal("u-before,u-inside,u-start", await MembersAsync(names, "last_seen in the last 1 month"));
        Assert.Equal("u-inside,u-start", await MembersAsync(names, "last_seen in the last 30 days"));
    }

    [Fact]
    public async Task Values_that_read_like_sql_are_data_and_leave_the_store_intact()
    {
        var names = await PeopleAsync();
        var events = await Store.Events.CountAsync(null, Ct);

        Assert.Equal("Eve", await MembersAsync(names, $"loyalty_tier = \"{Injection}\""));
        Assert.Equal("", await MembersAsync(names, $"did \"{Injection}\""));
        Assert.Equal("", await MembersAsync(names, $"city contains \"' OR 1=1 --\""));
        Assert.Equal("", await MembersAsync(names, "consent \"email' OR '1'='1\" for marketing"));
        Assert.Equal("", await MembersAsync(names, $"has \"{Injection}\""));
        Assert.Equal("", await MembersAsync(names, $"sum of revenue in \"x'); DROP TABLE profile_traits; --\" > 0"));
        var trait = new AudienceDefinition(new TraitComparison(new TraitRef(TraitLevel.Person, "a') OR 1=1; DROP TABLE events; --"), ComparisonOperator.Equal, new TextValue("x")));
        Assert.Equal(0, (await Store.Audiences.PreviewAsync(trait, Now, 10, Ct)).Size);
        var property = new AudienceDefinition(new EventAggregate(AggregateFunction.Sum, "Order Completed", ComparisonOperator.GreaterThan, 0, "revenue\"); DROP TABLE events; --"));
        Assert.Equal(0, (await Store.Audiences.PreviewAsync(property, Now, 10, Ct)).Size);
        await Store.Audiences.AddAsync(NewAudience($"x\"; {Injection}", "has email"), Ct);
        Assert.Equal("Ann,Bob,Dan", await MembersAsync(names, $"in audience \"x\\\"; {Injection}\""));

        Assert.Equal(events, await Store.Events.CountAsync(null, Ct));
        Assert.Equal("Ann", await MembersAsync(names, "loyalty_tier = \"gold\""));
        var compiled = await Store.Audiences.CompileAsync(AudienceText.Parse($"loyalty_tier = \"{Injection}\""), Now, Ct);
        Assert.DoesNotContain("drop", compiled.Sql, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Injection, compiled.Parameters);
    }

    [Fact]
    public async Task An_order_imported_after_resolution_counts_once_the_resolver_has_run()
    {
        var names = await PeopleAsync();
        await Store.Records.UpsertOrdersAsync(
            [new OrderRecord { SourceId = "src-crm", OrderId = "o-d2", CustomerId = "c-dan", OrderedAt = Now.AddDays(-3), Total = 5m }], Ct);

        await NewResolver().CatchUpAsync(null, Ct);

        Assert.Equal("Ann,Bob,Dan", await MembersAsync(names, "order_count >= 2"));
    }

    [Fact]
    public async Task Snapshots_keep_who_was_in_the_audience_when()
    {
        var names = await PeopleAsync();
        var audience = NewAudience("recent buyers", "did \"Order Completed\" in the last 30 days");
        await Store.Audiences.AddAsync(audience, Ct);

        var first = (await Store.Audiences.SnapshotAsync(audience.Id, Now, Ct))!;
        await Store.Events.AppendAsync([At("b9", EventType.Track, "u-bob", -1, "Order Completed", """{"order_id":"o-b9","revenue":1}""")], Ct);
        await NewResolver().CatchUpAsync(null, Ct);
        var second = (await Store.Audiences.SnapshotAsync(audience.Id, Now.AddDays(2), Ct))!;

        Assert.Equal((1, 1), (first.Members, first.Households));
        Assert.Equal((2, 1), (second.Members, second.Households));
        Assert.Equal([second.Id, first.Id], (await Store.Audiences.ListSnapshotsAsync(audience.Id, Ct)).Select(s => s.Id));
        var ann = names.Single(n => n.Value == "Ann").Key;
        var bob = names.Single(n => n.Value == "Bob").Key;
        var page = await Store.Audiences.MembersAsync(second.Id, 0, 1, Ct);
        var rest = await Store.Audiences.MembersAsync(second.Id, page[^1].ProfileId.Value, 10, Ct);
        Assert.Equal(new[] { ann, bob }.Order(), page.Concat(rest).Select(m => m.ProfileId.Value));
        Assert.NotNull(page[0].HouseholdId);

        Assert.Null(await Store.Audiences.WasMemberAsync(new ProfileId(bob), audience.Id, Now.AddDays(-1), Ct));
        Assert.False(await Store.Audiences.WasMemberAsync(new ProfileId(bob), audience.Id, Now.AddDays(1), Ct));
        Assert.True(await Store.Audiences.WasMemberAsync(new ProfileId(bob), audience.Id, Now.AddDays(3), Ct));
        Assert.True(await Store.Audiences.WasMemberAsync(new ProfileId(ann), audience.Id, Now, Ct));

        Assert.True(await Store.Audiences.DeleteAsync(audience.Id, Ct));
        Assert.Empty(await Store.Audiences.ListSnapshotsAsync(audience.Id, Ct));
        Assert.Null(await Store.Audiences.SnapshotAsync(audience.Id, Now, Ct));
    }

    [Fact]
    public async Task Issue3_a_refresh_folds_in_later_events_as_if_it_read_the_whole_history_again()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            At("f1", EventType.Identify, "u-fay", 10, traits: """{"plan":"gold","tier":1}"""),
            At("f2", EventType.Track, "u-fay", 9, "Order Completed", """{"order_id":"o-1","revenue":10,"currency":"EUR"}"""),
            At("f3", EventType.Page, "u-fay", 8),
        ], Ct);
        var resolver = NewResolver();
        await resolver.CatchUpAsync(null, Ct);
        var fay = (await Store.Profiles.FindAsync(new Identifier("userId", "u-fay"), Ct))!.Value.Value;
        var names = new Dictionary<long, string> { [fay] = "Fay" };
        Assert.Equal("Fay", await MembersAsync(names, "plan = \"gold\" and order_count = 1"));

        // Arriving late: an identify older than the first (its plan loses), the same order again, an older order.
        await Store.Events.AppendAsync(
        [
            At("f4", EventType.Identify, "u-fay", 20, traits: """{"plan":"silver","region":"north"}"""),
            At("f5", EventType.Identify, "u-fay", 1, traits: """{"tier":2}"""),
            At("f6", EventType.Track, "u-fay", 2, "Order Completed", """{"order_id":"o-1","revenue":10,"currency":"EUR"}"""),
            At("f7", EventType.Track, "u-fay", 30, "Order Completed", """{"order_id":"o-2","revenue":5,"currency":"eur"}"""),
        ], Ct);
        await resolver.CatchUpAsync(null, Ct);
        const string Expected = "plan = \"gold\" and region = \"north\" and tier = 2 and order_count = 2 and revenue = 15 and currency = \"EUR\" " +
            "and first_seen before 25 days ago and last_seen in the last 2 days and channels = \"web\"";
        Assert.Equal("Fay", await MembersAsync(names, Expected + " and event_count = 7"));

        // Reopened, the store reads the profile's whole history once: the same row, one event more.
        await Test.CloseAsync();
        await Test.ReopenAsync(Ct);
        await Store.Events.AppendAsync([At("f8", EventType.Page, "u-fay", 3)], Ct);
        await NewResolver().CatchUpAsync(null, Ct);
        Assert.Equal("Fay", await MembersAsync(names, Expected + " and event_count = 8"));
    }

    [Fact]
    public async Task A_merge_moves_events_to_the_surviving_profile_and_an_unmerge_moves_them_back()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            At("m1", EventType.Track, null, 3, "Product Viewed", anonymousId: "anon-a"),
            At("m2", EventType.Track, null, 2, "Product Viewed", anonymousId: "anon-b"),
        ], Ct);
        var resolver = NewResolver();
        await resolver.CatchUpAsync(null, Ct);
        await Store.Events.AppendAsync([At("m3", EventType.Alias, null, 1, anonymousId: "anon-b") with { PreviousId = "anon-a" }], Ct);
        await resolver.CatchUpAsync(null, Ct);
        var merged = (await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-a"), Ct))!.Value;
        var names = new Dictionary<long, string> { [merged.Value] = "merged" };

        Assert.Equal("merged", await MembersAsync(names, "count of \"Product Viewed\" = 2"));

        var merge = Assert.Single((await Store.Profiles.GetAsync(merged, Ct))!.Merges);
        await resolver.UnmergeAsync(merge.Id, Ct);
        var a = (await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-a"), Ct))!.Value;
        var b = (await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-b"), Ct))!.Value;
        names = new Dictionary<long, string> { [a.Value] = "a", [b.Value] = "b" };
        Assert.Equal("", await MembersAsync(names, "count of \"Product Viewed\" = 2"));
        Assert.Equal("a,b", await MembersAsync(names, "count of \"Product Viewed\" = 1"));
    }

    [Fact]
    public async Task Audiences_are_saved_renamed_listed_and_deleted_and_names_are_unique()
    {
        var audience = NewAudience("vip", "loyalty_tier = \"gold\"");
        await Store.Audiences.AddAsync(audience, Ct);
        await Assert.ThrowsAsync<ConflictException>(() => Store.Audiences.AddAsync(NewAudience("vip", "has email"), Ct));

        var renamed = audience with { Name = "very important", Text = "has email", Definition = AudienceText.Parse("has email"), UpdatedAt = T0.AddDays(1) };
        Assert.True(await Store.Audiences.UpdateAsync(renamed, Ct));

        var loaded = await Store.Audiences.FindAsync(audience.Id, Ct);
        Assert.Equal(renamed, loaded);
        Assert.Equal(renamed, await Store.Audiences.FindByNameAsync("very important", Ct));
        Assert.Single(await Store.Audiences.ListAsync(Ct));
        Assert.True(await Store.Audiences.DeleteAsync(audience.Id, Ct));
        Assert.False(await Store.Audiences.DeleteAsync(audience.Id, Ct));
        Assert.False(await Store.Audiences.UpdateAsync(renamed, Ct));
        Assert.Empty(await Store.Audiences.ListAsync(Ct));
    }

    private static Audience NewAudience(string name, string text)
    {
        var definition = AudienceText.Parse(text);
        return new Audience("aud_" + Guid.NewGuid().ToString("N")[..12], name, "web", null, definition, AudienceText.Format(definition),
            "key-1", T0, "key-1", T0);
    }
}
