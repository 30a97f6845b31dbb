using System.CommandLine;
using System.Globalization;
using CommonGround.Audiences;
using CommonGround.Audiences.Sql;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

/// <summary>`commonground audiences explain|preview --text RULE`: a rule in plain English with its SQL, or counted in the store.</summary>
public static class AudiencesCommand
{
    public static Command Create(CliContext context)
    {
        var explainText = TextOption();
        var explainAsOf = AsOfOption();
        var explain = new Command("explain",
            "Says what a rule means in plain English and shows the SQL the store runs for it, with its parameters.\n\n" +
            "Example:\n  commonground audiences explain --text 'loyalty_tier = \"gold\" and count of \"Order Completed\" in the last 90 days >= 2'")
        { explainText, explainAsOf };
        explain.SetAction(async (parse, ct) =>
        {
            var definition = Parse(parse.GetValue(explainText)!);
            var asOf = parse.GetValue(explainAsOf) ?? DateTimeOffset.UtcNow;
            await using var store = await context.OpenStoreAsync(parse, ct);
            var compiled = await CompileAsync(store, definition, asOf, ct);
            var english = AudienceExplainer.Explain(definition);
            if (CliContext.Json(parse))
            {
                context.WriteJson(new { explanation = english, provider = store.Provider, sql = compiled.Sql, parameters = compiled.Parameters, asOf });
                return ExitCodes.Ok;
            }
            context.Console.WriteLine(english);
            context.Console.WriteLine();
            context.Console.WriteLine(compiled.Sql);
            for (var i = 0; i < compiled.Parameters.Count; i++)
                context.Console.MarkupLine($"[grey]${i + 1}[/] = {Markup.Escape(Show(compiled.Parameters[i]))}");
            return ExitCodes.Ok;
        });

        var previewText = TextOption();
        var previewAsOf = AsOfOption();
        var sample = new Option<int>("--sample") { Description = "How many members to list (0 to 100).", DefaultValueFactory = _ => 10, HelpName = "N" };
        var preview = new Command("preview",
            "Counts the people a rule matches in the store: size, households, reach per channel and a few members.\n\n" +
            "Example:\n  commonground audiences preview --text 'has email and consent email for marketing' --sample 5")
        { previewText, previewAsOf, sample };
        preview.SetAction(async (parse, ct) =>
        {
            var definition = Parse(parse.GetValue(previewText)!);
            var asOf = parse.GetValue(previewAsOf) ?? DateTimeOffset.UtcNow;
            await using var store = await context.OpenStoreAsync(parse, ct);
            await CompileAsync(store, definition, asOf, ct);
            var result = await store.Audiences.PreviewAsync(definition, asOf, Math.Clamp(parse.GetValue(sample), 0, 100), ct);
            if (CliContext.Json(parse))
            {
                context.WriteJson(new { asOf, result.Size, result.Households, result.Reach, sample = result.Sample.Select(s => new { id = s.Id.ToString(), s.DisplayName, s.Email, s.LastSeen }) });
                return ExitCodes.Ok;
            }
            context.Console.MarkupLine($"[bold]{result.Size.ToString("N0", CultureInfo.InvariantCulture)}[/] people in " +
                $"{result.Households.ToString("N0", CultureInfo.InvariantCulture)} households.");
            context.Console.MarkupLine("Reachable for marketing: " + string.Join(", ",
                result.Reach.Select(r => $"{Markup.Escape(r.Channel)} {r.People.ToString("N0", CultureInfo.InvariantCulture)}")));
            if (result.Sample.Count > 0)
            {
                var table = new Table().AddColumns("Profile", "Name", "E-mail", "Last seen");
                foreach (var s in result.Sample)
                    table.AddRow(s.Id.ToString(), Markup.Escape(s.DisplayName ?? ""), Markup.Escape(s.Email ?? ""), s.LastSeen?.ToString("u", CultureInfo.InvariantCulture) ?? "");
                context.Console.Write(table);
            }
            return ExitCodes.Ok;
        });

        return new Command("audiences", "Audience rules: what they mean, the SQL they run, and who they reach.") { explain, preview };
    }

    static Option<string> TextOption() => new("--text") { Description = "The rule, as in docs/audiences.md.", Required = true, HelpName = "RULE" };

    static Option<DateTimeOffset?> AsOfOption() =>
        new("--as-of") { Description = "The moment relative times count back from (ISO-8601); now by default.", HelpName = "TIME" };

    static AudienceDefinition Parse(string text)
    {
        try
        {
            return AudienceText.Parse(text);
        }
        catch (AudienceSyntaxException ex)
        {
            throw new CliInputException("The rule cannot be read: " + string.Join("; ", ex.Errors.Select(e => e.ToString())));
        }
    }

    static async Task<CompiledAudience> CompileAsync(Storage.IStore store, AudienceDefinition definition, DateTimeOffset asOf, CancellationToken ct)
    {
        // Offline, no server has brought the audience rows up to date with the latest imports: do it first.
        while (await store.Audiences.RefreshAsync(20_000, ct) > 0) { }
        try
        {
            return await store.Audiences.CompileAsync(definition, asOf, ct);
        }
        catch (AudienceCompileException ex)
        {
            throw new CliInputException(ex.Message);
        }
    }

    static string Show(object value) => value switch
    {
        string s => "\"" + s + "\"",
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        string[] path => "{" + string.Join(",", path) + "}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
