using Microsoft.Extensions.Logging;
using SpineReview.Storage;

namespace SpineReview.Extraction;

/// <summary>The ExtractRecord stage: fills the fields the current extractors know, with evidence.</summary>
public sealed class ExtractionService(StorageClients storage, RecordStore records, ExtractionStore store, TimeProvider time, ILogger<ExtractionService> log)
{
    /// <summary>Extracts one record. Safe to run twice: rows are replaced by the same values.</summary>
    public async Task<IReadOnlyList<ExtractedField>> ExtractAsync(RecordMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        await storage.EnsureCreatedAsync(ct);
        var stored = await records.GetAsync(message.RecordKey, ct);
        if (stored is null)
        {
            log.LogWarning("Extract: record {RecordKey} is not stored; message dropped", message.RecordKey);
            return [];
        }
        var r = stored.Record;
        var text = string.Join("\n", [r.Title, r.Abstract ?? "", string.Join("; ", r.Keywords), string.Join("; ", r.Mesh)]);
        ExtractedField[] fields = [KeywordExtractor.Modality(text), KeywordExtractor.Region(text)];
        await store.SaveAsync(stored.Key, fields, time.GetUtcNow(), ct);
        log.LogInformation("Extract: {RecordKey} modality {Modality}, region {Region}", stored.Key,
            string.Join("/", fields[0].Distinct), string.Join("/", fields[1].Distinct));
        return fields;
    }
}
