using CommonGround.ContactPolicy;
using CommonGround.Identity;
using static CommonGround.Core.Tests.ContactPolicy.PolicyWorld;

namespace CommonGround.Core.Tests.ContactPolicy;

/// <summary>The ledger's journal folded back into a fresh ledger, as at a restart.</summary>
public class LedgerJournalTests
{
    static readonly DateTimeOffset Now = Local(2026, 6, 10, 10, 0);

    static LedgerChange Reserve(long profile, long entry, DateTimeOffset at) =>
        new(new ReservationId(new ProfileId(profile), entry), LedgerChangeKind.Reserved, at, new LedgerMessage(at, at.AddMinutes(10), "h_1", Campaign.GoldTier));

    static LedgerChange Settle(long profile, long entry, LedgerChangeKind kind) =>
        new(new ReservationId(new ProfileId(profile), entry), kind, Now, null);

    [Fact]
    public void Folding_keeps_sent_and_reserved_entries_and_drops_cancelled_ones()
    {
        var entries = LedgerChange.Fold(
        [
            Reserve(1, 11, Now.AddMinutes(-3)), Reserve(1, 12, Now.AddMinutes(-2)), Reserve(1, 13, Now.AddMinutes(-1)),
            Settle(1, 11, LedgerChangeKind.Confirmed), Settle(1, 12, LedgerChangeKind.Cancelled), Settle(2, 1, LedgerChangeKind.Confirmed),
        ]);
        Assert.Equal([("r1-11", EntryState.Sent), ("r1-13", EntryState.Reserved)], entries.Select(e => (e.Entry.ToString(), e.State)));
    }

    [Fact]
    public async Task A_restored_reservation_counts_can_be_confirmed_and_its_number_is_never_given_again()
    {
        var world = new PolicyWorld(Policy(Cap(2, CapWindow.Day)), Now);
        var journal = new[] { Reserve(1, 11, Now.AddMinutes(-2)), Reserve(1, 12, Now.AddMinutes(-1)), Settle(1, 12, LedgerChangeKind.Cancelled) };
        foreach (var entry in LedgerChange.Fold(journal)) Assert.True(world.Ledger.Restore(entry, lastSequence: 12, Now));

        var next = world.Decide(1, Campaign.Spring);
        Assert.True(next.Allowed);
        Assert.Equal("r1-13", next.Reservation.ToString());
        Assert.False(world.Decide(1, Campaign.BrandX).Allowed);
        Assert.Equal(ReservationResult.Confirmed, await world.Decider.ConfirmAsync(new ReservationId(new ProfileId(1), 11), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_lapsed_reservation_is_not_restored()
    {
        var world = new PolicyWorld(Policy(Cap(1, CapWindow.Day)), Now);
        var lapsed = LedgerChange.Fold([Reserve(1, 11, Now.AddMinutes(-30))]).Single();
        Assert.False(world.Ledger.Restore(lapsed, lastSequence: 11, Now));
        Assert.True(world.Decide(1, Campaign.Spring).Allowed);
    }
}
