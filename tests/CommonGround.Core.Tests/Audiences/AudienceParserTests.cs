using CommonGround.Audiences;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceParserTests
{
    static Condition Rule(string text) => AudienceText.Parse(text).Rule;

    static TraitRef T(string name) => new(TraitLevel.Person, name);

    static readonly TraitComparison Gold = new(T("loyalty_tier"), ComparisonOperator.Equal, new TextValue("gold"));
    static readonly HasIdentifier Email = new("email");
    static readonly HasIdentifier Phone = new("phone");

    [Theory]
    [InlineData("=", ComparisonOperator.Equal)]
    [InlineData("!=", ComparisonOperator.NotEqual)]
    [InlineData("<", ComparisonOperator.LessThan)]
    [InlineData("<=", ComparisonOperator.LessThanOrEqual)]
    [InlineData(">", ComparisonOperator.GreaterThan)]
    [InlineData(">=", ComparisonOperator.GreaterThanOrEqual)]
    public void Reads_each_comparison_operator(string op, ComparisonOperator expected) =>
        Assert.Equal(new TraitComparison(T("order_count"), expected, new NumberValue(3)), Rule($"order_count {op} 3"));

    [Fact]
    public void Reads_typed_values()
    {
        Assert.Equal(new TraitComparison(T("city"), ComparisonOperator.Equal, new TextValue("London")), Rule("city = \"London\""));
        Assert.Equal(new TraitComparison(T("revenue"), ComparisonOperator.GreaterThan, new NumberValue(99.5m)), Rule("revenue > 99.5"));
        Assert.Equal(new TraitComparison(T("balance"), ComparisonOperator.LessThan, new NumberValue(-10)), Rule("balance < -10"));
        Assert.Equal(new TraitComparison(T("vip"), ComparisonOperator.Equal, new BooleanValue(true)), Rule("vip = TRUE"));
        Assert.Equal(new TraitComparison(T("birthday"), ComparisonOperator.GreaterThanOrEqual, new DateValue(new DateOnly(1990, 1, 31))), Rule("birthday >= 1990-01-31"));
        Assert.Equal(
            new TraitComparison(T("last_seen"), ComparisonOperator.LessThan, new DateTimeValue(new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero))),
            Rule("last_seen < 2026-03-01T09:30:00Z"));
        Assert.Equal(
            new TraitComparison(T("last_seen"), ComparisonOperator.LessThan, new AgoValue(new Duration(90, DurationUnit.Days))),
            Rule("last_seen < 90 days ago"));
    }

    [Fact]
    public void Reads_text_escapes()
    {
        var rule = Assert.IsType<TraitComparison>(Rule("nickname = \"say \\\"hi\\\" \\\\ \\n \\u00e9\""));
        Assert.Equal(new TextValue("say \"hi\" \\ \n é"), rule.Value);
    }

    [Fact]
    public void Reads_trait_conditions()
    {
        Assert.Equal(new TraitIn(T("loyalty_tier"), [new TextValue("gold"), new TextValue("silver")]), Rule("loyalty_tier in (\"gold\", \"silver\")"));
        Assert.Equal(new NotCondition(new TraitIn(T("loyalty_tier"), [new TextValue("gold")])), Rule("loyalty_tier not in (\"gold\")"));
        Assert.Equal(new TraitContains(T("city"), "Manchester"), Rule("city contains \"Manchester\""));
        Assert.Equal(new NotCondition(new TraitContains(T("city"), "x")), Rule("city not contains \"x\""));
        Assert.Equal(new TraitIsSet(T("last_seen")), Rule("last_seen is set"));
        Assert.Equal(new NotCondition(new TraitIsSet(T("last_seen"))), Rule("last_seen is not set"));
        Assert.Equal(new TraitInWindow(T("last_seen"), new InTheLast(new Duration(30, DurationUnit.Days))), Rule("last_seen in the last 30 days"));
        Assert.Equal(new TraitInWindow(T("first_seen"), new Since(new DateValue(new DateOnly(2026, 1, 1)))), Rule("first_seen since 2026-01-01"));
        Assert.Equal(new TraitComparison(T("traits.address.city"), ComparisonOperator.Equal, new TextValue("Leeds")), Rule("traits.address.city = \"Leeds\""));
    }

    [Fact]
    public void Reads_event_aggregates()
    {
        Assert.Equal(
            new EventAggregate(AggregateFunction.Count, "Order Completed", ComparisonOperator.GreaterThanOrEqual, 2, Window: new InTheLast(new Duration(180, DurationUnit.Days))),
            Rule("count of \"Order Completed\" in the last 180 days >= 2"));
        Assert.Equal(
            new EventAggregate(AggregateFunction.Sum, "Order Completed", ComparisonOperator.GreaterThan, 100, "revenue", new Since(new DateValue(new DateOnly(2026, 1, 1)))),
            Rule("sum of revenue in \"Order Completed\" since 2026-01-01 > 100"));
        Assert.Equal(AggregateFunction.Average, Assert.IsType<EventAggregate>(Rule("avg of revenue in \"Order Completed\" > 10")).Function);
        Assert.Equal(AggregateFunction.Minimum, Assert.IsType<EventAggregate>(Rule("min of revenue in \"Order Completed\" > 10")).Function);
        Assert.Equal(AggregateFunction.Maximum, Assert.IsType<EventAggregate>(Rule("MAX OF revenue IN \"Order Completed\" > 10")).Function);
    }

    [Fact]
    public void Reads_event_existence_and_occurrence()
    {
        Assert.Equal(new EventExists("Product Viewed"), Rule("did \"Product Viewed\""));
        Assert.Equal(
            new NotCondition(new EventExists("Order Completed", new InTheLast(new Duration(30, DurationUnit.Days)))),
            Rule("no \"Order Completed\" in the last 30 days"));
        Assert.Equal(
            new EventOccurrence(Occurrence.First, "Order Completed", new InTheLast(new Duration(2, DurationUnit.Weeks))),
            Rule("first \"Order Completed\" in the last 2 weeks"));
        Assert.Equal(
            new EventOccurrence(Occurrence.Last, "Order Completed", new Before(new AgoValue(new Duration(1, DurationUnit.Years)))),
            Rule("last \"Order Completed\" before 1 year ago"));
        Assert.Equal(
            new EventExists("Signed Up", new Between(new DateValue(new DateOnly(2026, 1, 1)), new AgoValue(new Duration(6, DurationUnit.Months)))),
            Rule("did \"Signed Up\" between 2026-01-01 and 6 months ago"));
    }

    [Fact]
    public void Reads_consent_identifiers_membership_and_groups()
    {
        Assert.Equal(new ConsentGiven("email", "marketing"), Rule("consent Email for Marketing"));
        Assert.Equal(Phone, Rule("has phone"));
        Assert.Equal(new NotCondition(new AudienceMembership("lapsed-vips")), Rule("not in audience \"lapsed-vips\""));
        Assert.Equal(
            new TraitComparison(new TraitRef(TraitLevel.Household, "members"), ComparisonOperator.GreaterThanOrEqual, new NumberValue(2)),
            Rule("household has at least 2 members"));
        Assert.Equal(
            new TraitComparison(new TraitRef(TraitLevel.Household, "order_count"), ComparisonOperator.GreaterThan, new NumberValue(3)),
            Rule("household.order_count > 3"));
        Assert.Equal(
            new TraitComparison(new TraitRef(TraitLevel.Business, "industry"), ComparisonOperator.Equal, new TextValue("Retail")),
            Rule("Business.industry = \"Retail\""));
    }

    [Fact]
    public void Not_binds_tighter_than_and_which_binds_tighter_than_or()
    {
        Assert.Equal(
            new OrCondition(new AndCondition(new NotCondition(Gold), Email), Phone),
            Rule("not loyalty_tier = \"gold\" and has email or has phone"));
        Assert.Equal(
            new OrCondition(Gold, new AndCondition(Email, Phone)),
            Rule("loyalty_tier = \"gold\" or has email and has phone"));
    }

    [Fact]
    public void Parentheses_override_precedence()
    {
        Assert.Equal(new AndCondition(Gold, new OrCondition(Email, Phone)), Rule("loyalty_tier = \"gold\" and (has email or has phone)"));
        Assert.Equal(new NotCondition(new AndCondition(Email, Phone)), Rule("not (has email and has phone)"));
    }

    [Fact]
    public void Chains_are_left_nested()
    {
        Assert.Equal(new AndCondition(new AndCondition(Gold, Email), Phone), Rule("loyalty_tier = \"gold\" and has email and has phone"));
    }

    [Fact]
    public void Keywords_ignore_case_comments_and_newlines_are_whitespace()
    {
        var text = """
            # VIPs we can e-mail
            loyalty_tier = "gold"   # top tier only
            AND
              HAS email
            """;
        Assert.Equal(new AndCondition(Gold, Email), Rule(text));
    }

    [Fact]
    public void An_injection_looking_value_is_only_a_text_value()
    {
        Assert.Equal(
            new TraitComparison(T("city"), ComparisonOperator.Equal, new TextValue("'; drop table profiles; --")),
            Rule("city = \"'; drop table profiles; --\""));
    }

    [Fact]
    public void Words_that_are_keywords_elsewhere_can_name_traits()
    {
        Assert.Equal(new TraitComparison(T("count"), ComparisonOperator.Equal, new NumberValue(1)), Rule("count = 1"));
        Assert.Equal(new TraitIsSet(T("consent")), Rule("consent is set"));
    }

    [Fact]
    public void Remembers_where_each_condition_and_name_was_written()
    {
        var definition = AudienceText.Parse("has email\nand count of \"Order Done\" >= 2");
        var and = Assert.IsType<AndCondition>(definition.Rule);
        Assert.Equal(new SourceSpan(1, 1, 9), definition.Source!.Find(and.Left));
        Assert.Equal(new SourceSpan(2, 14, 12), definition.Source.Find(and.Right, "event"));
    }
}
