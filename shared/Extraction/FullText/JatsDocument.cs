namespace SpineReview.Extraction.FullText;

/// <summary>What part of a paper a section is: the extractor trusts the study's own methods and results over what it cites.</summary>
public enum SectionKind
{
    /// <summary>The article title.</summary>
    Title,
    /// <summary>The abstract.</summary>
    Abstract,
    /// <summary>Introduction or background: mostly other studies.</summary>
    Introduction,
    /// <summary>Related work or a literature review: only other studies.</summary>
    RelatedWork,
    /// <summary>Materials, methods, data, patients, experiments.</summary>
    Methods,
    /// <summary>Results and evaluation.</summary>
    Results,
    /// <summary>Discussion and limitations: the study compared with others.</summary>
    Discussion,
    /// <summary>Conclusions.</summary>
    Conclusion,
    /// <summary>Data, code or software availability statements.</summary>
    Availability,
    /// <summary>Anything else (acknowledgements, notes, unnamed sections).</summary>
    Other,
}

/// <summary>One section of a paper: its type (from sec-type or its title), its title path and where its text lies in <see cref="JatsDocument.Text"/>.</summary>
public sealed record JatsSection(string Title, string? SecType, SectionKind Kind, int Start, int End);

/// <summary>A paragraph (or a figure caption) and the section it belongs to, as a span of <see cref="JatsDocument.Text"/>.</summary>
public sealed record JatsParagraph(int Section, int Start, int Length);

/// <summary>One cell of a table: its row and column, whether it is a header cell, and its span in <see cref="JatsDocument.Text"/>.</summary>
public sealed record JatsCell(int Row, int Column, bool Header, int Start, int Length);

/// <summary>A table: its label and caption, the section it sits in, and its cells in reading order.</summary>
public sealed record JatsTable(string Label, string Caption, int Section, IReadOnlyList<JatsCell> Cells)
{
    /// <summary>The cells of one row, in column order.</summary>
    public IEnumerable<JatsCell> Row(int row) => Cells.Where(c => c.Row == row);
}

/// <summary>A figure: its label and the span of its caption.</summary>
public sealed record JatsFigure(string Label, int Section, int Start, int Length);

/// <summary>The licence an article is published under: the licence URL (ali:license_ref or xlink:href) and its statement.</summary>
public sealed partial record JatsLicence(string? Url, string Statement, bool OpenAccess)
{
    /// <summary>A short name for the report and exports: "CC BY 4.0", "CC BY-NC 4.0", or the URL.</summary>
    public string Name => Url is { } u && CreativeCommons().Match(u) is { Success: true } m
        ? $"CC {m.Groups[1].Value.ToUpperInvariant()}{(m.Groups[2].Success ? " " + m.Groups[2].Value : "")}"
        : Url ?? (Statement.Length > 60 ? Statement[..60] + "…" : Statement);

    [System.Text.RegularExpressions.GeneratedRegex(@"creativecommons\.org/(?:licenses|publicdomain)/([a-z-]+)/(\d\.\d)?", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex CreativeCommons();
}

/// <summary>
/// A JATS article as one normalised text (title, abstract, body sections, tables row by row, figure captions, back matter; one
/// paragraph a line, white space collapsed) with the spans of its parts, so every value taken from it can point at its text.
/// </summary>
public sealed record JatsDocument(string Text, string Title, IReadOnlyList<JatsSection> Sections, IReadOnlyList<JatsParagraph> Paragraphs,
    IReadOnlyList<JatsTable> Tables, IReadOnlyList<JatsFigure> Figures, JatsLicence? Licence, IReadOnlyList<string> Affiliations,
    IReadOnlyDictionary<string, string> Ids)
{
    /// <summary>The section a position of <see cref="Text"/> falls in (the innermost), or null before the first one.</summary>
    public JatsSection? SectionAt(int position)
    {
        JatsSection? found = null;
        foreach (var s in Sections)
            if (position >= s.Start && position < s.End && (found is null || s.Start >= found.Start)) found = s;
        return found;
    }

    /// <summary>Where the title and abstract end: what an abstract-level extractor would have seen.</summary>
    public int AbstractEnd => Sections.Where(s => s.Kind is SectionKind.Title or SectionKind.Abstract).Select(s => s.End).DefaultIfEmpty(Title.Length).Max();
}
