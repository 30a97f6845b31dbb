using System.CommandLine;
using CommonGround.Storage;
using CommonGround.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace CommonGround.Cli.Commands;

public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static readonly Option<string> UrlsOption = new("--urls")
    {
        Description = "Address(es) to listen on, separated by ';'. Use http://0.0.0.0:5080 to accept other machines.",
        HelpName = "URL",
        DefaultValueFactory = _ => DefaultUrls,
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("serve",
            "Runs the web UI (every other path; sign in with an API key), Segment-compatible tracking on /v1/*, the admin\n" +
            "API on /api/* and OpenAPI at /openapi/v1.json.\n\n" +
            "Examples:\n" +
            "  commonground serve                                   embedded store in ./commonground-data\n" +
            "  commonground serve --data /var/lib/cg --urls http://0.0.0.0:5080\n" +
            "  commonground serve --provider postgres --connection-string \"Host=db;Username=cg;Database=cg\"\n\n" +
            "Set COMMONGROUND_ADMIN_KEY before the first start to create an admin key for automation.")
        {
            UrlsOption,
        };
        command.SetAction(async (parse, ct) =>
        {
            var store = CliContext.ResolveStoreOptions(parse);
            var app = await StartAsync(store, parse.GetValue(UrlsOption)!, null, ct);
            var where = store.Provider == StoreOptions.DuckDb ? Path.GetFullPath(store.DataDirectory) : "PostgreSQL";
            if (CliContext.Json(parse))
            {
                context.WriteJsonLine(new { urls = app.Urls, store = store.Provider, location = where });
            }
            else
            {
                context.Console.MarkupLine($"[green]CommonGround is running[/] on [bold]{Markup.Escape(string.Join(", ", app.Urls))}[/]");
                context.Console.MarkupLine($"Store: {store.Provider} ({Markup.Escape(where)}). Press Ctrl+C to stop.");
            }
            await app.WaitForShutdownAsync(ct);
            await app.DisposeAsync();
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Builds the web host on <paramref name="store"/>'s settings and starts it listening.
    /// <paramref name="open"/>, when given, is served instead of opening the store again; the host then owns it.
    /// </summary>
    /// <exception cref="CliInputException">The address cannot be listened on (taken, or not this machine's).</exception>
    /// <param name="settings">Configuration that wins over files and environment (the demo's phone region).</param>
    public static async Task<WebApplication> StartAsync(StoreOptions store, string urls, IStore? open, CancellationToken ct,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var app = await CommonGroundApp.CreateAsync(["--urls", urls], builder =>
        {
            // The host's log is diagnostics: standard error, so standard output stays the command's
            // own (the banner, or the --json line that scripts read).
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(
                o => o.LogToStandardErrorThreshold = Microsoft.Extensions.Logging.LogLevel.Trace);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{StoreOptions.Section}:{nameof(StoreOptions.Provider)}"] = store.Provider,
                [$"{StoreOptions.Section}:{nameof(StoreOptions.DataDirectory)}"] = store.DataDirectory,
                [$"{StoreOptions.Section}:{nameof(StoreOptions.ConnectionString)}"] = store.ConnectionString,
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        }, open, ct);
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new CliInputException($"Cannot listen on {urls}: {ex.Message} Pass another address with --urls, e.g. --urls http://127.0.0.1:5081.");
        }
    }
}
