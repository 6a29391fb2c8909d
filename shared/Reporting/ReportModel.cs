using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Reporting;

/// <summary>PRISMA 2020 flow counts, all derived from stored records and decisions (never accumulated counters).</summary>
public sealed record PrismaCounts(
    IReadOnlyDictionary<string, int> IdentifiedBySource,
    int Duplicates,
    int Screened,
    int AwaitingScreening,
    IReadOnlyDictionary<string, int> ExcludedByRules,
    int PassedRules,
    int IncludedConfirmed,
    IReadOnlyDictionary<string, int>? ExcludedByPeople = null,
    int ExcludedByModel = 0,
    int AwaitingPeople = 0,
    int Conflicts = 0)
{
    public int Identified => IdentifiedBySource.Values.Sum();
    public int ExcludedByRulesTotal => ExcludedByRules.Values.Sum();
    public int ExcludedByPeopleTotal => ExcludedByPeople?.Values.Sum() ?? 0;
}

/// <summary>What the people's screening stage has stored, for the report.</summary>
public sealed record PeopleScreening(IReadOnlyList<QueueEntry> Queue, IReadOnlyList<ReviewerDecision> Decisions, ModelSummary? Model,
    double HighThreshold, bool AutoExclude)
{
    public static PeopleScreening None { get; } = new([], [], null, 0.5, false);
}

/// <summary>One study shown in the report's table.</summary>
/// <param name="Included">True once people have included it (two reviewers agreed, or a third resolved a conflict).</param>
public sealed record StudyRow(string Key, string Title, string FirstAuthor, string? Journal, int? Year, string? Doi, string? Pmid,
    IReadOnlyList<string> Modality, IReadOnlyList<string> Region, bool NewInThisVersion, bool Included = false);

/// <summary>A category's share now and, where the 2023 paper states it, then.</summary>
public sealed record CategoryShare(string Category, int Count, double Percent, double? BaselinePercent);

/// <summary>Everything one report version shows: a plain model, built from storage by <see cref="ReportModelBuilder"/>.</summary>
public sealed record ReportModel(
    int Version,
    DateTimeOffset Created,
    DateOnly DataCutoff,
    PrismaCounts Cumulative,
    PrismaCounts ThisUpdate,
    IReadOnlyList<StudyRow> Studies,
    IReadOnlyList<CategoryShare> Modalities,
    IReadOnlyList<SearchLogEntry> Searches,
    int NewInThisVersion,
    int? PreviousVersion,
    ScreeningQuality? Screening = null,
    ScreeningQuality? ScreeningThisUpdate = null,
    bool AutoExclude = false,
    IReadOnlyList<Extraction.FieldAccuracy>? ExtractionAccuracy = null);

/// <summary>The 2023 scoping review's figures that each report version is compared against (from the published paper).</summary>
public static class Baseline2023
{
    public const string Citation = "Constant et al. N Am Spine Soc J 2023;15:100236. doi:10.1016/j.xnsj.2023.100236";
    public const int RecordsIdentified = 1475;
    public const int StudiesIncluded = 365;
    /// <summary>Shares of included studies by modality stated in the paper's text (Fig. 4B); others are only drawn in the figure.</summary>
    public static IReadOnlyDictionary<string, double> ModalityPercent { get; } = new Dictionary<string, double> { ["MRI"] = 36 };
}
