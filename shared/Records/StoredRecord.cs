namespace SpineReview.Records;

/// <summary>A record as stored, with its duplicate link and provenance.</summary>
public sealed record StoredRecord(string Key, BibRecord Record, string? DuplicateOf, string? DuplicateBy, string HarvestRun, DateTimeOffset StoredAt);
