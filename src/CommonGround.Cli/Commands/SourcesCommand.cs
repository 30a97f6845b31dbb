using System.CommandLine;
using CommonGround.Access;
using CommonGround.Sources;
using CommonGround.Storage;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

public static class SourcesCommand
{
    public static Command Create(CliContext context)
    {
        var team = new Option<string>("--team") { Description = "The team that owns the source, e.g. \"loyalty marketing\".", Required = true, HelpName = "TEAM" };
        var name = new Option<string>("--name") { Description = "A unique name, e.g. \"web-shop\" or \"ad-server\".", Required = true, HelpName = "NAME" };
        var add = new Command("add",
            "Creates a source and prints its write key. Point a Segment or RudderStack SDK at this server with it.\n\n" +
            "Example:\n" +
            "  commonground sources add --team web --name web-shop")
        { team, name };
        add.SetAction(async (parse, ct) =>
        {
            var sourceName = parse.GetValue(name)!.Trim();
            var sourceTeam = parse.GetValue(team)!.Trim();
            if (sourceName.Length == 0 || sourceTeam.Length == 0) throw new CliInputException("--name and --team must not be empty.");
            await using var store = await context.OpenStoreAsync(parse, ct);
            var source = new Source
            {
                Id = Secrets.NewId(),
                Name = sourceName,
                Team = sourceTeam,
                WriteKey = Secrets.NewWriteKey(),
                CreatedAt = TimeProvider.System.GetUtcNow(),
            };
            await store.Sources.AddAsync(source, ct);
            if (CliContext.Json(parse))
            {
                context.WriteJson(source);
            }
            else
            {
                context.Console.MarkupLine($"Created source [bold]{Markup.Escape(source.Name)}[/] ({source.Id}) for team '{Markup.Escape(source.Team)}'.");
                context.Console.MarkupLine("Write key:");
                context.Console.WriteLine(source.WriteKey);
            }
            return ExitCodes.Ok;
        });

        var list = new Command("list", "Lists sources by team, with their write keys and whether they are enabled.");
        list.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var sources = await store.Sources.ListAsync(ct);
            if (CliContext.Json(parse))
            {
                context.WriteJson(sources);
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Team", "Name", "Id", "Write key", "Enabled");
            foreach (var s in sources)
                table.AddRow(Markup.Escape(s.Team), Markup.Escape(s.Name), s.Id, s.WriteKey, s.Enabled ? "yes" : "[red]no[/]");
            context.Console.Write(table);
            return ExitCodes.Ok;
        });

        return new Command("sources", "Sources of data (each team's tools): add, list, enable, disable.")
        {
            add, list, Toggle(context, "disable", false), Toggle(context, "enable", true),
        };
    }

    static Command Toggle(CliContext context, string verb, bool enabled)
    {
        var source = new Argument<string>("source") { Description = "The source's name or id." };
        var command = new Command(verb, enabled
            ? "Enables a source again: its write key is accepted."
            : "Disables a source: its calls are refused with 403 until it is enabled.")
        { source };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var found = await FindAsync(store, parse.GetValue(source)!, ct);
            await store.Sources.SetEnabledAsync(found.Id, enabled, ct);
            if (CliContext.Json(parse)) context.WriteJson(found with { Enabled = enabled });
            else context.Console.MarkupLine($"Source [bold]{Markup.Escape(found.Name)}[/] is {(enabled ? "enabled" : "disabled")}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    public static async Task<Source> FindAsync(IStore store, string nameOrId, CancellationToken ct) =>
        await store.Sources.FindByNameAsync(nameOrId, ct)
        ?? await store.Sources.FindAsync(nameOrId, ct)
        ?? throw new CliInputException(
            $"No source named '{nameOrId}'. Known sources: " +
            (string.Join(", ", (await store.Sources.ListAsync(ct)).Select(s => s.Name)) is { Length: > 0 } names ? names : "none yet") +
            ". Create one with `commonground sources add --team T --name N`.");
}
