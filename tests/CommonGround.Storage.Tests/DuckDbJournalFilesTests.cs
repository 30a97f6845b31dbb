using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage.DuckDb;
using CommonGround.Testing;

namespace CommonGround.Storage.Tests;

/// <summary>
/// The embedded store's contact journal goes to write-ahead files first and into its tables in bulk.
/// What a crash leaves in the files is moved at the next open, once: files already moved are not
/// moved again, a group cut short by the crash is dropped, and whole groups before it are kept.
/// </summary>
public sealed class DuckDbJournalFilesTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;
    static readonly DateTimeOffset T0 = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    static readonly CampaignFacts Gold = new("c-gold", "Gold tier offer", "loyalty", Channel.Email, CampaignCategory.Marketing, 90, 1.25m);

    static LedgerChange Reserved(long profile, long entry) =>
        new(new ReservationId(new ProfileId(profile), entry), LedgerChangeKind.Reserved, T0, new LedgerMessage(T0.AddMinutes(entry), T0.AddHours(1), "h_1", Gold));

    static HeldBackDecision HeldBack(long profile) =>
        new(new ProfileId(profile), Gold, T0, T0, 1, [new HeldBackReason("capReached", "held back: 1 marketing message a day")]);

    static string Folder(string dataDirectory) => Path.Combine(dataDirectory, "journal");

    /// <summary>A store whose journal moves only when read or closed, so a test sees the files as a crash would leave them.</summary>
    static async Task<DuckDbStore> OpenAsync(string dataDirectory)
    {
        var store = DuckDbStore.Open(dataDirectory, journalMoveEvery: Timeout.InfiniteTimeSpan);
        await store.MigrateAsync(Ct);
        return store;
    }

    static string NewDirectory() => Directory.CreateTempSubdirectory("cg-journal-test-").FullName;

    static async Task<IReadOnlyList<string>> EntriesAsync(IStore store) =>
        [.. (await store.ContactPolicy.ReadJournalAsync(null, T0.AddDays(-1), T0.AddDays(1), Ct)).Select(c => $"{c.Entry}:{c.Kind}")];

    /// <summary>Copies the journal's files as they are now: what a crash at this moment would leave.</summary>
    static Dictionary<string, byte[]> Snapshot(string dataDirectory) =>
        Directory.EnumerateFiles(Folder(dataDirectory)).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    static void Restore(Dictionary<string, byte[]> files, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, bytes) in files) File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    [Fact]
    public async Task Rows_a_crash_left_in_the_files_are_moved_at_the_next_open_and_a_group_cut_short_is_dropped()
    {
        var (first, second) = (NewDirectory(), NewDirectory());
        try
        {
            Dictionary<string, byte[]> crashed;
            await using (var before = await OpenAsync(first))
            {
                await before.ContactPolicy.AppendJournalAsync([Reserved(7, 1), Reserved(7, 2)], [HeldBack(7)], Ct);
                await before.ContactPolicy.AppendJournalAsync([Reserved(8, 1)], [], Ct);
                crashed = Snapshot(first);
            }
            Assert.NotEmpty(crashed);
            // The crash cut the next group short: a length and part of its rows reached the disk.
            var (name, bytes) = crashed.MaxBy(f => f.Key);
            crashed[name] = [.. bytes, .. BitConverter.GetBytes(500), 1, 2, 3, 4, 5, 6];

            // A store that never saw these rows finds the files at its next open.
            await (await OpenAsync(second)).DisposeAsync();
            Restore(crashed, Folder(second));
            await using var reopened = await OpenAsync(second);

            Assert.Equal(["r7-1:Reserved", "r7-2:Reserved", "r8-1:Reserved"], (await EntriesAsync(reopened)).Order());
            var held = await reopened.ContactPolicy.ListHeldBackAsync(new ProfileId(7), T0.AddDays(-1), T0.AddDays(1), 10, Ct);
            Assert.Equal("held back: 1 marketing message a day", Assert.Single(Assert.Single(held).Reasons).Text);
            Assert.Empty(Directory.EnumerateFiles(Folder(second)));
        }
        finally
        {
            Directory.Delete(first, recursive: true);
            Directory.Delete(second, recursive: true);
        }
    }

    [Fact]
    public async Task Files_whose_rows_were_moved_before_a_crash_are_not_moved_again()
    {
        var directory = NewDirectory();
        try
        {
            Dictionary<string, byte[]> moved;
            await using (var store = await OpenAsync(directory))
            {
                await store.ContactPolicy.AppendJournalAsync([Reserved(7, 1)], [HeldBack(7)], Ct);
                moved = Snapshot(directory);
                Assert.Equal(["r7-1:Reserved"], await EntriesAsync(store));
            }
            // The crash came after the move's commit and before its files were deleted.
            Assert.NotEmpty(moved);
            Restore(moved, Folder(directory));

            await using var reopened = await OpenAsync(directory);
            await reopened.ContactPolicy.AppendJournalAsync([Reserved(7, 2)], [], Ct);

            Assert.Equal(["r7-1:Reserved", "r7-2:Reserved"], (await EntriesAsync(reopened)).Order());
            Assert.Single(await reopened.ContactPolicy.ListHeldBackAsync(new ProfileId(7), T0.AddDays(-1), T0.AddDays(1), 10, Ct));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Rows_move_into_the_tables_in_the_background_without_a_read()
    {
        await using var store = await TestStores.CreateDuckDbAsync(Ct);
        await store.Store.ContactPolicy.AppendJournalAsync([Reserved(7, 1)], [], Ct);
        var folder = Folder(store.Options.DataDirectory);

        // A move deletes the files it moved; nothing here reads the journal.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Directory.EnumerateFiles(folder).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "The journal's files were not moved within 30 s.");
            await Task.Delay(50, Ct);
        }
        Assert.Equal(["r7-1:Reserved"], await EntriesAsync(store.Store));
    }
}
