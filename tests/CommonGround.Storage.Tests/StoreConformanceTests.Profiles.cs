using System.Text.Json;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Records;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Storage.Tests;

/// <summary>Identity resolution saved in the store, and profiles, households and businesses read back.</summary>
public abstract partial class StoreConformanceTests
{
    private readonly FakeTimeProvider _clock = new(T0.AddDays(30));

    private IdentityResolver NewResolver() => new(Store, new IdentityOptions { DefaultPhoneRegion = "GB" }, new HouseholdOptions(), _clock);

    private static TrackedEvent Call(string messageId, EventType type, string? userId, string? anonymousId, int minutes,
        string? name = null, string? traits = null, string? properties = null, string? groupId = null, string? previousId = null,
        string sourceId = "src-web") => new()
        {
            SourceId = sourceId,
            MessageId = messageId,
            Type = type,
            Name = name,
            UserId = userId,
            AnonymousId = anonymousId,
            GroupId = groupId,
            PreviousId = previousId,
            Traits = traits,
            Properties = properties,
            Timestamp = T0.AddMinutes(minutes),
            ReceivedAt = T0.AddMinutes(minutes),
        };

    private static CustomerRecord Customer(string id, string email, string line = "12 High Street", string? company = null) => new()
    {
        SourceId = "src-crm",
        CustomerId = id,
        Email = email,
        FirstName = "Ann",
        LastName = "Lee",
        AddressLine = line,
        PostalCode = "SW1A 1AA",
        City = "London",
        Country = "GB",
        Company = company,
        CreatedAt = T0,
    };

    private async Task SeedSourcesAsync()
    {
        await Store.Sources.AddAsync(NewSource("src-web", "Web shop", "web"), Ct);
        await Store.Sources.AddAsync(NewSource("src-crm", "Loyalty CRM", "loyalty marketing"), Ct);
    }

