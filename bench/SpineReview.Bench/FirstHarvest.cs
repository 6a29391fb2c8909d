using System.Globalization;
using SpineReview.Records;

namespace SpineReview.Bench;

/// <summary>A generated first harvest of the five sources, shaped as their connectors fill records: PubMed with PMID, DOI,
/// often a PMCID, labelled abstract, MeSH and affiliations; Europe PMC's copy of PubMed records (MED:pmid) and its preprints
/// (PPR); OpenAlex with "First Last" authors, a DOI on most works and a PMID on some; arXiv preprints with their arXiv DOI;
/// IEEE with conference and journal articles. About 40% of the records are cross-source duplicates, some of them
/// preprint/published pairs with a reworded title, some copies without any identifier (matched on title and details).</summary>
public sealed class FirstHarvest
{
    /// <summary>Records per source, in the order the source returns them.</summary>
    public Dictionary<string, List<BibRecord>> BySource { get; } = new(StringComparer.Ordinal);

    /// <summary>How many records were made as a copy (or version) of a work already made: what deduplication should find.</summary>
    public int DesignedDuplicates { get; private set; }

    /// <summary>Every record, in harvest order (sources in the harvest's order, pages in order).</summary>
    public IEnumerable<BibRecord> InHarvestOrder(IEnumerable<string> sourceOrder) =>
        sourceOrder.Where(BySource.ContainsKey).SelectMany(s => BySource[s]);

    private static readonly string[] Methods = ["Deep learning", "A convolutional neural network", "A transformer model", "Automated deep learning",
        "A U-Net", "Self-supervised learning", "A vision transformer", "Radiomics and deep learning", "A multi-task network", "Weakly supervised learning",
        "A residual network", "Federated learning"];
    private static readonly string[] Tasks = ["segmentation", "detection", "classification", "grading", "measurement", "localisation", "prediction",
        "labelling", "quantification", "screening"];
    private static readonly string[] Targets = ["lumbar disc herniation", "vertebral compression fractures", "adolescent idiopathic scoliosis",
        "spinal canal stenosis", "cervical spondylotic myelopathy", "spinal metastases", "intervertebral disc degeneration", "sagittal alignment",
        "osteoporotic vertebrae", "paraspinal muscle atrophy", "spondylolisthesis", "ossification of the posterior longitudinal ligament"];
    private static readonly string[] Modalities = ["on MRI", "on CT", "on radiographs", "on sagittal T2-weighted MRI", "on low-dose CT", "on whole-spine radiographs"];
    private static readonly string[] Designs = ["a multicentre study", "a retrospective cohort", "external validation", "a prospective study",
        "development and validation", "a diagnostic accuracy study", "a comparison with radiologists", "a single-centre study"];
    private static readonly string[] Surnames = ["Smith", "Wang", "Li", "Zhang", "Müller", "García", "Kim", "Park", "Nguyen", "Rossi", "Tanaka", "Sato",
        "Johansson", "Novak", "Kowalski", "Dubois", "Martin", "Chen", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo",
        "Lee", "Choi", "Jung", "Kang", "Yoon", "Ito", "Suzuki", "Takahashi", "Watanabe", "Yamamoto", "Nakamura", "Kobayashi", "Ahmed", "Khan", "Ali",
        "Hassan", "Silva", "Santos", "Oliveira", "Pereira", "Costa", "Ferreira", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Hoffmann", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Andersen", "Nielsen", "Hansen", "Larsen", "O'Brien", "Murphy", "Kelly"];
    private static readonly string[] Given = ["John", "Wei", "Maria", "Kenji", "Anna", "Min-jun", "Sofia", "Lucas", "Yuki", "Ahmed", "Elena", "Jan", "Li", "Hyun", "Marco"];
    private static readonly string[] Journals = ["European Spine Journal", "Spine", "The Spine Journal", "Journal of Neurosurgery: Spine", "Radiology",
        "European Radiology", "Neuroradiology", "Global Spine Journal", "Medical Image Analysis", "Computers in Biology and Medicine",
        "Scientific Reports", "BMC Musculoskeletal Disorders", "Journal of Digital Imaging", "Skeletal Radiology", "American Journal of Neuroradiology"];
    private static readonly string[] Abbreviations = ["Eur Spine J", "Spine (Phila Pa 1976)", "Spine J", "J Neurosurg Spine", "Radiology",
        "Eur Radiol", "Neuroradiology", "Global Spine J", "Med Image Anal", "Comput Biol Med", "Sci Rep", "BMC Musculoskelet Disord", "J Digit Imaging",
        "Skeletal Radiol", "AJNR Am J Neuroradiol"];
    private static readonly string[] Conferences = ["2021 IEEE International Symposium on Biomedical Imaging (ISBI)", "IEEE Journal of Biomedical and Health Informatics",
        "IEEE Transactions on Medical Imaging", "2022 International Conference on Image Processing (ICIP)", "IEEE Access"];

