using CommonGround.Catalog;
using CommonGround.Identity;
using CommonGround.Profiles;

namespace CommonGround.Core.Tests.Profiles;

public class PersonalDataPolicyTests
{
    static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    static CatalogField Field(DataType type, string dataset, string field, string owner, bool personal, params string[] sharedWith) => new()
    {
        Key = new CatalogFieldKey(type, dataset, field), ValueType = "string", OwnerTeam = owner, Personal = personal,
        FirstSeen = T0, LastSeen = T0, SeenCount = 1, SharedWith = sharedWith,
    };

    static Profile Ann(string? traits = null) => new(
        new ProfileId(1), T0, "Ann Lee",
        [new Identifier("email", "ann@example.com"), new Identifier("anonymousId", "a-1")],
        [new ProfileRecord("s", "crm", "loyalty", "c-1", "ann@example.com", "+447700900123", "Ann", "Lee", "12 High St", "SW1A 1AA", "London", "GB", null, T0, traits)],
        new ProfileTraits(T0, T0, 0, 0, 0, null, [], [], []),
        new HouseholdRef("h_1", "12 High St, London", 2), [], [], []);

    [Fact]
    public void The_owning_team_reads_its_personal_fields_and_another_team_does_not()
    {
        var catalog = new[] { Field(DataType.Profile, "customers", "email", "loyalty", true), Field(DataType.Profile, "customers", "first_name", "loyalty", true) };

        var owner = PersonalDataPolicy.ForTeam("loyalty", catalog).Redact(Ann());
        var other = PersonalDataPolicy.ForTeam("retail media", catalog).Redact(Ann());

        Assert.Equal("ann@example.com", owner.Identifiers[0].Value);
        Assert.Equal(PersonalDataPolicy.Redacted, other.Identifiers[0].Value);
        Assert.Equal(PersonalDataPolicy.Redacted, other.Identifiers[1].Value);
        Assert.Equal(PersonalDataPolicy.Redacted, other.Records[0].Email);
        Assert.Equal(PersonalDataPolicy.Redacted, other.DisplayName);
    }

    [Fact]
    public void A_team_reads_identifiers_of_a_type_it_sends_itself_even_when_another_teams_field_of_it_is_hidden()
    {
        var policy = PersonalDataPolicy.ForTeam("retail media",
        [
            Field(DataType.Behavioural, "Ad Clicked", "anonymousId", "retail media", true),
            Field(DataType.Behavioural, "page", "anonymousId", "web", true),
        ]);

        Assert.True(policy.CanReadIdentifier("anonymousId"));
        Assert.False(policy.CanReadIdentifier("email"));
    }

    [Fact]
    public void Sharing_a_field_with_a_team_or_with_everyone_lets_it_read_the_field()
    {
        var named = PersonalDataPolicy.ForTeam("retail media", [Field(DataType.Profile, "customers", "email", "loyalty", true, "retail media")]);
        var everyone = PersonalDataPolicy.ForTeam("social", [Field(DataType.Profile, "customers", "email", "loyalty", true, "*")]);

        Assert.True(named.CanReadIdentifier("email"));
        Assert.True(everyone.CanReadIdentifier("email"));
    }

    [Fact]
    public void A_personal_looking_identifier_the_catalog_does_not_know_yet_is_hidden_from_teams_but_not_from_admins()
    {
        var policy = PersonalDataPolicy.ForTeam("web", []);

        Assert.False(policy.CanReadIdentifier("phone"));
        Assert.False(policy.CanReadIdentifier("anonymousId"));
        Assert.True(policy.CanReadIdentifier("loyaltyId"));
        Assert.False(policy.CanRead(new CatalogFieldKey(DataType.Profile, "identify", "traits.email")));
        Assert.True(PersonalDataPolicy.Everything.CanReadIdentifier("phone"));
        var ann = Ann();
        Assert.Same(ann, PersonalDataPolicy.Everything.Redact(ann));
    }

    [Fact]
    public void Timeline_details_lose_only_the_fields_the_team_may_not_read()
    {
        var policy = PersonalDataPolicy.ForTeam("retail media",
        [
            Field(DataType.Profile, "identify", "traits.email", "web", true),
            Field(DataType.Profile, "identify", "traits.plan", "web", false),
        ]);
        var entry = new TimelineEntry(T0, "identify", "Identified", "s", "web-shop", "web", "m-1",
            """{"email":"ann@example.com","plan":"gold","address":{"city":"London"}}""");

        var details = policy.Redact(entry).Details!;

        Assert.DoesNotContain("ann@example.com", details);
        Assert.Contains("gold", details);
        Assert.Contains("London", details); // traits.address.city: not personal by its name, not in the catalog
    }
}
