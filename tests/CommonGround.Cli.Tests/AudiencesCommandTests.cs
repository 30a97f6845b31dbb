using System.Text.Json;
using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>audiences explain and preview: a rule read from the command line, counted in the store.</summary>
public abstract class AudiencesCommandTests(string provider) : IAsyncLifetime
{
    TestStore _store = null!;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _store = await TestStores.CreateAsync(provider, Ct);
        await _store.Store.Events.AppendAsync(
        [
            new TrackedEvent
            {
                SourceId = "src-web", MessageId = "m-1", Type = EventType.Identify, UserId = "u-1",
                Traits = """{"email":"ann@example.com","loyalty_tier":"gold"}""",
                Timestamp = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow,
            },
        ], Ct);
        await new IdentityResolver(_store.Store, new IdentityOptions(), new HouseholdOptions(), TimeProvider.System).CatchUpAsync(null, Ct);
        await _store.CloseAsync();
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.RunAsync(_store.Options, args);

    [Fact]
    public async Task Explain_prints_plain_english_and_the_sql_with_its_parameters()
    {
        var (exit, output, _) = await Run("audiences", "explain", "--text", "loyalty_tier = \"gold\"", "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(output);
        Assert.StartsWith("People whose loyalty tier", json.RootElement.GetProperty("explanation").GetString());
        Assert.DoesNotContain("gold", json.RootElement.GetProperty("sql").GetString());
        Assert.Contains(json.RootElement.GetProperty("parameters").EnumerateArray(), p => p.ValueKind == JsonValueKind.String && p.GetString() == "gold");
    }

    [Fact]
    public async Task Preview_counts_the_people_in_the_store()
    {
        var (exit, output, _) = await Run("audiences", "preview", "--text", "loyalty_tier = \"gold\" and has email");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("1 people in 0 households", output, StringComparison.Ordinal);
        Assert.Contains("ann@example.com", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_that_cannot_be_read_says_where_with_exit_2()
    {
        var (exit, _, error) = await Run("audiences", "preview", "--text", "city contians \"x\"");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("Did you mean 'contains'? (line 1, column 6)", error, StringComparison.Ordinal);
    }
}

public sealed class DuckDbAudiencesCommandTests() : AudiencesCommandTests(StoreOptions.DuckDb);

public sealed class PostgresAudiencesCommandTests() : AudiencesCommandTests(StoreOptions.Postgres);
