using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SpineReview.Dedup;

/// <summary>Author lists in normal form: one surname key per author, whatever the export wrote ("Smith, J and van der Berg, A",
/// "Smith J; Berg A van der", "Chen R.Wang J.", "John A. Smith"), and when two lists name the same people. Pure.</summary>
public static partial class AuthorNames
{
    // Name particles: exports put them before the surname, after the initials, or drop them ("van der Berg", "Berg, A. van der", "Berg A").
    private static readonly HashSet<string> Particles = new(StringComparer.Ordinal)
    {
        "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "ten", "ter", "al", "el", "bin", "ibn",
    };

    /// <summary>At most this many authors are kept: enough to see a reordered or truncated list, cheap on consortium papers.</summary>
    public const int MaxAuthors = 12;

    /// <summary>The surname key of each author (lower-case letters, no particles), in the order written; "et al." and empty names left out.</summary>
    public static string[] Surnames(string authors)
    {
        var list = new List<string>();
        foreach (var name in Split(authors))
        {
            if (list.Count == MaxAuthors) break;
            var key = SurnameKey(name);
            if (key.Length > 0) list.Add(key);
        }
        return [.. list];
    }

    /// <summary>Every word of the first author's name as letters (surname and given names), for lists that swap them ("Andrea, C."
    /// against "Carignani, Andrea").</summary>
    public static string[] FirstAuthorWords(string authors)
    {
        var first = Split(authors).FirstOrDefault();
        if (first is null) return [];
        return [.. Words(first).Select(Letters).Where(w => w.Length >= 3 && !Particles.Contains(w))];
    }

    /// <summary>Whether two surname keys name the same person: equal, one cut short, or one letter lost or changed by an export that
    /// mangled a diacritic ("Östensson" read as "Stensson", "Fröberg" as "Frberg").</summary>
    public static bool SameSurname(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length == 0 || b.Length == 0) return false;
        if (a == b) return true;
        if (Math.Min(a.Length, b.Length) >= 4 && (a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal))) return true;
        return Math.Min(a.Length, b.Length) >= 5 && Math.Abs(a.Length - b.Length) <= 1 && EditDistanceAtMostOne(a, b);
    }

    /// <summary>Whether the first authors of two lists are the same person: the same surname, a surname written as a given name (the
    /// export swapped them), or lists in another order (each first author is among the other's authors).</summary>
    public static bool FirstAuthorsAgree(IReadOnlyList<string> surnamesA, IReadOnlyList<string> wordsA, IReadOnlyList<string> surnamesB, IReadOnlyList<string> wordsB)
    {
        ArgumentNullException.ThrowIfNull(surnamesA);
        ArgumentNullException.ThrowIfNull(surnamesB);
        ArgumentNullException.ThrowIfNull(wordsA);
        ArgumentNullException.ThrowIfNull(wordsB);
        if (surnamesA.Count == 0 || surnamesB.Count == 0) return false;
        if (SameSurname(surnamesA[0], surnamesB[0])) return true;
        if (wordsA.Contains(surnamesB[0], StringComparer.Ordinal) || wordsB.Contains(surnamesA[0], StringComparer.Ordinal)) return true;
        // Reordered: both lists have two or more authors and each one's first author is among the other's.
        return surnamesA.Count >= 2 && surnamesB.Count >= 2
            && surnamesB.Any(s => SameSurname(s, surnamesA[0])) && surnamesA.Any(s => SameSurname(s, surnamesB[0]));
    }

    private static IEnumerable<string> Split(string authors)
    {
        if (string.IsNullOrWhiteSpace(authors)) yield break;
        var s = authors.Replace(" AND ", " and ", StringComparison.Ordinal);
        IEnumerable<string> parts;
        if (s.Contains(" and ", StringComparison.Ordinal) || s.Contains(';', StringComparison.Ordinal))
            parts = s.Split([" and ", ";"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Embase writes "Chen R.Wang J.Yan C.": a new author starts where a capitalised word follows an initial's dot.
        else if (EmbaseJoin().IsMatch(s)) parts = EmbaseJoin().Split(s);
        else parts = [s];
        foreach (var p in parts)
        {
            var name = p.Trim().TrimEnd('.', ',').Trim();
            if (name.Length == 0 || EtAl().IsMatch(name)) continue;
            yield return name;
        }
    }

    private static string SurnameKey(string name)
    {
        string surname;
        var comma = name.IndexOf(',', StringComparison.Ordinal);
        if (comma > 0) surname = name[..comma];
        else
        {
            var words = Words(name);
            if (words.Count <= 1) surname = name;
            // "Smith JA", "Kwon S. K.": the surname comes before the initials.
            else if (IsInitials(words[^1])) surname = string.Join(' ', words.TakeWhile(w => !IsInitials(w)));
            // "John A. Smith", "Ludwig van Beethoven": the last word with the particles before it.
            else surname = words[^1];
        }
        var kept = Words(surname).Select(Letters).Where(w => w.Length > 0).ToList();
        var withoutParticles = kept.Where(w => !Particles.Contains(w)).ToList();
        return string.Concat(withoutParticles.Count > 0 ? withoutParticles : kept);
    }

    private static List<string> Words(string s) => [.. s.Split([' ', '.', '\t'], StringSplitOptions.RemoveEmptyEntries)];

    private static bool IsInitials(string word)
    {
        var letters = word.Where(char.IsLetter).ToArray();
        return letters.Length is > 0 and <= 3 && letters.All(char.IsUpper);
    }

    private static string Letters(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var ch in Normalise.FoldDiacritics(s))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetter(ch)) sb.Append(char.ToLowerInvariant(ch));
        }
        return sb.ToString();
    }

    private static bool EditDistanceAtMostOne(string a, string b)
    {
        if (a.Length > b.Length) (a, b) = (b, a);
        int i = 0, j = 0, edits = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j]) { i++; j++; continue; }
            if (++edits > 1) return false;
            if (a.Length == b.Length) i++;
            j++;
        }
        return edits + (b.Length - j) + (a.Length - i) <= 1;
    }

    [GeneratedRegex(@"(?<=\p{Lu}\.)(?=\p{Lu}\p{Ll})")]
    private static partial Regex EmbaseJoin();
    [GeneratedRegex(@"^(?:et\.?\s*al\.?|others|\.\.\.|…)$", RegexOptions.IgnoreCase)]
    private static partial Regex EtAl();
}
