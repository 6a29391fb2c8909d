using System.Text.RegularExpressions;

namespace SpineReview.Extraction;

/// <summary>One extracted value with the span of text it came from.</summary>
public sealed record ExtractedValue(string Value, string Evidence, int Start, int Length);

/// <summary>All values found for one field of the extraction form.</summary>
public sealed record ExtractedField(string Field, IReadOnlyList<ExtractedValue> Values, string ExtractorVersion)
{
    /// <summary>What the values were read from: <see cref="AbstractBasis"/>, or "full text" and where it came from.</summary>
    public string Basis { get; init; } = AbstractBasis;

    /// <summary>The basis of values read from title, abstract, keywords and MeSH.</summary>
    public const string AbstractBasis = "abstract";

    /// <summary>Whether the values were read from the study's full text.</summary>
    public bool FromFullText => Basis.StartsWith("full text", StringComparison.Ordinal);

    public IEnumerable<string> Distinct => Values.Select(v => v.Value).Distinct(StringComparer.Ordinal);
}

/// <summary>Keyword extraction of imaging modality and spinal region from title, abstract and keywords. Pure.</summary>
public static partial class KeywordExtractor
{
    public const string Version = "keywords-1.3";

    private static readonly (string Value, Regex Pattern)[] Modalities =
    [
        ("MRI", MriPattern()),
        ("CT", CtPattern()),
        ("Radiograph", RadiographPattern()),
        ("Ultrasound", UltrasoundPattern()),
        ("DEXA", DexaPattern()),
        ("Fluoroscopy", FluoroscopyPattern()),
        ("Other", OtherModalityPattern()),
    ];

    private static readonly (string Value, Regex Pattern)[] Regions =
    [
        ("Cervical", CervicalPattern()),
        ("Thoracic", ThoracicPattern()),
        ("Lumbar", LumbarPattern()),
        ("Sacral", SacralPattern()),
        ("WholeSpine", WholeSpinePattern()),
    ];

    /// <summary>Modality values in the form's vocabulary, each with evidence. A modality named only as the reference standard,
    /// a comparison or something avoided ("confirmed on CT", "without X-rays", "reliance on CT") does not count; where
    /// the title names a modality, others must be named at least twice more.</summary>
    public static ExtractedField Modality(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var titleEnd = text.IndexOf('\n', StringComparison.Ordinal) is var i and >= 0 ? i : text.Length;
        var scored = new List<(ExtractedValue Value, int Score, bool InTitle)>();
        foreach (var (value, pattern) in Modalities)
        {
            ExtractedValue? first = null;
            int score = 0;
            var inTitle = false;
            foreach (Match m in pattern.Matches(text))
            {
                if (NotTheStudysImaging().IsMatch(text[Math.Max(0, m.Index - 45)..m.Index])) continue;
                if (ReferenceAfter().IsMatch(text[m.Index..Math.Min(text.Length, m.Index + 90)])) continue;
                first ??= new ExtractedValue(value, Context(text, m.Index, m.Length), m.Index, m.Length);
                if (m.Index < titleEnd) { inTitle = true; score += 3; }
                else score += 1;
            }
            if (first is not null) scored.Add((first, score, inTitle));
        }
        var titled = scored.Any(x => x.InTitle);
        var kept = scored.Where(x => x.InTitle || (titled ? x.Score >= 3 : x.Score >= 1)).Select(x => x.Value).ToList();
        return new ExtractedField("modality", kept, Version);
    }

    [GeneratedRegex(@"(?:reference|confirm\w*|compar\w*|without|reliance on|instead of|replac\w*|avoid\w*|than|ground truth|gold standard|served as|follow-up|to diagnostic|hard to obtain|where)\W+(?:\w+\W+){0,3}$", RegexOptions.IgnoreCase)]
    private static partial Regex NotTheStudysImaging();

