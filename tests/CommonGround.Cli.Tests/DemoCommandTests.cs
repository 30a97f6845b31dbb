using CommonGround.Access;
using CommonGround.Catalog;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Cli.Demo;
using CommonGround.Records;
using CommonGround.Sources;
using CommonGround.Storage;
using CommonGround.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>
/// The demo workspace, generated (not served) into each provider's store with a few hundred customers:
/// what a first-time user sees must be there, and identity resolution must find work in it.
/// </summary>
public sealed class DemoCommandTests
{
    const int Customers = 500;
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static DemoOptions Options(int householdsPerBatch = 2_000) => new()
    {
        Customers = Customers,
        Time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero)),
        HouseholdsPerBatch = householdsPerBatch,
    };

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Creates_one_source_per_team_and_the_requested_customers(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);

        var result = await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct);

        Assert.True(result.Created);
        var sources = await test.Store.Sources.ListAsync(Ct);
        Assert.Equal(
            [("ad-server", "retail media"), ("call-center", "telemarketing"), ("loyalty-crm", "loyalty marketing"),
             ("social-ads", "social"), ("web-shop", "web")],
            sources.Select(s => (s.Name, s.Team)).Order());
        var loyalty = sources.Single(s => s.Name == "loyalty-crm");
        Assert.Equal(Customers, await test.Store.Records.CountCustomersAsync(loyalty.Id, Ct));
        Assert.Equal(Customers, await test.Store.Records.CountCustomersAsync(null, Ct));
        Assert.Equal(Customers, result.Customers);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Every_team_source_has_events_and_the_loyalty_source_has_a_year_of_orders(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);

        var result = await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct);

        foreach (var source in await test.Store.Sources.ListAsync(Ct))
            Assert.True(await test.Store.Events.CountAsync(source.Id, Ct) > 0, $"{source.Name} has no events");
        Assert.True(result.Orders > Customers, $"only {result.Orders} orders");
        var loyalty = await test.Store.Sources.FindByNameAsync("loyalty-crm", Ct);
        Assert.Equal(result.Orders, await test.Store.Records.CountOrdersAsync(loyalty!.Id, Ct));
        Assert.Equal(result.Sources.Sum(s => s.Events), await test.Store.Events.CountAsync(null, Ct));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task The_catalog_has_every_data_type_with_owners_and_personal_fields_flagged(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);

        await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct);

        var fields = await test.Store.Catalog.ListAsync(null, Ct);
        CatalogField Field(DataType type, string dataset, string field) =>
            Assert.Single(fields, f => f.Key == new CatalogFieldKey(type, dataset, field));
        Assert.Equal(Enum.GetValues<DataType>().Order(), fields.Select(f => f.Key.DataType).Distinct().Order());

        Assert.True(Field(DataType.Profile, "identify", "traits.email").Personal);
        Assert.True(Field(DataType.Profile, "customers", "email").Personal);
        Assert.True(Field(DataType.Profile, "customers", "address_line").Personal);
        Assert.True(Field(DataType.Behavioural, "Call Completed", "properties.phone_number").Personal);
        Assert.True(Field(DataType.Behavioural, "page", "context.ip").Personal);
        Assert.False(Field(DataType.Transactional, "orders", "total").Personal);
        Assert.False(Field(DataType.Behavioural, "Ad Impression", "properties.sponsor_brand").Personal);

        Assert.Equal("loyalty marketing", Field(DataType.Profile, "customers", "email").OwnerTeam);
        Assert.Equal("loyalty marketing", Field(DataType.Transactional, "orders", "status").OwnerTeam);
        Assert.Equal("retail media", Field(DataType.Behavioural, "Ad Clicked", "properties.placement").OwnerTeam);
        Assert.Equal("social", Field(DataType.Behavioural, "Social Ad Clicked", "properties.platform").OwnerTeam);
        Assert.Equal("web", Field(DataType.Transactional, "Order Completed", "properties.order_id").OwnerTeam);
        Assert.Equal("telemarketing", Field(DataType.Behavioural, "Call Completed", "properties.outcome").OwnerTeam);
        Assert.Equal("loyalty marketing", Field(DataType.Consent, "Consent Updated", "properties.channel").OwnerTeam);
        Assert.True(Field(DataType.Profile, "group", "traits.industry").SeenCount > 0);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Customers_share_emails_phones_and_addresses_so_identity_resolution_has_work(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct);
        var loyalty = (await test.Store.Sources.FindByNameAsync("loyalty-crm", Ct))!;

        var customers = new List<CustomerRecord>();
        for (var i = 0; i < Customers; i++)
            customers.Add((await test.Store.Records.FindCustomerAsync(loyalty.Id, DemoPopulation.CustomerId(i), Ct))!);

        static int Shared<T>(IEnumerable<T> keys, IEqualityComparer<T>? comparer = null) =>
            keys.GroupBy(k => k, comparer).Count(g => g.Count() > 1);
        var exactEmails = Shared(customers.Select(c => c.Email!), StringComparer.Ordinal);
        var emailsIgnoringCase = Shared(customers.Select(c => c.Email!), StringComparer.OrdinalIgnoreCase);
        Assert.True(exactEmails > 0, "no household shares an e-mail");
        Assert.True(emailsIgnoringCase > exactEmails, "no e-mail differs from another only by case");
        Assert.True(Shared(customers.Where(c => c.Phone is not null).Select(c => c.Phone!)) > 0, "no shared phone");
        Assert.True(Shared(customers.Select(c => (c.AddressLine, c.PostalCode))) > Customers / 10, "too few shared addresses");
        // Most e-mails are still a person's own.
        Assert.True(customers.Select(c => c.Email!.ToLowerInvariant()).Distinct().Count() > Customers * 0.85);
        Assert.Contains(customers, c => c.Company is not null && !c.Email!.Contains("gmail", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Resolution_merges_duplicates_forms_households_and_businesses_and_stitches_web_visits(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct);
        var resolver = new IdentityResolver(test.Store, new IdentityOptions { DefaultPhoneRegion = "GB" }, new HouseholdOptions(), TimeProvider.System);

        await resolver.CatchUpAsync(null, Ct);

        var overview = await test.Store.Profiles.OverviewAsync(Ct);
        var loyalty = (await test.Store.Sources.FindByNameAsync("loyalty-crm", Ct))!;
        // Sign-ups made twice (typo'd or re-cased e-mail, same phone) merge into one person.
        var merged = 0;
        var stitched = 0;
        for (var i = 0; i < Customers; i++)
        {
            var id = await test.Store.Profiles.FindAsync(new Identifier("externalId", loyalty.Id + ":" + DemoPopulation.CustomerId(i)), Ct);
            var profile = await test.Store.Profiles.GetAsync(id!.Value, Ct);
            if (profile!.Records.Count > 1) merged++;
            if (profile.Identifiers.Any(x => x.Type == "anonymousId")) stitched++;
        }
        Assert.True(merged > 0, "no duplicate customer merged");
        Assert.True(stitched > Customers / 4, $"only {stitched} customers have their web visits stitched");
        Assert.InRange(overview.Households, Customers / 5, Customers - 1);
        Assert.True(overview.Businesses > 0, "no business formed");
    }

    /// <summary>The demo workspace with its people resolved, as the demo command serves it.</summary>
    static async Task ResolvedDemoAsync(IStore store, DemoOptions options)
    {
        await DemoWorkspace.EnsureAsync(store, options, null, Ct);
        await new IdentityResolver(store, new IdentityOptions { DefaultPhoneRegion = "GB" }, new HouseholdOptions(), TimeProvider.System)
            .CatchUpAsync(null, Ct);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Every_team_has_audiences_the_catalog_knows_and_each_reaches_people(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        var options = Options();
        await ResolvedDemoAsync(test.Store, options);

        var audiences = await test.Store.Audiences.ListAsync(Ct);

        Assert.Equal(DemoAudiences.All.Count, audiences.Count);
        Assert.Equal(DemoWorkspace.SourceNames.Select(s => s.Team).Order(), audiences.Select(a => a.Team!).Distinct().Order());
        var catalog = await test.Store.Catalog.ListAsync(null, Ct);
        foreach (var audience in audiences)
        {
            Assert.Empty(Audiences.AudienceValidator.Validate(audience.Definition, catalog, Audiences.AudienceValidator.ComputedTraits,
                [.. audiences.Select(a => a.Name)]));
            var preview = await test.Store.Audiences.PreviewAsync(audience.Definition, options.Time.GetUtcNow(), 0, Ct);
            Assert.True(preview.Size > 0, $"\"{audience.Name}\" reaches nobody");
        }
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Every_team_has_campaigns_on_the_calendar_this_week_and_some_reach_the_same_people(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        var options = Options();
        await ResolvedDemoAsync(test.Store, options);

        await DemoCampaigns.TargetAsync(test.Store, options.Time, Ct);

        var campaigns = await test.Store.Campaigns.ListAsync(new Campaigns.CampaignQuery(), Ct);
        Assert.Equal(DemoCampaigns.All.Count, campaigns.Count);
        Assert.Equal(DemoWorkspace.SourceNames.Select(s => s.Team).Order(), campaigns.Select(c => c.Team).Distinct().Order());
        var now = options.Time.GetUtcNow();
        var week = await test.Store.Campaigns.OverlapAsync(now.AddDays(-7), now.AddDays(7), Ct);
        Assert.True(week.Campaigns.Count >= 5, $"only {week.Campaigns.Count} campaigns are active around now");
        Assert.All(week.Campaigns, c => Assert.True(c.Customers > 0, $"{c.Campaign.Name} contacts nobody"));
        Assert.Contains(week.Pairs, p => p.Customers > 0);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task Running_it_again_creates_nothing_new(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        var first = await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct);
        var catalog = await test.Store.Catalog.ListAsync(null, Ct);
        var keys = await test.Store.ApiKeys.ListAsync(Ct);

        var second = await DemoWorkspace.EnsureAsync(test.Store, Options() with { Customers = 900 }, null, Ct);

        Assert.False(second.Created);
        Assert.Null(second.AdminKey);
        Assert.Equal((first.Customers, first.Orders), (second.Customers, second.Orders));
        Assert.Equal(first.Sources, second.Sources);
        Assert.Equal(catalog.Select(f => (f.Key, f.SeenCount)), (await test.Store.Catalog.ListAsync(null, Ct)).Select(f => (f.Key, f.SeenCount)));
        Assert.Equal(keys.Count, (await test.Store.ApiKeys.ListAsync(Ct)).Count);
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task An_interrupted_run_is_completed_by_the_next_without_duplicates(string provider)
    {
        await using var complete = await TestStores.CreateAsync(provider, Ct);
        await using var interrupted = await TestStores.CreateAsync(provider, Ct);
        var expected = await DemoWorkspace.EnsureAsync(complete.Store, Options(), null, Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            DemoWorkspace.EnsureAsync(interrupted.Store, Options(householdsPerBatch: 40), new Stopper(stop), stop.Token));
        Assert.False(await DemoWorkspace.ExistsAsync(interrupted.Store, Ct));
        var resumed = await DemoWorkspace.EnsureAsync(interrupted.Store, Options(), null, Ct);

        Assert.True(resumed.Created);
        Assert.Equal((expected.Customers, expected.Orders), (resumed.Customers, resumed.Orders));
        Assert.Equal(expected.Sources.Select(s => (s.Source.Name, s.Events)), resumed.Sources.Select(s => (s.Source.Name, s.Events)));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task A_store_with_other_sources_is_refused(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        await test.Store.Sources.AddAsync(new Source
        {
            Id = "real", Name = "crm", Team = "loyalty marketing", WriteKey = Secrets.NewWriteKey(), CreatedAt = DateTimeOffset.UtcNow,
        }, Ct);

        var error = await Assert.ThrowsAsync<CliInputException>(() => DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct));

        Assert.Contains("crm", error.Message, StringComparison.Ordinal);
        Assert.Single(await test.Store.Sources.ListAsync(Ct));
        Assert.Equal(0, await test.Store.Records.CountCustomersAsync(null, Ct));
    }

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task The_key_file_gives_the_same_keys_later_and_a_new_admin_key_when_it_is_lost(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        var folder = Directory.CreateTempSubdirectory("cg-demo-keys-").FullName;
        try
        {
            var path = DemoKeyFile.PathIn(folder);
            var time = TimeProvider.System;
            var created = await DemoKeyFile.EnsureAsync(test.Store, await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct), path, time, Ct);
            var later = await DemoKeyFile.EnsureAsync(test.Store, await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct), path, time, Ct);
            Assert.Equal(created, later);
            Assert.Equal(ApiKeyRole.Admin, (await test.Store.ApiKeys.FindBySecretHashAsync(Secrets.Hash(created.AdminKey), Ct))!.Role);
            Assert.Equal("web", (await test.Store.Sources.FindByWriteKeyAsync(created.WriteKey, Ct))!.Team);
            Assert.Contains("local", await File.ReadAllTextAsync(path, Ct), StringComparison.Ordinal);

            File.Delete(path);
            var reissued = await DemoKeyFile.EnsureAsync(test.Store, await DemoWorkspace.EnsureAsync(test.Store, Options(), null, Ct), path, time, Ct);

            Assert.NotEqual(created.AdminKey, reissued.AdminKey);
            Assert.Equal(created.WriteKey, reissued.WriteKey);
            Assert.True((await test.Store.ApiKeys.FindBySecretHashAsync(Secrets.Hash(reissued.AdminKey), Ct))!.IsActive);
            Assert.True(File.Exists(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Help_explains_the_demo_and_where_its_keys_are_kept()
    {
        var (exit, output, _) = await CliRunner.RunAsync(new StoreOptions(), "demo", "--help");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("demo-workspace.json", output, StringComparison.Ordinal);
        Assert.Contains("local demo", output, StringComparison.Ordinal);
        Assert.Contains("--customers", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zero_customers_is_a_usage_error()
    {
        var (exit, _, error) = await CliRunner.RunAsync(new StoreOptions(), "demo", "--customers", "0");
        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--customers", error, StringComparison.Ordinal);
    }

    /// <summary>Cancels the run once the first batch is stored, as Ctrl+C would.</summary>
    sealed class Stopper(CancellationTokenSource stop) : IProgress<DemoProgress>
    {
        public void Report(DemoProgress value) => stop.Cancel();
    }
}
