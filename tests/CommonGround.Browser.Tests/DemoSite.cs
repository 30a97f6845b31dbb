using CommonGround.Access;
using CommonGround.Cli.Demo;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Testing;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(CommonGround.Browser.Tests.DemoSite))]

namespace CommonGround.Browser.Tests;

/// <summary>
/// One real server for every browser test: the demo workspace (a few hundred made-up customers of the
/// demo retailer, with every team's events) in a DuckDB store of its own, identities resolved, an admin
/// and a team key. Tests only read it; each opens its own browser context, so no session is shared.
/// </summary>
public sealed class DemoSite : IAsyncLifetime
{
    const int Customers = 300;

    /// <summary>A team that owns no customer data: personal fields of the loyalty team are hidden from it.</summary>
    public const string Team = "retail media";

    readonly SemaphoreSlim _launch = new(1, 1);
    TestStore _store = null!;
    IPlaywright? _playwright;
    IBrowser? _browser;

    public RunningServer Server { get; private set; } = null!;
    public Storage.IStore Store => _store.Store;
    public string AdminKey => Server.AdminKey;
    public string TeamKey { get; private set; } = "";

    /// <summary>A loyalty customer whose profile several teams know, found through the store, not the UI.</summary>
    public Profile Person { get; private set; } = null!;

    /// <summary>The e-mail to search for: the customer record's, as typed into the loyalty system.</summary>
    public string PersonEmail { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        // Interactive pages answer over a connection to a busy test machine: give them time.
        Assertions.SetDefaultExpectTimeout(15_000);
        _store = await TestStores.CreateDuckDbAsync(ct);
        await DemoWorkspace.EnsureAsync(Store, new DemoOptions { Customers = Customers }, null, ct);
        var (key, secret) = Secrets.MintApiKey(ApiKeyRole.Team, Team, "browser tests", DateTimeOffset.UtcNow);
        await Store.ApiKeys.AddAsync(key, ct);
        TeamKey = secret;
        Server = await RunningServer.StartAsync(_store, ct: ct);
        // What the server does in the background, done now, so the pages have profiles from the start.
        await Server.ResolveAsync(ct);
        await DemoCampaigns.TargetAsync(Store, TimeProvider.System, ct);
        (Person, PersonEmail) = await FindPersonAsync(ct);
    }

    /// <summary>The first demo customer whose profile has events from at least three teams and a household.</summary>
    async Task<(Profile, string)> FindPersonAsync(CancellationToken ct)
    {
        var loyalty = (await Store.Sources.FindByNameAsync("loyalty-crm", ct))!;
        for (var i = 0; i < Customers; i++)
        {
            if (await Store.Records.FindCustomerAsync(loyalty.Id, DemoPopulation.CustomerId(i), ct) is not { Email: { } email }) continue;
            if (await Store.Profiles.FindAsync(new Identifier(IdentifierTypes.Email, email.ToLowerInvariant()), ct) is not { } id) continue;
            if (await Store.Profiles.GetAsync(id, ct) is { Household: not null } profile && profile.Traits.Teams.Count(t => t.Events > 0) >= 3)
                return (profile, email);
        }
        throw new InvalidOperationException("No demo customer is known to three teams: the demo generator or identity resolution changed.");
    }

    /// <summary>Debian's chromium, started once for all tests (a skip, or a failure in CI, when it is missing).</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        var executable = Chromium.Executable();
        await _launch.WaitAsync();
        try
        {
            _playwright ??= await Playwright.CreateAsync();
            return _browser ??= await Chromium.LaunchAsync(_playwright, executable);
        }
        finally
        {
            _launch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
        _launch.Dispose();
    }
}
