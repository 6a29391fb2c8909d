using System.Text.RegularExpressions;

namespace SpineReview.Screening;

/// <summary>Whether a highlighted term speaks for inclusion (a concept block) or for exclusion (a reason code's cue).</summary>
public enum CueKind
{
    Include,
    Exclude,
}

/// <summary>One highlighted term in a text: where it is, which way it points, and what it stands for.</summary>
public sealed record Cue(int Start, int Length, CueKind Kind, string Label);

/// <summary>The protocol's terms a reviewer sees highlighted: the concept blocks (include) and the reason codes' cues (exclude). Pure.</summary>
public static class ScreeningCues
{
    private static readonly (Regex Pattern, CueKind Kind, string Label)[] Patterns =
    [
        (ConceptBlocks.DeepLearning(), CueKind.Include, "deep learning"),
        (ConceptBlocks.Spine(), CueKind.Include, "spine"),
        (ConceptBlocks.Imaging(), CueKind.Include, "imaging"),
        (RuleScreener.ReviewTitle(), CueKind.Exclude, ReasonCodes.Describe(ReasonCodes.Review)),
        (RuleScreener.LetterTitle(), CueKind.Exclude, ReasonCodes.Describe(ReasonCodes.EditorialOrLetter)),
        (RuleScreener.Animal(), CueKind.Exclude, ReasonCodes.Describe(ReasonCodes.Animal)),
        (ConceptBlocks.NonImagingData(), CueKind.Exclude, ReasonCodes.Describe(ReasonCodes.NotImaging)),
    ];

    /// <summary>The cues in <paramref name="text"/>, in order and never overlapping (where two overlap, the earlier, then the longer, wins).</summary>
    public static IReadOnlyList<Cue> Find(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var all = Patterns.SelectMany(p => p.Pattern.Matches(text).Where(m => m.Length > 0).Select(m => new Cue(m.Index, m.Length, p.Kind, p.Label)))
            .OrderBy(c => c.Start).ThenByDescending(c => c.Length).ToList();
        var kept = new List<Cue>();
        var end = 0;
        foreach (var c in all)
        {
            if (c.Start < end) continue;
            kept.Add(c);
            end = c.Start + c.Length;
        }
        return kept;
    }
}
