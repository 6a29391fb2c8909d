using System.Globalization;
using System.Text;

namespace SpineReview.Dedup;

/// <summary>Journal and proceedings names, and when two of them name the same venue: the full name and its ISO 4 / NLM
/// abbreviation ("Journal of Clinical Hypertension", "J Clin Hypertens"), with or without "The", "&amp;" or "and", trailing dots,
/// an acronym before the name, or a subtitle after it ("CMAJ : Canadian Medical Association journal = journal de l'Association …"). Pure.</summary>
public static class JournalNames
{
    // Words ISO 4 leaves out of an abbreviation (articles, conjunctions, prepositions), in the languages the benchmarks hold.
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "the", "of", "and", "for", "in", "on", "a", "an", "to", "at", "de", "des", "du", "la", "le", "les", "et", "und", "fur", "der", "die", "das", "y", "e", "di",
    };

    /// <summary>The name as lower-case words without the words abbreviations drop; each word remembers whether a separator (":", "=",
    /// ".", "(", ",", " - ") follows it in the name as written, where a subtitle or a translation of the name may start.</summary>
    public static VenueName Parse(string venue)
    {
        if (string.IsNullOrWhiteSpace(venue)) return VenueName.Empty;
        var words = new List<string>();
        var breaks = new List<bool>();
        var sb = new StringBuilder();
        var decomposed = Normalise.FoldDiacritics(System.Net.WebUtility.HtmlDecode(venue));
        void End(bool separator)
        {
            if (sb.Length > 0)
            {
                var w = sb.ToString();
                sb.Clear();
                if (!Dropped.Contains(w)) { words.Add(w); breaks.Add(false); }
            }
            if (separator && breaks.Count > 0) breaks[^1] = true;
        }
        for (var i = 0; i < decomposed.Length; i++)
        {
            var ch = decomposed[i];
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark || ch is '\'' or '’') continue;
            if (char.IsLetterOrDigit(ch)) { sb.Append(char.ToLowerInvariant(ch)); continue; }
            // "J. Clin." has dots after abbreviated words: only a dot followed by a space and a capitalised word of four letters or more is a break.
            var separator = ch is ':' or '=' or '(' or ',' or '[' || (ch == '-' && i > 0 && decomposed[i - 1] == ' ')
                || (ch == '.' && i + 2 < decomposed.Length && decomposed[i + 1] == ' ' && LongWordAt(decomposed, i + 2));
            End(separator);
        }
        End(false);
        return new VenueName([.. words], [.. breaks]);
    }

    private static bool LongWordAt(string s, int at)
    {
        var n = 0;
        while (at + n < s.Length && char.IsLetter(s[at + n])) n++;
        return n >= 4 && char.IsUpper(s[at]);
    }

    /// <summary>Whether two venue names name the same journal or proceedings. Unknown (either empty) is not agreement.</summary>
    public static bool Agree(VenueName a, VenueName b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Words.Length == 0 || b.Words.Length == 0) return false;
        if (WordsMatch(a.Words, b.Words)) return true;
        // A subtitle, a translated name or a conference's name after a separator: the part before it is the venue.
        return MainPartMatches(a, b) || MainPartMatches(b, a) || AcronymOf(a, b) || AcronymOf(b, a);
    }

    private static bool MainPartMatches(VenueName shortName, VenueName longName)
    {
        for (var cut = 1; cut < longName.Words.Length; cut++)
            if (longName.Breaks[cut - 1] && WordsMatch(shortName.Words, longName.Words[..cut])) return true;
        // An acronym written before the name and separated from it ("CMAJ : Canadian Medical …"): the rest is the name.
        return longName.Words.Length > 1 && longName.Breaks[0] && Agree(shortName, longName with { Words = longName.Words[1..], Breaks = longName.Breaks[1..] });
    }

    // "ICIS" and "International Conference on Information Systems": the initials of the name's kept words.
    private static bool AcronymOf(VenueName acronym, VenueName name) =>
        acronym.Words.Length >= 1 && acronym.Words[0].Length >= 3 && name.Words.Length >= 3 && name.Words.Length == acronym.Words[0].Length
        && acronym.Words[0].All(char.IsLetter) && string.Concat(name.Words.Select(w => w[0])) == acronym.Words[0]
        && (acronym.Words.Length == 1 || acronym.Breaks[0]);

    private static bool WordsMatch(string[] a, string[] b)
    {
        if (a.Length != b.Length) return string.Concat(a) == string.Concat(b);
        for (var i = 0; i < a.Length; i++)
            if (!Abbreviates(a[i], b[i]) && !Abbreviates(b[i], a[i])) return false;
        return true;
    }

    /// <summary>Whether <paramref name="shortWord"/> abbreviates <paramref name="longWord"/> as ISO 4 does: equal, a prefix of it
    /// ("clin" of "clinical"), or its letters in order from the same first letter ("natl" of "national", "hypertens" of
    /// "hypertension"). Numbers must be equal.</summary>
    public static bool Abbreviates(string shortWord, string longWord)
    {
        ArgumentNullException.ThrowIfNull(shortWord);
        ArgumentNullException.ThrowIfNull(longWord);
        if (shortWord == longWord) return true;
        if (shortWord.Length == 0 || longWord.Length <= shortWord.Length || shortWord[0] != longWord[0]) return false;
        if (shortWord.Any(char.IsDigit) || longWord.Any(char.IsDigit)) return false;
        var j = 0;
        foreach (var ch in longWord)
            if (j < shortWord.Length && ch == shortWord[j]) j++;
        return j == shortWord.Length;
    }
}

/// <summary>A venue name as <see cref="JournalNames.Parse"/> reads it: its kept words, and after which of them a separator stood.</summary>
public sealed record VenueName(string[] Words, bool[] Breaks)
{
    /// <summary>No venue.</summary>
    public static readonly VenueName Empty = new([], []);
}