    // The works made so far (their first record is stored by the harvest) and the generator's state, for an update after it.
    private readonly List<WorkData> _works = [];
    private readonly Random _random = new(18);

    /// <summary>Makes <paramref name="records"/> records; the same count gives the same harvest.</summary>
    public static FirstHarvest Generate(int records)
    {
        var h = new FirstHarvest();
        foreach (var s in new[] { "pubmed", "europepmc", "openalex", "arxiv", "ieee" }) h.BySource[s] = [];
        var made = 0;
        while (made < records) made += h.AddWork(h, records - made);
        return h;
    }

    /// <summary>A later harvest of <paramref name="records"/> records against this one stored: new works with their copies, shaped
    /// as the first harvest's, and one record in four a new copy of a work this harvest stored (Europe PMC's copy of a PubMed
    /// record it had not copied, or an OpenAlex record without identifiers), the most recent works first. Its
    /// <see cref="DesignedDuplicates"/> counts both kinds of copy.</summary>
    public FirstHarvest Update(int records)
    {
        var u = new FirstHarvest();
        foreach (var s in BySource.Keys) u.BySource[s] = [];
        // Works with no Europe PMC copy (kinds 8 and 9, PubMed records) or no OpenAlex record (kinds 4 to 6) yet: their new copy
        // has a key of its own, so it is a duplicate of a stored study, not a record stored already.
        var stored = _works.Where(w => w.Index % 20 is >= 4 and <= 6 or 8 or 9).Reverse().ToList();
        var (made, copied) = (0, 0);
        while (made < records)
        {
            if (copied * 4 <= made && copied < stored.Count)
            {
                var w = stored[copied++];
                var copy = w.Index % 20 >= 8 ? EuropePmcCopy(PubMedRecord(w)) : OpenAlexRecord(w, withDoi: false, withPmid: false);
                u.BySource[copy.Source].Add(copy);
                u.DesignedDuplicates++;
                made++;
            }
            else made += AddWork(u, records - made);
        }
        return u;
    }

    // Makes one work (its index the next one) and its copies into h, at most `budget` records; returns how many it made.
    private int AddWork(FirstHarvest h, int budget)
    {
        var w = _works.Count;
        var work = Work(w, _random);
        _works.Add(work);
        // The work's first record, from where it is indexed; then copies while the budget lasts (about 40% of all records).
        var kind = w % 20;
        var primary = kind switch
        {
            < 10 => PubMedRecord(work),
            < 13 => OpenAlexRecord(work, withDoi: true, withPmid: false),
            < 15 => IeeeRecord(work),
            < 17 => ArxivRecord(work),
            _ => EuropePmcPreprint(work),
        };
        h.BySource[primary.Source].Add(primary);
        var made = 1;
        var copies = new List<BibRecord>();
        switch (kind)
        {
            case < 4: copies.Add(EuropePmcCopy(primary)); copies.Add(OpenAlexRecord(work, withDoi: true, withPmid: true)); break;
            case < 7: copies.Add(EuropePmcCopy(primary)); break;
            case < 8: copies.Add(OpenAlexRecord(work, withDoi: false, withPmid: false)); break;
            case < 13: break;
            case < 14: copies.Add(OpenAlexRecord(work, withDoi: true, withPmid: false)); break;
            case < 15: break;
            case < 16: copies.Add(PubMedRecord(work with { Year = work.Year + 1, Title = Published(work.Title) }, published: true)); break;
            case < 17: break;
            case < 18: copies.Add(OpenAlexRecord(work, withDoi: false, withPmid: false)); break;
            default: break;
        }
        foreach (var c in copies)
        {
            if (made >= budget) break;
            h.BySource[c.Source].Add(c);
            h.DesignedDuplicates++;
            made++;
        }
        return made;
    }

