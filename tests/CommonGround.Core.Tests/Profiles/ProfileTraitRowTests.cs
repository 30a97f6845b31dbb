using CommonGround.Events;
using CommonGround.Identity;
using CommonGround.Profiles;

namespace CommonGround.Core.Tests.Profiles;

public class ProfileTraitRowTests
{
    static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    static ProfileRecord Record(string city, string? traits) =>
        new("src-crm", "CRM", "loyalty", "c-1", "ann@example.com", null, "Ann", "Lee", null, null, city, "GB", null, T0, traits);

    [Fact]
    public void Custom_traits_take_records_in_order_then_identify_calls_the_later_value_winning()
    {
        var traits = ProfileFacts.CustomTraits(
            [Record("Leeds", """{"loyalty_tier":"silver","points":10}"""), Record("London", """{"loyalty_tier":"gold"}""")],
            ["""{"points":20,"address":{"city":"York"}}""", "not json", """{"loyalty_tier":null}"""]);

        Assert.Equal(
            """{"email":"ann@example.com","first_name":"Ann","last_name":"Lee","city":"London","country":"GB","loyalty_tier":null,"points":20,"address":{"city":"York"}}""",
            traits);
        Assert.Null(ProfileFacts.CustomTraits([], []));
    }

    [Fact]
    public void A_row_has_the_profile_pages_traits_the_newest_household_and_the_first_email()
    {
        var row = ProfileTraitRow.Build(new ProfileId(7),
            [new EventFact(EventType.Page, "Home", T0, "src-web", null), new EventFact(EventType.Track, "Email Opened", T0.AddDays(1), "src-web", null)],
            [], [], [(Record("London", null), "h_1"), (Record("London", null), null), (Record("Leeds", null), "h_2")],
            [new Identifier("email", "b@example.com"), new Identifier("email", "a@example.com")]);

        Assert.Equal("h_2", row.HouseholdId);
        Assert.Equal("a@example.com", row.Email);
        Assert.Equal("Ann Lee", row.DisplayName);
        Assert.Equal(2, row.Traits.EventCount);
        Assert.Equal(",email,web,", row.ChannelList);
    }
}
