using CommonGround.Access;

namespace CommonGround.Storage.Tests;

public abstract partial class StoreConformanceTests
{
    protected static ApiKey NewApiKey(string id, ApiKeyRole role = ApiKeyRole.Admin, string? team = null) => new()
    {
        Id = id,
        SecretHash = "sha256-of-" + id,
        Role = role,
        Team = team,
        Name = "Key " + id,
        CreatedAt = T0,
    };

    [Fact]
    public async Task An_api_key_is_found_by_its_secret_hash()
    {
        var key = NewApiKey("key-1", ApiKeyRole.Team, team: "ecommerce");

        await Store.ApiKeys.AddAsync(key, Ct);

        Assert.Equal(key, await Store.ApiKeys.FindBySecretHashAsync("sha256-of-key-1", Ct));
    }

    [Fact]
    public async Task An_unknown_secret_hash_finds_no_key()
    {
        await Store.ApiKeys.AddAsync(NewApiKey("key-1"), Ct);

        Assert.Null(await Store.ApiKeys.FindBySecretHashAsync("sha256-of-key-2", Ct));
    }

    [Fact]
    public async Task Listing_api_keys_returns_every_key_with_its_role()
    {
        var keys = new[]
        {
            NewApiKey("key-1", ApiKeyRole.Admin) with { Name = null },
            NewApiKey("key-2", ApiKeyRole.Team, team: "retail media"),
        };
        foreach (var k in keys) await Store.ApiKeys.AddAsync(k, Ct);

        var listed = await Store.ApiKeys.ListAsync(Ct);

        Assert.Equal(keys, listed.OrderBy(k => k.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Revoking_an_active_key_records_when()
    {
        await Store.ApiKeys.AddAsync(NewApiKey("key-1"), Ct);
        await Store.ApiKeys.AddAsync(NewApiKey("key-2"), Ct);

        Assert.True(await Store.ApiKeys.RevokeAsync("key-1", T0.AddDays(1), Ct));

        var listed = (await Store.ApiKeys.ListAsync(Ct)).ToDictionary(k => k.Id);
        Assert.Equal(T0.AddDays(1), listed["key-1"].RevokedAt);
        Assert.False(listed["key-1"].IsActive);
        Assert.True(listed["key-2"].IsActive);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_returns_false()
    {
        await Store.ApiKeys.AddAsync(NewApiKey("key-1"), Ct);

        Assert.False(await Store.ApiKeys.RevokeAsync("key-unknown", T0, Ct));
        Assert.True(Assert.Single(await Store.ApiKeys.ListAsync(Ct)).IsActive);
    }

    [Fact]
    public async Task Revoking_a_revoked_key_again_returns_false_and_keeps_the_first_time()
    {
        await Store.ApiKeys.AddAsync(NewApiKey("key-1"), Ct);
        await Store.ApiKeys.RevokeAsync("key-1", T0.AddDays(1), Ct);

        Assert.False(await Store.ApiKeys.RevokeAsync("key-1", T0.AddDays(2), Ct));
        Assert.Equal(T0.AddDays(1), Assert.Single(await Store.ApiKeys.ListAsync(Ct)).RevokedAt);
    }
}
