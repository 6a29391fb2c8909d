using System.CommandLine;
using System.CommandLine.Parsing;
using SpineReview.Alerts;
using SpineReview.Screening.People;
using SpineReview.Sources;

namespace SpineReview.Cli.Commands;

/// <summary>The command line's exit codes (README.md and ../shared/design/INTERFACES.md list them).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    /// <summary>Stopped by Ctrl+C (SIGINT): 128 + 2, as shells report it.</summary>
    public const int Cancelled = 130;
    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;
}

/// <summary>Bad usage: an unknown command or option, a missing value. Exit code 2, with the command's help.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Runs a command's work and turns whatever ends it into a message on standard error and an exit code: the one place that does.</summary>
internal sealed class Runner(CliEnvironment environment)
{
    public CliEnvironment Environment => environment;

    /// <summary>Makes <paramref name="work"/> what <paramref name="command"/> does, with the invocation's token; the services
    /// are started first (settings checked, every table, queue and container created), as a host starts.</summary>
    /// <param name="prepare">What the command's options set or check before the services start (--replay, an --out path).</param>
    public void Handle(Command command, Func<ParseResult, CommandContext, Task<int>> work, Action<ParseResult, CommandContext>? prepare = null) =>
        command.SetAction((parse, ct) => RunAsync(command, parse, work, prepare, storage: true, ct));

    /// <summary>As <see cref="Handle"/>, for a command that works on files only (parse, eval): it never needs storage.</summary>
    public void HandleOffline(Command command, Func<ParseResult, CommandContext, Task<int>> work) =>
        command.SetAction((parse, ct) => RunAsync(command, parse, work, null, storage: false, ct));

    private async Task<int> RunAsync(Command command, ParseResult parse, Func<ParseResult, CommandContext, Task<int>> work,
        Action<ParseResult, CommandContext>? prepare, bool storage, CancellationToken ct)
    {
        var path = PathOf(parse.CommandResult);
        try
        {
            await using var context = new CommandContext(environment, path, ct);
            prepare?.Invoke(parse, context);
            if (storage) await context.StartAsync();
            return await work(parse, context);
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e, ct);
            await environment.Error.WriteLineAsync($"{Who(path)}{message}{(code == ExitCodes.Usage && e is UsageException ? "\n\n" + Help.Text(command) : "")}");
            return code;
        }
    }

    private static (int Code, string Message) Describe(Exception e, CancellationToken ct) => e switch
    {
        OperationCanceledException when ct.IsCancellationRequested =>
            (ExitCodes.Cancelled, ": cancelled; what was stored before stays stored, and the same command run again goes on from there"),
        UsageException => (ExitCodes.Usage, ": " + e.Message),
        // Refused (2: give another path) or not written (1); the file is as it was.
        OutputFileException o => (o.ExitCode, ": " + e.Message),
        DecisionRejectedException d => (d.Status == 401 ? ExitCodes.Usage : ExitCodes.Failed, ": " + e.Message),
        AlertRejectedException a => (a.Status == 400 ? ExitCodes.Usage : ExitCodes.Failed, ": " + e.Message),
        InvalidDataException or UnauthorizedAccessException or (IOException and not DirectoryNotFoundException) =>
            (ExitCodes.Usage, ": cannot read the input: " + e.Message),
        // A refusal that says what was wrong with the request (not linked, no such record, a value not on the form).
        SourceException or ArgumentException or KeyNotFoundException or InvalidOperationException => (ExitCodes.Failed, ": " + e.Message),
        // Every other failure ends in one line that says what went wrong; the exit code says it failed.
        _ => (ExitCodes.Failed, " failed: " + e.Message),
    };

    /// <summary>The message for a command line the parser refused: what was wrong, in the command line's words.</summary>
    public static string DescribeParseErrors(ParseResult parse)
    {
        var at = parse.CommandResult;
        var command = at.Command;
        var path = PathOf(at);
        var lines = new List<string>();
        if (parse.UnmatchedTokens.Count > 0)
        {
            // Only the first: the ones after it usually follow from it ("--email ADDRESS" on the wrong command is two).
            var token = parse.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                // Named where it belongs when a neighbouring command takes it ("alerts --email", "screen next --reason").
                var scope = VisibleSubcommands(command).Any() || command.Parents.OfType<Command>().FirstOrDefault() is not { } parent ? command : parent;
                var owners = Descendants(scope).Prepend(scope).Where(c => c != command && c.Options.Any(o => o.Name == token))
                    .Select(c => PathOf(c)).Where(p => p.Length > 0).ToList();
                lines.Add(owners.Count > 0 ? $"{token} goes with {string.Join(", ", owners)}" : $"unknown option {token}");
            }
            else if (VisibleSubcommands(command).Any())
                lines.Add(path.Length == 0 ? $"unknown command '{token}'" : $"unknown {path} action '{token}': {Either(VisibleSubcommands(command).Select(c => c.Name))}");
            else
                lines.Add($"unexpected argument '{token}'");
        }
        var missing = new List<string>();
        foreach (var error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case CommandResult when parse.UnmatchedTokens.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)):
                    break; // said above, in the command line's words
                case CommandResult c when c.Command.Action is null && VisibleSubcommands(c.Command).Any():
                    if (parse.UnmatchedTokens.Count == 0) lines.Add($"takes one of: {Either(VisibleSubcommands(c.Command).Select(s => s.Name))}");
                    break;
                case OptionResult { Tokens.Count: 0 } o:
                    lines.Add($"option {o.Option.Name} needs a value");
                    break;
                case ArgumentResult { Tokens.Count: 0 } a:
                    missing.Add(a.Argument.Name);
                    break;
                default:
                    lines.Add(error.Message);
                    break;
            }
        }
        if (missing.Count > 0) lines.Add($"missing {string.Join(" and ", missing)}");
        return string.Join("\n", lines.Distinct().Select(line => Who(path) + ": " + line));
    }

    /// <summary>The command's words below the root, e.g. "screen decide".</summary>
    public static string PathOf(CommandResult result)
    {
        var words = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c && c.Parent is not null; r = r.Parent) words.Insert(0, c.Command.Name);
        return string.Join(' ', words);
    }

    private static string PathOf(Command command)
    {
        var words = new List<string>();
        for (var c = command; c.Parents.OfType<Command>().FirstOrDefault() is { } parent; c = parent) words.Insert(0, c.Name);
        return string.Join(' ', words);
    }

    private static string Who(string path) => path.Length == 0 ? "spine-review" : $"spine-review {path}";

    private static IEnumerable<Command> VisibleSubcommands(Command command) => command.Subcommands.Where(c => !c.Hidden);

    private static IEnumerable<Command> Descendants(Command command) =>
        VisibleSubcommands(command).SelectMany(c => Descendants(c).Prepend(c));

    private static string Either(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 1 ? list[0] : $"{string.Join(", ", list[..^1])} or {list[^1]}";
    }
}
