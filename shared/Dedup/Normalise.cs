using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace SpineReview.Dedup;

/// <summary>Normal forms for comparing records: titles, surnames, pages, volumes. Pure.</summary>
public static partial class Normalise
{
    private static readonly Dictionary<char, string> Greek = new()
    {
        ['α'] = "alpha", ['β'] = "beta", ['γ'] = "gamma", ['δ'] = "delta", ['ε'] = "epsilon", ['κ'] = "kappa", ['λ'] = "lambda",
        ['μ'] = "mu", ['π'] = "pi", ['σ'] = "sigma", ['τ'] = "tau", ['ω'] = "omega", ['Δ'] = "delta", ['Ω'] = "omega",
    };

    // The runtime runs with invariant globalization, where string.Normalize leaves letters such as "ü" whole: the Latin
    // letters with diacritics that names and titles carry are folded here instead.
    private static readonly (string Letters, string Base)[] Folds =
    [
        ("ÀÁÂÃÄÅàáâãäåĀāĂăĄą", "a"), ("ÇçĆćĈĉĊċČč", "c"), ("ĎďĐđÐð", "d"), ("ÈÉÊËèéêëĒēĔĕĖėĘęĚě", "e"), ("ĜĝĞğĠġĢģ", "g"), ("ĤĥĦħ", "h"),
        ("ÌÍÎÏìíîïĨĩĪīĬĭĮįİı", "i"), ("Ĵĵ", "j"), ("Ķķ", "k"), ("ĹĺĻļĽľĿŀŁł", "l"), ("ÑñŃńŅņŇň", "n"), ("ÒÓÔÕÖØòóôõöøŌōŎŏŐő", "o"),
        ("ŔŕŖŗŘř", "r"), ("ŚśŜŝŞşŠšȘș", "s"), ("ŢţŤťŦŧȚț", "t"), ("ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲų", "u"), ("Ŵŵ", "w"), ("ÝýÿŶŷŸ", "y"), ("ŹźŻżŽž", "z"),
        ("ß", "ss"), ("Ææ", "ae"), ("Œœ", "oe"), ("Þþ", "th"),
    ];

    private static readonly Dictionary<char, string> Folded = Folds.SelectMany(f => f.Letters.Select(c => (c, f.Base))).ToDictionary(x => x.c, x => x.Base);

