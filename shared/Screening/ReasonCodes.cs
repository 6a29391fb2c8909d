namespace SpineReview.Screening;

/// <summary>The protocol's exclusion reason codes, in the order they are applied (the first that applies wins).</summary>
public static class ReasonCodes
{
    public const string Before2012 = "before_2012";
    public const string Review = "review";
    public const string EditorialOrLetter = "editorial_or_letter";
    public const string Animal = "animal";
    public const string NotSpine = "not_spine";
    public const string NotImaging = "not_imaging";
    public const string NotDeepLearning = "not_deep_learning";
    public const string TechnicalOnly = "technical_only";
    public const string Duplicate = "duplicate";

    /// <summary>All codes in protocol order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Before2012, Review, EditorialOrLetter, Animal, NotSpine, NotImaging, NotDeepLearning, TechnicalOnly, Duplicate];

    /// <summary>Words for a person.</summary>
    public static string Describe(string code) => code switch
    {
        Before2012 => "Published before 2012",
        Review => "Review, systematic review or meta-analysis",
        EditorialOrLetter => "Editorial, letter, comment or erratum",
        Animal => "Animal or cadaver-only study",
        NotSpine => "Anatomy other than the spine",
        NotImaging => "No medical images",
        NotDeepLearning => "No deep learning",
        TechnicalOnly => "Technical work with no clinical use",
        Duplicate => "Duplicate of a record kept",
        _ => code,
    };
}
