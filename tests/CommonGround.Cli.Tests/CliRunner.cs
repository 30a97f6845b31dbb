using CommonGround.Storage;
using Spectre.Console;

namespace CommonGround.Cli.Tests;

/// <summary>Runs the commonground command in-process against a test's store, as a non-interactive terminal.</summary>
static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(StoreOptions options, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });
        string[] store = options.Provider == StoreOptions.Postgres
            ? ["--provider", "postgres", "--connection-string", options.ConnectionString!]
            : ["--provider", "duckdb", "--data", options.DataDirectory];
        var exit = await CliApp.RunAsync([.. args, .. store], console, error, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
