using System.CommandLine;
using System.Globalization;
using CommonGround.ContactPolicy;
using CommonGround.Identity;
using CommonGround.Import;
using CommonGround.Storage;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

/// <summary>
/// <c>commonground suppress import|list|remove</c>: suppression lists kept in the workspace, so a
/// do-not-contact list is uploaded once and every team's sends honour it.
/// </summary>
public static class SuppressCommand
{
    public static Command Create(CliContext context) =>
        new("suppress",
            "Suppression lists kept in the workspace: people who may not be contacted, by identifier.\n\n" +
            "Upload a list once (a do-not-contact list, hard bounces) and every team's planned sends honour it: the\n" +
            "what-if simulator and arbitration hold its members back with the reason \"on the suppression list 'NAME'\".\n" +
            "What a list blocks (channels, transactional messages too or not) is set by the contact policy's\n" +
            "suppressionLists (see `commonground policy show`); a list the policy does not name blocks nothing.\n" +
            "Members are kept by normalised identifier (e-mail lower-cased, phone in E.164), so a person counts\n" +
            "whichever profile has the identifier, now or later.")
        {
            Import(context), List(context), Remove(context),
        };

    static Option<string> ListOption() => new("--list")
    {
        Description = "The list's name, as the contact policy names it, e.g. do-not-contact.",
        HelpName = "NAME",
        Required = true,
    };

