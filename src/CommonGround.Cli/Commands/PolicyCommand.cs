using System.CommandLine;
using System.Globalization;
using CommonGround.ContactPolicy;
using CommonGround.ContactPolicy.Simulation;
using CommonGround.Storage;
using CommonGround.Web.Hosting;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

/// <summary>`commonground policy show|validate|simulate`: the contact policy in words, a policy file checked, and the what-if simulator.</summary>
public static class PolicyCommand
{
    public static Command Create(CliContext context) =>
        new("policy", "The contact policy: read it, check a policy file, and simulate a week of every team's campaigns with it.")
        {
            Show(context), Validate(context), Simulate(context),
        };

    static Command Show(CliContext context)
    {
        var file = PolicyFileOption("The policy file to show instead of the policy in force.");
        var command = new Command("show",
            "Shows the contact policy in plain words: caps, quiet hours, gaps, consent, suppression lists, order.\n\n" +
            "Without --policy it shows the policy in force: the starter policy of a new workspace (3 marketing\n" +
            "messages a customer a day, 5 a household, 1 a day from any one team, quiet nights for SMS, push\n" +
            "and calls, an hour between two messages) until someone changes it (web UI or PUT /api/contact-policy).\n" +
            "--json prints the policy as JSON, the form `policy validate` and `policy simulate --policy` read.\n\n" +
            "Examples:\n" +
            "  commonground policy show\n" +
            "  commonground policy show --json > policy.json\n" +
            "  commonground policy show --policy policy.json")
        { file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file);
            await using var store = path is null ? await context.OpenStoreAsync(parse, ct) : null;
            var (policy, version, label) = await PolicyAsync(path, store, ct);
            if (CliContext.Json(parse))
            {
                context.Console.Profile.Out.Writer.WriteLine(ContactPolicyJson.Serialize(policy));
                return ExitCodes.Ok;
            }
            context.Console.MarkupLine($"[bold]{Markup.Escape(label)}[/]{(version > 0 ? $" (version {version})" : "")}");
            foreach (var (heading, rules) in ContactPolicyText.Describe(policy))
            {
                context.Console.WriteLine();
                context.Console.MarkupLine($"[bold]{Markup.Escape(heading)}[/]");
                foreach (var rule in rules) context.Console.MarkupLine("  • " + Markup.Escape(rule));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Validate(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The policy as JSON (as `policy show --json` prints it)." };
        var command = new Command("validate",
            "Checks a contact policy file and lists every problem with its place in the JSON.\n\n" +
            "Exit code 0 when the policy is valid, 2 when it is not (each problem on a line, e.g.\n" +
            "\"caps[0].limit: is 0; a cap allows at least 1 message ...\").\n\n" +
            "Examples:\n" +
            "  commonground policy validate policy.json\n" +
            "  commonground policy validate policy.json --json")
        { file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            var text = await ReadAsync(path, ct);
            IReadOnlyList<PolicyProblem> problems;
            try
            {
                problems = ContactPolicyValidator.Validate(ContactPolicyJson.Deserialize(text));
            }
            catch (ContactPolicyException ex)
            {
                problems = ex.Problems;
            }
            if (CliContext.Json(parse))
            {
                context.WriteJson(new { file = path.Name, valid = problems.Count == 0, problems });
                return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.BadInput;
            }
            if (problems.Count == 0)
            {
                context.Console.MarkupLine($"[green]{Markup.Escape(path.Name)} is a valid contact policy.[/]");
                return ExitCodes.Ok;
            }
            await context.Error.WriteLineAsync($"{path.Name}: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}:");
            foreach (var problem in problems) await context.Error.WriteLineAsync("  " + problem);
            return ExitCodes.BadInput;
        });
        return command;
    }

    static Command Simulate(CliContext context)
    {
        var from = new Option<DateOnly>("--from")
        {
            Description = "The first day to simulate (yyyy-MM-dd), in the policy's default time zone.",
            HelpName = "DATE",
            Required = true,
        };
        var days = new Option<int>("--days")
        {
            Description = $"How many days (1 to {ContactSimulator.MaxDays}).",
            HelpName = "N",
            DefaultValueFactory = _ => 7,
        };
        days.Validators.Add(result =>
        {
            if (result.GetValue(days) is < 1 or > ContactSimulator.MaxDays)
                result.AddError($"--days must be between 1 and {ContactSimulator.MaxDays}, e.g. --days 7.");
        });
        var file = PolicyFileOption("Simulate with this policy file instead of the policy in force (try a change before making it).");
        var command = new Command("simulate",
            "What if every team's planned campaigns went out: messages per customer and household per day, without the\n" +
            "contact policy and with it.\n\n" +
            "For each day of the window it takes the campaigns scheduled or live on the calendar and their target lists\n" +
            "(held-out and control people excluded; refresh them with the API's refresh-targets first), plans every\n" +
            "send (one-off: once; recurring: each time of its cron; always-on: estimated as one message a day to each\n" +
            "target, at 12:00), arbitrates them with the policy, and prints:\n" +
            "  - messages per customer per day and per household per day, without and with the policy (0 to 5+, and the most);\n" +
            "  - how many customers would get 5 or more messages in a day without the policy, and with it;\n" +
            "  - what the policy holds back per team (messages, customers, expected value) and per rule;\n" +
            "  - the worst days.\n\n" +
            "Examples:\n" +
            "  commonground policy simulate --from 2026-11-30\n" +
            "  commonground policy simulate --from 2026-11-30 --days 14 --data ./commonground-demo\n" +
            "  commonground policy simulate --from 2026-11-30 --policy stricter.json --json")
        { from, days, file };
        command.SetAction(async (parse, ct) =>
        {
            await using var store = await context.OpenStoreAsync(parse, ct);
            var (policy, version, label) = await PolicyAsync(parse.GetValue(file), store, ct);
            var simulator = new ContactSimulator(store.Campaigns, TimeProvider.System);
            var (start, length) = (parse.GetValue(from), parse.GetValue(days));
            var json = CliContext.Json(parse);
            SimulationReport report;
            if (json || !context.Console.Profile.Capabilities.Interactive)
            {
                if (!json) context.Console.Profile.Out.Writer.WriteLine($"Simulating {length} days from {start:yyyy-MM-dd} with {label}...");
                report = await simulator.RunAsync(policy, version, start, length, null, ct);
            }
            else
            {
                report = await context.Console.Status().StartAsync("Reading the campaign calendar", async status =>
                    await simulator.RunAsync(policy, version, start, length, new Reporter(p =>
                        status.Status(p.Total is { } total
                            ? $"{p.Stage}: {N(total)} sends"
                            : p.Done > 0 ? $"{p.Stage}: {N(p.Done)} rows" : p.Stage)), ct));
            }
            if (json)
            {
                context.WriteJson(new { policy = label, report });
                return ExitCodes.Ok;
            }
            Print(context.Console, report, label);
            return ExitCodes.Ok;
        });
        return command;
    }

    static Option<FileInfo?> PolicyFileOption(string description) => new("--policy") { Description = description, HelpName = "FILE.json" };

    /// <summary>The policy in the file, else the version in force in the store, else the starter policy of a new workspace.</summary>
    internal static async Task<(ContactPolicyDefinition Policy, int Version, string Label)> PolicyAsync(FileInfo? file, IStore? store, CancellationToken ct)
    {
        if (file is null)
        {
            var versions = store is null ? [] : await store.ContactPolicy.ListPolicyVersionsAsync(ct);
            return versions.Count > 0 && versions.MaxBy(v => v.Number) is { } current
                ? (current.Policy, current.Number, $"the policy in force (changed by {current.ChangedBy} at {current.At:yyyy-MM-dd HH:mm} UTC)")
                : (ContactPolicyHosting.StarterPolicy, 1, "the starter policy");
        }
        try
        {
            var policy = ContactPolicyJson.Deserialize(await ReadAsync(file, ct));
            ContactPolicyValidator.ThrowIfInvalid(policy);
            return (policy, 0, "the policy in " + file.Name);
        }
        catch (ContactPolicyException ex)
        {
            throw new CliInputException($"{file.Name} is not a valid contact policy: " + string.Join("; ", ex.Problems) +
                $". Check it with `commonground policy validate {file.Name}`.");
        }
    }

    static async Task<string> ReadAsync(FileInfo file, CancellationToken ct)
    {
        if (!file.Exists) throw new CliInputException($"There is no file {file.FullName}.");
        return await File.ReadAllTextAsync(file.FullName, ct);
    }

    static void Print(IAnsiConsole console, SimulationReport r, string label)
    {
        console.MarkupLine($"[bold]What if every planned campaign went out[/], {r.From:ddd d MMM yyyy} to {r.To.AddDays(-1):ddd d MMM yyyy} " +
            $"({r.Days} days, {Markup.Escape(r.TimeZone)}), with {Markup.Escape(label)}:");
        console.MarkupLine($"{N(r.Campaigns.Count)} campaigns, {N(r.Customers)} customers in {N(r.Households)} households; " +
            $"{N(r.Planned)} messages planned, [green]{N(r.Kept)} kept[/], [yellow]{N(r.HeldBack)} held back[/].");
        console.WriteLine();
        var heavy = r.PerCustomer.HeavyWithout;
        console.MarkupLine(heavy > 0
            ? $"[bold red]{N(heavy)}[/] {(heavy == 1 ? "customer" : "customers")} would get [bold]5 or more messages in a day[/] without the policy; " +
              (r.PerCustomer.HeavyWith == 0 ? "[bold green]none[/] do with it." : $"[bold]{N(r.PerCustomer.HeavyWith)}[/] still do with it.")
            : "No customer would get 5 or more messages in a day, even without the policy.");
        console.WriteLine();
        Histogram(console, "Messages per customer per day", r.PerCustomer);
        Histogram(console, "Messages per household per day", r.PerHousehold);

        if (r.Teams.Count > 0)
        {
            var teams = new Table().Border(TableBorder.Rounded).Title("Held back per team")
                .AddColumn("Team").AddColumn(new TableColumn("Planned").RightAligned()).AddColumn(new TableColumn("Held back").RightAligned())
                .AddColumn(new TableColumn("Customers").RightAligned()).AddColumn(new TableColumn("Expected value").RightAligned());
            foreach (var t in r.Teams)
                teams.AddRow(Markup.Escape(t.Team), N(t.Planned), N(t.HeldBack), N(t.Customers), Markup.Escape(Web.Components.Format.Money(t.Value, r.Currency)));
            console.Write(teams);
        }
        if (r.Rules.Count > 0)
        {
            var chart = new BarChart().Label("[bold]Held back by rule[/]").LeftAlignLabel();
            foreach (var rule in r.Rules) chart.AddItem(rule.Name, rule.HeldBack, Color.Yellow);
            console.Write(chart);
            console.WriteLine();
        }
        if (r.WorstDays.Count > 0)
        {
            var days = new Table().Border(TableBorder.Rounded).Title("Worst days")
                .AddColumn("Day").AddColumn(new TableColumn("Planned").RightAligned()).AddColumn(new TableColumn("Kept").RightAligned())
                .AddColumn(new TableColumn("5+ without").RightAligned()).AddColumn(new TableColumn("Most without").RightAligned())
                .AddColumn(new TableColumn("5+ with").RightAligned()).AddColumn(new TableColumn("Most with").RightAligned());
            foreach (var d in r.WorstDays)
                days.AddRow(d.Day.ToString("ddd d MMM", CultureInfo.InvariantCulture), N(d.Planned), N(d.Kept), N(d.HeavyWithout), N(d.MaxWithout),
                    N(d.HeavyWith), N(d.MaxWith));
            console.Write(days);
        }
    }

    static void Histogram(IAnsiConsole console, string title, DailyDistribution d)
    {
        const int width = 16;
        var largest = Math.Max(1, Math.Max(d.Without.Max(), d.With.Max()));
        var table = new Table().Border(TableBorder.Rounded).Title(title)
            .AddColumn("A day").AddColumn(new TableColumn("Without the policy").RightAligned()).AddColumn("")
            .AddColumn(new TableColumn("With it").RightAligned()).AddColumn("");
        for (var b = 0; b < SimulationReport.Buckets.Count; b++)
        {
            var (without, with) = (d.Without[b], d.With[b]);
            var colour = b >= SimulationReport.Heavy ? "red" : "blue";
            table.AddRow(SimulationReport.Buckets[b], N(without), $"[{colour}]{Bar(without, largest, width)}[/]", N(with), $"[green]{Bar(with, largest, width)}[/]");
        }
        table.AddRow("[bold]most[/]", $"[bold]{d.MaxWithout}[/]", "", $"[bold]{d.MaxWith}[/]", "");
        console.Write(table);
    }

    /// <summary>A bar of block characters, at least one for any non-zero value.</summary>
    static string Bar(long value, long largest, int width) =>
        value == 0 ? "" : new string('█', (int)Math.Max(1, Math.Round((double)value / largest * width)));

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    sealed class Reporter(Action<SimulationProgress> report) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => report(value);
    }
}
