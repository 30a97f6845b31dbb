using CommonGround.Sources;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    protected static Source NewSource(string id, string name, string team = "web") => new()
    {
        Id = id,
        Name = name,
        Team = team,
        WriteKey = "wk_" + id,
        CreatedAt = T0,
    };

    [Fact]
    public async Task An_added_source_is_found_by_id_name_and_write_key()
    {
        var source = NewSource("src-1", "Web shop", team: "ecommerce") with { Enabled = false };

        await Store.Sources.AddAsync(source, Ct);

        Assert.Equal(source, await Store.Sources.FindAsync("src-1", Ct));
        Assert.Equal(source, await Store.Sources.FindByNameAsync("Web shop", Ct));
        Assert.Equal(source, await Store.Sources.FindByWriteKeyAsync("wk_src-1", Ct));
    }

    [Fact]
    public async Task Looking_up_an_unknown_source_finds_nothing()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);

        Assert.Null(await Store.Sources.FindAsync("src-2", Ct));
        Assert.Null(await Store.Sources.FindByNameAsync("Ad server", Ct));
        Assert.Null(await Store.Sources.FindByWriteKeyAsync("wk_unknown", Ct));
    }

    [Fact]
    public async Task Adding_a_source_with_a_taken_name_is_a_conflict()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);

        var conflict = await Assert.ThrowsAsync<ConflictException>(
            () => Store.Sources.AddAsync(NewSource("src-2", "Web shop"), Ct));

        Assert.Contains("Web shop", conflict.Message, StringComparison.Ordinal);
        Assert.Null(await Store.Sources.FindAsync("src-2", Ct));
    }

    [Fact]
    public async Task Adding_a_source_with_a_taken_write_key_is_refused()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);

        await Assert.ThrowsAnyAsync<Exception>(
            () => Store.Sources.AddAsync(NewSource("src-2", "Ad server") with { WriteKey = "wk_src-1" }, Ct));

        Assert.Equal("src-1", (await Store.Sources.FindByWriteKeyAsync("wk_src-1", Ct))?.Id);
        Assert.Null(await Store.Sources.FindAsync("src-2", Ct));
    }

    [Fact]
    public async Task Listing_sources_returns_every_source()
    {
        var sources = new[] { NewSource("src-1", "Web shop"), NewSource("src-2", "Ad server", team: "retail media") };
        foreach (var s in sources) await Store.Sources.AddAsync(s, Ct);

        var listed = await Store.Sources.ListAsync(Ct);

        Assert.Equal(sources, listed.OrderBy(s => s.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_source_can_be_disabled_and_enabled_again()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);

        Assert.True(await Store.Sources.SetEnabledAsync("src-1", false, Ct));
        Assert.False((await Store.Sources.FindAsync("src-1", Ct))!.Enabled);

        Assert.True(await Store.Sources.SetEnabledAsync("src-1", true, Ct));
        Assert.True((await Store.Sources.FindAsync("src-1", Ct))!.Enabled);
    }

    [Fact]
    public async Task Enabling_an_unknown_source_returns_false()
    {
        await Store.Sources.AddAsync(NewSource("src-1", "Web shop"), Ct);

        Assert.False(await Store.Sources.SetEnabledAsync("src-unknown", true, Ct));
        Assert.Single(await Store.Sources.ListAsync(Ct));
    }
}
