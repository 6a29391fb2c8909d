using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Screening.Learning;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Screening;

/// <summary>What one training of the screening model learned and did; kept as a blob per training, plus latest.json.</summary>
/// <param name="LabelsFingerprint">Hash of the labels it was trained on and the queue it ranked: unchanged means no retraining is needed.</param>
public sealed record ModelSummary(int Version, DateTimeOffset TrainedAt, string Model, int Includes, int Exclusions, int Ranked, bool ColdStart,
    bool Calibrated, double? LowThreshold, double HighThreshold, IReadOnlyList<string> TopTerms, string LabelsFingerprint,
    int AutoExcluded, int AuditSent, double Seconds, double ReadSeconds = 0, double TrainSeconds = 0);

/// <summary>
/// Retrains the model on people's final decisions and re-ranks the queue; when settings allow, excludes records below the
/// calibrated low threshold, sending a random audit share of them to people instead.
/// </summary>
public sealed class RankingService(StorageClients storage, RecordStore records, ScreeningStore store, IOptions<ScreeningOptions> options,
    TimeProvider time, ILogger<RankingService> log)
{
    internal const string LatestBlob = "screening/latest.json";
    private ScreeningOptions Options => options.Value;

    /// <summary>The latest training's summary, or null before the first.</summary>
    public async Task<ModelSummary?> LatestAsync(CancellationToken ct)
    {
        var blob = storage.Container(storage.Names.ModelsContainer).GetBlobClient(LatestBlob);
        try
        {
            var content = await blob.DownloadContentAsync(ct);
            return JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ScreeningJson.Default.ModelSummary);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Retrains and re-ranks when labels or the queue changed since the last training (or always, when forced).</summary>
    public async Task<ModelSummary> RankAsync(bool force, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var latest = await LatestAsync(ct);
        // Whether anything changed is decided on the queue as recently read (this is asked before every next record); a
        // training reads it whole.
        // A model of another version (a deployment that changed ModelSpec.Project) is trained again even on the same labels, so the
        // queue's order, the report and the summary say what this version ranks with.
        if (!force && latest is not null && latest.Model == ModelSpec.Project.Name
            && latest.LabelsFingerprint == Fingerprint(await store.ListQueueRecentAsync(ScreeningStore.RecentQueueAge, ct))) return latest;
        var queue = await store.ListQueueAsync(null, ct);

        var rules = await store.ListRuleDecisionsAsync(ct);
        var ruleExcluded = rules.Where(d => d.Excluded).Select(d => d.RecordKey).ToHashSet(StringComparer.Ordinal);
        var rulePassed = rules.Where(d => !d.Excluded).Select(d => d.RecordKey).ToHashSet(StringComparer.Ordinal);
        var inQueue = queue.ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
        var inputs = new List<RankInput>(queue.Count);
        var excludedTexts = new List<(string Title, string? Abstract)>();
        await foreach (var r in records.ListAsync(ct))
        {
            if (r.DuplicateOf is not null)
            {
                // Merged into another study after it was queued: its decisions stay on record, but it is no longer screened.
                if (inQueue.Remove(r.Key)) await store.RemoveFromQueueAsync(r.Key, ct);
                continue;
            }
            if (!inQueue.TryGetValue(r.Key, out var q) && rulePassed.Contains(r.Key))
            {
                // Passed the rules but never queued (stored before people's screening existed, or a crash between the two writes).
                await store.EnqueueAsync(r.Key, 0.5, time.GetUtcNow(), ct);
                q = await store.GetQueueEntryAsync(r.Key, ct);
                if (q is not null) inQueue[r.Key] = q;
            }
            if (q is not null)
            {
                // The model learns from people only: its own automatic exclusions are not labels, nor are they ranked again.
                if (q.AutoExcluded) continue;
                bool? label = q.Status == ScreeningStatus.Final ? q.Included : null;
                inputs.Add(new RankInput(r.Key, r.Record.Title, r.Record.Abstract, label, label == false ? q.Reason : null));
            }
            else if (ruleExcluded.Contains(r.Key) && excludedTexts.Count < 2000)
                excludedTexts.Add((r.Record.Title, r.Record.Abstract));
        }
        var fingerprint = Fingerprint(inQueue.Values);
        var read = clock.Elapsed.TotalSeconds;

        var result = RelevanceRanker.Rank(inputs, excludedTexts,
            new RankOptions(Options.AutoExcludeRecall, Options.MinIncludesForAutoExclude));
        var trained = clock.Elapsed.TotalSeconds - read;
        var changed = result.Ranked.Where(r => inQueue.TryGetValue(r.Key, out var q) && Math.Abs(q.Probability - r.Probability) > 1e-9)
            .Select(r => (r.Key, r.Probability)).ToList();
        await store.SetProbabilitiesAsync(changed, ct);

        int autoExcluded = 0, audit = 0;
        if (Options.AutoExclude && result.LowThreshold is { } low)
        {
            foreach (var r in result.Ranked.Where(r => r.Probability < low))
            {
                var q = inQueue[r.Key];
                if (q.Status != ScreeningStatus.Pending || q.Reviewers.Count > 0 || q.Audit) continue;
                var sample = InAuditSample(r.Key, Options.AuditRate);
                var now = time.GetUtcNow();
                await store.UpdateQueueAsync(r.Key, cur => Task.FromResult(
                    cur.Status != ScreeningStatus.Pending || cur.Reviewers.Count > 0 || cur.Audit ? cur
                    : sample ? cur with { Audit = true, How = FormattableString.Invariant($"audit sample: model probability {r.Probability:0.0000} below the low threshold {low:0.0000}") }
                    : cur with
                    {
                        Status = ScreeningStatus.Final, Included = false, AutoExcluded = true, SettledAt = now,
                        Reason = r.LikelyReason ?? ReasonCodes.NotDeepLearning,
                        How = FormattableString.Invariant($"excluded by the model: probability {r.Probability:0.0000} below the low threshold {low:0.0000}; reason from the most similar people's exclusions"),
                    }), ct);
                if (sample) audit++;
                else autoExcluded++;
            }
        }

        var summary = new ModelSummary((latest?.Version ?? 0) + 1, time.GetUtcNow(), result.Model, result.Includes, result.Exclusions, result.Ranked.Count,
            result.ColdStart, result.Calibrated, result.LowThreshold, Options.HighThreshold, result.TopTerms, fingerprint, autoExcluded, audit,
            Math.Round(clock.Elapsed.TotalSeconds, 3), Math.Round(read, 3), Math.Round(trained, 3));
        var container = storage.Container(storage.Names.ModelsContainer);
        var headers = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Each training keeps its own record: two trainings at once take different numbers, never one file.
                await container.GetBlobClient($"screening/training-{summary.Version:D6}.json").UploadAsync(
                    new BinaryData(JsonSerializer.SerializeToUtf8Bytes(summary, ScreeningJson.Default.ModelSummary)),
                    new BlobUploadOptions { HttpHeaders = headers.HttpHeaders, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct);
                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 20)
            {
                summary = summary with { Version = summary.Version + 1 };
            }
        }
        await container.GetBlobClient(LatestBlob).UploadAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(summary, ScreeningJson.Default.ModelSummary)), headers, ct);
        ScreeningLog.Trained(log, summary.Version, summary.Includes, summary.Exclusions, summary.Ranked, summary.LowThreshold, autoExcluded, audit);
        return summary;
    }

    /// <summary>Whether a record falls in the audit sample: a fixed hash of its key, so a rerun picks the same records.</summary>
    public static bool InAuditSample(string key, double rate)
    {
        ArgumentNullException.ThrowIfNull(key);
        var h = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes("audit:" + key));
        return h < rate * uint.MaxValue;
    }

    // What a training depends on: which records wait and what people decided. The model's own exclusions and a record
    // moving from pending to conflict change nothing, so they do not start another training (and another round of exclusions).
    private static string Fingerprint(IEnumerable<QueueEntry> queue)
    {
        var text = string.Join('\n', queue.OrderBy(q => q.RecordKey, StringComparer.Ordinal)
            .Select(q => q.Status == ScreeningStatus.Final && !q.AutoExcluded ? $"{q.RecordKey}\t{q.Included}\t{q.Reason}" : q.RecordKey));
        return Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(text)));
    }
}
