using System.Text.Json;
using CommonGround.Access;
using CommonGround.Catalog;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>keys, sources and catalog: what an operator types, on each provider.</summary>
public abstract class AdminCommandsTests(string provider) : IAsyncLifetime
{
    TestStore _store = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await TestStores.CreateAsync(provider, Ct);
        await _store.CloseAsync();
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.RunAsync(_store.Options, args);

    [Fact]
    public async Task Keys_create_prints_a_secret_that_the_store_knows_by_its_hash()
    {
        var (exit, output, _) = await Run("keys", "create", "--role", "team", "--team", "retail media", "--json");
        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(output);
        var secret = json.RootElement.GetProperty("secret").GetString()!;
        await _store.ReopenAsync(Ct);
        var key = await _store.Store.ApiKeys.FindBySecretHashAsync(Secrets.Hash(secret), Ct);
        Assert.Equal((ApiKeyRole.Team, "retail media"), (key!.Role, key.Team));
        Assert.DoesNotContain(secret, (await _store.Store.ApiKeys.ListAsync(Ct)).Select(k => k.SecretHash));
    }

    [Fact]
    public async Task A_team_key_without_a_team_is_refused_with_exit_2()
    {
        var (exit, _, error) = await Run("keys", "create", "--role", "team");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--team", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_role_is_a_usage_error()
    {
        var (exit, _, error) = await Run("keys", "create", "--role", "owner");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("owner", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_revoke_of_an_unknown_key_says_so_with_exit_2()
    {
        var (exit, _, error) = await Run("keys", "revoke", "nope");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("keys list", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_add_prints_the_write_key_and_a_taken_name_fails()
    {
        var (exit, output, _) = await Run("sources", "add", "--team", "web", "--name", "web-shop", "--json");
        Assert.Equal(ExitCodes.Ok, exit);
        var writeKey = JsonDocument.Parse(output).RootElement.GetProperty("writeKey").GetString()!;

        var (again, _, error) = await Run("sources", "add", "--team", "web", "--name", "web-shop");
        Assert.Equal(ExitCodes.Failed, again);
        Assert.Contains("web-shop", error, StringComparison.Ordinal);

        await _store.ReopenAsync(Ct);
        var source = await _store.Store.Sources.FindByWriteKeyAsync(writeKey, Ct);
        Assert.Equal(("web-shop", "web", true), (source!.Name, source.Team, source.Enabled));
    }

    [Fact]
    public async Task Sources_disable_by_name_turns_the_source_off()
    {
        await Run("sources", "add", "--team", "social", "--name", "ads-pixel");
        var (exit, _, _) = await Run("sources", "disable", "ads-pixel");
        Assert.Equal(ExitCodes.Ok, exit);
        await _store.ReopenAsync(Ct);
        Assert.False((await _store.Store.Sources.FindByNameAsync("ads-pixel", Ct))!.Enabled);
    }

    [Fact]
    public async Task Sources_disable_of_an_unknown_source_lists_the_known_ones()
    {
        await Run("sources", "add", "--team", "social", "--name", "ads-pixel");
        var (exit, _, error) = await Run("sources", "disable", "nope");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("ads-pixel", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_set_declares_a_field_and_list_shows_it()
    {
        await _store.ReopenAsync(Ct);
        var key = new CatalogFieldKey(DataType.Profile, "identify", "traits.favourite_colour");
        await _store.Store.Catalog.ObserveAsync([new CatalogObservation(key, "string", "web", false, 3, DateTimeOffset.UtcNow)], Ct);
        await _store.CloseAsync();

        var (exit, _, _) = await Run("catalog", "set", "--type", "profile", "--dataset", "identify", "--field", "traits.favourite_colour",
            "--personal", "true", "--owner", "loyalty marketing");
        Assert.Equal(ExitCodes.Ok, exit);

        var (_, output, _) = await Run("catalog", "list", "--type", "profile", "--json");
        var field = Assert.Single(JsonDocument.Parse(output).RootElement.EnumerateArray());
        Assert.True(field.GetProperty("personal").GetBoolean());
        Assert.True(field.GetProperty("declared").GetBoolean());
        Assert.Equal("loyalty marketing", field.GetProperty("ownerTeam").GetString());
    }

    [Fact]
    public async Task Catalog_set_of_an_unknown_field_exits_2()
    {
        var (exit, _, error) = await Run("catalog", "set", "--type", "profile", "--dataset", "identify", "--field", "traits.x", "--personal", "true");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("catalog list", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_list_refuses_an_unknown_data_type()
    {
        var (exit, _, error) = await Run("catalog", "list", "--type", "gossip");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("behavioural", error, StringComparison.Ordinal);
    }
}

public sealed class DuckDbAdminCommandsTests() : AdminCommandsTests(StoreOptions.DuckDb);

public sealed class PostgresAdminCommandsTests() : AdminCommandsTests(StoreOptions.Postgres);

public sealed class CliBehaviourTests
{
    [Fact]
    public async Task Help_teaches_with_examples()
    {
        var (exit, output, _) = await CliRunner.RunAsync(new StoreOptions(), "sources", "add", "--help");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("Example", output, StringComparison.Ordinal);
        Assert.Contains("--team", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_held_by_a_running_server_is_a_clear_error_with_exit_3()
    {
        await using var store = await TestStores.CreateDuckDbAsync(TestContext.Current.CancellationToken);
        await store.CloseAsync();
        await using var server = await ServerProcess.StartAsync(store.Options, "held-store-admin-key-123", TestContext.Current.CancellationToken);

        var (exit, _, error) = await CliRunner.RunAsync(store.Options, "sources", "list");

        Assert.Equal(ExitCodes.StoreUnavailable, exit);
        Assert.Contains("in use by another process", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync(new StoreOptions(), "frobnicate");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }
}