    /// <summary>The text with Latin letters' diacritics removed ("Östensson" gives "Ostensson", "Straße" gives "Strasse"); other characters as they are.</summary>
    public static string FoldDiacritics(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Most titles and names are plain ASCII: nothing to fold.
        if (!text.AsSpan().ContainsAnyExceptInRange('\u0000', '\u007F')) return text;
        var s = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(s.Length);
        foreach (var ch in s)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            if (ch >= '\u00C0' && Folded.TryGetValue(ch, out var b)) sb.Append(char.IsUpper(ch) ? b.ToUpperInvariant() : b);
            else sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>Title as lower-case ASCII words: markup, entities, accents, punctuation, Greek letters and the brackets of a
    /// translated title removed.</summary>
    public static string TitleWords(string title)
    {
        if (string.IsNullOrWhiteSpace(title)) return "";
        var s = WebUtility.HtmlDecode(Tags().Replace(title, " ")).Trim();
        // Database annotations are not part of the title: "(Structured abstract)", "[Review] [43 refs]", "[Article in German]".
        s = Annotation().Replace(s, " ").Trim();
        if (s.StartsWith('[')) s = s.TrimStart('[').Replace("].", "", StringComparison.Ordinal).TrimEnd(']', '.');
        var sb = new StringBuilder(s.Length);
        foreach (var ch in FoldDiacritics(s))
        {
            if (Greek.TryGetValue(ch, out var name)) { Space(sb); sb.Append(name); Space(sb); continue; }
            var cat = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (cat == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
            else Space(sb);
        }
        if (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        return sb.ToString();
    }

    // One space between words, none before the first: the words as a regular expression's collapsing would leave them, without
    // its pass over every title.
    private static void Space(StringBuilder sb)
    {
        if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
    }

    /// <summary>The first author's surname in lower-case letters ("Zuna, R E and …" and "Adeli K.Lewis G." both give the first surname).</summary>
    public static string FirstSurname(string authors)
    {
        if (string.IsNullOrWhiteSpace(authors)) return "";
        var s = FoldDiacritics(authors);
        var sb = new StringBuilder();
        foreach (var ch in s)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark || ch is '\'' or '’') continue;
            if (char.IsLetter(ch)) sb.Append(char.ToLowerInvariant(ch));
            else if (sb.Length > 0 && ch != '-') break;
        }
        return sb.ToString();
    }

    // DOI prefixes of preprint servers: arXiv, bioRxiv and medRxiv, Research Square, SSRN, Preprints.org, TechRxiv, JMIR Preprints.
    private static readonly string[] PreprintDoiPrefixes = ["10.48550/", "10.1101/", "10.21203/", "10.2139/", "10.20944/", "10.36227/", "10.2196/preprints"];

    /// <summary>Whether a record is a preprint, from its venue or its DOI's prefix.</summary>
    public static bool IsPreprint(string? venue, string? doi)
    {
        if (doi is not null && PreprintDoiPrefixes.Any(p => doi.StartsWith(p, StringComparison.Ordinal))) return true;
        if (string.IsNullOrWhiteSpace(venue)) return false;
        var v = venue.ToLowerInvariant();
        return v.Contains("arxiv", StringComparison.Ordinal) || v.Contains("medrxiv", StringComparison.Ordinal) || v.Contains("biorxiv", StringComparison.Ordinal)
            || v.Contains("research square", StringComparison.Ordinal) || v.Contains("ssrn", StringComparison.Ordinal) || v.Contains("preprint", StringComparison.Ordinal)
            || v.Contains("techrxiv", StringComparison.Ordinal);
    }

    /// <summary>The first page without leading zeros ("288-297" gives "288", "e0180707" gives "180707").</summary>
    public static string FirstPage(string pages)
    {
        if (string.IsNullOrWhiteSpace(pages)) return "";
        var first = pages.Split('-', '–', '—')[0];
        var digits = new string(first.Where(char.IsDigit).ToArray()).TrimStart('0');
        return digits;
    }

    /// <summary>The number of a volume ("29 (7)" gives "29", "147 Suppl 1" gives "147"); where words come first, the venue
    /// leaked into the field ("Korsakova. Part 2. 117") and the last number is the volume.</summary>
    public static string Digits(string s)
    {
        if (string.IsNullOrWhiteSpace(s)) return "";
        var numbers = Numbers().Matches(s);
        if (numbers.Count == 0) return "";
        var leakedVenue = s.TakeWhile(c => !char.IsDigit(c)).Any(char.IsLetter);
        return (leakedVenue ? numbers[^1].Value : numbers[0].Value).TrimStart('0');
    }

    /// <summary>The last page of a range in full ("1316-25" and "1316-1325" give "1325", "S12-S15" gives "15"); "" for a single page
    /// or a range that ends where it starts.</summary>
    public static string LastPage(string pages)
    {
        if (string.IsNullOrWhiteSpace(pages)) return "";
        var parts = pages.Split(['-', '–', '—'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2) return "";
        var first = FirstPage(parts[0]);
        var last = new string(parts[^1].Where(char.IsDigit).ToArray()).TrimStart('0');
        if (first.Length == 0 || last.Length == 0) return "";
        // Abbreviated: the missing leading digits are the first page's.
        if (last.Length < first.Length) last = first[..(first.Length - last.Length)] + last;
        return last == first ? "" : last;
    }

    /// <summary>The issue number: in parentheses after the volume ("16 (1)"), else the first number of the issue field ("SUPPL. 3"
    /// gives "3"). An issue field that holds the article number instead (three digits or more, or the volume field says
    /// "(no pagination)") gives "".</summary>
    public static string Issue(string volume, string number)
    {
        if (!string.IsNullOrWhiteSpace(volume) && VolumeIssue().Match(volume) is { Success: true } m) return m.Groups[1].Value.TrimStart('0');
        if (string.IsNullOrWhiteSpace(number)) return "";
        if (volume?.Contains("no pagination", StringComparison.OrdinalIgnoreCase) == true) return "";
        // Three digits or more is an article number ("791", "e0168396"), not an issue.
        var n = Numbers().Match(number);
        return n.Success && n.Value.TrimStart('0').Length <= 2 ? n.Value.TrimStart('0') : "";
    }

    [GeneratedRegex(@"^\s*\d+\s*\(\s*(\d+)\s*\)")]
    private static partial Regex VolumeIssue();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Numbers();

    /// <summary>Whether a title (as words) begins by announcing a notice about another work (erratum, retraction, comment, reply).</summary>
    public static bool IsNotice(string titleWords) => Notice().IsMatch(titleWords);

    /// <summary>Similarity of two strings from 0 to 1 (one minus the edit distance over the longer length).</summary>
    public static double Similarity(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return 0;
        if (a == b) return 1;
        var longer = Math.Max(a.Length, b.Length);
        // Lengths far apart cannot reach a useful similarity: skip the work.
        if (Math.Abs(a.Length - b.Length) > longer * 0.2) return 1 - (double)Math.Abs(a.Length - b.Length) / longer;
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return 1 - (double)prev[b.Length] / longer;
    }

    /// <summary>Similarity as <see cref="Similarity(string, string)"/> when it is at least <paramref name="minimum"/>; otherwise some
    /// value below <paramref name="minimum"/>. Only the diagonal band of the edit-distance table that can stay above the
    /// minimum is computed, and the work stops as soon as a row leaves it: several times faster on dissimilar titles.</summary>
    public static double Similarity(string a, string b, double minimum) => Similarity(a, b, minimum, null, null);

    /// <summary>How often each character occurs in a text, in 64 counts (letters and digits each their own, other characters
    /// shared): for <see cref="Similarity(string, string, double, ushort[], ushort[])"/>.</summary>
    internal static ushort[] CharacterCounts(string text)
    {
        var counts = new ushort[64];
        foreach (var ch in text)
        {
            var bin = ch is >= 'a' and <= 'z' ? ch - 'a' : ch is >= '0' and <= '9' ? 26 + ch - '0' : 36 + ch % 28;
            if (counts[bin] < ushort.MaxValue) counts[bin]++;
        }
        return counts;
    }

    /// <summary>As <see cref="Similarity(string, string, double)"/>, with the texts' <see cref="CharacterCounts"/>: characters one text
    /// has more of than the other must each be edited, so when they alone exceed the edits the minimum allows, the pair is below
    /// it without the edit-distance table (the same value the table would give).</summary>
    internal static double Similarity(string a, string b, double minimum, ushort[]? countsA, ushort[]? countsB)
    {
        if (a.Length == 0 || b.Length == 0) return 0;
        if (a == b) return 1;
        var longer = Math.Max(a.Length, b.Length);
        var k = (int)Math.Floor((1 - minimum) * longer + 1e-9);
        var below = 1 - (double)(k + 1) / longer;
        if (Math.Abs(a.Length - b.Length) > k) return Math.Min(below, 1 - (double)Math.Abs(a.Length - b.Length) / longer);
        if (countsA is not null && countsB is not null)
        {
            // A substitution removes one surplus on each side, an insertion or deletion one on one side: the edit distance is at
            // least the larger surplus. (A count capped at its maximum only lowers the bound.)
            int more = 0, fewer = 0;
            for (var i = 0; i < countsA.Length; i++)
            {
                var d = countsA[i] - countsB[i];
                if (d > 0) more += d; else fewer -= d;
            }
            if (Math.Max(more, fewer) > k) return below;
        }
        int n = a.Length, m = b.Length;
        const int Far = int.MaxValue / 4;
        Span<int> prev = m < 512 ? stackalloc int[m + 2] : new int[m + 2];
        Span<int> cur = m < 512 ? stackalloc int[m + 2] : new int[m + 2];
        for (var j = 0; j <= m + 1; j++) prev[j] = j <= k && j <= m ? j : Far;
        for (var i = 1; i <= n; i++)
        {
            int lo = Math.Max(1, i - k), hi = Math.Min(m, i + k);
            cur[lo - 1] = lo == 1 ? (i <= k ? i : Far) : Far;
            var rowMin = cur[lo - 1];
            for (var j = lo; j <= hi; j++)
            {
                var v = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                cur[j] = v;
                if (v < rowMin) rowMin = v;
            }
            cur[hi + 1] = Far;
            if (rowMin > k) return below;
            var t = prev;
            prev = cur;
            cur = t;
        }
        return prev[m] > k ? below : 1 - (double)prev[m] / longer;
    }

    /// <summary>A venue as lower-case letters and digits only ("Obstetrics &amp; Gynecology" and "Obstetrics and Gynecology" stay close).</summary>
    public static string Venue(string venue) =>
        string.IsNullOrWhiteSpace(venue) ? "" : new string(TitleWords(venue.Replace("&", " and ", StringComparison.Ordinal)).Where(char.IsLetterOrDigit).ToArray());

    /// <summary>The title without the annotations databases add to it ("[Review]", "(Structured abstract)", "[Erratum appears in …]").</summary>
    public static string WithoutAnnotations(string title) => string.IsNullOrEmpty(title) ? "" : Annotation().Replace(title, " ");

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();
    [GeneratedRegex(@"\((?:structured|provisional)\s+abstract\)|\[(?:review|\d+\s*refs?|article in [^\]]*|english abstract|japanese|german|french|chinese|russian|spanish|italian|portuguese|polish|dutch|korean|czech|hungarian|turkish|danish|swedish|norwegian|finnish|(?:erratum|comment|retraction|corrected and republished|update)s? (?:appears )?in [^\]]*)(?:\]|$)|\(\s*retracted article[^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Annotation();
    // At the start only: "… in response to humanitarian events" is a title, not a response.
    [GeneratedRegex(@"^(?:erratum|errata|correction|corrigendum|retraction|retracted|withdrawn|expression of concern|comment on|reply|response to|in reply)\b")]
    private static partial Regex Notice();
}
