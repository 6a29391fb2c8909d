namespace SpineReview.Cli;

/// <summary>Bad usage: an unknown command or option, a missing value. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Parsed "--name value", "--name=value", "--flag" and positional arguments, checked against what a command accepts.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Arguments Parse(IEnumerable<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags)
    {
        var parsed = new Arguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var a = e.Current;
            if (!a.StartsWith("--", StringComparison.Ordinal) || a == "--")
            {
                parsed.Positional.Add(a);
                continue;
            }
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? a[2..eq] : a[2..];
            if (flags.Contains(name))
            {
                parsed._options[name] = null;
            }
            else if (valueOptions.Contains(name))
            {
                if (eq > 0) parsed._options[name] = a[(eq + 1)..];
                else if (e.MoveNext()) parsed._options[name] = e.Current;
                else throw new UsageException($"option --{name} needs a value");
            }
            else
            {
                throw new UsageException($"unknown option --{name}");
            }
        }
        return parsed;
    }

    public bool Has(string name) => _options.ContainsKey(name);
    public string? Value(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public DateOnly? Date(string name)
    {
        var v = Value(name);
        if (v is null) return null;
        return DateOnly.TryParseExact(v, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
            ? d
            : throw new UsageException($"--{name} takes a date as YYYY-MM-DD, not '{v}'");
    }
}