    private sealed record WorkData(int Index, string Title, string Abstract, int Year, int Journal, string Volume, string Issue, string Pages,
        IReadOnlyList<(string Surname, string Given, string Affiliation)> Authors, string[] Keywords);

    private static WorkData Work(int w, Random random)
    {
        var title = string.Create(CultureInfo.InvariantCulture,
            $"{Methods[w % Methods.Length]} for {Tasks[w / 3 % Tasks.Length]} of {Targets[w / 7 % Targets.Length]} {Modalities[w / 11 % Modalities.Length]}: {Designs[w / 13 % Designs.Length]} of {200 + w} patients");
        var authors = Enumerable.Range(0, 3 + random.Next(6)).Select(_ => (Surnames[random.Next(Surnames.Length)], Given[random.Next(Given.Length)],
            $"Department of Radiology, University Hospital {random.Next(400)}, City {random.Next(90)}")).ToList();
        var first = 1 + random.Next(900);
        var abstractText = string.Join(" ",
            $"BACKGROUND: {Targets[w / 7 % Targets.Length]} is assessed by reading images by hand, which is slow and varies between readers.",
            $"METHODS: We trained {Methods[w % Methods.Length].ToLowerInvariant()} for {Tasks[w / 3 % Tasks.Length]} on {200 + w} patients imaged {Modalities[w / 11 % Modalities.Length]}, with five-fold cross-validation and a held-out test set from another hospital.",
            $"RESULTS: The model reached a Dice score of 0.{80 + random.Next(19)} and an AUC of 0.{85 + random.Next(14)}; agreement with two spine surgeons was an intraclass correlation of 0.{70 + random.Next(29)}.",
            "CONCLUSIONS: Deep learning measured the spine on routine imaging as well as experienced readers and could support reporting.");
        return new WorkData(w, title, abstractText, 2013 + w % 12, w % Journals.Length, (10 + w % 40).ToString(CultureInfo.InvariantCulture),
            (1 + w % 12).ToString(CultureInfo.InvariantCulture), $"{first}-{first + 5 + random.Next(10)}", authors,
            ["deep learning", Targets[w / 7 % Targets.Length], Tasks[w / 3 % Tasks.Length]]);
    }

    // The published version of a preprint: the same study, its title lightly reworded by the journal.
    private static string Published(string title) => title.Replace(": ", " - ", StringComparison.Ordinal);

    private static string Pmid(WorkData w, bool published = false) => (30_000_000 + w.Index * 2 + (published ? 1 : 0)).ToString(CultureInfo.InvariantCulture);
    private static string Doi(WorkData w, bool published = false) => string.Create(CultureInfo.InvariantCulture, $"10.{1000 + w.Journal}/bench.{w.Year}.{w.Index}{(published ? "p" : "")}");
    private static readonly string[] Labels = ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"];

    private static IReadOnlyList<AbstractSection> Sections(string text) =>
        [.. text.Split(["BACKGROUND: ", " METHODS: ", " RESULTS: ", " CONCLUSIONS: "], StringSplitOptions.RemoveEmptyEntries).Zip(Labels, (t, l) => new AbstractSection(l, t))];

