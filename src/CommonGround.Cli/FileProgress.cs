using CommonGround.Import;
using Spectre.Console;

namespace CommonGround.Cli;

/// <summary>
/// The progress bar of a file import on a terminal. With --json, or when the output is not a terminal
/// (a pipe, a CI log), there is no bar: the command prints its summary when done.
/// </summary>
static class FileProgress
{
    public static async Task<T> RunAsync<T>(CliContext context, bool json, string label, Func<IProgress<ImportProgress>?, Task<T>> import)
    {
        if (json || !context.Console.Profile.Capabilities.Interactive) return await import(null);
        return await context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(label, maxValue: 1);
                var result = await import(new Reporter(p => task.Value = p.Fraction));
                task.Value = 1;
                return result;
            });
    }

    /// <summary>Reports on the importer's thread, so the bar moves while it works.</summary>
    sealed class Reporter(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}
