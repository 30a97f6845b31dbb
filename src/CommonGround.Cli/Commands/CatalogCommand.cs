using System.CommandLine;
using System.Globalization;
using CommonGround.Catalog;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

public static class CatalogCommand
{
    public static Command Create(CliContext context)
    {
        var type = new Option<string?>("--type") { Description = "Only one data type: behavioural, transactional, profile or consent.", HelpName = "TYPE" };
        var list = new Command("list",
            "Lists what data exists: each dataset's fields, their owner, and whether they are personal.\n\n" +
            "Example:\n  commonground catalog list --type transactional")
        { type };
        list.SetAction(async (parse, ct) =>
        {
            var dataType = ParseType(parse.GetValue(type));
            await using var store = await context.OpenStoreAsync(parse, ct);
            var fields = await store.Catalog.ListAsync(dataType, ct);
            if (CliContext.Json(parse))
            {
                context.WriteJson(fields.Select(f => new
                {
                    dataType = f.Key.DataType.ToWire(), dataset = f.Key.Dataset, field = f.Key.Field, f.ValueType,
                    f.OwnerTeam, f.Personal, f.Declared, f.Description, f.FirstSeen, f.LastSeen, f.SeenCount,
                }));
                return ExitCodes.Ok;
            }
            if (fields.Count == 0)
            {
                context.Console.MarkupLine("The catalog is empty: it fills as data arrives (tracking calls and imports).");
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Type", "Dataset", "Field", "Value", "Owner", "Personal", "Seen", "Last seen");
            foreach (var f in fields)
            {
                table.AddRow(f.Key.DataType.ToWire(), Markup.Escape(f.Key.Dataset), Markup.Escape(f.Key.Field), f.ValueType,
                    Markup.Escape(f.OwnerTeam), f.Personal ? (f.Declared ? "[red]yes[/]" : "[red]yes?[/]") : (f.Declared ? "no" : "no?"),
                    f.SeenCount.ToString("N0", CultureInfo.InvariantCulture),
                    f.LastSeen.ToString("u", CultureInfo.InvariantCulture));
            }
            context.Console.Write(table);
            context.Console.MarkupLine("[grey]'?' marks a guess from the field's name or values; `commonground catalog set` confirms or corrects it.[/]");
            return ExitCodes.Ok;
        });

        var setType = new Option<string>("--type") { Description = "The field's data type.", Required = true, HelpName = "TYPE" };
        var dataset = new Option<string>("--dataset") { Description = "The dataset: an event name (\"Order Completed\"), identify, page, customers, orders...", Required = true, HelpName = "NAME" };
        var field = new Option<string>("--field") { Description = "The field's path, e.g. properties.revenue or traits.email.", Required = true, HelpName = "PATH" };
        var owner = new Option<string?>("--owner") { Description = "The team that owns the field.", HelpName = "TEAM" };
        var personal = new Option<bool?>("--personal") { Description = "Whether the field is personal data: true or false.", HelpName = "true|false" };
        var description = new Option<string?>("--description") { Description = "What the field means, in a sentence.", HelpName = "TEXT" };
        var set = new Command("set",
            "Confirms or corrects a field: its owner, whether it is personal, and what it means. Arriving data never overrides this.\n\n" +
            "Example:\n  commonground catalog set --type profile --dataset identify --field traits.email --personal true --owner \"loyalty marketing\"")
        { setType, dataset, field, owner, personal, description };
        set.SetAction(async (parse, ct) =>
        {
            var key = new CatalogFieldKey(ParseType(parse.GetValue(setType))!.Value, parse.GetValue(dataset)!, parse.GetValue(field)!);
            var edit = new CatalogFieldEdit(parse.GetValue(owner), parse.GetValue(personal), parse.GetValue(description));
            if (edit is { OwnerTeam: null, Personal: null, Description: null })
                throw new CliInputException("Say what to set: --owner, --personal and/or --description.");
            await using var store = await context.OpenStoreAsync(parse, ct);
            var updated = await store.Catalog.UpdateAsync(key, edit, ct)
                ?? throw new CliInputException($"The catalog has no field '{key.Field}' in {key.DataType.ToWire()} dataset '{key.Dataset}'. See `commonground catalog list`.");
            if (CliContext.Json(parse))
                context.WriteJson(new { dataType = key.DataType.ToWire(), dataset = key.Dataset, field = key.Field, updated.OwnerTeam, updated.Personal, updated.Description });
            else
                context.Console.MarkupLine($"[bold]{Markup.Escape(key.Field)}[/] in '{Markup.Escape(key.Dataset)}': owner '{Markup.Escape(updated.OwnerTeam)}', {(updated.Personal ? "personal" : "not personal")}.");
            return ExitCodes.Ok;
        });

        return new Command("catalog", "The data catalog: what data exists, who owns it, what is personal.") { list, set };
    }

    static DataType? ParseType(string? value)
    {
        if (value is null) return null;
        return DataTypes.TryParse(value, out var type)
            ? type
            : throw new CliInputException($"'{value}' is not a data type; use behavioural, transactional, profile or consent.");
    }
}
