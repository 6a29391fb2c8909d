using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Cli.Commands;

namespace SpineReview.Cli;

/// <summary>The spine-review command line: the console host that runs the same services as the Functions app.</summary>
public static class CommandLine
{
    /// <summary>The process's command line: Ctrl+C (SIGINT) and SIGTERM cancel the command, which then exits with 130 or 143.</summary>
    public static async Task<int> RunConsoleAsync(string[] args)
    {
        using var signals = new TerminationSignals();
        var code = await RunAsync(args, Console.Out, Console.Error, cancellationToken: signals.Token);
        return code == ExitCodes.Cancelled ? signals.ExitCode : code;
    }

    /// <summary>Runs one command line. Exit codes: 0 success, 1 the work failed, 2 bad usage, 130 cancelled through
    /// <paramref name="cancellationToken"/>, which every service call of the command is given.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var root = Build(new Runner(new CliEnvironment(output, error, settings, configure)));
        // No response files: an argument starting with @ (a note, a name) is just that argument.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            await error.WriteLineAsync($"{Runner.DescribeParseErrors(parse)}\n\n{Help.Text(parse.CommandResult.Command)}");
            return ExitCodes.Usage;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Every failure is turned into a message and an exit code by the Runner; signals by RunConsoleAsync.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        }, cancellationToken);
    }

    private static CliCommand Build(Runner runner)
    {
        var root = new CliCommand("spine-review", "the living review's command line",
            "Usage: spine-review <command> [options]   (spine-review <command> --help for its options)",
            $"Settings come from environment variables (A__B) or local.settings.json in the current folder, with the same names as the Functions app.\n" +
            $"Exit codes: {ExitCodes.Success} success, {ExitCodes.Failed} the work failed, {ExitCodes.Usage} bad usage, " +
            $"{ExitCodes.Cancelled} cancelled by Ctrl+C ({ExitCodes.Terminated} by SIGTERM).")
        {
            new HelpOption { Recursive = true, Description = "print this help", Action = new Help.PrintHelp() },
            new VersionOption { Description = "print the version", Action = new Help.PrintVersion() },
            CycleCommand.Create(runner),
            HarvestCommand.Create(runner),
            ImportCommand.Create(runner),
            RefreshCommand.Create(runner),
            ScreenCommands.Create(runner),
            ExtractCommands.Create(runner),
            ExportCommand.Create(runner),
            AlertsCommands.Create(runner),
            ReportCommands.Create(runner),
            EvalCommands.Create(runner),
            DedupCommands.Create(runner),
            ParseCommand.Create(runner),
            ServeCommand.Create(runner),
        };
        // "spine-review help [COMMAND ...]", as well as --help.
        var words = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.ZeroOrMore };
        var help = new Command("help", "print the help of the command named") { Hidden = true };
        help.Add(words);
        help.SetAction(p =>
        {
            Command command = root;
            foreach (var word in p.GetValue(words) ?? [])
            {
                if (command.Subcommands.FirstOrDefault(c => c.Name == word && !c.Hidden) is not { } next)
                {
                    p.InvocationConfiguration.Error.WriteLine($"spine-review help: unknown command '{word}'\n\n{Help.Text(command)}");
                    return ExitCodes.Usage;
                }
                command = next;
            }
            p.InvocationConfiguration.Output.WriteLine(Help.Text(command));
            return ExitCodes.Success;
        });
        root.Add(help);
        // Without a command: the usage, and bad usage.
        root.SetAction(p =>
        {
            p.InvocationConfiguration.Output.WriteLine(Help.Text(root));
            return ExitCodes.Usage;
        });
        return root;
    }

    /// <summary>SIGINT and SIGTERM cancel the token instead of ending the process, so the command stops cleanly; a second
    /// signal ends the process at once, for work that does not stop.</summary>
    private sealed class TerminationSignals : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private readonly PosixSignalRegistration[] _registrations;

        public TerminationSignals() => _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop)];

        public CancellationToken Token => _cancel.Token;

        /// <summary>What a cancelled command exits with: 128 + the signal's number.</summary>
        public int ExitCode { get; private set; } = ExitCodes.Cancelled;

        private void Stop(PosixSignalContext context)
        {
            if (_cancel.IsCancellationRequested) return;
            context.Cancel = true;
            ExitCode = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Cancelled;
            _cancel.Cancel();
        }

        public void Dispose()
        {
            foreach (var r in _registrations) r.Dispose();
            _cancel.Dispose();
        }
    }
}
