using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;

namespace SpineReview.Reporting;

/// <summary>One box of the PRISMA flow: its id (for links), its words, and the records behind its count.</summary>
public sealed record PrismaBox(string Id, string Label, IReadOnlyList<string> Keys);

/// <summary>
/// The PRISMA flow as it stands in storage now, each box with the records it counts, so a page can link every count to its
/// records. <see cref="Counts"/> are the report's own counts over the same data (<see cref="ReportModelBuilder"/>).
/// </summary>
public sealed record PrismaFlow(PrismaCounts Counts, IReadOnlyList<PrismaBox> Boxes)
{
    /// <summary>The box with id <paramref name="id"/>, or null.</summary>
    public PrismaBox? Box(string id) => Boxes.FirstOrDefault(b => b.Id == id);

    /// <summary>Builds the flow from stored records, rule decisions and the people's queue. Pure.</summary>
    public static PrismaFlow Of(IReadOnlyList<StoredRecord> records, IReadOnlyList<RuleDecision> rules, IReadOnlyList<QueueEntry> queue)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(queue);
        var counts = ReportModelBuilder.Build(ReportVersion.First, DateTimeOffset.UnixEpoch, records, rules, new Dictionary<string, List<Extraction.ExtractedField>>(), [],
            null, new PeopleScreening(queue, [], null, 0.5, false)).Cumulative;
        var byKey = rules.ToDictionary(d => d.RecordKey, StringComparer.Ordinal);
        var q = queue.ToDictionary(e => e.RecordKey, StringComparer.Ordinal);
        var kept = records.Where(r => r.DuplicateOf is null).ToList();
        var decided = kept.Where(r => byKey.ContainsKey(r.Key)).ToList();
        var passed = decided.Where(r => !byKey[r.Key].Excluded).ToList();
        QueueEntry? Q(StoredRecord r) => q.GetValueOrDefault(r.Key);
        var boxes = new List<PrismaBox>();
        void Add(string id, string label, IEnumerable<StoredRecord> members) =>
            boxes.Add(new PrismaBox(id, label, members.Select(r => r.Key).Order(StringComparer.Ordinal).ToList()));
        foreach (var source in records.GroupBy(r => r.Record.Source).OrderBy(g => SourceName.OrderOf(g.Key)))
            Add("identified-" + source.Key, $"Identified in {SourceName.DisplayNameOf(source.Key)}", source);
        Add("identified", "Records identified", records);
        Add("duplicates", "Duplicates removed", records.Where(r => r.DuplicateOf is not null));
        Add("screened", "Records screened by the rules", decided);
        Add("awaiting-screening", "Awaiting the rules", kept.Where(r => !byKey.ContainsKey(r.Key)));
        Add("excluded-rules", "Excluded by the rules", decided.Where(r => byKey[r.Key].Excluded));
        foreach (var code in ReasonCodes.All)
        {
            var members = decided.Where(r => byKey[r.Key].Excluded && byKey[r.Key].Reason == code).ToList();
            if (members.Count > 0) Add("excluded-rules-" + code, ReasonCodes.Describe(code), members);
        }
        Add("passed-rules", "Passed the rules (to reviewers)", passed);
        var byPeople = passed.Where(r => Q(r) is { Status: ScreeningStatus.Final, AutoExcluded: false }).ToList();
        Add("excluded-reviewers", "Excluded by reviewers", byPeople.Where(r => Q(r)!.Included == false));
        foreach (var code in ReasonCodes.All)
        {
            var members = byPeople.Where(r => Q(r)!.Included == false && Q(r)!.Reason == code).ToList();
            if (members.Count > 0) Add("excluded-reviewers-" + code, ReasonCodes.Describe(code), members);
        }
        Add("excluded-model", "Excluded by the model", passed.Where(r => Q(r) is { Status: ScreeningStatus.Final, AutoExcluded: true }));
        Add("awaiting-reviewers", "Awaiting reviewers", passed.Where(r => Q(r) is null || Q(r)!.Status == ScreeningStatus.Pending));
        Add("conflicts", "Conflicts awaiting a third reviewer", passed.Where(r => Q(r) is { Status: ScreeningStatus.Conflict }));
        Add("included", "Studies included", byPeople.Where(r => Q(r)!.Included == true));
        return new PrismaFlow(counts, boxes);
    }
}
