using System.Diagnostics;
using System.Text.RegularExpressions;
using SpineReview.Extraction;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;
using SpineReview.Records;

namespace SpineReview.Tests.Cli;

/// <summary>The built spine-review as a real process, stopped by a real signal while it works.</summary>
public partial class CancellationTests
{
    private static readonly string[] Cycle = ["cycle", "--replay", TestPaths.Replay, "--from", "2024-01-01", "--to", "2024-06-30"];

    /// <summary>A running spine-review whose standard output and error are collected line by line.</summary>
    private sealed class CliProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _out = [];
        private readonly List<string> _err = [];
        private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

        public CliProcess(string prefix, string[] args)
        {
            var psi = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                // No local.settings.json there: the settings are the ones below.
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["AzureWebJobsStorage"] = TestHost.Azurite;
            psi.Environment["Storage__Prefix"] = prefix;
            foreach (var (key, value) in TestHost.PubMedOnly()) psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            _process = new Process { StartInfo = psi };
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_out) _out.Add(e.Data); };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (_err)
                {
                    _err.Add(e.Data);
                    foreach (var w in _waits.Where(w => e.Data.Contains(w.Text, StringComparison.Ordinal))) w.Seen.TrySetResult();
                }
            };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        // The command line's own build output, beside the tests' (bin/CONFIGURATION/net10.0/linux-x64): the tests' folder
        // lacks assemblies the tests take from the ASP.NET Core shared framework.
        private static string Executable { get; } = Path.Combine(TestPaths.RepoRoot, "functions", "SpineReview.Cli",
            Path.GetRelativePath(Path.Combine(TestPaths.RepoRoot, "tests", "SpineReview.Tests"), AppContext.BaseDirectory), "spine-review");

        public string Out { get { lock (_out) return string.Join('\n', _out); } }
        public string Err { get { lock (_err) return string.Join('\n', _err); } }

        /// <summary>Until a line on standard error contains <paramref name="text"/>.</summary>
        public async Task WaitForAsync(string text)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_err)
            {
                if (_err.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
                _waits.Add((text, seen));
            }
            var done = await Task.WhenAny(seen.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(120)));
            Assert.True(done == seen.Task, $"'{text}' never came on standard error; it said:\n{Err}");
        }

        /// <summary>Sends a signal as a person or a service manager would (kill -INT, kill -TERM).</summary>
        public async Task SignalAsync(string signal)
        {
            // A process that was started with the signal ignored keeps ignoring it (a background job of a shell without job
            // control: bash ignores SIGINT there), so a Ctrl+C cannot be shown from such a test run; say so rather than
            // report the command as not cancelling.
            if (signal == "INT")
            {
                var ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
                if (ignored is not null && (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & 0x2) != 0)
                    Assert.Fail("SIGINT is ignored in this test process, and so in the command it starts: run scripts/test.sh from a terminal " +
                        "(or with job control, set -m), not as a background job of a script");
            }
            using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        public async Task<int> ExitCodeAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                Assert.Fail($"spine-review did not exit within {within.TotalSeconds} s; it said:\n{Err}");
            }
            _process.WaitForExit(); // the last lines of output
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }

    [Fact]
    public async Task Cycle_CtrlCWhileScreening_ExitsPromptly130Cancelled_ThenTheSameCommandCompletesWithNothingLost()
    {
        TestHost.RequireAzurite();
        var prefix = TestHost.NewPrefix();
        await using var cleanup = TestHost.Create(prefix: prefix);
        using (var cli = new CliProcess(prefix, Cycle))
        {
            // The harvest is stored and screening has begun: the signal lands in the middle of the work.
            await cli.WaitForAsync("[2/6] screen");
            var clock = Stopwatch.StartNew();
            await cli.SignalAsync("INT");
            var code = await cli.ExitCodeAsync(TimeSpan.FromSeconds(30));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed.TotalSeconds:0.0} s to stop");
            Assert.True(code == 130, $"exit code {code}; standard error:\n{cli.Err}");
            Assert.EndsWith("spine-review cycle: cancelled; what was stored before stays stored, and the same command run again goes on from there", cli.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("cycle done", cli.Out, StringComparison.Ordinal);
        }

        using (var again = new CliProcess(prefix, Cycle))
        {
            var code = await again.ExitCodeAsync(TimeSpan.FromSeconds(180));
            Assert.True(code == 0, $"exit code {code}; standard error:\n{again.Err}");
            Assert.StartsWith("cycle done", again.Out.Split('\n')[^1], StringComparison.Ordinal);
            // Every record once, every one screened by the rules, every one that passed them extracted: nothing lost, nothing twice.
            var records = new List<StoredRecord>();
            await foreach (var r in cleanup.Get<RecordStore>().ListAsync(default)) records.Add(r);
            Assert.Equal(ReplaySample.Expected.Count, records.Count);
            Assert.Equal(records.Count, records.Select(r => r.Key).Distinct().Count());
            foreach (var r in records) Assert.NotNull(await cleanup.Get<ScreeningStore>().GetRuleDecisionAsync(r.Key, default));
            var passed = int.Parse(PassedRules().Match(again.Out).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(passed, (await cleanup.Get<ExtractionStore>().ListStoredAsync(default)).Count);
            Assert.Contains($"identified {ReplaySample.Expected.Count},", again.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cycle_Sigterm_ExitsPromptly143Cancelled()
    {
        TestHost.RequireAzurite();
        var prefix = TestHost.NewPrefix();
        await using var cleanup = TestHost.Create(prefix: prefix);
        using var cli = new CliProcess(prefix, Cycle);
        await cli.WaitForAsync("[1/6] harvest");
        await cli.SignalAsync("TERM");
        var code = await cli.ExitCodeAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 143, $"exit code {code}; standard error:\n{cli.Err}");
        Assert.Contains("spine-review cycle: cancelled;", cli.Err, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"passed to reviewers (\d+),")]
    private static partial Regex PassedRules();
}
