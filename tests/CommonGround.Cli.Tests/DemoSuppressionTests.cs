using CommonGround.Cli.Demo;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using CommonGround.Testing;
using CommonGround.Web.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CommonGround.Cli.Tests;

/// <summary>The demo workspace's do-not-contact list: a few real demo customers, found through their profiles.</summary>
public sealed class DemoSuppressionTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_demo_puts_a_few_customers_on_the_starter_policys_do_not_contact_list_and_their_profiles_show_it()
    {
        await using var test = await TestStores.CreateAsync(StoreOptions.DuckDb, Ct);
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 14, 9, 30, 0, TimeSpan.Zero));
        await DemoWorkspace.EnsureAsync(test.Store, new DemoOptions { Customers = 300, Time = time }, null, Ct);
        await new IdentityResolver(test.Store, new IdentityOptions { DefaultPhoneRegion = "GB" }, new HouseholdOptions { DefaultCountry = "GB" }, time)
            .CatchUpAsync(null, Ct);

        var members = await test.Store.SuppressionLists.MembersAsync(ContactPolicyHosting.DoNotContact, null, 100, Ct);

        Assert.InRange(members.Count, 4, 5);
        Assert.All(members, m => Assert.Equal(DemoSuppression.Reason, m.Reason));
        var email = members.First(m => m.Identifier.Type == IdentifierTypes.Email).Identifier;
        var profile = await test.Store.Profiles.FindAsync(email, Ct);
        Assert.NotNull(profile);
        Assert.Equal([ContactPolicyHosting.DoNotContact], await test.Store.SuppressionLists.SuppressionListsOfAsync(profile.Value, Ct));
        Assert.Equal(members.Count, await DemoSuppression.AddAsync(test.Store, time, Ct));
        Assert.Equal(members.Count, (await test.Store.SuppressionLists.CountsAsync(Ct)).Single().Members);
    }
}
