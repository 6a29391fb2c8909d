using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Text;

namespace SpineReview.Cli.Commands;

/// <summary>A command with its help: the usage lines and what it does (above the generated lists of arguments, options and
/// sub-commands) and, for the root, notes below them.</summary>
internal sealed class CliCommand(string name, string summary, string usage, string? notes = null) : Command(name, summary)
{
    public string Usage { get; } = usage;
    public string? Notes { get; } = notes;
}

/// <summary>What `--help` and `--version` print.</summary>
internal static class Help
{
    /// <summary>The version of this build: the assembly's informational version (with the commit when the build knew it).</summary>
    public static string Version { get; } =
        typeof(Help).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>A command's help: usage and prose, then its arguments, options and sub-commands, each with what it means.</summary>
    public static string Text(Command command)
    {
        var text = new StringBuilder();
        text.AppendLine(command is CliCommand c ? c.Usage.TrimEnd() : command.Description);
        List(text, "Arguments:", command.Arguments.Where(a => !a.Hidden).Select(a => (a.Name, a.Description)));
        List(text, "Options:", OptionsOf(command).Select(o => (Label(o), o.Description)));
        List(text, "Commands:", command.Subcommands.Where(s => !s.Hidden).Select(s => (s.Name, s.Description)));
        if (command is CliCommand { Notes: { } notes }) text.AppendLine().AppendLine(notes.TrimEnd());
        return text.ToString().TrimEnd();
    }

    private static void List(StringBuilder text, string heading, IEnumerable<(string Name, string? Description)> rows)
    {
        var all = rows.ToList();
        if (all.Count == 0) return;
        var width = all.Max(r => r.Name.Length) + 2;
        text.AppendLine().AppendLine(heading);
        foreach (var (name, description) in all) text.AppendLine($"  {name.PadRight(width)}{description}".TrimEnd());
    }

    // The command's own options, then those it inherits (--help).
    private static IEnumerable<Option> OptionsOf(Command command)
    {
        var inherited = new List<Option>();
        for (var c = command.Parents.OfType<Command>().FirstOrDefault(); c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            inherited.AddRange(c.Options.Where(o => o.Recursive));
        return command.Options.Concat(inherited).Where(o => !o.Hidden);
    }

    private static string Label(Option option)
    {
        var names = option.Aliases.Append(option.Name).Where(n => n.StartsWith('-')).Distinct().OrderBy(n => n.Length);
        var label = string.Join(", ", names);
        return option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0 ? label : $"{label} {option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant()}";
    }

    /// <summary>Prints the help of the command it was given to, and clears parse errors, so `--help` works on any incomplete command line.</summary>
    public sealed class PrintHelp : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            ArgumentNullException.ThrowIfNull(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(Text(parseResult.CommandResult.Command));
            return ExitCodes.Success;
        }
    }

    /// <summary>Prints <see cref="Version"/>.</summary>
    public sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            ArgumentNullException.ThrowIfNull(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Success;
        }
    }
}
