using System.CommandLine;
using System.Globalization;
using CommonGround.Cli.Demo;
using CommonGround.Identity;
using CommonGround.Profiles;
using CommonGround.Storage;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

/// <summary><c>commonground demo</c>: creates the demo workspace once, then serves it like <c>serve</c>.</summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var customers = new Option<int>("--customers")
        {
            Description = $"How many loyalty customers to make up on the first run (default {DemoOptions.DefaultCustomers:N0}). " +
                "Ignored once the workspace exists.",
            HelpName = "N",
            DefaultValueFactory = _ => DemoOptions.DefaultCustomers,
        };
        customers.Validators.Add(result =>
        {
            var value = result.GetValue(customers);
            if (value is < 1 or > DemoOptions.MaxCustomers)
                result.AddError($"--customers must be between 1 and {DemoOptions.MaxCustomers:N0}, e.g. --customers 5000.");
        });
        var urls = new Option<string>("--urls")
        {
            Description = ServeCommand.UrlsOption.Description,
            HelpName = "URL",
            DefaultValueFactory = _ => ServeCommand.DefaultUrls,
        };

        var command = new Command("demo",
            "Creates a ready-made demo workspace and serves it: the quickest way to see CommonGround with data.\n\n" +
            $"The first run fills the store with a made-up retailer, {DemoVocabulary.Retailer}, whose five teams each send from one source:\n" +
            "  loyalty marketing  loyalty-crm   customers (households, duplicates, changed e-mails), a year of orders, consent\n" +
            "  retail media       ad-server     Ad Impression and Ad Clicked, with the sponsoring brand\n" +
            "  social             social-ads    Social Ad Clicked, landing on the shop\n" +
            "  web                web-shop      pages, Product Viewed, Added to Cart, Order Completed, logins (identify)\n" +
            "  telemarketing      call-center   Call Completed with its outcome, do-not-call requests\n" +
            "Then it serves the workspace like `serve` and prints the URL of the web UI, an admin API key (to sign in\n" +
            "there, or for the API) and the web shop's write key.\n" +
            "Later runs find the workspace and just serve it, printing the same keys. An interrupted first run is\n" +
            "completed by the next one.\n\n" +
            "This is a local demo: its keys are kept in plain text in DIR/demo-workspace.json (owner-readable only) so\n" +
            "every start can print them. Never use it for real data; the demo refuses a store that holds other sources.\n" +
            "With --provider postgres the workspace goes to the database and the key file still to --data.\n\n" +
            "Examples:\n" +
            "  commonground demo\n" +
            "  commonground demo --data ./demo --urls http://127.0.0.1:5123 --customers 5000\n" +
            "  commonground demo --json          one JSON line {urls, adminKey, writeKey, created} once listening")
        {
            urls, customers,
        };

        command.SetAction(async (parse, ct) =>
        {
            var storeOptions = CliContext.ResolveStoreOptions(parse);
            var json = CliContext.Json(parse);
            var options = new DemoOptions { Customers = parse.GetValue(customers) };
            var store = await context.OpenStoreAsync(parse, ct);
            DemoWorkspaceResult workspace;
            DemoKeys keys;
            try
            {
                workspace = await EnsureAsync(context, store, options, json, ct);
                await ResolveAsync(context, store, json, ct);
                // Campaign targets are resolved people: filled once they exist.
                await DemoCampaigns.TargetAsync(store, options.Time, ct);
                keys = await DemoKeyFile.EnsureAsync(store, workspace, KeyFilePath(storeOptions), options.Time, ct);
                if (!json) PrintSummary(context.Console, workspace);
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
            // From here the web host owns the store and closes it on shutdown.
            var app = await ServeCommand.StartAsync(storeOptions, parse.GetValue(urls)!, store, ct, DemoSettings);
            if (json)
            {
                context.WriteJsonLine(new { urls = app.Urls, adminKey = keys.AdminKey, writeKey = keys.WriteKey, created = workspace.Created });
            }
            else
            {
                PrintBanner(context.Console, [.. app.Urls], keys, KeyFilePath(storeOptions));
            }
            await app.WaitForShutdownAsync(ct);
            await app.DisposeAsync();
            return ExitCodes.Ok;
        });
        return command;
    }

    static string KeyFilePath(StoreOptions options) => DemoKeyFile.PathIn(options.DataDirectory);

    /// <summary>The demo retailer is British: its customers type national phone numbers.</summary>
    static readonly Dictionary<string, string?> DemoSettings = new()
    {
        [$"{IdentityOptions.Section}:{nameof(IdentityOptions.DefaultPhoneRegion)}"] = "GB",
        [$"{HouseholdOptions.Section}:{nameof(HouseholdOptions.DefaultCountry)}"] = "GB",
    };

    /// <summary>
    /// Resolves the workspace's identities before serving, so the first page shows whole profiles,
    /// and leaves a checkpoint the server starts from. Later runs only take in what arrived since.
    /// </summary>
    static async Task ResolveAsync(CliContext context, IStore store, bool json, CancellationToken ct)
    {
        var resolver = new IdentityResolver(store, new IdentityOptions { DefaultPhoneRegion = "GB" },
            new HouseholdOptions { DefaultCountry = "GB" }, TimeProvider.System);
        var total = await store.Events.CountAsync(null, ct) + await store.Records.CountCustomersAsync(null, ct);
        var (through, _) = await store.Identity.ProgressAsync(ct);
        var console = context.Console;
        if (json || !console.Profile.Capabilities.Interactive)
        {
            if (!json && through == 0) Line(console, $"Resolving identities across {N(total)} events and customer records...");
            await resolver.CatchUpAsync(null, ct);
        }
        else
        {
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask("Resolving identities", maxValue: Math.Max(1, total));
                    await resolver.CatchUpAsync(new Reporter<long>(n => task.Value = Math.Min(total, n)), ct);
                    task.Value = task.MaxValue;
                });
        }
        await resolver.CheckpointAsync(ct);
    }

    static async Task<DemoWorkspaceResult> EnsureAsync(CliContext context, IStore store, DemoOptions options, bool json,
        CancellationToken ct)
    {
        var console = context.Console;
        if (json || await DemoWorkspace.ExistsAsync(store, ct))
            return await DemoWorkspace.EnsureAsync(store, options, null, ct);

        var what = $"{options.Customers:N0} customers of {DemoVocabulary.Retailer}";
        if (!console.Profile.Capabilities.Interactive)
        {
            Line(console, $"Creating the demo workspace: {what}, their orders and events...");
            var next = 0.25;
            return await DemoWorkspace.EnsureAsync(store, options, new Reporter<DemoProgress>(p =>
            {
                if ((double)p.Customers / p.CustomersTotal < next && p.Customers < p.CustomersTotal) return;
                next = (double)p.Customers / p.CustomersTotal + 0.25;
                Line(console, $"  {N(p.Customers)} customers, {N(p.Orders)} orders, {N(p.Events)} events");
            }), ct);
        }
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"Creating {Markup.Escape(what)}", maxValue: options.Customers);
                var result = await DemoWorkspace.EnsureAsync(store, options, new Reporter<DemoProgress>(p =>
                {
                    task.Value = p.Customers;
                    task.Description = $"{N(p.Customers)} customers, {N(p.Orders)} orders, {N(p.Events)} events";
                }), ct);
                task.Value = options.Customers;
                return result;
            });
    }

    static void PrintSummary(IAnsiConsole console, DemoWorkspaceResult w)
    {
        var events = w.Sources.Sum(s => s.Events);
        console.MarkupLine(w.Created
            ? $"[green]Created the demo workspace[/] in {w.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s:"
            : "Found the demo workspace made by an earlier run:");
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Team").AddColumn("Source").AddColumn(new TableColumn("Records").RightAligned())
            .AddColumn(new TableColumn("Events").RightAligned());
        foreach (var s in w.Sources)
        {
            var records = s.Source.Name == DemoWorkspace.SourceNames[0].Name
                ? $"{N(w.Customers)} customers, {N(w.Orders)} orders"
                : "";
            table.AddRow(Markup.Escape(s.Source.Team), Markup.Escape(s.Source.Name), records, N(s.Events));
        }
        table.AddRow("[bold]all teams[/]", "", "", $"[bold]{N(events)}[/]");
        console.Write(table);
    }

    static void PrintBanner(IAnsiConsole console, IReadOnlyList<string> urls, DemoKeys keys, string keyFile)
    {
        var url = ClientUrl(urls[0]);
        console.WriteLine();
        console.MarkupLine($"[green]The CommonGround demo is running[/] on [bold]{Markup.Escape(string.Join(", ", urls))}[/]");
        console.WriteLine();
        // Unstyled and unwrapped, so that keys and commands can be copied whole from any terminal or log.
        Line(console, $"  Web UI         {url}/   (sign in with the admin API key)");
        Line(console, $"  Admin API key  {keys.AdminKey}   (Authorization: Bearer ..., for /api/*)");
        Line(console, $"  Write key      {keys.WriteKey}   (source {DemoWorkspace.WebSourceName}, for /v1/*)");
        Line(console, "");
        Line(console, "Try it:");
        Line(console, $"  curl -u {keys.WriteKey}: {url}/v1/track -d '{{\"userId\":\"u1\",\"event\":\"Hello\"}}'");
        Line(console, $"  curl -H \"Authorization: Bearer {keys.AdminKey}\" {url}/api/catalog");
        Line(console, $"  curl -H \"Authorization: Bearer {keys.AdminKey}\" {url}/api/sources");
        Line(console, "");
        Line(console, $"The keys are kept in {Path.GetFullPath(keyFile)} (a local demo: never for real data).");
        Line(console, $"API description: {url}/openapi/v1.json. Press Ctrl+C to stop.");
    }

    /// <summary>An address a client on this machine can call: a wildcard host becomes 127.0.0.1.</summary>
    static string ClientUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return url;
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*" ? "127.0.0.1" : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.GetLeftPart(UriPartial.Authority);
    }

    static void Line(IAnsiConsole console, string text) => console.Profile.Out.Writer.WriteLine(text);

    static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Reports on the generator's thread, so the bar moves while it works.</summary>
    sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
