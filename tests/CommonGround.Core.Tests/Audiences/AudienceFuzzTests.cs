using CommonGround.Audiences;

namespace CommonGround.Core.Tests.Audiences;

public class AudienceFuzzTests
{
    static readonly string[] Fragments = ["(", ")", "\"", "\\", " and ", " or ", " not ", "#", "\n", ",", ">=", "=", "!", "'", "2026-", "-", ".", "30 days", " ago", "é", "\0", " in the last ", "count of ", "between "];

    [Fact]
    public void Random_mutations_of_valid_rules_fail_only_with_syntax_errors()
    {
        var random = new Random(20260501);
        var corpus = AudienceRoundTripTests.Texts;
        for (var i = 0; i < 5000; i++)
        {
            var text = Mutate(corpus[random.Next(corpus.Length)], random);
            try
            {
                var definition = AudienceText.Parse(text);
                // Whatever parses must also format, serialise and explain.
                Assert.Equal(definition, AudienceText.Parse(AudienceText.Format(definition)));
                Assert.Equal(definition, AudienceJson.Deserialize(AudienceJson.Serialize(definition)));
                Assert.NotEmpty(AudienceExplainer.Explain(definition));
            }
            catch (AudienceSyntaxException e)
            {
                Assert.NotEmpty(e.Errors);
                Assert.All(e.Errors, error => Assert.True(error.Line >= 1 && error.Column >= 1 && error.Length >= 1, text));
            }
        }
    }

    static string Mutate(string text, Random random)
    {
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(text.Length + 1);
            text = random.Next(4) switch
            {
                0 when text.Length > 0 => text.Remove(Math.Min(at, text.Length - 1), Math.Min(random.Next(1, 6), text.Length - Math.Min(at, text.Length - 1))),
                1 => text.Insert(at, Fragments[random.Next(Fragments.Length)]),
                2 => text.Insert(at, ((char)random.Next(1, 128)).ToString()),
                _ => text[..at],
            };
        }
        return text;
    }
}