    // "CT or MRI reports ... formed the reference standard", "a CT scan at one year, which defined fusion": the imaging that judged, not the imaging studied.
    [GeneratedRegex(@"^[^.;]{0,80}?\b(?:reference standard|ground truth|gold standard|formed the reference|served as (?:the )?reference|which defined|established whether|to confirm)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReferenceAfter();

    /// <summary>Region values in the form's vocabulary, each with evidence.</summary>
    public static ExtractedField Region(string text) => Find("region", text, Regions);

    private static ExtractedField Find(string field, string text, (string Value, Regex Pattern)[] vocabulary)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new List<ExtractedValue>();
        foreach (var (value, pattern) in vocabulary)
        {
            var m = pattern.Match(text);
            if (m.Success) values.Add(new ExtractedValue(value, Context(text, m.Index, m.Length), m.Index, m.Length));
        }
        return new ExtractedField(field, values, Version);
    }

    /// <summary>The matched words with a little context, on one line (the evidence every extractor stores).</summary>
    internal static string Context(string text, int index, int length)
    {
        var start = Math.Max(0, index - 40);
        var end = Math.Min(text.Length, index + length + 40);
        var s = text[start..end].ReplaceLineEndings(" ");
        return (start > 0 ? "…" : "") + s + (end < text.Length ? "…" : "");
    }

    [GeneratedRegex(@"\bMRIs?\b|\bmagnetic resonance\b|\bMR (?:imag|scan|exam)|\bT[12][- ]weighted\b|\bSTIR\b|\bDixon\b|\bdiffusion[- ]weighted\b", RegexOptions.IgnoreCase)]
    private static partial Regex MriPattern();
    [GeneratedRegex(@"\bCT\b|\b[Cc]omputed [Tt]omograph\w*|\bTomography, X-Ray Computed\b|\bMDCT\b|\bCBCT\b|\b[Cc]one[- ]beam\b")]
    private static partial Regex CtPattern();
    [GeneratedRegex(@"\bradiograph\w*|\bX-?rays?\b(?!\s+absorptiometry|\s+[Cc]omputed)|\bplain films?\b|\bEOS\b|\bbiplanar (?:radiograph|imaging)", RegexOptions.IgnoreCase)]
    private static partial Regex RadiographPattern();
    [GeneratedRegex(@"\bultraso\w*|\bsonograph\w*|\bUS images?\b", RegexOptions.IgnoreCase)]
    private static partial Regex UltrasoundPattern();
    [GeneratedRegex(@"\bDE?XA\b|\bdual[- ]energy X-?ray absorptiometry\b|\babsorptiometry\b", RegexOptions.IgnoreCase)]
    private static partial Regex DexaPattern();
    [GeneratedRegex(@"\bfluoroscop\w*|\bintra-?operative (?:imaging|images|navigation)\b|\bO-arm\b|\bC-arm\b", RegexOptions.IgnoreCase)]
    private static partial Regex FluoroscopyPattern();
    [GeneratedRegex(@"\bPET\b|\bSPECT\b|\b[Ss]cintigra\w*|\b[Mm]yelograph\w*|\b[Ii]nfrared\b|\b[Ss]urface topograph\w*|\b[Pp]hotograph\w*", RegexOptions.None)]
    private static partial Regex OtherModalityPattern();

    [GeneratedRegex(@"\bcervical\b|\bcervicothoracic\b|\bC[1-7](?:\s*[-–/]\s*C?[1-7])?\b|\bdens\b|\bodontoid\b|\batlanto", RegexOptions.IgnoreCase)]
    private static partial Regex CervicalPattern();
    [GeneratedRegex(@"\bthoracic\b|\bthoracolumbar\b|\bcervicothoracic\b|\bT(?:1[0-2]|[1-9])\s*(?:[-–/]|to|through)\s*(?:T?(?:1[0-2]|[1-9])|L[1-5])\b(?![- ]?weighted)", RegexOptions.IgnoreCase)]
    private static partial Regex ThoracicPattern();
    [GeneratedRegex(@"\blumbar\b|\blumbosacral\b|\bthoracolumbar\b|\bL[1-5](?:\s*[-–/]\s*(?:L?[1-5]|S1))?\b(?!\s*(?:loss|norm|regulari|penalt|distance))|\blow(?:er)? back\b", RegexOptions.IgnoreCase)]
    private static partial Regex LumbarPattern();
    [GeneratedRegex(@"\bsacral\b|\bsacrum\b|\bsacrococcygeal\b|\bcoccyx\b|\blumbosacral\b|\bsacroiliac\b", RegexOptions.IgnoreCase)]
    private static partial Regex SacralPattern();
    [GeneratedRegex(@"\b(?:whole|entire|full|total)[- ](?:length )?spine\b|\bwhole-spine\b|\bfull-length spin\w*|\bentire spinal column\b|\bC[1-7]\s*(?:to|through|[-–])\s*(?:L[1-5]|S1|the sacrum)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WholeSpinePattern();
}