    static Command Import(CliContext context)
    {
        var list = ListOption();
        var file = new Argument<string>("FILE")
        {
            Description = "A CSV/TSV file with a header, or one identifier per line (a .txt file, or any file whose first line is an identifier).",
        };
        var column = new Option<string?>("--column")
        {
            Description = "The column that holds the identifiers (exact name). Default: 'identifier', else a column named after an " +
                "identifier type (email, phone, userId ...), else the only column.",
            HelpName = "NAME",
        };
        var type = new Option<string?>("--type")
        {
            Description = "The identifier type of every value when the file holds bare values, e.g. --type email for a list of " +
                "addresses. Without it, values are TYPE:VALUE (email:ann@example.com), unless the column is named after a type.",
            HelpName = "TYPE",
        };
        var reasonColumn = new Option<string?>("--reason-column")
        {
            Description = "The column with each person's reason. Default: a column named 'reason' when there is one.",
            HelpName = "NAME",
        };
        var reason = new Option<string?>("--reason")
        {
            Description = "The reason for rows without one, e.g. \"asked by phone not to be contacted\".",
            HelpName = "TEXT",
        };
        var region = new Option<string?>("--phone-region")
        {
            Description = "Country of phone numbers written without +country code (two letters, e.g. GB). Default: the server's " +
                "Identity:DefaultPhoneRegion (environment variable Identity__DefaultPhoneRegion), else BE.",
            HelpName = "CC",
        };
        var rejects = new Option<string?>("--rejects")
        {
            Description = "Where to write rejected rows (CSV: row, reason, raw). Default: FILE.rejects.csv next to the file.",
            HelpName = "PATH",
        };
        var command = new Command("import",
            "Puts the people of a file on a suppression list.\n\n" +
            "Each identifier is normalised before it is stored, so importing the same file again, or the same address in\n" +
            "another case, adds nothing. Rows with an identifier that is not valid go to the rejects file with their row\n" +
            "number and reason (the exit code is then 4); nothing else stops the import. The summary says how many were\n" +
            "added, were on the list already, and were rejected.\n\n" +
            "Examples:\n" +
            "  # one address per line\n" +
            "  commonground suppress import --list do-not-contact optouts.txt --type email --reason \"asked by phone not to be contacted\"\n" +
            "  # a CSV export with columns Email,Reason\n" +
            "  commonground suppress import --list do-not-contact export.csv --column Email --type email --reason-column Reason\n" +
            "  # a file of TYPE:VALUE lines (email:ann@example.com, phone:+447911123456, userId:u-42)\n" +
            "  commonground suppress import --list hard-bounces bounces.txt")
        {
            list, file, column, type, reasonColumn, reason, region, rejects,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var options = CliContext.ResolveIdentityOptions();
            if (parse.GetValue(region) is { } cc)
            {
                if (cc.Length != 2 || !cc.All(char.IsAsciiLetter))
                    throw new CliInputException($"--phone-region '{cc}' is not a two-letter country code such as GB or BE.");
                options.DefaultPhoneRegion = cc.ToUpperInvariant();
            }
            var request = new SuppressionImportRequest
            {
                List = parse.GetValue(list)!,
                Path = path,
                AddedBy = AddedBy,
                Column = parse.GetValue(column),
                Type = parse.GetValue(type),
                ReasonColumn = parse.GetValue(reasonColumn),
                Reason = parse.GetValue(reason),
                RejectsPath = parse.GetValue(rejects),
            };
            if (!File.Exists(path)) throw new CliInputException($"The file '{path}' does not exist.");

            await using var store = await context.OpenStoreAsync(parse, ct);
            var importer = new SuppressionImporter(store.SuppressionLists, new IdentifierText(options), TimeProvider.System);
            var json = CliContext.Json(parse);
            SuppressionImportSummary summary;
            try
            {
                summary = await FileProgress.RunAsync(context, json, $"Importing {Path.GetFileName(path)} onto {Markup.Escape(request.List)}",
                    progress => importer.ImportAsync(request, progress, ct));
            }
            catch (ImportInputException ex)
            {
                throw new CliInputException(ex.Message);
            }

            var (policy, _, _) = await PolicyCommand.PolicyAsync(null, store, ct);
            var blocks = SuppressionLists.Blocks(policy, summary.List);
            if (json)
            {
                context.WriteJson(new
                {
                    summary.List, File = Path.GetFullPath(path), summary.Header, summary.Column, summary.RowsRead, summary.Added, summary.AlreadyOn,
                    summary.Rejected, summary.Members, summary.RejectsPath, Blocks = blocks, ElapsedSeconds = Math.Round(summary.Elapsed.TotalSeconds, 3),
                });
            }
            else
            {
                Print(context.Console, summary, blocks);
            }
            return summary.Rejected > 0 ? ExitCodes.CompletedWithRejects : ExitCodes.Ok;
        });
        return command;
    }

    static Command List(CliContext context)
    {
        var name = new Argument<string?>("NAME")
        {
            Description = "A list whose members to show (personal data). Without it, every list with its count.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var limit = new Option<int>("--limit")
        {
            Description = "How many members to show (1 to 10000).",
            HelpName = "N",
            DefaultValueFactory = _ => 100,
        };
        limit.Validators.Add(result =>
        {
            if (result.GetValue(limit) is < 1 or > SuppressionLists.MaxBatch) result.AddError("--limit must be between 1 and 10000, e.g. --limit 500.");
        });
        var after = new Option<string?>("--after")
        {
            Description = "Show members after this identifier (TYPE:VALUE as a previous page printed it), for the next page.",
            HelpName = "TYPE:VALUE",
        };
        var command = new Command("list",
            "Shows the suppression lists with their member counts, or the members of one list.\n\n" +
            "Without NAME: the lists the contact policy names and those stored, with how many members each has and what it\n" +
            "blocks. A stored list the policy does not name is marked: it blocks nothing until the policy names it.\n" +
            "With a NAME: that list's members (identifier, reason, who added them and when), by identifier, a page at a time.\n\n" +
            "Examples:\n" +
            "  commonground suppress list\n" +
            "  commonground suppress list do-not-contact --limit 500\n" +
            "  commonground suppress list do-not-contact --after email:ann@example.com --json")
        {
            name, limit, after,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var (policy, _, _) = await PolicyCommand.PolicyAsync(null, store, ct);
            var counts = await store.SuppressionLists.CountsAsync(ct);
            var json = CliContext.Json(parse);
            if (parse.GetValue(name) is not { } list)
            {
                var rows = policy.SuppressionLists.Select(l => l.Name)
                    .Concat(counts.Select(c => c.List).Where(n => !policy.SuppressionLists.Any(l => l.Name == n)).Order(StringComparer.Ordinal))
                    .Select(n => (Name: n, Members: counts.FirstOrDefault(c => c.List == n)?.Members ?? 0, Blocks: SuppressionLists.Blocks(policy, n)))
                    .ToList();
                if (json)
                {
                    context.WriteJson(rows.Select(r => new { r.Name, r.Members, InPolicy = r.Blocks != SuppressionLists.NotInPolicy, r.Blocks }));
                    return ExitCodes.Ok;
                }
                if (rows.Count == 0)
                {
                    context.Console.MarkupLine("There are no suppression lists: the policy names none and none is stored. Add one with `commonground suppress import`.");
                    return ExitCodes.Ok;
                }
                var table = new Table().Border(TableBorder.Rounded).AddColumn("List").AddColumn(new TableColumn("Members").RightAligned()).AddColumn("Blocks");
                foreach (var r in rows)
                    table.AddRow(Markup.Escape(r.Name), N(r.Members), r.Blocks == SuppressionLists.NotInPolicy ? $"[yellow]{r.Blocks}[/]" : Markup.Escape(r.Blocks));
                context.Console.Write(table);
                return ExitCodes.Ok;
            }

            if (!policy.SuppressionLists.Any(l => l.Name == list) && !counts.Any(c => c.List == list))
                throw new CliInputException($"There is no suppression list '{list}' in the policy or the workspace. See `commonground suppress list`.");
            Identifier? from = null;
            if (parse.GetValue(after) is { } cursor)
            {
                var separator = cursor.IndexOf(':');
                if (separator <= 0) throw new CliInputException($"--after '{cursor}' is not TYPE:VALUE as a page printed it, e.g. --after email:ann@example.com.");
                from = new Identifier(cursor[..separator], cursor[(separator + 1)..]);
            }
            var members = await store.SuppressionLists.MembersAsync(list, from, parse.GetValue(limit), ct);
            if (json)
            {
                context.WriteJson(members.Select(m => new { Identifier = m.Identifier.ToString(), m.Reason, m.AddedBy, m.AddedAt }));
                return ExitCodes.Ok;
            }
            var page = new Table().Border(TableBorder.Rounded).AddColumns("Identifier", "Reason", "Added by", "Added at (UTC)");
            foreach (var m in members)
                page.AddRow(Markup.Escape(m.Identifier.ToString()), Markup.Escape(m.Reason ?? ""), Markup.Escape(m.AddedBy), m.AddedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
            context.Console.Write(page);
            if (members.Count == parse.GetValue(limit))
                context.Console.MarkupLine($"[grey]More members follow: add --after {Markup.Escape(members[^1].Identifier.ToString())}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Remove(CliContext context)
    {
        var list = ListOption();
        var identifiers = new Argument<string[]>("IDENTIFIER")
        {
            Description = "One or more identifiers as TYPE:VALUE, e.g. email:ann@example.com (normalised, so any case will do).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("remove",
            "Takes people off a suppression list, e.g. when someone asks to hear from you again.\n\n" +
            "Exit code 0 when every identifier was on the list and is now off it, 1 when some were not on it (they are named),\n" +
            "2 when an identifier is not valid (nothing is removed).\n\n" +
            "Example:\n" +
            "  commonground suppress remove --list do-not-contact email:ann@example.com phone:+447911123456")
        {
            list, identifiers,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(list)!;
            var text = new IdentifierText(CliContext.ResolveIdentityOptions());
            var parsed = new List<Identifier>();
            foreach (var raw in parse.GetValue(identifiers)!)
            {
                if (text.Read(raw, null, out var identifier) is { } problem)
                    throw new CliInputException($"'{raw}' {problem} Nothing was removed.");
                parsed.Add(identifier);
            }
            await using var store = await context.OpenStoreAsync(parse, ct);
            var missing = new List<Identifier>();
            foreach (var identifier in parsed)
            {
                if (!await store.SuppressionLists.RemoveMemberAsync(name, identifier, ct)) missing.Add(identifier);
            }
            var removed = parsed.Count - missing.Count;
            if (CliContext.Json(parse))
                context.WriteJson(new { List = name, Removed = removed, NotOnList = missing.Select(m => m.ToString()) });
            else
                context.Console.MarkupLine($"Removed {N(removed)} from [bold]{Markup.Escape(name)}[/].");
            if (missing.Count == 0) return ExitCodes.Ok;
            await context.Error.WriteLineAsync($"error: not on the list '{name}': {string.Join(", ", missing)}.");
            return ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>Who added members from the command line: the operating system's user.</summary>
    static string AddedBy => "cli:" + Environment.UserName;

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    static void Print(IAnsiConsole console, SuppressionImportSummary s, string blocks)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Imported onto " + Markup.Escape(s.List))
            .AddColumn(new TableColumn("").RightAligned());
        table.AddRow("rows read", N(s.RowsRead));
        table.AddRow("added", N(s.Added));
        table.AddRow("already on the list", N(s.AlreadyOn));
        table.AddRow("rejected", N(s.Rejected));
        table.AddRow("members now", N(s.Members));
        table.AddRow("elapsed", s.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s");
        console.Write(table);
        console.MarkupLine(s.Header ? $"Identifiers from column '{Markup.Escape(s.Column ?? "")}'." : "Read as one identifier per line.");
        if (blocks == SuppressionLists.NotInPolicy)
            console.MarkupLine($"[yellow]The contact policy names no list '{Markup.Escape(s.List)}': its members are kept but nothing is held back until the policy names it.[/]");
        else
            console.MarkupLine($"For its members the policy blocks {Markup.Escape(blocks)}.");
        if (s.Rejected > 0)
            console.MarkupLineInterpolated($"[yellow]{N(s.Rejected)} row(s) rejected[/]; the reasons are in {s.RejectsPath}");
    }
}
