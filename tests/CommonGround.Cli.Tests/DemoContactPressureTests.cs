using CommonGround.Cli.Demo;
using CommonGround.ContactPolicy.Simulation;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Testing;
using CommonGround.Web.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>
/// Issue 6's "done when": on the demo workspace, the simulator shows customers who would receive 5 or
/// more messages in a day without the contact policy, and none with the starter policy.
/// </summary>
public sealed class DemoContactPressureTests(ITestOutputHelper output)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreOptions.DuckDb)]
    [InlineData(StoreOptions.Postgres)]
    public async Task The_demos_planned_week_has_customers_with_5_or_more_messages_a_day_without_the_policy_and_none_with_it(string provider)
    {
        await using var test = await TestStores.CreateAsync(provider, Ct);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero));
        var options = new DemoOptions { Customers = 2_000, Time = time };
        await DemoWorkspace.EnsureAsync(test.Store, options, null, Ct);
        await new IdentityResolver(test.Store, new IdentityOptions { DefaultPhoneRegion = "GB" }, new HouseholdOptions { DefaultCountry = "GB" }, time)
            .CatchUpAsync(null, Ct);
        await DemoCampaigns.TargetAsync(test.Store, time, Ct);

        var report = await new ContactSimulator(test.Store.Campaigns, time)
            .RunAsync(ContactPolicyHosting.StarterPolicy, 1, DemoCampaigns.PlannedWeek(time), 7, null, Ct);

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(report, CliJson.Options));
        Assert.True(report.PerCustomer.HeavyWithout > 0, "nobody would get 5 or more messages in a day without the policy");
        Assert.Equal(0, report.PerCustomer.HeavyWith);
        Assert.True(report.PerCustomer.MaxWith <= 3, $"the starter policy caps 3 a day, yet someone gets {report.PerCustomer.MaxWith}");
        Assert.Equal(0, report.PerCustomer.With[5]);
        Assert.True(report.PerCustomer.Without[5] > 0);
        Assert.True(report.Teams.Count(t => t.HeldBack > 0) >= 3, "the policy should hold back messages of several teams");
    }
}
