using System.CommandLine;
using System.Globalization;
using CommonGround.Import;
using CommonGround.Storage;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

/// <summary><c>commonground import customers|orders|events FILE --source NAME</c>: loads a team's export file.</summary>
public static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var kind = new Argument<string>("kind")
        {
            Description = "What the file holds: customers, orders or events.",
        };
        kind.AcceptOnlyFromAmong("customers", "orders", "events");
        var file = new Argument<string>("file")
        {
            Description = "The export file: .csv, .tsv, .jsonl, .ndjson or .parquet.",
        };
        var source = new Option<string>("--source")
        {
            Description = "Name of the source the file comes from (create it with `commonground sources add`).",
            HelpName = "NAME",
            Required = true,
        };
        var format = new Option<string?>("--format")
        {
            Description = "The file's format when its extension does not say it.",
            HelpName = "csv|jsonl|parquet",
        };
        format.AcceptOnlyFromAmong([.. ImportFormats.Names]);
        var map = new Option<string[]>("--map")
        {
            Description = "Which column fills a field, as target=column (repeat the option for more). Fields not " +
                "mapped take the column of the same name, ignoring case, '_' and spaces.",
            HelpName = "target=column",
            AllowMultipleArgumentsPerToken = false,
        };
        var mappingFile = new Option<string?>("--mapping")
        {
            Description = "A JSON file of target to column, e.g. {\"customer_id\": \"CustID\", \"email\": \"E-mail\"}. --map wins over it.",
            HelpName = "FILE.json",
        };
        var rejects = new Option<string?>("--rejects")
        {
            Description = "Where to write rejected rows (CSV: row, reason, raw). Default: FILE.rejects.csv next to the file.",
            HelpName = "PATH",
        };

        var command = new Command("import",
            "Import a team's export of customers, orders or events into the store.\n\n" +
            "Rows are matched by their natural key (customer_id, order_id; events by message_id, or by a hash " +
            "of the row when the file has none), so importing the same file again changes nothing. Rows that " +
            "cannot be imported are written with the reason to the rejects file; the exit code is then 4.\n\n" +
            "Fields: customers: customer_id (required), email, phone, first_name, last_name, address_line, " +
            "postal_code, city, country, company, created_at. orders: order_id, customer_id, ordered_at, total " +
            "(required), currency, status. events: type (default track), event, user_id or anonymous_id, " +
            "timestamp (required), message_id, group_id, previous_id. Other columns are kept as traits " +
            "(customers) or properties.\n\n" +
            "Example:\n" +
            "  commonground sources add --name loyalty --team crm\n" +
            "  commonground import customers members.csv --source loyalty --map customer_id=CustID --map email=E-mail")
        {
            kind, file, source, format, map, mappingFile, rejects,
        };

        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new CliInputException($"The file '{path}' does not exist.");
            ImportTargets.TryParse(parse.GetValue(kind), out var importKind);
            ImportFormat? importFormat = null;
            if (parse.GetValue(format) is { } formatName && ImportFormats.TryParse(formatName, out var parsedFormat))
                importFormat = parsedFormat;
            var mapping = await MappingAsync(parse.GetValue(mappingFile), parse.GetValue(map) ?? [], ct);

            await using var store = await context.OpenStoreAsync(parse, ct);
            var sourceName = parse.GetValue(source)!;
            var found = await store.Sources.FindByNameAsync(sourceName, ct) ?? throw await UnknownSourceAsync(store, sourceName, ct);

            var request = new ImportRequest
            {
                Kind = importKind,
                Path = path,
                Source = found,
                Format = importFormat,
                Mapping = mapping,
                RejectsPath = parse.GetValue(rejects),
            };
            var json = CliContext.Json(parse);
            var importer = new FileImporter(store, TimeProvider.System);
            ImportSummary summary;
            try
            {
                summary = await FileProgress.RunAsync(context, json, $"Importing {Path.GetFileName(path)}", progress => importer.ImportAsync(request, progress, ct));
            }
            catch (ImportInputException ex)
            {
                throw new CliInputException(ex.Message);
            }

            if (json) context.WriteJson(ToJson(summary, found.Name, path));
            else Print(context.Console, summary, found.Name);
            return summary.Rejected > 0 ? ExitCodes.CompletedWithRejects : ExitCodes.Ok;
        });
        return command;
    }

    static async Task<ColumnMapping> MappingAsync(string? mappingFile, string[] pairs, CancellationToken ct)
    {
        try
        {
            var mapping = mappingFile is null ? ColumnMapping.Default : await ColumnMapping.LoadAsync(mappingFile, ct);
            return pairs.Length == 0 ? mapping : mapping.With(ColumnMapping.Parse(pairs));
        }
        catch (ImportInputException ex)
        {
            throw new CliInputException(ex.Message);
        }
    }

    static async Task<CliInputException> UnknownSourceAsync(IStore store, string name, CancellationToken ct)
    {
        var sources = await store.Sources.ListAsync(ct);
        var known = sources.Count == 0
            ? "There are no sources yet."
            : "Sources: " + string.Join(", ", sources.Select(s => s.Name).Order(StringComparer.Ordinal)) + ".";
        return new CliInputException(
            $"There is no source named '{name}'. {known} Create it with `commonground sources add --name {name} --team TEAM`.");
    }

    static object ToJson(ImportSummary s, string source, string path) => new
    {
        Kind = s.Kind.ToName(),
        Source = source,
        File = Path.GetFullPath(path),
        s.RowsRead,
        s.Inserted,
        s.Updated,
        s.Unchanged,
        s.Duplicates,
        s.Rejected,
        s.RejectsPath,
        ElapsedSeconds = Math.Round(s.Elapsed.TotalSeconds, 3),
    };

    static void Print(IAnsiConsole console, ImportSummary s, string source)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Imported " + s.Kind.ToName() + " from " + Markup.Escape(source))
            .AddColumn(new TableColumn("").RightAligned());
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        table.AddRow("rows read", N(s.RowsRead));
        table.AddRow("inserted", N(s.Inserted));
        if (s.Kind == ImportKind.Events)
        {
            table.AddRow("duplicates", N(s.Duplicates));
        }
        else
        {
            table.AddRow("updated", N(s.Updated));
            table.AddRow("unchanged", N(s.Unchanged));
        }
        table.AddRow("rejected", N(s.Rejected));
        table.AddRow("elapsed", s.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s");
        console.Write(table);
        if (s.Rejected > 0)
            console.MarkupLineInterpolated($"[yellow]{N(s.Rejected)} row(s) rejected[/]; the reasons are in {s.RejectsPath}");
    }
}
