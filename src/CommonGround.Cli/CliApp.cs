using System.CommandLine;
using CommonGround.Cli.Commands;
using CommonGround.Storage;
using Spectre.Console;

namespace CommonGround.Cli;

/// <summary>Builds and runs the commonground command. Tests call <see cref="RunAsync"/> in-process.</summary>
public static class CliApp
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand(
            "CommonGround: one source of truth for every team that talks to customers.\n\n" +
            "To see it with data first, run `commonground demo`: it makes up a retailer's customers, orders and events\n" +
            "and serves them with ready keys.\n\n" +
            "Start with `commonground serve` (the API on http://127.0.0.1:5080), create a source for each\n" +
            "team's tool with `commonground sources add`, and point Segment or RudderStack SDKs at the\n" +
            "server with the source's write key. Files from the teams' exports go in with `commonground import`.\n\n" +
            "Every command works on the embedded store in --data (default ./commonground-data) unless\n" +
            "--provider postgres is given.")
        {
            CliContext.DataOption,
            CliContext.ProviderOption,
            CliContext.ConnectionStringOption,
            CliContext.JsonOption,
        };
        foreach (var command in Commands(context)) root.Add(command);
        CommandDetails.Apply(root);
        return root;
    }

    static IEnumerable<Command> Commands(CliContext context)
    {
        yield return ServeCommand.Create(context);
        yield return DemoCommand.Create(context);
        yield return ImportCommand.Create(context);
        yield return KeysCommand.Create(context);
        yield return SourcesCommand.Create(context);
        yield return CatalogCommand.Create(context);
        yield return AudiencesCommand.Create(context);
        yield return PolicyCommand.Create(context);
        yield return SuppressCommand.Create(context);
    }

    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, TextWriter? error = null,
        CancellationToken ct = default)
    {
        var context = new CliContext(console ?? AnsiConsole.Console, error ?? System.Console.Error);
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await context.Error.WriteLineAsync($"error: {e.Message}");
            await context.Error.WriteLineAsync("Run with --help to see how to use this command.");
            return ExitCodes.BadInput;
        }
        var config = new InvocationConfiguration
        {
            Output = context.Console.Profile.Out.Writer,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await parse.InvokeAsync(config, ct);
        }
        catch (StoreUnavailableException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.StoreUnavailable;
        }
        catch (CliInputException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (ConflictException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("Cancelled.");
            return ExitCodes.Failed;
        }
    }
}

/// <summary>A wrong argument or input file, with a message that says how to fix it. Exit code 2.</summary>
public sealed class CliInputException(string message) : Exception(message);
