using SpineReview.Records;

namespace SpineReview.Sources;

/// <summary>The protocol's three concept blocks (deep learning AND spine AND imaging) in each source's own syntax.</summary>
public static class Queries
{
    /// <summary>Europe PMC search syntax (TITLE_ABS field).</summary>
    public const string EuropePmc =
        "(TITLE_ABS:\"deep learning\" OR TITLE_ABS:\"neural network*\" OR TITLE_ABS:convolutional OR TITLE_ABS:CNN OR TITLE_ABS:\"U-Net\" OR TITLE_ABS:ResNet OR TITLE_ABS:transformer) " +
        "AND (TITLE_ABS:spine OR TITLE_ABS:spinal OR TITLE_ABS:vertebra* OR TITLE_ABS:intervertebral OR TITLE_ABS:lumbar OR TITLE_ABS:cervical OR TITLE_ABS:scoliosis OR TITLE_ABS:kyphosis OR TITLE_ABS:spondyl*) " +
        "AND (TITLE_ABS:MRI OR TITLE_ABS:\"magnetic resonance\" OR TITLE_ABS:CT OR TITLE_ABS:\"computed tomography\" OR TITLE_ABS:radiograph* OR TITLE_ABS:\"X-ray\" OR TITLE_ABS:ultrasound OR TITLE_ABS:DXA OR TITLE_ABS:fluoroscop* OR TITLE_ABS:imaging)";

    /// <summary>arXiv API search_query syntax, limited to the imaging and learning categories.</summary>
    public const string Arxiv =
        "(abs:\"deep learning\" OR abs:\"neural network\" OR abs:convolutional OR abs:CNN OR abs:transformer) " +
        "AND (abs:spine OR abs:spinal OR abs:vertebra OR abs:vertebrae OR abs:vertebral OR abs:intervertebral OR abs:lumbar OR abs:scoliosis) " +
        "AND (abs:MRI OR abs:CT OR abs:radiograph OR abs:X-ray OR abs:ultrasound OR abs:imaging) " +
        "AND (cat:eess.IV OR cat:cs.CV OR cat:cs.LG OR cat:physics.med-ph OR cat:cs.AI)";

    /// <summary>OpenAlex full-text search (Boolean terms in upper case).</summary>
    public const string OpenAlex =
        "(\"deep learning\" OR \"neural network\" OR convolutional) AND (spine OR spinal OR vertebral OR lumbar OR scoliosis OR intervertebral) AND (MRI OR CT OR radiograph OR X-ray OR ultrasound OR imaging)";

    /// <summary>IEEE Xplore querytext (Boolean, fields in quotes).</summary>
    public const string Ieee =
        "(\"deep learning\" OR \"neural network\" OR convolutional) AND (spine OR spinal OR vertebra OR vertebrae OR lumbar OR scoliosis) AND (MRI OR CT OR radiograph OR X-ray OR ultrasound)";

    private static readonly Dictionary<string, string> BySource = new(StringComparer.Ordinal)
    {
        [SourceName.EuropePmc.Name] = EuropePmc,
        [SourceName.Arxiv.Name] = Arxiv,
        [SourceName.OpenAlex.Name] = OpenAlex,
        [SourceName.Ieee.Name] = Ieee,
        [SourceName.PubMed.Name] = PubMed.PubMedQuery.Default,
    };

    /// <summary>The protocol's query in a source's syntax; empty for a source searched by identifier only (Crossref).</summary>
    public static string For(string source) => BySource.GetValueOrDefault(source, "");
}
