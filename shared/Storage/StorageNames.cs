using System.Text.RegularExpressions;

namespace SpineReview.Storage;

/// <summary>Every table, queue and container name, in one place, behind the prefix from setting Storage:Prefix.</summary>
public sealed partial class StorageNames
{
    /// <summary>Creates the names for a prefix of lower-case letters and digits that starts with a letter (1-20 characters).</summary>
    public StorageNames(string prefix)
    {
        if (!PrefixPattern().IsMatch(prefix ?? ""))
            throw new ArgumentException($"Setting Storage:Prefix is '{prefix}': it must be 1-20 lower-case letters or digits, starting with a letter (for example 'spine').", nameof(prefix));
        Prefix = prefix!;
    }

    public string Prefix { get; }

    /// <summary>Whether a prefix makes valid names: lower-case letters and digits, starting with a letter, 1-20 characters.</summary>
    public static bool IsValidPrefix(string? prefix) => PrefixPattern().IsMatch(prefix ?? "");
    /// <summary>Source records, one row per record a source returned.</summary>
    public string RecordsTable => $"{Prefix}Records";
    /// <summary>Identifier index (doi, pmid) pointing at the record kept for that identifier.</summary>
    public string IdentifiersTable => $"{Prefix}Identifiers";
    /// <summary>Screening decisions, partitioned by record.</summary>
    public string ScreeningTable => $"{Prefix}Screening";
    /// <summary>Extracted values with evidence, partitioned by record.</summary>
    public string ExtractionsTable => $"{Prefix}Extractions";
    /// <summary>Search log: one row per harvest run and source.</summary>
    public string SearchLogTable => $"{Prefix}SearchLog";
    /// <summary>Watermarks and other small state.</summary>
    public string StateTable => $"{Prefix}State";
    /// <summary>Fingerprint index for duplicate detection: one partition per blocking key, one row per record.</summary>
    public string FingerprintsTable => $"{Prefix}Fingerprints";
    /// <summary>Possible duplicates waiting for a person, and people's verdicts on pairs.</summary>
    public string DedupPairsTable => $"{Prefix}DedupPairs";
    /// <summary>The people's screening queue: one row per record that passed the rules, with its model probability and status.</summary>
    public string ScreeningQueueTable => $"{Prefix}ScreeningQueue";
    /// <summary>Alert subscribers: address, filters, frequency, confirmation and unsubscribe tokens.</summary>
    public string AlertSubscribersTable => $"{Prefix}AlertSubscribers";
    /// <summary>Alert emails and the sent-log: one partition per subscriber, one row per (subscriber, study) and one per email.</summary>
    public string AlertLogTable => $"{Prefix}AlertLog";
    /// <summary>Records waiting for the rule pre-screen.</summary>
    public string ScreenQueue => $"{Prefix}-screen";
    /// <summary>Records waiting for extraction.</summary>
    public string ExtractQueue => $"{Prefix}-extract";
    /// <summary>Nudges to send immediate alerts (a study was included); the alert pass itself reads what is due from the tables.</summary>
    public string AlertsQueue => $"{Prefix}-alerts";
    /// <summary>Report versions and latest.pdf.</summary>
    public string ReportsContainer => $"{Prefix}-reports";
    /// <summary>The screening model's trainings: what it learned from which labels.</summary>
    public string ModelsContainer => $"{Prefix}-models";
    /// <summary>Raw source responses, as received.</summary>
    public string RawContainer => $"{Prefix}-raw";
    /// <summary>Open-access full texts as received (JATS), one blob a study, with the licence they were published under.</summary>
    public string FullTextContainer => $"{Prefix}-fulltext";
    /// <summary>Small blobs whose leases let one process at a time do a piece of work (the alert pass, publishing a report version).</summary>
    public string LocksContainer => $"{Prefix}-locks";

    /// <summary>The keys that sign the web app's cookies and anti-forgery tokens in Azure (ASP.NET Core data protection's key ring).</summary>
    public string KeysContainer => $"{Prefix}-keys";

    public IEnumerable<string> Tables => [RecordsTable, IdentifiersTable, ScreeningTable, ExtractionsTable, SearchLogTable, StateTable, FingerprintsTable, DedupPairsTable, ScreeningQueueTable,
        AlertSubscribersTable, AlertLogTable];
    public IEnumerable<string> Queues => [ScreenQueue, ExtractQueue, AlertsQueue];
    /// <summary>Where a message goes after too many failed attempts: the queue's name and "-poison", as the Functions platform names it.</summary>
    public static string PoisonQueue(string queue) => queue + "-poison";
    /// <summary>The poison queue of each queue, made at start-up with the rest.</summary>
    public IEnumerable<string> PoisonQueues => Queues.Select(PoisonQueue);
    public IEnumerable<string> Containers => [ReportsContainer, RawContainer, ModelsContainer, LocksContainer, KeysContainer, FullTextContainer];

    [GeneratedRegex("^[a-z][a-z0-9]{0,19}$")]
    private static partial Regex PrefixPattern();
}
