using System.CommandLine;
using System.Globalization;
using SpineReview.Sources;

namespace SpineReview.Cli.Commands;

/// <summary>Options and arguments as this command line writes them: "--name VALUE", each value checked while parsing, so a
/// bad one is bad usage (exit code 2) before anything runs.</summary>
internal static class Syntax
{
    public static Option<string?> Value(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description };

    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Argument<string> Word(string name, string description) => new(name) { Description = description };

    /// <summary>A date written YYYY-MM-DD.</summary>
    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        HelpName = "YYYY-MM-DD",
        Description = description,
        CustomParser = r =>
        {
            var v = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (AsDate(v) is { } d) return d;
            r.AddError($"{name} takes a date as YYYY-MM-DD, not '{v}'");
            return null;
        },
    };

    private static string? FirstToken(System.CommandLine.Parsing.SymbolResult? result) => result is { Tokens.Count: > 0 } ? result.Tokens[0].Value : null;

    private static DateOnly? AsDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; null when not given.</summary>
    public static Option<int?> Number(string name, string helpName, int min, int max, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = r =>
        {
            var v = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
            r.AddError($"{name} takes a whole number from {min} to {max}, not '{v}'");
            return null;
        },
    };

    /// <summary>--from and --to: an entry-date window, checked to run forwards.</summary>
    public static Func<ParseResult, HarvestRequest> Window(Command command)
    {
        var from = Date("--from", "start of the entry-date window, instead of since the last complete search");
        var to = Date("--to", "end of the entry-date window, instead of today");
        command.Add(from);
        command.Add(to);
        command.Validators.Add(r =>
        {
            // Only two dates that parse: a value that does not has its own message.
            if (AsDate(FirstToken(r.GetResult(from))) is { } first && AsDate(FirstToken(r.GetResult(to))) is { } last && first > last)
                r.AddError($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}");
        });
        return p => new HarvestRequest(p.GetValue(from), p.GetValue(to));
    }

    /// <summary>--replay DIR: answer source requests from recorded responses.</summary>
    public static Option<string?> Replay()
    {
        var replay = Value("--replay", "DIR", "answer source requests from recorded responses in DIR (e.g. samples/replay), stored apart from the live review: under the prefix spinedemo unless Storage__Prefix is set");
        Check(replay, dir => Directory.Exists(dir) ? null : $"--replay {dir}: no such folder (the recorded sample set is samples/replay)");
        return replay;
    }

    /// <summary>Points the services at the replay folder when --replay was given.</summary>
    public static void UseReplay(ParseResult parse, Option<string?> replay, CommandContext context)
    {
        if (parse.GetValue(replay) is { } dir) context.Set("Replay:Directory", Path.GetFullPath(dir));
    }

    /// <summary>An option's value is checked while parsing; <paramref name="problem"/> says what is wrong, or null.</summary>
    public static void Check(Option<string?> option, Func<string, string?> problem) => option.Validators.Add(r =>
    {
        if (r.Tokens.Count > 0 && problem(r.Tokens[0].Value) is { } message) r.AddError(message);
    });

    public static void Check(Argument<string> argument, Func<string, string?> problem) => argument.Validators.Add(r =>
    {
        if (r.Tokens.Count > 0 && problem(r.Tokens[0].Value) is { } message) r.AddError(message);
    });

    /// <summary>A command that cannot run without <paramref name="option"/>.</summary>
    public static void Require(Command command, Option option, string message) => command.Validators.Add(r =>
    {
        if (r.GetResult(option) is null) r.AddError(message);
    });

    /// <summary>A file that must exist.</summary>
    public static string? NoSuchFile(string path) => File.Exists(path) ? null : $"{path}: no such file";
}
