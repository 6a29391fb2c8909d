using SpineReview.Records;

namespace SpineReview.Screening;

/// <summary>The rule stage's verdict on one record: excluded with a reason, or passed on to people.</summary>
/// <param name="Excluded">True only when a rule is certain.</param>
/// <param name="Reason">Protocol reason code when excluded.</param>
/// <param name="Rule">Name of the rule that decided, or "none".</param>
/// <param name="Evidence">What the rule saw, for a person to check.</param>
public sealed record RuleVerdict(bool Excluded, string? Reason, string Rule, string Evidence)
{
    /// <summary>Version of the rule set; stored with each verdict.</summary>
    public const string Version = "rules-1.1";
}

/// <summary>The rule pre-screen. Pure: the same record always gets the same verdict. Rules exclude only what is certain.</summary>
public static partial class RuleScreener
{
    private static readonly HashSet<string> ReviewTypes = new(StringComparer.OrdinalIgnoreCase)
        { "Review", "Systematic Review", "Meta-Analysis", "Scoping Review", "Systematic Review and Meta-Analysis" };

    private static readonly HashSet<string> EditorialTypes = new(StringComparer.OrdinalIgnoreCase)
        { "Editorial", "Letter", "Comment", "Published Erratum", "News", "Newspaper Article", "Retraction of Publication", "Expression of Concern", "Interview", "Biography", "Personal Narrative" };

    /// <summary>Applies the rules in the protocol's order.</summary>
    public static RuleVerdict Screen(BibRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Year is int y && y < 2012)
            return Exclude(ReasonCodes.Before2012, "year", $"year {y}");

        var review = record.PublicationTypes.FirstOrDefault(ReviewTypes.Contains);
        if (review is not null)
            return Exclude(ReasonCodes.Review, "publication-type", $"publication type \"{review}\"");

        var editorial = record.PublicationTypes.FirstOrDefault(EditorialTypes.Contains);
        if (editorial is not null)
            return Exclude(ReasonCodes.EditorialOrLetter, "publication-type", $"publication type \"{editorial}\"");

        // A title that calls the record a review or a letter says what it is, whatever the publication types (often missing outside PubMed).
        if (ReviewTitle().Match(record.Title) is { Success: true } rt)
            return Exclude(ReasonCodes.Review, "title-review", $"title says \"{rt.Value}\"");
        if (LetterTitle().Match(record.Title) is { Success: true } lt)
            return Exclude(ReasonCodes.EditorialOrLetter, "title-letter", $"title says \"{lt.Value}\"");

        var mesh = new HashSet<string>(record.Mesh, StringComparer.OrdinalIgnoreCase);
        if (mesh.Contains("Animals") && !mesh.Contains("Humans"))
            return Exclude(ReasonCodes.Animal, "mesh-animals", "MeSH Animals without Humans");

        // Concept blocks decide only when there is an abstract to read: a title alone is too little to be certain.
        if (string.IsNullOrWhiteSpace(record.Abstract))
            return Pass("no abstract: concept blocks not applied");

        var text = string.Join("\n", [record.Title, record.Abstract, .. record.Mesh, .. record.Keywords]);
        // Animals named at least twice and no person of any kind (no patient, reader or clinical use): an animal-only experiment.
        // Cadavers are left to people: a cadaver test often follows work on patients' images that the abstract does not name as such.
        if (Animal().Matches(text) is { Count: >= 2 } animals && animals[0] is var animal && !People().IsMatch(text))
            return Exclude(ReasonCodes.Animal, "text-animal", $"\"{animal.Value}\" and no patients, subjects or volunteers");
        if (!ConceptBlocks.Spine().IsMatch(text))
            return Exclude(ReasonCodes.NotSpine, "concept-spine", "no spine term in title, abstract, MeSH or keywords");
        if (!ConceptBlocks.Imaging().IsMatch(text))
        {
            var data = ConceptBlocks.NonImagingData().Match(text);
            if (data.Success)
                return Exclude(ReasonCodes.NotImaging, "concept-imaging", $"no imaging term; data described as \"{data.Value}\"");
            return Pass("no imaging term, but no other data named either: a person decides");
        }
        if (!ConceptBlocks.DeepLearning().IsMatch(text))
        {
            var broad = ConceptBlocks.LearningAmbiguous().Match(text);
            return broad.Success
                ? Pass($"no deep-learning term, but \"{broad.Value}\": a person decides")
                : Exclude(ReasonCodes.NotDeepLearning, "concept-deep-learning", "no learning term of any kind");
        }
        return Pass("all three concept blocks present");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:systematic(?:al)? review|meta-analys[ie]s|scoping review|narrative review|literature review|review of (?:the )?literature|umbrella review|state[- ]of[- ]the[- ]art review|a (?:comprehensive|critical|brief|short|narrative|systematic|scoping|pictorial) review)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    internal static partial System.Text.RegularExpressions.Regex ReviewTitle();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?:editorial\b|letter to the editor|comment(?:ary)? on\b|reply to\b|in reply\b|erratum\b|corrigendum\b|correction to\b)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    internal static partial System.Text.RegularExpressions.Regex LetterTitle();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:rats?|mice|mouse(?![- ]click)|murine|rodents?|canines?|dogs?|porcine|pigs?|swine|sheep|ovine|goats?|rabbits?|primates?|monkeys?|macaques?)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    internal static partial System.Text.RegularExpressions.Regex Animal();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?:patients?|humans?|subjects?|participants?|volunteers?|children|adults?|adolescents?|individuals?|men|women|people|persons?|cases?|cohort|radiologists?|surgeons?|clinicians?|physicians?|readers?|VerSe|clinical)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex People();

    private static RuleVerdict Exclude(string reason, string rule, string evidence) => new(true, reason, rule, evidence);
    private static RuleVerdict Pass(string evidence) => new(false, null, "none", evidence);
}
