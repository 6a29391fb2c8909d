using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using SpineReview.Screening.People;
using SpineReview.Storage;

namespace SpineReview.Screening;

/// <summary>The random sample of the stopping rule, drawn once and kept (models container, screening/stopping-sample.json).</summary>
/// <param name="FoundBefore">Inclusions by people when the sample was drawn.</param>
/// <param name="Order">Every record still waiting for people then (the urn), in the random order it is to be screened.</param>
public sealed record StoppingSample(DateTimeOffset DrawnAt, double Target, int FoundBefore, uint Seed, IReadOnlyList<string> Order);

/// <summary>Where the stopping rule stands; the status, the report and the web pages all read this.</summary>
/// <param name="Urn">Records not yet screened by people when the sample was drawn.</param>
/// <param name="Screened">Sample records settled by people, counted from the start of the sample's order up to the first one still open.</param>
/// <param name="Included">Inclusions among those.</param>
/// <param name="Requested">How far into the sample's order people are asked to screen now (grows when an inclusion turns up).</param>
/// <param name="Next">The next sample records to screen, in order (at most 10).</param>
/// <param name="ModelExcluded">Records the model excluded: not in the urn (people do not screen them); the audit estimates their misses.</param>
/// <param name="Arrived">Records waiting for people that arrived after the sample was drawn: outside the urn, so the claim does not cover them.</param>
public sealed record StoppingState(DateTimeOffset DrawnAt, double Target, double Confidence, int FoundBefore, int Urn, int Screened, int Included,
    int Requested, StoppingAssessment Assessment, IReadOnlyList<string> Next, int ModelExcluded = 0, int Arrived = 0)
{
    /// <summary>The state in one sentence for people.</summary>
    public string Sentence() => (Assessment.TargetMet
        ? FormattableString.Invariant(
            $"Stopping rule: recall is at least {Assessment.RecallAtLeast * 100:0.0}% with {Confidence * 100:0}% confidence (target {Target * 100:0}% met): a random sample of {Screened} of the {Urn} records left after ranked screening found {Included} more eligible (hypergeometric test, p = {Assessment.PValue:0.0000})")
          + (Arrived == 0 ? "; screening may stop." : FormattableString.Invariant(
            $", which holds for the records there were on {DrawnAt:yyyy-MM-dd}. {Arrived} records arrived since and wait for people outside the sample: screen them, or draw a new sample over them (spine-review screen stopping --propose --redraw)."))
        : FormattableString.Invariant(
            $"Stopping rule: recall is at least {Assessment.RecallAtLeast * 100:0.0}% with {Confidence * 100:0}% confidence; to claim {Target * 100:0}%, screen {Assessment.MoreToScreen} more records of the random sample ({Screened} of the {Urn} records left after ranked screening screened so far, {Included} eligible).")
          + (Arrived == 0 ? "" : FormattableString.Invariant($" {Arrived} records arrived after the sample was drawn ({DrawnAt:yyyy-MM-dd}) and are outside it.")))
        + (ModelExcluded == 0 ? "" : FormattableString.Invariant($" The {ModelExcluded} records the model excluded are not in the sample: the audit estimates what was missed there."));
}

/// <summary>
/// The stopping rule in storage: proposes the random sample once (reproducibly: the order is drawn from a hash of the
/// records left, and the blob is written only if absent, so a second proposal or a rerun returns the first) and judges
/// it from people's decisions whenever asked. A living review keeps receiving records after the draw: those are outside
/// the sample, and a new sample may be drawn over everything then waiting (the old one is archived beside it).
/// </summary>
public sealed class StoppingService(StorageClients storage, ScreeningStore store, TimeProvider time)
{
    private const string SampleBlob = "screening/stopping-sample.json";

    /// <summary>The confidence the rule claims recall with.</summary>
    public const double Confidence = 0.95;

    /// <summary>The stored sample, or null before one is proposed.</summary>
    public async Task<StoppingSample?> SampleAsync(CancellationToken ct) => (await ReadAsync(ct)).Sample;

    private async Task<(StoppingSample? Sample, ETag ETag)> ReadAsync(CancellationToken ct)
    {
        try
        {
            var content = await storage.Container(storage.Names.ModelsContainer).GetBlobClient(SampleBlob).DownloadContentAsync(ct);
            return (JsonSerializer.Deserialize(content.Value.Content.ToMemory().Span, ScreeningJson.Default.StoppingSample), content.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, default);
        }
    }

