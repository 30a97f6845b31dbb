using CommonGround.Audiences;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceRoundTripTests
{
    /// <summary>Valid rules covering every construct; also the seeds of the fuzz test.</summary>
    public static readonly string[] Texts =
    [
        "loyalty_tier = \"gold\"",
        "loyalty_tier in (\"gold\", \"silver\")",
        "loyalty_tier not in (\"bronze\")",
        "city contains \"Manchester\"",
        "city not contains \"test\"",
        "last_seen is set",
        "phone_verified is not set",
        "vip = true and churn_risk < 0.25",
        "birthday between 1990-01-01 and 2000-12-31",
        "last_seen < 90 days ago",
        "signed_up_at >= 2026-01-31T09:30:00Z",
        "signed_up_at >= 2026-01-31T09:30:00.5+02:00",
        "last_seen in the last 30 days",
        "count of \"Order Completed\" in the last 180 days >= 2 and no \"Order Completed\" in the last 30 days",
        "sum of revenue in \"Order Completed\" since 2026-01-01 > 100",
        "avg of revenue in \"Order Completed\" in the last 1 year >= 49.99",
        "max of items in \"Order Completed\" before 6 months ago < 10",
        "did \"Product Viewed\" in the last 24 hours",
        "did \"Newsletter Opened\"",
        "first \"Order Completed\" in the last 2 weeks",
        "last \"Order Completed\" before 12 months ago",
        "consent email for marketing and has email",
        "consent \"push notifications\" for analytics",
        "not in audience \"lapsed-vips\"",
        "household has at least 2 members or household.order_count > 3",
        "business has at most 50 members and business.industry = \"Retail\"",
        "(city = \"London\" or city contains \"Manchester\") and last_seen is set",
        "has email and (has phone or has loyaltyId) and not (vip = true or order_count = 0)",
        "a = 1 and (b = 2 and c = 3)",
        "a = 1 or (b = 2 or c = 3)",
        "not not has email",
        "not no \"Order Completed\"",
        "city = \"'; drop table profiles; --\"",
        "nickname = \"say \\\"hi\\\"\\n\\ttab \\\\ \\u0001\"",
        """
        loyalty_tier in ("gold", "silver")
        and count of "Order Completed" in the last 180 days >= 2
        and no "Order Completed" in the last 30 days
        and sum of revenue in "Order Completed" since 2026-01-01 > 100
        and consent email for marketing
        and has email
        and not in audience "lapsed-vips"
        and household has at least 2 members
        and (city = "London" or city contains "Manchester")
        and last_seen is set
        """,
    ];

    public static TheoryData<string> Corpus => new(Texts);

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Text_to_json_and_back_gives_the_same_rule(string text)
    {
        var parsed = AudienceText.Parse(text);
        var json = AudienceJson.Serialize(parsed);
        var fromJson = AudienceJson.Deserialize(json);
        Assert.Equal(parsed, fromJson);
        var reparsed = AudienceText.Parse(AudienceText.Format(fromJson));
        Assert.Equal(parsed, reparsed);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void The_canonical_text_is_stable(string text)
    {
        var canonical = AudienceText.Format(AudienceText.Parse(text));
        Assert.Equal(canonical, AudienceText.Format(AudienceText.Parse(canonical)));
    }

    [Fact]
    public void Canonical_text_puts_each_top_level_condition_on_its_own_line()
    {
        var text = AudienceText.Format(AudienceText.Parse("LOYALTY_TIER IN (\"gold\",\"silver\") AND Has Email and (a = 1 or b = 2)"));
        Assert.Equal("LOYALTY_TIER in (\"gold\", \"silver\")\nand has email\nand (a = 1 or b = 2)", text);
    }

    [Fact]
    public void Json_names_each_condition_by_its_kind()
    {
        var json = AudienceJson.Serialize(AudienceText.Parse("count of \"Order Completed\" in the last 30 days >= 2 and city = \"London\""));
        Assert.Equal(
            """{"rule":{"kind":"and","left":{"kind":"aggregate","function":"count","event":"Order Completed","operator":"greaterThanOrEqual","threshold":2,"window":{"kind":"inTheLast","duration":{"amount":30,"unit":"days"}}},"right":{"kind":"compare","trait":{"level":"person","name":"city"},"operator":"equal","value":{"type":"text","value":"London"}}}}""",
            json);
    }

    [Fact]
    public void Json_from_the_builder_may_put_the_kind_anywhere()
    {
        var definition = AudienceJson.Deserialize("""{"rule":{"type":"email","kind":"hasIdentifier"}}""");
        Assert.Equal(new HasIdentifier("email"), definition.Rule);
    }

    [Theory]
    [InlineData("""{"rule":{"kind":"in","trait":{"level":"person","name":"city"}}}""")]
    [InlineData("""{"rule":{"kind":"in","trait":{"level":"person","name":"city"},"values":null}}""")]
    [InlineData("""{"rule":{"kind":"hasIdentifier","type":null}}""")]
    [InlineData("""{"rule":{"kind":"teleport"}}""")]
    [InlineData("""{"rule":null}""")]
    [InlineData("""{}""")]
    public void Json_missing_a_required_member_is_refused(string json) =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => AudienceJson.Deserialize(json));

    [Fact]
    public void Names_from_json_that_read_as_keywords_are_quoted()
    {
        var definition = new AudienceDefinition(new AndCondition(new HasIdentifier("is"), new ConsentGiven("for", "in")));
        Assert.Equal("has \"is\"\nand consent \"for\" for \"in\"", AudienceText.Format(definition));
        Assert.Equal(definition, AudienceText.Parse(AudienceText.Format(definition)));
    }

    [Fact]
    public void Relative_windows_resolve_only_against_a_supplied_now()
    {
        var now = new DateTimeOffset(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal((now.AddDays(-30), now), new InTheLast(new Duration(30, DurationUnit.Days)).Resolve(now));
        Assert.Equal(new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), new Duration(1, DurationUnit.Months).Before(now));
        Assert.Equal(
            ((DateTimeOffset?)new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), (DateTimeOffset?)now.AddDays(-14)),
            new Between(new DateValue(new DateOnly(2026, 1, 1)), new AgoValue(new Duration(2, DurationUnit.Weeks))).Resolve(now));
    }
}
