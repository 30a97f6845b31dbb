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

    [Fact]
    public void The_time_zone_is_the_newest_events_known_zone_else_the_newest_records()
    {
        EventFact Opened(int day, string? zone) => new(EventType.Track, "App Opened", T0.AddDays(day), "src-app", null, zone);
        static ProfileTraits Traits(IReadOnlyList<EventFact> events, params ProfileRecord[] records) =>
            ProfileFacts.Traits(events, [], records, new Dictionary<string, Sources.Source>());

        Assert.Equal("America/New_York", Traits([Opened(1, "Europe/Paris"), Opened(3, "America/New_York"), Opened(2, "Asia/Tokyo")]).TimeZone);
        Assert.Equal("Europe/Paris", Traits([Opened(1, "Europe/Paris"), Opened(2, "Mars/Olympus_Mons"), Opened(3, null)]).TimeZone);
        Assert.Equal("Europe/London", Traits([Opened(1, null)], Record("London", """{"time_zone":"Europe/London"}""")).TimeZone);
        Assert.Equal("Asia/Tokyo", Traits([Opened(1, "Asia/Tokyo")], Record("London", """{"timezone":"Europe/London"}""")).TimeZone);
        Assert.Null(Traits([], Record("London", """{"timezone":"somewhere"}""")).TimeZone);
    }

    [Theory]
    [InlineData("Europe/Brussels", "Europe/Brussels")]
    [InlineData(" America/Sao_Paulo ", "America/Sao_Paulo")]
    [InlineData("W. Europe Standard Time", null)]
    [InlineData("Europe/Brusels", null)]
    [InlineData("", null)]
    [InlineData("+02:00", null)]
    public void Time_zones_are_known_by_their_iana_id_and_nothing_else(string name, string? expected) =>
        Assert.Equal(expected, TimeZones.Known(name));
}
