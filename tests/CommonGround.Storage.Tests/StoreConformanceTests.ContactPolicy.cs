using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Events;
using CommonGround.Identity;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    static readonly CampaignFacts Gold = new("c-gold", "Gold tier offer", "loyalty", Channel.Email, CampaignCategory.Marketing, 90, 1.25m);

    static ContactPolicyDefinition OneADay => new()
    {
        Caps = [new ContactCap { Scope = CapScope.AllMarketing, Level = CapLevel.Customer, Window = CapWindow.Day, Limit = 1 }],
        DefaultTimeZone = "Europe/Brussels",
    };

    [Fact]
    public async Task Policy_versions_are_kept_in_order_and_a_number_is_taken_once()
    {
        Assert.Empty(await Store.ContactPolicy.ListPolicyVersionsAsync(Ct));
        await Store.ContactPolicy.AddPolicyVersionAsync(new PolicyVersion(1, "key-1", T0, new ContactPolicyDefinition(), null), Ct);
        await Store.ContactPolicy.AddPolicyVersionAsync(new PolicyVersion(2, "key-2", T0.AddHours(1), OneADay, "one a day"), Ct);

        await Assert.ThrowsAsync<ConflictException>(() =>
            Store.ContactPolicy.AddPolicyVersionAsync(new PolicyVersion(2, "key-3", T0.AddHours(2), new ContactPolicyDefinition(), null), Ct));

        var versions = await Store.ContactPolicy.ListPolicyVersionsAsync(Ct);
        Assert.Equal([1, 2], versions.Select(v => v.Number));
        var second = versions[1];
        Assert.Equal(("key-2", T0.AddHours(1), "one a day"), (second.ChangedBy, second.At, second.Note));
        Assert.Null(versions[0].Note);
        Assert.Equal(ContactPolicyJson.Serialize(OneADay), ContactPolicyJson.Serialize(second.Policy));
    }

    [Fact]
    public async Task The_ledger_journal_folds_into_the_entries_it_leaves()
    {
        var ann = new ProfileId(7);
        var bob = new ProfileId(8);
        LedgerChange Reserve(ProfileId p, long entry, DateTimeOffset at) =>
            new(new ReservationId(p, entry), LedgerChangeKind.Reserved, at, new LedgerMessage(at, at.AddMinutes(10), "h_1", Gold));
        await Store.ContactPolicy.AppendJournalAsync(
        [
            Reserve(ann, 101, T0),
            Reserve(ann, 102, T0.AddMinutes(1)),
            Reserve(ann, 103, T0.AddMinutes(2)),
            new(new ReservationId(bob, 5), LedgerChangeKind.Sent, T0.AddMinutes(3), new LedgerMessage(T0.AddMinutes(3), null, null, Gold)),
        ], [], Ct);
        await Store.ContactPolicy.AppendJournalAsync(
        [
            new(new ReservationId(ann, 101), LedgerChangeKind.Confirmed, T0.AddMinutes(4), null),
            new(new ReservationId(ann, 102), LedgerChangeKind.Cancelled, T0.AddMinutes(4), null),
        ], [], Ct);

        var all = LedgerChange.Fold(await Store.ContactPolicy.ReadJournalAsync(null, T0.AddDays(-1), T0.AddDays(1), Ct));
        Assert.Equal([("r7-101", EntryState.Sent), ("r7-103", EntryState.Reserved), ("r8-5", EntryState.Sent)],
            all.Select(e => (e.Entry.ToString(), e.State)));
        var first = all[0].Message;
        Assert.Equal((T0, T0.AddMinutes(10), "h_1", Gold), (first.At, first.ExpiresAt, first.Household, first.Campaign));
        Assert.False(all[1].IsLive(T0.AddMinutes(30)));

        var bobs = LedgerChange.Fold(await Store.ContactPolicy.ReadJournalAsync(bob, T0.AddDays(-1), T0.AddDays(1), Ct));
        Assert.Equal(["r8-5"], bobs.Select(e => e.Entry.ToString()));
        Assert.Empty(LedgerChange.Fold(await Store.ContactPolicy.ReadJournalAsync(null, T0.AddDays(1), T0.AddDays(2), Ct)));
    }

    [Fact]
    public async Task Held_back_decisions_are_listed_per_profile_newest_first_with_their_reasons()
    {
        var ann = new ProfileId(7);
        HeldBackDecision Held(ProfileId p, DateTimeOffset at) => new(p, Gold, at, at, 3,
            [new HeldBackReason("capReached", "held back: 1 marketing message a day across teams, already used by 'Gold tier offer'"),
             new HeldBackReason("minimumGap", "held back: at least 4 hours between two marketing messages or ads")]);
        await Store.ContactPolicy.AppendJournalAsync([], [Held(ann, T0), Held(new ProfileId(8), T0)], Ct);
        // Logged without waiting for the disk, and read like the others.
        await Store.ContactPolicy.LogHeldBackAsync([Held(ann, T0.AddHours(1))], Ct);

        var listed = await Store.ContactPolicy.ListHeldBackAsync(ann, T0.AddDays(-1), T0.AddDays(1), 10, Ct);
        Assert.Equal([T0.AddHours(1), T0], listed.Select(d => d.At));
        Assert.Equal(Gold, listed[0].Campaign);
        Assert.Equal(3, listed[0].PolicyVersion);
        Assert.Equal(["capReached", "minimumGap"], listed[0].Reasons.Select(r => r.Code));
        Assert.StartsWith("held back: 1 marketing message a day", listed[0].Reasons[0].Text);
        Assert.Single(await Store.ContactPolicy.ListHeldBackAsync(ann, T0.AddDays(-1), T0.AddDays(1), 1, Ct));
        Assert.Empty(await Store.ContactPolicy.ListHeldBackAsync(ann, T0.AddHours(2), T0.AddDays(1), 10, Ct));
    }

    [Fact]
    public async Task Contact_facts_are_read_by_identifier_or_profile_and_changes_are_reported()
    {
        var names = await PeopleAsync();
        ProfileId Of(string name) => new(names.Single(n => n.Value == name).Key);
        // One resolver from here on: a new one replays (and so rewrites) everything since the last checkpoint.
        var resolver = NewResolver();
        await resolver.CatchUpAsync(null, Ct);

        var ann = await Store.ContactPolicy.FindContactFactsAsync(new Identifier("email", "ann@example.com"), Ct);
        var bob = await Store.ContactPolicy.GetContactFactsAsync(Of("Bob"), Ct);
        Assert.NotNull(ann);
        Assert.NotNull(bob);
        Assert.Equal(Of("Ann"), ann.Profile);
        Assert.NotNull(ann.Household);
        Assert.Equal(ann.Household, bob.Household);
        Assert.Equal((Consent.Granted, Consent.Unknown), (ann.Consents[Channel.Email], ann.Consents[Channel.Sms]));
        Assert.Equal((Consent.Refused, Consent.Granted), (bob.Consents[Channel.Email], bob.Consents[Channel.Sms]));
        Assert.Null(ann.TimeZone);
        Assert.NotNull(ann.RefreshedAt);
        Assert.Equal(ann, await Store.ContactPolicy.GetContactFactsAsync(Of("Ann"), Ct));
        Assert.Null(await Store.ContactPolicy.FindContactFactsAsync(new Identifier("email", "nobody@example.com"), Ct));
        Assert.Null(await Store.ContactPolicy.GetContactFactsAsync(new ProfileId(999_999), Ct));

        // The directory: the most recently seen first, every identifier but anonymous ids.
        var recent = await Store.ContactPolicy.ReadContactDirectoryAsync(null, 2, Ct);
        Assert.Equal(["Ann", "Cat"], recent.Select(e => names[e.Facts.Profile.Value]).Order());
        var annEntry = recent.Single(e => e.Facts.Profile == Of("Ann"));
        Assert.Equal(ann, annEntry.Facts);
        Assert.Contains(new Identifier("email", "ann@example.com"), annEntry.Identifiers);
        Assert.Contains(new Identifier("userId", "u-ann"), annEntry.Identifiers);
        Assert.Empty(recent.Single(e => e.Facts.Profile == Of("Cat")).Identifiers);
        var chosen = await Store.ContactPolicy.ReadContactDirectoryAsync([Of("Bob"), Of("Bob"), new ProfileId(999_999)], 0, Ct);
        Assert.Equal(bob, chosen.Single().Facts);
        Assert.Equal(5, (await Store.ContactPolicy.ReadContactDirectoryAsync(null, 100, Ct)).Count);

        // Eve's phone reports her zone; a typo in another event's zone is not a zone.
        var before = ann.RefreshedAt!.Value;
        await Task.Delay(50, Ct);
        await Store.Events.AppendAsync(
        [
            At("e2", EventType.Track, "u-eve", 3, "App Opened") with { Context = """{"timezone":"Europe/Paris","locale":"fr-FR"}""" },
            At("e3", EventType.Track, "u-eve", 1, "App Opened") with { Context = """{"timezone":"Europe/Pariss"}""" },
        ], Ct);
        await resolver.CatchUpAsync(null, Ct);
        var eve = await Store.ContactPolicy.FindContactFactsAsync(new Identifier("userId", "u-eve"), Ct);
        Assert.Equal("Europe/Paris", eve?.TimeZone);
        Assert.Equal("Europe/Paris", (await Store.Profiles.GetAsync(Of("Eve"), Ct))?.Traits.TimeZone);

        var changed = await Store.ContactPolicy.ChangedContactFactsAsync(before, Ct);
        Assert.Contains(changed, c => c.Profile == Of("Eve") && c.RefreshedAt == eve!.RefreshedAt);
        Assert.DoesNotContain(changed, c => c.Profile == Of("Ann"));
    }

    [Fact]
    public async Task Contact_facts_follow_a_merge_to_the_survivor_and_report_the_absorbed_profile()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            At("m1", EventType.Track, null, 3, "Product Viewed", anonymousId: "anon-1") with { Context = """{"timezone":"Asia/Tokyo"}""" },
            At("m2", EventType.Identify, "u-kim", 2, traits: """{"email":"kim@example.com"}"""),
        ], Ct);
        var resolver = NewResolver();
        await resolver.CatchUpAsync(null, Ct);
        var visitor = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("anonymousId", "anon-1"), Ct))!;
        var kim = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("email", "kim@example.com"), Ct))!;
        Assert.NotEqual(visitor.Profile, kim.Profile);

        await Task.Delay(50, Ct);
        await Store.Events.AppendAsync([At("m3", EventType.Identify, "u-kim", 1, traits: "{}", anonymousId: "anon-1")], Ct);
        await resolver.CatchUpAsync(null, Ct);

        var merged = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("anonymousId", "anon-1"), Ct))!;
        Assert.Equal(merged, await Store.ContactPolicy.GetContactFactsAsync(visitor.Profile, Ct));
        Assert.Equal(merged, await Store.ContactPolicy.GetContactFactsAsync(kim.Profile, Ct));
        Assert.Equal("Asia/Tokyo", merged.TimeZone);
        var absorbed = merged.Profile == kim.Profile ? visitor.Profile : kim.Profile;
        var changed = await Store.ContactPolicy.ChangedContactFactsAsync(kim.RefreshedAt!.Value, Ct);
        Assert.Contains(changed, c => c.Profile == merged.Profile);
        Assert.Contains(changed, c => c.Profile == absorbed && c.RefreshedAt == merged.RefreshedAt);
    }

    [Fact]
    public async Task A_survivors_contacts_include_those_of_the_profiles_merged_into_it()
    {
        await SeedSourcesAsync();
        await Store.Events.AppendAsync(
        [
            At("m1", EventType.Track, null, 3, "Product Viewed", anonymousId: "anon-1"),
            At("m2", EventType.Identify, "u-kim", 2, traits: """{"email":"kim@example.com"}"""),
            At("m4", EventType.Identify, "u-lee", 2, traits: """{"email":"lee@example.com"}"""),
        ], Ct);
        var resolver = NewResolver();
        await resolver.CatchUpAsync(null, Ct);
        var visitor = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("anonymousId", "anon-1"), Ct))!.Profile;
        var kim = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("email", "kim@example.com"), Ct))!.Profile;
        var lee = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("email", "lee@example.com"), Ct))!.Profile;
        LedgerChange Sent(ProfileId p, long entry) =>
            new(new ReservationId(p, entry), LedgerChangeKind.Sent, T0, new LedgerMessage(T0.AddMinutes(entry), null, null, Gold));
        HeldBackDecision Held(ProfileId p) => new(p, Gold, T0, T0, 1, [new HeldBackReason("capReached", "held back")]);
        // Before the merge: a message to each profile, a held-back one for the visitor.
        await Store.ContactPolicy.AppendJournalAsync([Sent(visitor, 1), Sent(kim, 2), Sent(lee, 3)], [Held(visitor)], Ct);

        await Task.Delay(50, Ct);
        await Store.Events.AppendAsync([At("m3", EventType.Identify, "u-kim", 1, traits: "{}", anonymousId: "anon-1")], Ct);
        await resolver.CatchUpAsync(null, Ct);
        var survivor = (await Store.ContactPolicy.FindContactFactsAsync(new Identifier("email", "kim@example.com"), Ct))!.Profile;
        var absorbed = survivor == kim ? visitor : kim;

        var journal = await Store.ContactPolicy.ReadJournalAsync(survivor, T0.AddDays(-1), T0.AddDays(1), Ct);
        Assert.Equal([visitor.Value, kim.Value], journal.Select(c => c.Entry.Profile.Value).Order());
        Assert.Single(await Store.ContactPolicy.ListHeldBackAsync(survivor, T0.AddDays(-1), T0.AddDays(1), 10, Ct));
        // The absorbed profile's own view, and another person's, stay their own.
        Assert.Equal([absorbed], (await Store.ContactPolicy.ReadJournalAsync(absorbed, T0.AddDays(-1), T0.AddDays(1), Ct)).Select(c => c.Entry.Profile));
        Assert.Equal([lee], (await Store.ContactPolicy.ReadJournalAsync(lee, T0.AddDays(-1), T0.AddDays(1), Ct)).Select(c => c.Entry.Profile));
    }
}