    /// <summary>
    /// Draws the sample from the records still waiting for people, unless one was drawn before, which is kept as it is.
    /// With <paramref name="redraw"/>, a sample drawn before records arrived is replaced by one drawn over everything
    /// waiting now (only then, else the sample is kept: redrawing the same records would let people pick the order they like), and the old one is
    /// kept as screening/stopping-sample-DATE.json. Returns the state. The model's own exclusions are settled and never
    /// reach people, so they cannot be sampled: the audit speaks for them.
    /// </summary>
    public async Task<StoppingState> ProposeAsync(double target, CancellationToken ct, bool redraw = false)
    {
        if (target is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(target), FormattableString.Invariant($"the target recall is {target}; give a share above 0 and at most 1, for example 0.95"));
        var queue = await store.ListQueueAsync(null, ct);
        var (existing, etag) = await ReadAsync(ct);
        if (existing is not null)
        {
            // A sample that covers every record waiting is kept, also when it is the one a redraw running at the same time just wrote.
            var state = Judge(existing, queue);
            if (!redraw || state.Arrived == 0) return state;
        }
        var urn = queue.Where(q => q.Status != ScreeningStatus.Final).Select(q => q.RecordKey).Order(StringComparer.Ordinal).ToArray();
        if (urn.Length == 0) throw new InvalidOperationException("no queued record is waiting for people: there is nothing left to sample, and recall is what people found");
        var seed = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(string.Join('\n', urn)));
        new Random(unchecked((int)seed)).Shuffle(urn);
        var sample = new StoppingSample(time.GetUtcNow(), target, queue.Count(q => ByPeople(q) && q.Included == true), seed, urn);
        var blob = storage.Container(storage.Names.ModelsContainer).GetBlobClient(SampleBlob);
        try
        {
            if (existing is not null)
            {
                // The old sample stays readable (what was claimed, when); written only if absent, so a rerun finds it there.
                var archived = storage.Container(storage.Names.ModelsContainer).GetBlobClient(
                    FormattableString.Invariant($"screening/stopping-sample-{existing.DrawnAt:yyyyMMdd'T'HHmmss'Z'}.json"));
                try
                {
                    await archived.UploadAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(existing, ScreeningJson.Default.StoppingSample)),
                        new BlobUploadOptions { HttpHeaders = Json, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // Archived by an earlier attempt or by a redraw running at the same time.
                }
            }
            // Written only if absent (or only over the sample this redraw read): two proposals at once store one sample, and both return it.
            await blob.UploadAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(sample, ScreeningJson.Default.StoppingSample)),
                new BlobUploadOptions { HttpHeaders = Json, Conditions = existing is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = etag } }, ct);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            sample = await SampleAsync(ct) ?? throw new InvalidOperationException("the stopping sample was being written by another process and could not be read back; run again", e);
        }
        return Judge(sample, queue);
    }

    private static BlobHttpHeaders Json => new() { ContentType = "application/json" };

    /// <summary>The rule's state, or null when no sample has been proposed.</summary>
    public async Task<StoppingState?> StateAsync(CancellationToken ct)
    {
        var sample = await SampleAsync(ct);
        return sample is null ? null : Judge(sample, await store.ListQueueAsync(null, ct));
    }

    /// <summary>Judges a sample against the queue as it stands. Pure.</summary>
    public static StoppingState Judge(StoppingSample sample, IReadOnlyList<QueueEntry> queue)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(queue);
        var entries = queue.ToDictionary(q => q.RecordKey, StringComparer.Ordinal);
        // Only an unbroken run from the start of the order is a random sample: records of the urn that people settled
        // out of turn (screening on in ranked order) were chosen by the model, not by chance.
        int screened = 0, included = 0;
        foreach (var key in sample.Order)
        {
            // A record no longer queued (merged into another study) holds no eligible study of its own.
            if (entries.TryGetValue(key, out var q) && !ByPeople(q)) break;
            screened++;
            if (q?.Included == true) included++;
        }
        var assessment = StoppingRule.Assess(sample.FoundBefore, sample.Order.Count, screened, included, sample.Target, Confidence);
        var requested = screened + assessment.MoreToScreen;
        var next = sample.Order.Skip(screened).Take(Math.Min(10, assessment.MoreToScreen))
            .Where(k => entries.TryGetValue(k, out var q) && !ByPeople(q)).ToList();
        var drawn = sample.Order.ToHashSet(StringComparer.Ordinal);
        return new StoppingState(sample.DrawnAt, sample.Target, Confidence, sample.FoundBefore, sample.Order.Count, screened, included, requested, assessment, next,
            queue.Count(q => q.AutoExcluded), queue.Count(q => q.Status != ScreeningStatus.Final && !drawn.Contains(q.RecordKey)));
    }

    private static bool ByPeople(QueueEntry q) => q.Status == ScreeningStatus.Final && !q.AutoExcluded;
}
