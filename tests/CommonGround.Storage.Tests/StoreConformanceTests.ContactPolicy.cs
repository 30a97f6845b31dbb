using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
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
        await Store.ContactPolicy.AppendJournalAsync([], [Held(ann, T0), Held(ann, T0.AddHours(1)), Held(new ProfileId(8), T0)], Ct);

        var listed = await Store.ContactPolicy.ListHeldBackAsync(ann, T0.AddDays(-1), T0.AddDays(1), 10, Ct);
        Assert.Equal([T0.AddHours(1), T0], listed.Select(d => d.At));
        Assert.Equal(Gold, listed[0].Campaign);
        Assert.Equal(3, listed[0].PolicyVersion);
        Assert.Equal(["capReached", "minimumGap"], listed[0].Reasons.Select(r => r.Code));
        Assert.StartsWith("held back: 1 marketing message a day", listed[0].Reasons[0].Text);
        Assert.Single(await Store.ContactPolicy.ListHeldBackAsync(ann, T0.AddDays(-1), T0.AddDays(1), 1, Ct));
        Assert.Empty(await Store.ContactPolicy.ListHeldBackAsync(ann, T0.AddHours(2), T0.AddDays(1), 10, Ct));
    }
}
