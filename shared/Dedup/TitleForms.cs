using System.Net;
using System.Text.RegularExpressions;

namespace SpineReview.Dedup;

/// <summary>What a record is about another work: nothing, or a notice that repeats that work's title.</summary>
public enum NoticeKind
{
    /// <summary>A work in its own right.</summary>
    None,
    /// <summary>An erratum, correction or corrigendum of the work.</summary>
    Erratum,
    /// <summary>A retraction or withdrawal notice, or an expression of concern, about the work.</summary>
    Retraction,
    /// <summary>A comment on the work, a reply or a response to it.</summary>
    Comment,
}

/// <summary>A title in the forms the comparison uses. <paramref name="Words"/>: lower-case ASCII words of the title as the work is
/// named (database annotations, a section heading before it, a citation after it and a trailing bracket left out);
/// <paramref name="Alternative"/>: the title in brackets after it (the original of a translated title, or a section label), as words;
/// <paramref name="Notice"/> and <paramref name="Subject"/>: for a notice, its kind and the words of the title it repeats.</summary>
public sealed record TitleForm(string Words, string Alternative, NoticeKind Notice, string Subject);

/// <summary>Title normalisers for the kinds of difference bibliographic databases make in one title: markup, entities and
/// punctuation spelled as its Unicode name; annotations ("[Review]", "(Structured abstract)", "[Erratum appears in …]",
/// "(Retracted article. See …)"); a section heading in capitals before the title; a citation after it; a translated title with its
/// original in brackets; and notices (errata, corrections, retractions, comments, replies) that repeat the title they are about
/// after a prefix ("Erratum:", "Correction to:", "Comment on …") or before Web of Science's "(vol N, pg M, YEAR)". Pure.</summary>
public static partial class TitleForms
{
    /// <summary>The forms of a title as written by any database.</summary>
    public static TitleForm Of(string title)
    {
        if (string.IsNullOrWhiteSpace(title)) return new TitleForm("", "", NoticeKind.None, "");
        var s = WebUtility.HtmlDecode(Tags().Replace(title, " "));
        s = Normalise.WithoutAnnotations(SpelledPunctuation().Replace(s, " "));
        s = Spaces().Replace(s, " ").Trim();
        var notice = NoticeKind.None;
        string? subject = null;
        // Web of Science writes a correction as the corrected article's title and where it appeared.
        if (CorrectionNotation().Match(s) is { Success: true } wos)
        {
            notice = NoticeKind.Erratum;
            s = s[..wos.Index].Trim();
            subject = s;
        }
        else if (NoticePrefix().Match(s) is { Success: true } prefix && Normalise.TitleWords(s[(prefix.Index + prefix.Length)..]).Count(c => c == ' ') >= 2)
        {
            notice = KindOf(prefix.Groups["kind"].Value);
            subject = s[(prefix.Index + prefix.Length)..].Trim().Trim('"', '\'', '“', '”', '‘', '’').Trim();
        }
        var alternative = "";
        var main = s;
        // "English title [Original title]": the original is an alternative form; the bracket is not part of the English title.
        if (TrailingBracket().Match(main) is { Success: true } bracket && bracket.Index > 0
            && Normalise.TitleWords(main[..bracket.Index]).Contains(' ', StringComparison.Ordinal))
        {
            var inside = Normalise.TitleWords(bracket.Groups["inside"].Value);
            if (inside.Count(c => c == ' ') >= 2) alternative = DropArticle(inside);
            main = main[..bracket.Index];
        }
        main = Citation().Replace(main, "");
        if (SectionHeading().Match(main) is { Success: true } heading && heading.Value.Count(char.IsLetter) >= 6 && main[heading.Length..].Any(char.IsLower)
            && Normalise.TitleWords(main[heading.Length..]).Count(c => c == ' ') >= 3)
            main = main[heading.Length..];
        var words = DropArticle(Normalise.TitleWords(main));
        var about = subject is null ? "" : DropArticle(Normalise.TitleWords(TrailingBracket().Replace(subject, "")));
        return new TitleForm(words, alternative, notice, about);
    }

