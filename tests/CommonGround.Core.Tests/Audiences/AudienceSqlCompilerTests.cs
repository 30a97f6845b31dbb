using CommonGround.Audiences;
using CommonGround.Audiences.Sql;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceSqlCompilerTests
{
    /// <summary>A third dialect, as small as one can be: "?N" placeholders and made-up JSON and cast functions.</summary>
    sealed class QuestionMarkDialect : SqlDialect
    {
        public override string Name => "test";
        public override string Placeholder(int position) => "?" + position;
        public override string JsonText(string json, string path) => $"json_text({json}, {path})";
        public override object JsonPath(IReadOnlyList<string> members) => string.Join("/", members);
        public override string TryNumber(string text) => $"try_number({text})";
        public override string TryTimestamp(string text) => $"try_time({text})";
    }

    static readonly DateTimeOffset Now = new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero);
    static readonly AudienceSqlCompiler Compiler = new(new QuestionMarkDialect());

    static CompiledAudience Compile(string text, Func<string, AudienceDefinition?>? audiences = null) =>
        Compiler.Compile(AudienceText.Parse(text), Now, audiences ?? (_ => null));

    [Fact]
    public void Values_become_parameters_in_the_order_they_appear()
    {
        var compiled = Compile("loyalty_tier = \"'; drop table events; --\" and count of \"Order Completed\" in the last 30 days >= 2");

        Assert.DoesNotContain("drop", compiled.Sql, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Order Completed", compiled.Sql);
        Assert.Equal(["loyalty_tier", "'; drop table events; --", "Order Completed", Now.AddDays(-30), Now, 2m], compiled.Parameters);
        for (var i = 1; i <= compiled.Parameters.Count; i++) Assert.Contains("?" + i, compiled.Sql);
        Assert.DoesNotContain("?" + (compiled.Parameters.Count + 1), compiled.Sql);
    }

    [Fact]
    public void Relative_times_are_resolved_against_the_moment_given_by_the_calendar()
    {
        var compiled = Compile("last_seen in the last 1 month");

        Assert.Equal([new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), Now], compiled.Parameters);
        Assert.Contains("p.last_seen >= ?1 AND p.last_seen < ?2", compiled.Sql);
    }

    [Fact]
    public void A_count_that_zero_satisfies_keeps_people_without_the_event()
    {
        Assert.Contains("p.profile_id NOT IN (", Compile("count of \"Order Completed\" < 2").Sql);
        Assert.Contains("p.profile_id IN (", Compile("count of \"Order Completed\" >= 2").Sql);
        Assert.Contains("p.profile_id IN (", Compile("avg of revenue in \"Order Completed\" < 2").Sql);
    }

    [Fact]
    public void Trait_tests_are_two_valued_so_not_includes_people_without_the_trait()
    {
        var compiled = Compile("not city = \"London\"");

        Assert.StartsWith("SELECT p.profile_id, p.household_id FROM profile_traits p WHERE NOT (COALESCE(", compiled.Sql);
    }

    [Fact]
    public void In_audience_is_compiled_inline_and_a_cycle_names_its_path()
    {
        var rules = new Dictionary<string, AudienceDefinition>
        {
            ["gold"] = AudienceText.Parse("loyalty_tier = \"gold\""),
            ["a"] = AudienceText.Parse("in audience \"b\""),
            ["b"] = AudienceText.Parse("has email and in audience \"a\""),
        };

        var inline = Compile("in audience \"gold\"", rules.GetValueOrDefault);
        var cycle = Assert.Throws<AudienceCompileException>(() => Compile("in audience \"a\"", rules.GetValueOrDefault));
        var unknown = Assert.Throws<AudienceCompileException>(() => Compile("in audience \"silver\"", rules.GetValueOrDefault));

        Assert.Equal(["loyalty_tier", "gold"], inline.Parameters);
        Assert.Equal("Audience \"a\" includes itself: \"a\" → \"b\" → \"a\". Remove one of these references.", cycle.Message);
        Assert.Equal("No audience is named \"silver\".", unknown.Message);
        Assert.Equal(["a", "b", "a"], AudienceReferences.Cycle("a", rules["a"], rules.GetValueOrDefault));
        Assert.Null(AudienceReferences.Cycle("gold", rules["gold"], rules.GetValueOrDefault));
    }

    [Fact]
    public void Preview_statements_append_their_own_parameters_after_the_audiences()
    {
        var dialect = new QuestionMarkDialect();
        var audience = Compile("has email");

        var sample = AudienceQueries.Sample(audience, dialect, 10);
        var reach = AudienceQueries.Reach(audience, dialect);
        var insert = AudienceQueries.InsertMembers(audience, dialect, 7);

        Assert.Equal(["email", 10L], sample.Parameters);
        Assert.EndsWith("LIMIT ?2", sample.Sql);
        Assert.Equal(2 + Reachability.Channels.Count * 2, reach.Parameters.Count);
        Assert.Equal("marketing", reach.Parameters[^1]);
        Assert.Equal(["email", 7L], insert.Parameters);
        Assert.StartsWith("INSERT INTO audience_members (snapshot_id, profile_id, household_id) SELECT ?2,", insert.Sql);
    }
}
