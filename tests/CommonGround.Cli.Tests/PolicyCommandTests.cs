using System.Text.Json;
using CommonGround.Campaigns;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Storage;
using CommonGround.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>policy show, validate and simulate: the policy in words, a file checked, and the what-if simulator over a store.</summary>
public abstract class PolicyCommandTests(string provider) : IAsyncLifetime
{
    static readonly DateTimeOffset May4 = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);
    TestStore _store = null!;
    readonly string _folder = Directory.CreateTempSubdirectory("cg-policy-").FullName;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// 40 people; on Tuesday 5 May each gets 3 on-site ads (retail media, 08:00, 12:00, 16:00), a
    /// letter (loyalty, 09:00) and a web personalisation (web, always-on): 5 messages that day.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        _store = await TestStores.CreateAsync(provider, Ct);
        var ads = RecurringSchedule.TryCreate("0 8,12,16 * * TUE", "UTC", May4, null, "schedule", new List<FieldError>())!;
        Campaign[] campaigns =
        [
            Campaign("c-ads", "retail media", Channel.OnSiteAd, CampaignCategory.Advertising, ads, 40, 0.30m),
            Campaign("c-letter", "loyalty", Channel.DirectMail, CampaignCategory.Marketing, new OneOffSchedule(May4.AddDays(1).AddHours(9)), 80, 2.50m),
            Campaign("c-web", "web", Channel.WebPersonalisation, CampaignCategory.Marketing, new AlwaysOnSchedule(May4.AddDays(1), May4.AddDays(2)), 60, 0.10m),
        ];
        foreach (var c in campaigns)
        {
            await _store.Store.Campaigns.AddAsync(c, Ct);
            await _store.Store.Campaigns.SetTargetsAsync(c.Id,
                Enumerable.Range(1, 40).Select(p => new CampaignTarget(new ProfileId(p), "h-" + p, false, false)), Ct);
        }
        await _store.CloseAsync();
    }

    static Campaign Campaign(string id, string team, Channel channel, CampaignCategory category, Schedule schedule, int priority, decimal value) => new()
    {
        Id = id, Name = "Campaign " + id, Team = team, Channel = channel, Category = category, Schedule = schedule, Priority = priority,
        ExpectedValue = value, HoldoutShare = 0, HoldoutSalt = id, Status = CampaignStatus.Live,
        CreatedBy = "test", CreatedAt = May4, UpdatedBy = "test", UpdatedAt = May4,
    };

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.RunAsync(_store.Options, args);

    string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Simulate_prints_how_many_customers_get_5_or_more_a_day_without_the_policy_and_with_it()
    {
        var (exit, output, _) = await Run("policy", "simulate", "--from", "2026-05-04");

        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.Equal(ExitCodes.Ok, exit);
        var text = System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");
        Assert.Contains("40 customers would get 5 or more messages in a day without the policy; none do with it.", text);
        Assert.Contains("Messages per customer per day", output);
        Assert.Contains("Held back per team", output);
        Assert.Contains("retail media", output);
        Assert.Contains("Tue 5 May", output);
    }

    [Fact]
    public async Task Simulate_as_json_gives_the_histograms_with_and_without_the_policy()
    {
        var (exit, output, _) = await Run("policy", "simulate", "--from", "2026-05-04", "--days", "7", "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(output);
        var report = json.RootElement.GetProperty("report");
        var perCustomer = report.GetProperty("perCustomer");
        // 40 customers x 7 days: 6 quiet days each, and Tuesday with 5 planned.
        Assert.Equal([240, 0, 0, 0, 0, 40], perCustomer.GetProperty("without").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(5, perCustomer.GetProperty("maxWithout").GetInt32());
        Assert.Equal(40, perCustomer.GetProperty("heavyWithout").GetInt64());
        Assert.Equal(0, perCustomer.GetProperty("heavyWith").GetInt64());
        // The starter policy: 3 a day, 1 a day from any one team -> the letter, the personalisation and one ad.
        Assert.Equal(3, perCustomer.GetProperty("maxWith").GetInt32());
        Assert.Equal(80, report.GetProperty("heldBack").GetInt64());
        var teams = report.GetProperty("teams").EnumerateArray().ToDictionary(t => t.GetProperty("team").GetString()!, t => t);
        Assert.Equal(80, teams["retail media"].GetProperty("heldBack").GetInt64());
        Assert.Equal(40, teams["retail media"].GetProperty("customers").GetInt64());
        Assert.Equal(24.0m, teams["retail media"].GetProperty("value").GetDecimal());
        Assert.Equal(0, teams["loyalty"].GetProperty("heldBack").GetInt64());
        Assert.Equal("2026-05-05", report.GetProperty("worstDays")[0].GetProperty("day").GetString());
    }

    [Fact]
    public async Task Simulate_with_a_policy_file_uses_that_policy()
    {
        var policy = File("one-a-day.json", """{ "caps": [ { "scope": "allMarketing", "level": "customer", "window": "day", "limit": 1 } ] }""");

        var (exit, output, _) = await Run("policy", "simulate", "--from", "2026-05-04", "--policy", policy, "--json");

        Assert.Equal(ExitCodes.Ok, exit);
        using var json = JsonDocument.Parse(output);
        var report = json.RootElement.GetProperty("report");
        Assert.Equal(1, report.GetProperty("perCustomer").GetProperty("maxWith").GetInt32());
        Assert.Equal(40, report.GetProperty("kept").GetInt64());
        Assert.Equal(0, report.GetProperty("policyVersion").GetInt32());
    }

    [Fact]
    public async Task Simulate_refuses_an_invalid_policy_file_and_a_bad_window_with_exit_2()
    {
        var policy = File("bad.json", """{ "caps": [ { "window": "day", "limit": 0 } ] }""");

        var (exit, _, error) = await Run("policy", "simulate", "--from", "2026-05-04", "--policy", policy);
        var (daysExit, _, daysError) = await Run("policy", "simulate", "--from", "2026-05-04", "--days", "90");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("caps[0].limit", error);
        Assert.Equal(ExitCodes.BadInput, daysExit);
        Assert.Contains("--days must be between 1 and 31", daysError);
    }

    [Fact]
    public async Task Show_and_simulate_use_the_version_in_force_in_the_store()
    {
        await _store.ReopenAsync(Ct);
        var stricter = new ContactPolicyDefinition
        {
            Caps = [new ContactCap { Scope = CapScope.AllMarketing, Level = CapLevel.Customer, Window = CapWindow.Day, Limit = 2 }],
        };
        await _store.Store.ContactPolicy.AddPolicyVersionAsync(new PolicyVersion(1, "ops lead", May4, stricter, "two a day"), Ct);
        await _store.CloseAsync();

        var (exit, output, _) = await Run("policy", "show");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("the policy in force (changed by ops lead", output);
        Assert.Contains("At most 2 marketing messages a day across teams.", output);

        var (_, json, _) = await Run("policy", "simulate", "--from", "2026-05-04", "--days", "7", "--json");
        using var report = JsonDocument.Parse(json);
        var perCustomer = report.RootElement.GetProperty("report").GetProperty("perCustomer");
        Assert.Contains("the policy in force", report.RootElement.GetProperty("policy").GetString());
        Assert.Equal(2, perCustomer.GetProperty("maxWith").GetInt32());
        Assert.Equal(0, perCustomer.GetProperty("with").EnumerateArray().Skip(3).Sum(d => d.GetInt64()));
    }
}

public sealed class DuckDbPolicyCommandTests() : PolicyCommandTests(StoreOptions.DuckDb);

public sealed class PostgresPolicyCommandTests() : PolicyCommandTests(StoreOptions.Postgres);

/// <summary>policy show and validate need no store.</summary>
public sealed class PolicyFileCommandTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("cg-policy-").FullName;
    readonly Storage.StoreOptions _options;

    public PolicyFileCommandTests() => _options = new Storage.StoreOptions { DataDirectory = Path.Combine(_folder, "data") };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    string File(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Show_says_the_starter_policy_in_plain_words()
    {
        var (exit, output, _) = await CliRunner.RunAsync(_options, "policy", "show");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("At most 3 marketing messages a day across teams.", output);
        Assert.Contains("At most 1 marketing message a day from any one team.", output);
        Assert.Contains("No SMS messages from 21:00 to 08:00", output);
    }

    [Fact]
    public async Task Show_as_json_prints_a_policy_that_validates()
    {
        var (_, json, _) = await CliRunner.RunAsync(_options, "policy", "show", "--json");
        var path = File("starter.json", json);

        var (exit, output, _) = await CliRunner.RunAsync(_options, "policy", "validate", path);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("starter.json is a valid contact policy.", output);
        Assert.Equal(3, ContactPolicyJson.Deserialize(json).Caps[0].Limit);
    }

    [Fact]
    public async Task Validate_lists_every_problem_with_its_json_path_and_exits_2()
    {
        var path = File("bad.json", """{ "caps": [ { "window": "day", "limit": 0 } ], "defaultTimeZone": "Mars/Olympus" }""");

        var (exit, _, error) = await CliRunner.RunAsync(_options, "policy", "validate", path);
        var (jsonExit, json, _) = await CliRunner.RunAsync(_options, "policy", "validate", path, "--json");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("caps[0].limit: is 0", error);
        Assert.Contains("defaultTimeZone", error);
        Assert.Equal(ExitCodes.BadInput, jsonExit);
        using var doc = JsonDocument.Parse(json);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("problems").EnumerateArray(), p => p.GetProperty("path").GetString() == "caps[0].limit");
    }

    [Fact]
    public async Task Validate_names_the_place_of_unreadable_json_and_a_missing_file()
    {
        var path = File("weekly.json", """{ "caps": [ { "window": "weekly", "limit": 2 } ] }""");

        var (exit, _, error) = await CliRunner.RunAsync(_options, "policy", "validate", path);
        var (missingExit, _, missing) = await CliRunner.RunAsync(_options, "policy", "validate", Path.Combine(_folder, "none.json"));

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("caps[0].window: 'weekly' is not a window", error);
        Assert.Equal(ExitCodes.BadInput, missingExit);
        Assert.Contains("There is no file", missing);
    }
}