    /// <summary>Whether two titles as words differ only in numbers at the same places ("Volume 1" and "Volume 4", "Part 1" and
    /// "Part 2"): the parts of a series, never one work.</summary>
    public static bool DifferOnlyInNumbers(string wordsA, string wordsB)
    {
        ArgumentNullException.ThrowIfNull(wordsA);
        ArgumentNullException.ThrowIfNull(wordsB);
        if (wordsA == wordsB) return false;
        // Word by word without splitting: this runs for every candidate pair.
        ReadOnlySpan<char> a = wordsA, b = wordsB;
        var differ = false;
        while (true)
        {
            int endA = a.IndexOf(' '), endB = b.IndexOf(' ');
            var wordA = endA < 0 ? a : a[..endA];
            var wordB = endB < 0 ? b : b[..endB];
            if (!wordA.SequenceEqual(wordB))
            {
                if (!AllDigits(wordA) || !AllDigits(wordB)) return false;
                differ = true;
            }
            if (endA < 0 || endB < 0) return endA < 0 && endB < 0 && differ;
            a = a[(endA + 1)..];
            b = b[(endB + 1)..];
        }
    }

    private static bool AllDigits(ReadOnlySpan<char> word)
    {
        foreach (var ch in word)
            if (!char.IsDigit(ch)) return false;
        return true;
    }

    private static string DropArticle(string words) =>
        words.StartsWith("the ", StringComparison.Ordinal) ? words[4..]
        : words.StartsWith("a ", StringComparison.Ordinal) ? words[2..]
        : words.StartsWith("an ", StringComparison.Ordinal) ? words[3..]
        : words;

    private static NoticeKind KindOf(string word)
    {
        var w = word.ToLowerInvariant();
        if (w.StartsWith("errat", StringComparison.Ordinal) || w.StartsWith("correct", StringComparison.Ordinal) || w.StartsWith("corrig", StringComparison.Ordinal))
            return NoticeKind.Erratum;
        if (w.StartsWith("retract", StringComparison.Ordinal) || w.StartsWith("withdraw", StringComparison.Ordinal) || w.StartsWith("notice of retraction", StringComparison.Ordinal)
            || w.StartsWith("expression", StringComparison.Ordinal))
            return NoticeKind.Retraction;
        return NoticeKind.Comment;
    }

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();
    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
    // Some exports write a character they cannot encode as its Unicode name ("Self-Determined horizontal ellipsis and Unhealthy?").
    [GeneratedRegex(@"\b(?:horizontal ellipsis|em dash|en dash|(?:left|right) (?:single|double) quotation mark|no-break space)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SpelledPunctuation();
    [GeneratedRegex(@"\(\s*vol\.?\s*\d+[^()]*?\bpg\.?\s*[A-Za-z]?\d+[^()]*\)\s*\.?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex CorrectionNotation();
    // Words that always announce a notice take the title after them as they come; words that also begin ordinary titles
    // ("Correction of scoliosis", "Response to treatment", "Comment …") only with a separator or a quotation mark after them.
    [GeneratedRegex(@"^\s*(?:(?<kind>erratum|errata|corrigendum|corrigenda)\b(?:\s+(?:to|for|of|on|in))?(?:\s+the\s+(?:article|paper))?\s*[:\-–—.,]*|(?<kind>correction|retraction|retraction note|retraction notice|notice of retraction|retracted article|retracted|withdrawn|expression of concern|comment|commentary|reply|response|in reply|author reply|authors' reply|authors reply|letter|re)(?:\s+(?:to|on|for|of|regarding|about|re))?(?:\s+the\s+(?:article|paper))?(?:\s*:\s*|\s+[-–—]\s+|\s*(?=[""“‘'])))\s*", RegexOptions.IgnoreCase)]
    private static partial Regex NoticePrefix();
    [GeneratedRegex(@"\s*\[(?<inside>[^\[\]]+)\]\s*\.?\s*$")]
    private static partial Regex TrailingBracket();
    // "Title. Spine 2020;45(3):100-110." or "Title. J Bone Joint Surg Am. 2019 Jan;101(2):e5": a citation the database appended.
    [GeneratedRegex(@"[.;]\s+\p{Lu}[\p{L} .&]{1,80}?\.?\s+(?:19|20)\d{2}(?:\s+\p{L}{3,9}(?:\s+\d{1,2})?)?\s*;\s*\d+\s*(?:\([^)]{1,12}\))?\s*:\s*\p{L}?\d+(?:\s*[-–]\s*\p{L}?\d+)?\.?\s*$")]
    private static partial Regex Citation();
    // A heading in capitals before the title ("LETTER TO THE EDITOR: …", "CASE REPORT - …"); the title after it has lower-case letters.
    [GeneratedRegex(@"^\s*(?:[\p{Lu}&]{2,}\s+){0,4}[\p{Lu}&]{2,}\s*(?::|\s-|\s–|\.)\s+(?=\P{Ll}*\p{Ll})")]
    private static partial Regex SectionHeading();
}
