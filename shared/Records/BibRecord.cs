using System.Text.Json.Serialization;

namespace SpineReview.Records;

/// <summary>One bibliographic record as a source returned it, normalised to the shared shape.</summary>
public sealed record BibRecord
{
    /// <summary>Source name: pubmed, ieee, europepmc, arxiv, openalex, crossref.</summary>
    public required string Source { get; init; }
    /// <summary>The record's identifier within its source.</summary>
    public required string SourceId { get; init; }
    public string? Pmid { get; init; }
    /// <summary>Lower-case DOI without resolver prefix.</summary>
    public string? Doi { get; init; }
    public string? Pmcid { get; init; }
    public string? ArxivId { get; init; }
    /// <summary>Title as plain text (markup removed).</summary>
    public string Title { get; init; } = "";
    /// <summary>Abstract as plain text; labelled sections as "LABEL: text" lines.</summary>
    public string? Abstract { get; init; }
    public IReadOnlyList<AbstractSection> AbstractSections { get; init; } = [];
    public int? Year { get; init; }
    public string? Journal { get; init; }
    public string? JournalAbbreviation { get; init; }
    public string? Volume { get; init; }
    public string? Issue { get; init; }
    public string? Pages { get; init; }
    public IReadOnlyList<Author> Authors { get; init; } = [];
    public IReadOnlyList<string> PublicationTypes { get; init; } = [];
    public IReadOnlyList<string> Mesh { get; init; } = [];
    public IReadOnlyList<string> Keywords { get; init; } = [];
    public IReadOnlyList<string> Language { get; init; } = [];
    /// <summary>The date the source first listed the record (PubMed: entrez date), ISO yyyy-MM-dd.</summary>
    public string? EntryDate { get; init; }

    /// <summary>Fields filled from another source, as "source:field" (e.g. "crossref:abstract"), so every value stays traceable.</summary>
    public IReadOnlyList<string> Enriched { get; init; } = [];

    /// <summary>Storage key of this record: unique per source record.</summary>
    [JsonIgnore]
    public string Key => RecordKey.For(Source, SourceId);
}

/// <summary>An author as "Surname Initials" (or a collective name) with affiliations.</summary>
public sealed record Author(string Name, IReadOnlyList<string> Affiliations);

/// <summary>A labelled abstract section (BACKGROUND, METHODS, ...); Label is null for plain abstracts.</summary>
public sealed record AbstractSection(string? Label, string Text);

/// <summary>Builds the storage key of a source record.</summary>
public static class RecordKey
{
    /// <summary>"source:id", safe as a table key.</summary>
    public static string For(string source, string sourceId) => $"{source}:{Storage.KeyEncoding.Encode(sourceId)}";
}
