using System.Text.Json.Serialization;
using SpineReview.Records;
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
/// <param name="Stopping">The stopping rule's random sample, when one has been drawn.</param>
public sealed record PeopleScreening(IReadOnlyList<QueueEntry> Queue, IReadOnlyList<ReviewerDecision> Decisions, ModelSummary? Model,
    double HighThreshold, bool AutoExclude, int ReviewersPerRecord = 2, StoppingSample? Stopping = null)
{
    public static PeopleScreening None { get; } = new([], [], null, 0.5, false);
}

/// <summary>One study shown in the report's table.</summary>
/// <param name="Included">True once people have included it (two reviewers agreed, or a third resolved a conflict).</param>
/// <param name="FieldValues">Every charted field's values (people's corrections winning), for the results figures.</param>
/// <param name="Retracted">The source marks it retracted (PubMed "Retracted Publication", or a "Retracted:" title).</param>
/// <param name="Notices">The corrections, errata, expressions of concern and journal versions the refresh found for it, as
/// <see cref="Records.RecordChange.Describe"/> words them, oldest first.</param>
/// <param name="Concern">One of them is an expression of concern.</param>
public sealed record StudyRow(string Key, string Title, string FirstAuthor, string? Journal, int? Year, string? Doi, string? Pmid,
    IReadOnlyList<string> Modality, IReadOnlyList<string> Region, bool NewInThisVersion, bool Included = false,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? FieldValues = null, bool Retracted = false,
    // Left out of the fingerprint's JSON when there are none, so a deployment without notices makes no new version on upgrading.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Notices = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Concern = false)
{
    /// <summary>How the manifest names one of its notices.</summary>
    public static string NoticeId(string key, string notice) => $"{key}|{notice}";

    /// <summary>The notices found for it (none when the refresh found nothing).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> NoticeList => Notices ?? [];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Fields => FieldValues ?? EmptyFields;
    private static readonly Dictionary<string, IReadOnlyList<string>> EmptyFields = new(StringComparer.Ordinal);

    /// <summary>"Author (year). Title" as the report cites a study.</summary>
    public string Citation => $"{FirstAuthor} ({Year?.ToString(Fmt.C) ?? "n.d."}). {Title}";
}

/// <summary>A category's share now and, where the 2023 paper states it, then.</summary>
public sealed record CategoryShare(string Category, int Count, double Percent, double? BaselinePercent);

/// <summary>A study the previous version showed and this one does not, with why.</summary>
public sealed record RemovedStudy(string Key, string Citation, string Why);

/// <summary>What changed since the previous version, for "What is new".</summary>
/// <param name="Retracted">Studies shown whose source marks them retracted since the previous version (all of them in a first version).</param>
/// <param name="NoLongerIncluded">Studies the previous version counted as included that reviewers have reopened.</param>
/// <param name="NewNotices">Corrections, errata, expressions of concern and journal versions of studies shown, found since the previous version.</param>
public sealed record ChangesModel(IReadOnlyList<StudyRow> NewlyIncluded, IReadOnlyList<StudyRow> NewProvisional, IReadOnlyList<RemovedStudy> Removed,
    IReadOnlyList<StudyRow> Retracted, IReadOnlyList<StudyRow>? NoLongerIncluded = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<StudyNotice>? NewNotices = null)
{
    public static ChangesModel None { get; } = new([], [], [], []);
    public IReadOnlyList<StudyRow> Reopened => NoLongerIncluded ?? [];
    [JsonIgnore]
    public IReadOnlyList<StudyNotice> Notices => NewNotices ?? [];
}

/// <summary>A notice found for a study shown: "correction 10.1/x (2026-02-11, publisher)".</summary>
public sealed record StudyNotice(StudyRow Study, string Notice);

/// <summary>How the review was run for this version: what decides eligibility, and what charts the studies.</summary>
public sealed record ReviewMethod(string RulesVersion, string ExtractorVersion, int ReviewersPerRecord, bool AutoExclude)
{
    /// <summary>What decides eligibility; a change is a new major version of the report.</summary>
    public string Eligibility => $"{RulesVersion}; reviewers per record {ReviewersPerRecord}; automatic exclusion {(AutoExclude ? "on" : "off")}";
}

/// <summary>Everything one report version shows: a plain model, built from storage by <see cref="ReportModelBuilder"/>.</summary>
public sealed record ReportModel(
    ReportVersion Version,
    DateTimeOffset Created,
    DateOnly DataCutoff,
    PrismaCounts Cumulative,
    PrismaCounts ThisUpdate,
    IReadOnlyList<StudyRow> Studies,
    ResultsModel Results,
    IReadOnlyList<SearchLogEntry> Searches,
    int NewInThisVersion,
    ReportVersion? PreviousVersion,
    ChangesModel Changes,
    ReviewMethod Method,
    ScreeningQuality? Screening = null,
    ScreeningQuality? ScreeningThisUpdate = null,
    bool AutoExclude = false,
    IReadOnlyList<Extraction.FieldAccuracy>? ExtractionAccuracy = null,
    PendingWork? Pending = null,
    LivingMode? Living = null,
    ChartingBasis? Charting = null)
{
    /// <summary>Each source's latest search, in the sources' usual order (the methods table and the appendix's queries).</summary>
    public IReadOnlyList<SearchLogEntry> LatestSearches => Searches.GroupBy(s => s.Source).Select(g => g.OrderBy(s => s.Started).Last())
        .OrderBy(s => SourceName.OrderOf(s.Source)).ToList();
}

/// <summary>How many studies have a charting form, and how many of those were charted from their open-access full text.</summary>
public sealed record ChartingBasis(int Charted, int FromFullText)
{
    /// <summary>Share charted from full text, in percent (0 when nothing is charted).</summary>
    public double FullTextPercent => Charted == 0 ? 0 : 100.0 * FromFullText / Charted;
}
