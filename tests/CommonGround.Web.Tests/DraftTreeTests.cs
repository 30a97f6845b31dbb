using CommonGround.Audiences;
using CommonGround.Web.Components.Audiences;

namespace CommonGround.Web.Tests;

/// <summary>The point-and-click builder's draft: the same rule as the text, both ways, and what is missing said per condition.</summary>
public class DraftTreeTests
{
    public static TheoryData<string> Rules => new(
        "loyalty_tier = \"gold\"",
        "loyalty_tier in (\"gold\", \"silver\", 3, true)",
        "loyalty_tier not in (\"bronze\")",
        "city contains \"Manchester\" and city not contains \"test\"",
        "last_seen is set and phone_verified is not set",
        "vip = true and churn_risk < 0.25 and household.revenue >= 100.5",
        "birthday between 1990-01-01 and 2000-12-31",
        "last_seen < 90 days ago and first_seen > 2 years ago",
        "signed_up_at >= 2026-01-31T09:30:00Z and signed_up_at < 2026-02-01T00:00:00.25Z",
        "last_seen in the last 30 days",
        "count of \"Order Completed\" in the last 180 days >= 2 and no \"Order Completed\" in the last 30 days",
        "sum of revenue in \"Order Completed\" since 2026-01-01 > 100",
        "avg of revenue in \"Order Completed\" in the last 1 year >= 49.99",
        "max of items in \"Order Completed\" before 6 months ago < 10 and min of items in \"Order Completed\" between 3 months ago and 2026-01-01 != 0",
        "did \"Product Viewed\" in the last 24 hours or did \"Newsletter Opened\"",
        "first \"Order Completed\" in the last 2 weeks and last \"Order Completed\" before 12 months ago",
        "consent email for marketing and has email and not in audience \"lapsed-vips\"",
        "household has at least 2 members or household.order_count > 3",
        "business has at most 50 members and business.industry = \"Retail\" and business has exactly 0 members",
        "(city = \"London\" or city contains \"Manchester\") and last_seen is set",
        "has email and (has phone or has loyaltyId) and not (vip = true or order_count = 0)",
        "a = 1 and (b = 2 and c = 3)",
        "a = 1 or (b = 2 or c = 3) or not (d = 4 and e = 5)",
        "not not has email",
        "not no \"Order Completed\"",
        "not household has at least 3 members");

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_rule_made_into_a_draft_and_built_again_is_the_same_tree(string text)
    {
        var rule = AudienceText.Parse(text);

        var built = DraftTree.Build(DraftTree.From(rule));

        Assert.Empty(built.Problems);
        Assert.Equal(rule.Rule, built.Rule);
    }

    [Fact]
    public void Parentheses_on_the_right_stay_a_group_of_their_own()
    {
        var root = DraftTree.From(AudienceText.Parse("a = 1 and (b = 2 and c = 3) and d = 4"));

        Assert.True(root.MatchAll);
        Assert.Equal(3, root.Children.Count);
        var nested = Assert.IsType<DraftGroup>(root.Children[1]);
        Assert.Equal(2, nested.Children.Count);
    }

    [Fact]
    public void Sizes_of_households_and_businesses_are_their_own_kinds()
    {
        var root = DraftTree.From(AudienceText.Parse("household has at least 2 members and not business.members < 10"));

        var household = Assert.IsType<DraftCondition>(root.Children[0]);
        Assert.Equal((ConditionKind.HouseholdSize, ComparisonOperator.GreaterThanOrEqual, "2"), (household.Kind, household.Operator, household.Threshold));
        var business = Assert.IsType<DraftCondition>(root.Children[1]);
        Assert.Equal((ConditionKind.BusinessSize, true), (business.Kind, business.Negated));
    }

    [Fact]
    public void An_empty_draft_asks_for_a_first_condition()
    {
        var root = new DraftGroup();

        var built = DraftTree.Build(root);

        Assert.Null(built.Rule);
        Assert.Equal("Add a condition to start.", built.Problems[root]);
    }

    [Fact]
    public void Each_incomplete_condition_says_what_it_lacks_and_the_rest_still_build()
    {
        var root = new DraftGroup();
        var noEvent = new DraftCondition { Kind = ConditionKind.EventCount, Event = " " };
        var badNumber = new DraftCondition { Kind = ConditionKind.TraitCompare, Trait = "order_count", Value = new DraftValue { Kind = ValueKind.Number, Text = "2,5" } };
        var complete = new DraftCondition { Kind = ConditionKind.HasIdentifier, Identifier = "email" };
        var emptyGroup = new DraftGroup();
        root.Children.AddRange([noEvent, badNumber, complete, emptyGroup]);

        var built = DraftTree.Build(root);

        Assert.Null(built.Rule);
        Assert.Equal("Pick an event.", built.Problems[noEvent]);
        Assert.StartsWith("'2,5' is not a number", built.Problems[badNumber], StringComparison.Ordinal);
        Assert.Equal("This group is empty: add a condition to it or remove it.", built.Problems[emptyGroup]);
        Assert.Equal(new HasIdentifier("email"), built.Leaves[complete]);
        Assert.Equal(3, built.Problems.Count);
    }

    [Fact]
    public void A_window_needs_a_positive_duration_and_first_or_last_needs_a_window()
    {
        var zero = new DraftCondition { Kind = ConditionKind.EventDid, Event = "Order Completed", Window = new DraftWindow { Kind = WindowKind.InTheLast, Amount = 0 } };
        var noWindow = new DraftCondition { Kind = ConditionKind.EventOccurrence, Event = "Order Completed" };
        var root = new DraftGroup { MatchAll = false };
        root.Children.AddRange([zero, noWindow]);

        var built = DraftTree.Build(root);

        Assert.Equal("A duration is at least 1.", built.Problems[zero]);
        Assert.StartsWith("Pick when", built.Problems[noWindow], StringComparison.Ordinal);
    }

    [Fact]
    public void Groups_join_with_and_or_or_and_exclusion_is_not()
    {
        var root = new DraftGroup { MatchAll = false, Negated = true };
        root.Children.Add(new DraftCondition { Kind = ConditionKind.HasIdentifier, Identifier = "email" });
        root.Children.Add(new DraftCondition { Kind = ConditionKind.Consent, Channel = "SMS", Purpose = "Marketing", Negated = true });

        var built = DraftTree.Build(root);

        Assert.Equal(AudienceText.Parse("not (has email or not consent sms for marketing)").Rule, built.Rule);
    }
}
