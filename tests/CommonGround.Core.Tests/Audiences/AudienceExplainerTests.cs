using CommonGround.Audiences;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceExplainerTests
{
    static string Explain(string text) => AudienceExplainer.Explain(AudienceText.Parse(text));

    [Fact]
    public void Describes_a_repeat_buyer_who_has_lapsed_recently_in_one_clause()
    {
        Assert.Equal(
            "People whose loyalty tier is gold or silver, and who did \"Order Completed\" at least 2 times in the last 180 days but not in the last 30 days.",
            Explain("loyalty_tier in (\"gold\", \"silver\") and count of \"Order Completed\" in the last 180 days >= 2 and no \"Order Completed\" in the last 30 days"));
    }

    [Fact]
    public void Describes_consent_identifiers_membership_and_households()
    {
        Assert.Equal(
            "People who consented to email for marketing, who have an e-mail address, who are not in the audience \"lapsed-vips\", and whose household has at least 2 members.",
            Explain("consent email for marketing and has email and not in audience \"lapsed-vips\" and household has at least 2 members"));
    }

    [Fact]
    public void Describes_alternatives_and_aggregates()
    {
        Assert.Equal(
            "People either whose city is London or whose city contains \"Manchester\", and whose total revenue in \"Order Completed\" since 1 January 2026 is more than 100.",
            Explain("(city = \"London\" or city contains \"Manchester\") and sum of revenue in \"Order Completed\" since 2026-01-01 > 100"));
    }

    [Fact]
    public void Describes_the_example_of_the_language_guide()
    {
        Assert.Equal(
            "People whose loyalty tier is gold or silver, who did \"Order Completed\" at least 2 times in the last 180 days but not in the last 30 days, "
            + "whose total revenue in \"Order Completed\" since 1 January 2026 is more than 100, who consented to email for marketing, "
            + "who have an e-mail address, who are not in the audience \"lapsed-vips\", whose household has at least 2 members, "
            + "either whose city is London or whose city contains \"Manchester\", and whose last seen is known.",
            Explain(AudienceRoundTripTests.Texts[^1]));
    }

    [Fact]
    public void Describes_negations_and_times()
    {
        Assert.Equal("People who never did \"Order Completed\".", Explain("no \"Order Completed\""));
        Assert.Equal("People whose last seen is before 90 days ago.", Explain("last_seen < 90 days ago"));
        Assert.Equal("People whose household's order count is not more than 3.", Explain("not household.order_count > 3"));
        Assert.Equal("People who are not among people who have a phone number, and who have an e-mail address.", Explain("not (has phone and has email)"));
        Assert.Equal("People whose first \"Order Completed\" was in the last 2 weeks.", Explain("first \"Order Completed\" in the last 2 weeks"));
    }
}