    private static BibRecord PubMedRecord(WorkData w, bool published = false) => new()
    {
        Source = "pubmed", SourceId = Pmid(w, published), Pmid = Pmid(w, published), Doi = Doi(w, published),
        Pmcid = w.Index % 3 == 0 ? $"PMC{9_000_000 + w.Index * 2 + (published ? 1 : 0)}" : null,
        Title = w.Title + ".", Abstract = w.Abstract.Replace(" METHODS", "\nMETHODS", StringComparison.Ordinal), AbstractSections = Sections(w.Abstract), Year = w.Year,
        Journal = Journals[w.Journal], JournalAbbreviation = Abbreviations[w.Journal], Volume = w.Volume, Issue = w.Issue, Pages = w.Pages,
        Authors = [.. w.Authors.Select(a => new Author($"{a.Surname} {a.Given[0]}", [a.Affiliation]))],
        PublicationTypes = ["Journal Article"], Mesh = ["Deep Learning", "Spine/diagnostic imaging", "Humans"], Keywords = w.Keywords, Language = ["eng"],
        EntryDate = $"{w.Year}-0{1 + w.Index % 9}-1{w.Index % 10}",
    };

    private static BibRecord EuropePmcCopy(BibRecord pubmed) => pubmed with
    {
        Source = "europepmc", SourceId = "MED:" + pubmed.Pmid, Title = pubmed.Title.TrimEnd('.'), Mesh = [], JournalAbbreviation = null,
    };

    private static BibRecord EuropePmcPreprint(WorkData w) => new()
    {
        Source = "europepmc", SourceId = $"PPR:{500_000 + w.Index}", Doi = $"10.1101/{w.Year}.0{1 + w.Index % 9}.{10 + w.Index % 18}.{w.Index}",
        Title = w.Title, Abstract = w.Abstract, Year = w.Year, Journal = "medRxiv", Authors = [.. w.Authors.Select(a => new Author($"{a.Surname} {a.Given[0]}", [a.Affiliation]))],
        PublicationTypes = ["Preprint"], Keywords = w.Keywords, Language = ["eng"],
    };

    private static BibRecord OpenAlexRecord(WorkData w, bool withDoi, bool withPmid) => new()
    {
        Source = "openalex", SourceId = $"W{4_000_000_000L + w.Index}", Doi = withDoi ? Doi(w) : null, Pmid = withPmid ? Pmid(w) : null,
        Title = w.Title, Abstract = w.Abstract.Replace("BACKGROUND: ", "", StringComparison.Ordinal), Year = w.Year, Journal = Journals[w.Journal],
        Volume = w.Volume, Issue = w.Issue, Pages = w.Pages, Authors = [.. w.Authors.Select(a => new Author($"{a.Given} {a.Surname}", [a.Affiliation]))],
        PublicationTypes = ["article"], Keywords = w.Keywords, Language = ["en"],
    };

    private static BibRecord ArxivRecord(WorkData w) => new()
    {
        Source = "arxiv", SourceId = $"{w.Year % 100:D2}{1 + w.Index % 12:D2}.{w.Index % 100_000:D5}", ArxivId = $"{w.Year % 100:D2}{1 + w.Index % 12:D2}.{w.Index % 100_000:D5}v1",
        Doi = $"10.48550/arXiv.{w.Year % 100:D2}{1 + w.Index % 12:D2}.{w.Index % 100_000:D5}", Title = w.Title, Abstract = w.Abstract, Year = w.Year,
        Authors = [.. w.Authors.Select(a => new Author($"{a.Given} {a.Surname}", []))], Keywords = ["eess.IV", "cs.CV"], Language = ["en"],
    };

    private static BibRecord IeeeRecord(WorkData w) => new()
    {
        Source = "ieee", SourceId = (9_000_000 + w.Index).ToString(CultureInfo.InvariantCulture), Doi = $"10.1109/bench.{w.Year}.{w.Index}",
        Title = w.Title, Abstract = w.Abstract, Year = w.Year, Journal = Conferences[w.Index % Conferences.Length], Volume = w.Volume, Issue = w.Issue,
        Pages = w.Pages, Authors = [.. w.Authors.Select(a => new Author($"{a.Given} {a.Surname}", [a.Affiliation]))],
        PublicationTypes = ["Conferences"], Keywords = w.Keywords, Language = ["en"],
    };
}
