using CommonGround.Audiences;
using CommonGround.Catalog;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceValidatorTests
{
    static readonly DateTimeOffset Seen = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static CatalogField Field(DataType type, string dataset, string field, string valueType = "string") => new()
    {
        Key = new CatalogFieldKey(type, dataset, field),
        ValueType = valueType,
        OwnerTeam = "web",
        Personal = false,
        FirstSeen = Seen,
        LastSeen = Seen,
        SeenCount = 1,
    };

    static readonly IReadOnlyList<CatalogField> Catalog =
    [
        Field(DataType.Profile, "identify", "traits.loyalty_tier"),
        Field(DataType.Profile, "customers", "city"),
        Field(DataType.Profile, "customers", "traits.favourite_store"),
        Field(DataType.Profile, "group", "traits.industry"),
        Field(DataType.Transactional, "Order Completed", "properties.revenue", "number"),
        Field(DataType.Transactional, "Order Completed", "properties.coupon"),
        Field(DataType.Behavioural, "Product Viewed", "properties.sku"),
        Field(DataType.Behavioural, "page", "properties.url"),
    ];

    static IReadOnlyList<AudienceError> Validate(string text) =>
        AudienceValidator.Validate(AudienceText.Parse(text), Catalog, AudienceValidator.ComputedTraits, ["lapsed-vips", "newsletter"]);

    [Fact]
    public void Accepts_what_the_catalog_and_workspace_know()
    {
        Assert.Empty(Validate("""
            loyalty_tier = "gold" and traits.loyalty_tier is set and city = "Leeds" and favourite_store is set
            and last_seen in the last 30 days and order_count > 1
            and count of "Order Completed" >= 2 and sum of revenue in "Order Completed" > 10 and did "Product Viewed"
            and household.members >= 2 and business.industry = "Retail" and has email and has loyaltyId
            and not in audience "lapsed-vips" and consent email for marketing
            """));
    }

    [Fact]
    public void Points_at_an_unknown_trait_and_suggests_the_closest()
    {
        var error = Assert.Single(Validate("has email\nand loyalty_teir = \"gold\""));
        Assert.Equal(new AudienceError(2, 5, 12, "Unknown trait 'loyalty_teir'. Did you mean 'loyalty_tier'?"), error);
    }

    [Fact]
    public void Points_at_an_unknown_event_and_suggests_the_closest()
    {
        var error = Assert.Single(Validate("count of \"Order Complete\" >= 2"));
        Assert.Equal(new AudienceError(1, 10, 16, "No event \"Order Complete\" has arrived yet. Did you mean 'Order Completed'?"), error);
    }

    [Fact]
    public void Page_calls_and_customer_records_are_not_events()
    {
        Assert.Equal("No event \"page\" has arrived yet.", Assert.Single(Validate("did \"page\"")).Message);
    }

    [Fact]
    public void Points_at_an_unknown_or_non_numeric_property()
    {
        var unknown = Assert.Single(Validate("sum of revenu in \"Order Completed\" > 1"));
        Assert.Equal((1, 8), (unknown.Line, unknown.Column));
        Assert.EndsWith("Did you mean 'revenue'?", unknown.Message, StringComparison.Ordinal);
        var text = Assert.Single(Validate("max of coupon in \"Order Completed\" > 1"));
        Assert.Contains("holds string values, not numbers", text.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checks_audiences_identifier_types_and_group_traits()
    {
        var errors = Validate("in audience \"lapsed-vip\" or has emial or household.size > 2 or business.industri = \"x\"");
        Assert.Equal(
            [
                "No audience is named \"lapsed-vip\". Did you mean 'lapsed-vips'?",
                "Unknown identifier type 'emial'. Did you mean 'email'?",
                "Unknown household trait 'size'.",
                "Unknown business trait 'industri'. Did you mean 'industry'?",
            ],
            errors.Select(e => e.Message));
    }

    [Fact]
    public void Checks_values_against_the_type_of_computed_traits()
    {
        Assert.Equal(
            [
                "'last_seen' is a date: compare it with a date (2026-01-01) or a time ago (90 days ago)",
                "'order_count' is a number: compare it with a number, e.g. order_count >= 2",
                "'household.order_count' is a number, not a date, so it cannot be in a time window",
                "'first_seen' is not text, so it cannot contain text; compare it with = < > instead",
            ],
            Validate("last_seen > 3 or order_count in (1, \"2\") or household.order_count in the last 3 days or first_seen contains \"2026\"").Select(e => e.Message));
        Assert.Empty(Validate("last_seen > 2026-01-01 and first_seen < 3 months ago and order_count in (1, 2) and household.last_seen in the last 7 days"));
    }

    [Fact]
    public void A_rule_from_json_has_no_positions_but_still_gets_suggestions()
    {
        var definition = AudienceJson.Deserialize(AudienceJson.Serialize(AudienceText.Parse("loyalty_teir = \"gold\"")));
        var error = Assert.Single(AudienceValidator.Validate(definition, Catalog, AudienceValidator.ComputedTraits, []));
        Assert.Equal(new AudienceError(0, 0, 0, "Unknown trait 'loyalty_teir'. Did you mean 'loyalty_tier'?"), error);
    }
}
