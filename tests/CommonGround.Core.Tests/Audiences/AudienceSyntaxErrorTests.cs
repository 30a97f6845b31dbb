using CommonGround.Audiences;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceSyntaxErrorTests
{
    static AudienceError Error(string text)
    {
        var exception = Assert.Throws<AudienceSyntaxException>(() => AudienceText.Parse(text));
        return Assert.Single(exception.Errors);
    }

    [Theory]
    [InlineData("", 1, 1, "The audience is empty")]
    [InlineData("   # only a comment\n", 2, 1, "The audience is empty")]
    [InlineData("(city = \"London\" or has email", 1, 1, "This '(' is never closed")]
    [InlineData("city = \"London\")", 1, 16, "This ')' has no matching '('")]
    [InlineData("city = \"London", 1, 8, "Unclosed text")]
    [InlineData("city =", 1, 7, "Expected a value after '='")]
    [InlineData("has email\nand count of \"Order Completed\" in the last 180 days >=", 2, 55, "Expected a number after '>=', e.g. >= 2")]
    [InlineData("birthday > 2026-13-01", 1, 12, "'2026-13-01' is not a valid date: write dates as YYYY-MM-DD")]
    [InlineData("city contians \"x\"", 1, 6, "Did you mean 'contains'?")]
    [InlineData("cnsent email for marketing", 1, 1, "Did you mean 'consent'?")]
    [InlineData("has email adn has phone", 1, 11, "Did you mean 'and'?")]
    [InlineData("has email has phone", 1, 11, "Expected 'and' or 'or' before 'has'")]
    [InlineData("city = London", 1, 8, "Text values go in double quotes, e.g. city = \"London\"")]
    [InlineData("city = 'London'", 1, 8, "Text goes in double quotes: \"London\"")]
    [InlineData("city == \"London\"", 1, 6, "Use a single '=' to compare")]
    [InlineData("last_seen in the last 30 dyas", 1, 26, "Did you mean 'days'?")]
    [InlineData("last_seen in the last 30days", 1, 23, "Put a space between the number and 'days'")]
    [InlineData("did \"Order Completed\" since yesterday", 1, 29, "Expected a date or a time ago after 'since'")]
    [InlineData("count of Order >= 2", 1, 10, "Expected the event's name in double quotes after 'count of'")]
    [InlineData("sum of revenue \"Order Completed\" > 1", 1, 16, "Expected 'in' and the event's name")]
    [InlineData("consent email marketing", 1, 15, "Expected 'for' and a purpose")]
    [InlineData("first \"Order Completed\" >= 2", 1, 25, "Say when")]
    [InlineData("city is \"London\"", 1, 9, "Use '=' to compare a trait with a value")]
    [InlineData("has email and", 1, 14, "Expected a condition after 'and'")]
    [InlineData("household has 2 members", 1, 15, "Expected 'at least', 'at most' or 'exactly'")]
    [InlineData("tier in (\"gold\" \"silver\")", 1, 17, "Expected ',' or ')' in the list")]
    [InlineData("last_seen < 90 days", 1, 20, "Expected 'ago' after '90 days'")]
    [InlineData("city = \"x\" @", 1, 12, "Unexpected character '@'")]
    public void Points_at_the_problem_with_a_message_a_person_can_act_on(string text, int line, int column, string message)
    {
        var error = Error(text);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.True(error.Length >= 1);
    }

    [Fact]
    public void Reports_every_lexical_error_at_once()
    {
        var exception = Assert.Throws<AudienceSyntaxException>(() => AudienceText.Parse("a = 'x' and b == 2 and c > 2026-02-30"));
        Assert.Equal([5, 15, 28], exception.Errors.Select(e => e.Column));
    }

    [Fact]
    public void The_exception_message_carries_line_and_column()
    {
        var exception = Assert.Throws<AudienceSyntaxException>(() => AudienceText.Parse("has email\nand order_count >="));
        Assert.Equal("Expected a value after '>=', e.g. \"gold\", 3, true, 2026-01-01 or 90 days ago (line 2, column 19)", exception.Message);
    }
}
