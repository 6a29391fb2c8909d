using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Records;

/// <summary>A change found to a stored study after it was stored, kept with its date: a notice Crossref or PubMed links to the
/// study, the journal version of a preprint, or OpenAlex's or PubMed's word that the study was retracted.</summary>
/// <param name="RecordKey">The study (the record kept for it).</param>
/// <param name="Kind">"retraction", "correction", "erratum", "expression_of_concern", "withdrawal", "removal", or "journal-version".</param>
/// <param name="Doi">The notice identifier (named Doi for the rows kept before other sources were asked): the notice's DOI, or the journal
/// version's, whenever a source gives one ("10.1/x"); else "pmid:N", the PubMed notice's PMID; a source that says the study was
/// retracted without naming a notice is known by the study's own id there: "pmid:N" (the study's PMID, PubMed's publication type
/// alone) or "openalex:W…" (the study's OpenAlex work, <c>is_retracted</c>).</param>
/// <param name="Issued">When the notice was issued, as Crossref dates it; null when not dated (PubMed and OpenAlex give no date).</param>
/// <param name="By">Who asserted it ("publisher", "retraction-watch" through Crossref; "pubmed"; "openalex").</param>
/// <param name="Found">When a refresh first found it.</param>
/// <param name="Included">The study was included when the change was found (not only provisionally eligible).</param>
public sealed record RecordChange(string RecordKey, string Kind, string Doi, DateOnly? Issued, string? By, DateTimeOffset Found, bool Included)
{
    /// <summary>Crossref's kind of an expression of concern.</summary>
    public const string ExpressionOfConcern = "expression_of_concern";

    /// <summary>The notice takes the study back (a retraction, withdrawal or removal).</summary>
    public bool Retracts => Retractions.IsRetractingKind(Kind);

    /// <summary>A study's notices in the order the report and the exports list them: by date (undated last), kind, notice.</summary>
    public static IReadOnlyList<RecordChange> InListOrder(IEnumerable<RecordChange> changes) =>
        changes.OrderBy(c => c.Issued ?? DateOnly.MaxValue).ThenBy(c => c.Kind, StringComparer.Ordinal).ThenBy(c => c.Doi, StringComparer.Ordinal).ToList();

    /// <summary>"retraction 10.1/x (2026-03-02, retraction-watch)".</summary>
    public string Describe()
    {
        var details = new[] { Issued?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), By }.OfType<string>().ToList();
        return $"{Kind.Replace('_', ' ')} {Doi}{(details.Count == 0 ? "" : $" ({string.Join(", ", details)})")}";
    }
}

/// <summary>How a stored record says it was retracted: the mark the report, the alerts and the refresh read and write.</summary>
public static class Retractions
{
    /// <summary>The publication type PubMed gives a retracted article; the refresh gives it to a study any source says was retracted.</summary>
    public const string PublicationType = "Retracted Publication";

    /// <summary>The change kinds that take a work back (Crossref's update types; PubMed's retraction notices are "retraction").</summary>
    public static bool IsRetractingKind(string kind) => kind is "retraction" or "withdrawal" or "removal";

    /// <summary>The record is marked retracted: PubMed's publication type, or the "Retracted:" title publishers prefix.</summary>
    public static bool IsMarked(BibRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.PublicationTypes.Any(t => t.Equals(PublicationType, StringComparison.OrdinalIgnoreCase))
            || record.Title.StartsWith("Retracted:", StringComparison.OrdinalIgnoreCase)
            || record.Title.StartsWith("[Retracted]", StringComparison.OrdinalIgnoreCase)
            || record.Title.StartsWith("Retracted article:", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>The changes found to stored studies: one insert-only row per study, kind and notice in the state table (partition
/// "changes"), so two refreshes at once, or one run again, keep each change once.</summary>
public sealed class RecordChangeStore(StorageClients storage)
{
    private const string Partition = "changes";

    private TableClient State => storage.Table(storage.Names.StateTable);

    /// <summary>Keeps a change; false when it was kept before (nothing written).</summary>
    public async Task<bool> TryAddAsync(RecordChange c, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(c);
        var entity = new TableEntity(Partition, KeyEncoding.Encode($"{c.RecordKey}|{c.Kind}|{c.Doi}"))
        {
            ["RecordKey"] = c.RecordKey, ["Kind"] = c.Kind, ["Doi"] = c.Doi, ["Issued"] = c.Issued?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["By"] = c.By, ["Found"] = c.Found, ["Included"] = c.Included,
        };
        try
        {
            await State.AddEntityAsync(entity, ct);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Every change found so far, oldest first.</summary>
    public async Task<IReadOnlyList<RecordChange>> ListAsync(CancellationToken ct)
    {
        var list = new List<RecordChange>();
        await foreach (var e in State.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: ct))
        {
            list.Add(new RecordChange(e.GetString("RecordKey")!, e.GetString("Kind")!, e.GetString("Doi")!,
                e.GetString("Issued") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                e.GetString("By"), e.GetDateTimeOffset("Found") ?? default, e.GetBoolean("Included") ?? false));
        }
        return list.OrderBy(c => c.Found).ThenBy(c => c.RecordKey, StringComparer.Ordinal).ToList();
    }
}
