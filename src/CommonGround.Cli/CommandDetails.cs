using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace CommonGround.Cli;

/// <summary>
/// Keeps command lists short and a command's own help complete: a description's first paragraph is
/// what lists show; the rest (details, examples) is printed after the standard help of that command.
/// </summary>
static class CommandDetails
{
    public static void Apply(RootCommand root)
    {
        var details = new Dictionary<Command, string>();
        Split(root, details);
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction standard) help.Action = new DetailedHelp(standard, details);
        }
    }

    static void Split(Command command, Dictionary<Command, string> details)
    {
        var description = command.Description ?? "";
        var cut = description.IndexOf("\n\n", StringComparison.Ordinal);
        if (cut > 0 && command is not RootCommand)
        {
            details[command] = description[(cut + 2)..];
            command.Description = description[..cut];
        }
        foreach (var sub in command.Subcommands) Split(sub, details);
    }

    sealed class DetailedHelp(HelpAction standard, Dictionary<Command, string> details) : SynchronousCommandLineAction
    {
        // As the standard help: asking for help is never a parse error, even without required options.
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var exit = standard.Invoke(parseResult);
            if (details.TryGetValue(parseResult.CommandResult.Command, out var text))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(text.TrimEnd());
                output.WriteLine();
            }
            return exit;
        }
    }
}