    [Fact]
    public async Task Identify_with_an_email_joins_web_activity_to_the_crm_customer()
    {
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync([Customer("c-1", "Ann.Lee@Example.com ")], Ct);
        await Store.Events.AppendAsync(
        [
            Call("m-1", EventType.Page, null, "anon-1", 1, name: "Home"),
            Call("m-2", EventType.Identify, "u-1", "anon-1", 2, traits: """{"email":"ann.lee@example.com"}"""),
            Call("m-3", EventType.Track, "u-1", null, 3, name: "Order Completed", properties: """{"order_id":"o-9","revenue":42.5,"currency":"GBP"}"""),
            Call("m-4", EventType.Track, "u-1", null, 4, name: "Consent Updated", properties: """{"channel":"email","purpose":"marketing","granted":false}"""),
        ], Ct);

        await NewResolver().CatchUpAsync(null, Ct);

        var id = await Store.Profiles.FindAsync(new Identifier("email", "ann.lee@example.com"), Ct);
        Assert.NotNull(id);
        Assert.Equal(id, await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-1"), Ct));
        var profile = await Store.Profiles.GetAsync(id.Value, Ct);
        Assert.NotNull(profile);
        Assert.Equal("Ann Lee", profile.DisplayName);
        Assert.Contains(new Identifier("externalId", "src-crm:c-1"), profile.Identifiers);
        Assert.Equal(4, profile.Traits.EventCount);
        Assert.Equal(1, profile.Traits.OrderCount);
        Assert.Equal(42.5m, profile.Traits.Revenue);
        Assert.Contains(profile.Traits.Consents, c => c is { Channel: "email", Purpose: "marketing", Granted: false });
        Assert.Contains(profile.Traits.Channels, c => c.Channel == "web");
        Assert.Single(profile.Records);
        Assert.NotNull(profile.Household);

        var timeline = await Store.Profiles.TimelineAsync(id.Value, null, 50, Ct);
        Assert.Equal(["m-4", "m-3", "m-2", "m-1", "c-1"], timeline.Select(t => t.Reference));
        Assert.Equal("loyalty marketing", timeline[^1].Team);
        var older = await Store.Profiles.TimelineAsync(id.Value, TimelineCursor.Before(timeline[1].At), 2, Ct);
        Assert.Equal(["m-2", "m-1"], older.Select(t => t.Reference));
    }

    [Fact]
    public async Task Two_user_ids_sharing_an_email_stay_two_profiles_and_the_conflict_is_shown()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            Call("m-1", EventType.Identify, "u-1", null, 1, traits: """{"email":"family@example.com"}"""),
            Call("m-2", EventType.Identify, "u-2", null, 2, traits: """{"email":"family@example.com"}"""),
        ], Ct);

        await NewResolver().CatchUpAsync(null, Ct);

        var first = await Store.Profiles.FindAsync(new Identifier("userId", "u-1"), Ct);
        var second = await Store.Profiles.FindAsync(new Identifier("userId", "u-2"), Ct);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        var profile = await Store.Profiles.GetAsync(second.Value, Ct);
        Assert.Contains(profile!.Conflicts, c => c.Reason == ConflictReason.TypeLimit);
    }

    [Fact]
    public async Task Unmerge_restores_both_profiles_with_their_events_and_survives_a_restart()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            Call("m-1", EventType.Track, null, "anon-a", 1, name: "Product Viewed"),
            Call("m-2", EventType.Track, null, "anon-b", 2, name: "Product Viewed"),
            Call("m-3", EventType.Alias, null, "anon-b", 3, previousId: "anon-a"),
        ], Ct);
        var resolver = NewResolver();
        await resolver.CatchUpAsync(null, Ct);
        var merged = await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-b"), Ct);
        Assert.Equal(merged, await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-a"), Ct));
        var merge = Assert.Single((await Store.Profiles.GetAsync(merged!.Value, Ct))!.Merges);

        await resolver.UnmergeAsync(merge.Id, Ct);

        var a = await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-a"), Ct);
        var b = await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-b"), Ct);
        Assert.NotEqual(a, b);
        Assert.Contains(await Store.Profiles.TimelineAsync(a!.Value, null, 10, Ct), t => t.Reference == "m-1");
        Assert.Contains(await Store.Profiles.TimelineAsync(b!.Value, null, 10, Ct), t => t.Reference == "m-2");

        // A new resolver starts from the checkpoint the unmerge saved, and new evidence does not undo it.
        await Store.Events.AppendAsync([Call("m-4", EventType.Track, null, "anon-a", 5, name: "Product Viewed")], Ct);
        await NewResolver().CatchUpAsync(null, Ct);
        Assert.Equal(a, await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-a"), Ct));
        Assert.NotEqual(a, await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-b"), Ct));
        var status = (await Store.Profiles.GetAsync(a.Value, Ct))!.Merges.Single(m => m.Id == merge.Id).Status;
        Assert.Equal(MergeStatus.Undone, status);
    }

    [Fact]
    public async Task People_at_one_address_form_a_household_and_a_corporate_domain_a_business()
    {
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync(
        [
            Customer("c-1", "ann@ashby-engineering.co.uk", "12 High St", company: "Ashby Engineering Ltd"),
            Customer("c-2", "bob@ashby-engineering.co.uk", "12 HIGH STREET"),
            Customer("c-3", "cat@gmail.com", "14 High Street"),
            Customer("c-4", "dan@gmail.com", "14 High Street"),
        ], Ct);

        await NewResolver().CatchUpAsync(null, Ct);

        var ann = (await Store.Profiles.GetAsync((await Store.Profiles.FindAsync(new Identifier("email", "ann@ashby-engineering.co.uk"), Ct))!.Value, Ct))!;
        var cat = (await Store.Profiles.GetAsync((await Store.Profiles.FindAsync(new Identifier("email", "cat@gmail.com"), Ct))!.Value, Ct))!;
        Assert.Equal(2, ann.Household!.Members);
        Assert.NotEqual(ann.Household.Id, cat.Household!.Id);
        var household = await Store.Profiles.GetHouseholdAsync(ann.Household.Id, Ct);
        Assert.Equal(2, household!.Members.Count);

        var business = Assert.Single(ann.Businesses);
        Assert.Empty(cat.Businesses);
        var loaded = await Store.Profiles.GetBusinessAsync(business.Id, Ct);
        Assert.Equal("ashby-engineering.co.uk", loaded!.Domain);
        Assert.Equal(2, loaded.Members.Count);

        var overview = await Store.Profiles.OverviewAsync(Ct);
        Assert.Equal(4, overview.Profiles);
        Assert.Equal(2, overview.Households);
        Assert.Equal(1, overview.Businesses);
        Assert.NotNull(overview.ResolvedThrough);
    }

    [Fact]
    public async Task A_group_call_puts_its_user_in_the_business()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
            [Call("m-1", EventType.Group, "u-1", null, 1, groupId: "acct-7", traits: """{"name":"Kestrel Partners","industry":"retail"}""")], Ct);

        await NewResolver().CatchUpAsync(null, Ct);

        var profile = (await Store.Profiles.GetAsync((await Store.Profiles.FindAsync(new Identifier("userId", "u-1"), Ct))!.Value, Ct))!;
        var business = Assert.Single(profile.Businesses);
        Assert.Equal("Kestrel Partners", business.Name);
        var loaded = await Store.Profiles.GetBusinessAsync(business.Id, Ct);
        Assert.Contains("retail", loaded!.Traits);
    }

    [Fact]
    public async Task Resolution_takes_up_where_it_stopped_and_finds_new_evidence_only()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync([Call("m-1", EventType.Track, "u-1", "anon-1", 1, name: "Product Viewed")], Ct);
        var resolver = NewResolver();
        Assert.Equal(1, await resolver.CatchUpAsync(null, Ct));
        await Store.Records.UpsertCustomersAsync([Customer("c-1", "ann@example.org")], Ct);
        await Store.Events.AppendAsync([Call("m-2", EventType.Identify, "u-1", null, 2, traits: """{"email":"ann@example.org"}""")], Ct);

        Assert.Equal(2, await resolver.CatchUpAsync(null, Ct));
        Assert.Equal(0, await resolver.CatchUpAsync(null, Ct));

        var id = await Store.Profiles.FindAsync(new Identifier("externalId", "src-crm:c-1"), Ct);
        Assert.Equal(id, await Store.Profiles.FindAsync(new Identifier("anonymousId", "anon-1"), Ct));
        var (through, _) = await Store.Identity.ProgressAsync(Ct);
        Assert.Equal(resolver.Through, through);
    }

    [Fact]
    public async Task Search_finds_profiles_by_identifier_prefix_and_by_name()
    {
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync([Customer("c-1", "ann.lee@example.com"), Customer("c-2", "zed@example.com", "3 Mill Lane") with { FirstName = "Zed", LastName = "Kim" }], Ct);
        await NewResolver().CatchUpAsync(null, Ct);

        var byEmail = await Store.Profiles.SearchAsync("ANN.LEE@", 10, Ct);
        var byName = await Store.Profiles.SearchAsync("zed kim", 10, Ct);

        Assert.Equal("ann.lee@example.com", Assert.Single(byEmail).Email);
        Assert.Equal("Zed Kim", Assert.Single(byName).DisplayName);
    }

    [Fact]
    public async Task Search_matches_percent_and_underscore_in_the_text_literally()
    {
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync(
            [Customer("c-1", "ann.lee@example.com"), Customer("c-2", "rae@example.com", "3 Mill Lane") with { FirstName = "Rae%", LastName = "Smith" }], Ct);
        await NewResolver().CatchUpAsync(null, Ct);

        Assert.Equal("rae@example.com", Assert.Single(await Store.Profiles.SearchAsync("e%", 10, Ct)).Email);
        Assert.Empty(await Store.Profiles.SearchAsync("n_l", 10, Ct));
        Assert.Empty(await Store.Profiles.SearchAsync("ann_", 10, Ct));
    }

    [Fact]
    public async Task Evidence_is_read_in_sequence_order_across_events_and_records_a_page_at_a_time()
    {
        await Store.Records.UpsertCustomersAsync([Customer("c-1", "ann@example.org"), Customer("c-2", "bob@example.org")], Ct);
        await Store.Events.AppendAsync([Call("m-1", EventType.Track, "u-1", null, 1, name: "Product Viewed")], Ct);
        await Store.Records.UpsertCustomersAsync([Customer("c-1", "ann@example.com")], Ct);
        await Store.Events.AppendAsync([Call("m-2", EventType.Identify, "u-1", null, 2, traits: """{"email":"ann@example.com"}""")], Ct);

        var all = await Store.Identity.ReadEvidenceAsync(0, 10, Ct);
        var first = await Store.Identity.ReadEvidenceAsync(0, 2, Ct);
        var rest = await Store.Identity.ReadEvidenceAsync(first[^1].Sequence, 10, Ct);

        Assert.Equal(["c-2", "m-1", "c-1", "m-2"], all.Select(e => e.Event?.MessageId ?? e.Customer!.CustomerId));
        Assert.Equal("ann@example.com", all[2].Customer!.Email);
        Assert.Equal("""{"email":"ann@example.com"}""", all[3].Event!.Traits);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
        Assert.Equal(all.Select(e => e.Sequence), first.Concat(rest).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Timeline_pages_neither_skip_nor_repeat_entries_that_share_a_time()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            Call("m-b", EventType.Track, "u-1", null, 5, name: "Product Viewed"),
            Call("m-0", EventType.Track, "u-1", null, 1, name: "Product Viewed"),
            Call("m-c", EventType.Track, "u-1", null, 5, name: "Product Viewed"),
            Call("m-a", EventType.Track, "u-1", null, 5, name: "Product Viewed"),
        ], Ct);
        await NewResolver().CatchUpAsync(null, Ct);
        var id = (await Store.Profiles.FindAsync(new Identifier("userId", "u-1"), Ct))!.Value;

        var page = await Store.Profiles.TimelineAsync(id, null, 2, Ct);
        var again = await Store.Profiles.TimelineAsync(id, null, 2, Ct);
        var next = await Store.Profiles.TimelineAsync(id, TimelineCursor.After(page[^1]), 2, Ct);
        var last = await Store.Profiles.TimelineAsync(id, TimelineCursor.After(next[^1]), 2, Ct);
        var beforeTime = await Store.Profiles.TimelineAsync(id, TimelineCursor.Before(page[0].At), 10, Ct);

        Assert.Equal(["m-c", "m-b"], page.Select(t => t.Reference));
        Assert.Equal(page.Select(t => t.Reference), again.Select(t => t.Reference));
        Assert.Equal(["m-a", "m-0"], next.Select(t => t.Reference));
        Assert.Empty(last);
        Assert.Equal(["m-0"], beforeTime.Select(t => t.Reference));
        Assert.True(TimelineCursor.TryParse(TimelineCursor.After(page[^1]).ToString(), out var parsed));
        Assert.Equal(TimelineCursor.After(page[^1]), parsed);
    }

    private static readonly Identifier AnnEmail = new("email", "ann@ashby-engineering.co.uk");
    private static readonly Identifier AnnRecord = new("externalId", "src-crm:c-1");

    /// <summary>Two profiles, the second merged into the first, with a household, a business and a conflict.</summary>
    private async Task<IdentityChanges> MergedPairAsync()
    {
        await SeedSourcesAsync();
        await Store.Records.UpsertCustomersAsync([Customer("c-1", AnnEmail.Value, company: "Ashby Engineering Ltd")], Ct);
        var through = Assert.Single(await Store.Identity.ReadEvidenceAsync(0, 10, Ct)).Sequence;
        ProfileId first = new(1), second = new(2);
        var evidence = new EvidenceReference(EvidenceKind.Record, "src-crm", "c-1");
        return new IdentityChanges(through, T0.AddDays(1),
            // The same key twice in one step: the last row is how things are now.
            [new IdentifierLink(AnnEmail, second, null), new IdentifierLink(AnnRecord, first, "b-stale"), new IdentifierLink(AnnEmail, first, "b-1"), new IdentifierLink(AnnRecord, first, null)],
            [new ProfileState(first, T0, 0, null, false), new ProfileState(second, T0, 1, null, false), new ProfileState(second, T0, 1, first, false)],
            [new MergeRecord(1, first, second, AnnEmail, evidence, T0, 1)],
            [new NumberedConflict(1, new IdentityConflict(first, null, new Identifier("userId", "u-3"), evidence, T0, ConflictReason.TypeLimit, "userId"))],
            [new HouseholdRow("h-1", "sw1a1aa|12 high street", "12 High Street")],
            [new BusinessRow("b-1", "ashby-engineering.co.uk", "Ashby", null, null), new BusinessRow("b-1", "ashby-engineering.co.uk", "Ashby Engineering", "ashby-engineering.co.uk", """{"industry":"engineering"}""")],
            [new CustomerLink("src-crm", "c-1", "h-1", null), new CustomerLink("src-crm", "c-1", "h-1", "b-1")],
            [new BusinessLink("b-1", AnnEmail, "group call"), new BusinessLink("b-1", AnnEmail, "group call")],
            new IdentityCheckpoint(through, T0.AddDays(1), [1, 2, 3]));
    }

    [Fact]
    public async Task Saving_the_same_identity_step_twice_changes_nothing_and_the_last_row_of_a_key_wins()
    {
        var changes = await MergedPairAsync();

        await Store.Identity.SaveAsync(changes, Ct);
        var once = await Store.Profiles.GetAsync(new ProfileId(2), Ct);
        await Store.Identity.SaveAsync(changes, Ct);
        var twice = await Store.Profiles.GetAsync(new ProfileId(2), Ct);

        Assert.NotNull(once);
        Assert.Equal(JsonSerializer.Serialize(once), JsonSerializer.Serialize(twice));
        Assert.Equal(new ProfileId(1), once.Id);
        Assert.Equal([AnnEmail, AnnRecord], once.Identifiers.OrderBy(i => i.Type, StringComparer.Ordinal));
        Assert.Equal(1, once.Household!.Members);
        var business = Assert.Single(once.Businesses);
        Assert.Equal(("b-1", "Ashby Engineering", "company field, e-mail domain, group call"), (business.Id, business.Name, business.Via));
        Assert.Single(once.Merges);
        Assert.Single(once.Conflicts);
        Assert.Equal(new ProfileId(1), await Store.Profiles.FindAsync(AnnEmail, Ct));
        var loaded = await Store.Profiles.GetBusinessAsync("b-1", Ct);
        Assert.Equal(("ashby-engineering.co.uk", """{"industry":"engineering"}"""), (loaded!.Domain, loaded.Traits));
        Assert.Equal((changes.Through, (DateTimeOffset?)changes.At), await Store.Identity.ProgressAsync(Ct));
        var checkpoint = await Store.Identity.LoadCheckpointAsync(Ct);
        Assert.Equal<byte>([1, 2, 3], checkpoint!.Graph);
        Assert.Equal((changes.Through, changes.At), (checkpoint.Sequence, checkpoint.SavedAt));
    }

    [Fact]
    public async Task A_retired_or_emptied_profile_is_not_found()
    {
        var changes = await MergedPairAsync();
        await Store.Identity.SaveAsync(changes with
        {
            Profiles = [.. changes.Profiles, new ProfileState(new ProfileId(1), T0, 0, null, true), new ProfileState(new ProfileId(3), T0, 2, null, false)],
        }, Ct);

        Assert.Null(await Store.Profiles.GetAsync(new ProfileId(1), Ct));
        Assert.Null(await Store.Profiles.GetAsync(new ProfileId(2), Ct));
        Assert.Null(await Store.Profiles.GetAsync(new ProfileId(3), Ct));
        Assert.Null(await Store.Profiles.GetAsync(new ProfileId(4), Ct));
        Assert.Null(await Store.Profiles.FindAsync(AnnEmail, Ct));
        Assert.Empty(await Store.Profiles.TimelineAsync(new ProfileId(2), null, 10, Ct));
        Assert.Equal(1, (await Store.Profiles.OverviewAsync(Ct)).Profiles);
    }
}
