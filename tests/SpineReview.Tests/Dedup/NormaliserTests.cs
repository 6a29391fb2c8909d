using SpineReview.Dedup;
using Xunit;

namespace SpineReview.Tests.Dedup;

/// <summary>Each normaliser on constructed examples of each kind of difference a database makes in one record.</summary>
public class NormaliserTests
{
    private const string Title = "Deep learning segmentation of lumbar vertebrae on sagittal MRI";
    private const string Words = "deep learning segmentation of lumbar vertebrae on sagittal mri";

    [Theory]
    [InlineData("Erratum: " + Title, NoticeKind.Erratum)]
    [InlineData("Erratum to - " + Title, NoticeKind.Erratum)]
    [InlineData("Corrigendum to \"" + Title + "\" [Spine J. 12 (2020) 100-110]", NoticeKind.Erratum)]
    [InlineData("Correction to: " + Title, NoticeKind.Erratum)]
    [InlineData(Title + " (vol 45, pg 100, 2020)", NoticeKind.Erratum)]
    [InlineData("RETRACTED: " + Title, NoticeKind.Retraction)]
    [InlineData("Retraction note: " + Title, NoticeKind.Retraction)]
    [InlineData("Comment on: " + Title, NoticeKind.Comment)]
    [InlineData("Reply to \"" + Title + "\"", NoticeKind.Comment)]
    public void TitleForms_Notices_KindAndTheTitleTheyAreAbout(string title, NoticeKind kind)
    {
        var form = TitleForms.Of(title);
        Assert.Equal(kind, form.Notice);
        Assert.Equal(Words, form.Subject);
    }

    [Theory]
    [InlineData("Correction of adult scoliosis with pedicle screws")]
    [InlineData("Response to neoadjuvant therapy in spinal metastases")]
    [InlineData("Re-evaluation of disc degeneration grading")]
    [InlineData("Commentary-driven annotation of spine radiographs")]
    [InlineData("Mapping in response to humanitarian events")]
    public void TitleForms_OrdinaryTitlesThatStartLikeNotices_AreWorks(string title)
    {
        var form = TitleForms.Of(title);
        Assert.Equal(NoticeKind.None, form.Notice);
        Assert.Equal("", form.Subject);
    }

    [Fact]
    public void TitleForms_TranslationWithOriginalInBrackets_OriginalIsTheAlternative()
    {
        var form = TitleForms.Of("Automated grading of spinal stenosis [Automatisierte Graduierung der Spinalkanalstenose]");
        Assert.Equal("automated grading of spinal stenosis", form.Words);
        Assert.Equal("automatisierte graduierung der spinalkanalstenose", form.Alternative);
    }

    [Theory]
    [InlineData(Title + " - [imaging]")]
    [InlineData("LETTER TO THE EDITOR: " + Title)]
    [InlineData("The " + Title)]
    [InlineData(Title + ". Spine 2020;45(3):100-110.")]
    [InlineData(Title + ". [Review] [43 refs]")]
    [InlineData(Title + ".[Erratum appears in Spine. 2021;46(2):E1")]
    [InlineData(Title + " (Retracted article. See vol. 47, pg. 12, 2022)")]
    [InlineData("<i>Deep</i> learning segmentation of lumbar vertebrae on sagittal MRI")]
    public void TitleForms_WhatDatabasesAddAroundATitle_LeftOut(string title) => Assert.Equal(Words, TitleForms.Of(title).Words);

    [Fact]
    public void TitleForms_PunctuationSpelledAsItsUnicodeName_LeftOut() =>
        Assert.Equal(TitleForms.Of("Fast, cheap… and accurate? Spine CT triage").Words, TitleForms.Of("Fast, cheap horizontal ellipsis and accurate? Spine CT triage").Words);

    [Fact]
    public void TitleForms_HeadingThatIsOnlyAnAcronym_Kept() =>
        Assert.Equal("mri a review of spine protocols", TitleForms.Of("MRI: a review of spine protocols").Words);

    [Theory]
    [InlineData("ICIS 2013, Volume 1", "ICIS 2013, Volume 4", true)]
    [InlineData("Scoliosis surgery outcomes part 1", "Scoliosis surgery outcomes part 2", true)]
    [InlineData("p16INK4a expression in disc cells", "p6INK4a expression in disc cells", false)]
    [InlineData("Outcomes at 2 years", "Outcomes at 2 years of follow-up", false)]
    public void DifferOnlyInNumbers_SeriesParts(string a, string b, bool expected) =>
        Assert.Equal(expected, TitleForms.DifferOnlyInNumbers(TitleForms.Of(a).Words, TitleForms.Of(b).Words));

    [Theory]
    [InlineData("van der Berg, J and Smith, A", "berg")]
    [InlineData("Berg, J. van der and Smith, A", "berg")]
    [InlineData("Berg JV; Smith A", "berg")]
    [InlineData("de la Cruz, M and Smith, A", "cruz")]
    [InlineData("Chen R.Wang J.Yan C.", "chen")]
    [InlineData("Kwon S. K.Kim S. J.", "kwon")]
    [InlineData("Müller, K", "muller")]
    [InlineData("et al.", "")]
    public void Surnames_FirstAuthorWhateverTheFormat(string authors, string first)
    {
        var surnames = AuthorNames.Surnames(authors);
        Assert.Equal(first, surnames.Length > 0 ? surnames[0] : "");
    }

    [Theory]
    [InlineData("Östensson", "Ostensson")]
    [InlineData("Straße", "Strasse")]
    [InlineData("Plattformökonomie für Ärzte", "Plattformokonomie fur Arzte")]
    [InlineData("Łukasz Šťastný", "Lukasz Stastny")]
    public void FoldDiacritics_LatinLettersLoseTheirMarks(string text, string expected) => Assert.Equal(expected, Normalise.FoldDiacritics(text));

    [Fact]
    public void Surnames_EmbaseListWithoutSeparators_EveryAuthor() =>
        Assert.Equal(["chen", "wang", "yan"], AuthorNames.Surnames("Chen R.Wang J.Yan C."));

    [Theory]
    [InlineData("ostensson", "stensson", true)]
    [InlineData("froberg", "frberg", true)]
    [InlineData("smith", "smithson", true)]
    [InlineData("smith", "smyth", true)]
    [InlineData("lee", "li", false)]
    [InlineData("wang", "zhang", false)]
    public void SameSurname_LostDiacriticsAndTruncation(string a, string b, bool expected) => Assert.Equal(expected, AuthorNames.SameSurname(a, b));

    [Theory]
    [InlineData("Carignani, Andrea and Negri, Lorenzo", "Andrea, C. and Lorenzo, N.", true)]
    [InlineData("Hong, Yili and Zheng, Alvin", "Zheng, A. and Hong, Y.", true)]
    [InlineData("Wang, X. and Liu, J.", "Xiaoguang, Wang and Junping, Liu", true)]
    [InlineData("Hong, Yili and Zheng, Alvin", "Park, A. and Kim, Y.", false)]
    [InlineData("Hong, Yili", "Zheng, A. and Hong, Y.", false)]
    public void FirstAuthorsAgree_SwappedNamesAndReorderedLists(string a, string b, bool expected) =>
        Assert.Equal(expected, AuthorNames.FirstAuthorsAgree(AuthorNames.Surnames(a), AuthorNames.FirstAuthorWords(a), AuthorNames.Surnames(b), AuthorNames.FirstAuthorWords(b)));

    [Theory]
    [InlineData("1316-1325", "1325")]
    [InlineData("1316-25", "1325")]
    [InlineData("1316--1325", "1325")]
    [InlineData("S12-S15", "15")]
    [InlineData("e0180707", "")]
    [InlineData("23--23", "")]
    [InlineData("35+", "")]
    public void LastPage_RangesWrittenAnyWay(string pages, string expected) => Assert.Equal(expected, Normalise.LastPage(pages));

    [Theory]
    [InlineData("16 (1) (no pagination)", "143", "1")]
    [InlineData("16", "1", "1")]
    [InlineData("9 (no pagination)", "93", "")]
    [InlineData("11", "791", "")]
    [InlineData("30", "SUPPL. 3", "3")]
    [InlineData("21", "8 Supplement 1", "8")]
    [InlineData("2016", "May", "")]
    [InlineData("12", "NA", "")]
    public void Issue_FromTheVolumeOrTheIssueField(string volume, string number, string expected) => Assert.Equal(expected, Normalise.Issue(volume, number));

    [Theory]
    [InlineData("Medical Image Analysis 73 (2021) 102166", "Medical Image Analysis", "73", "102166", 2021)]
    [InlineData("NeuroImage: Clinical 31 (2021) 102766", "NeuroImage: Clinical", "31", "102766", 2021)]
    [InlineData("Eur Spine J 29, (2020) 100-110", "Eur Spine J", "29", "100-110", 2020)]
    [InlineData("Spine 45(3) (2020)", "Spine", "45", "", 2020)]
    public void JournalReference_CitationInTheVenue_ReadApart(string venue, string name, string volume, string pages, int year)
    {
        var r = JournalReference.Apply(new DedupRecord("x", "A title", "Roe, R", 2019, venue, "", "", "", null, ""));
        Assert.Equal((name, volume, pages, (int?)year), (r.Venue, r.Volume, r.Pages, r.Year));
    }

    [Theory]
    [InlineData("Proceedings of MICCAI 2020")]
    [InlineData("Journal of Neurosurgery: Spine")]
    [InlineData("Spine (Phila Pa 1976)")]
    public void JournalReference_PlainVenue_Unchanged(string venue)
    {
        var r = new DedupRecord("x", "A title", "Roe, R", 2019, venue, "", "", "", null, "");
        Assert.Same(r, JournalReference.Apply(r));
    }

    [Theory]
    [InlineData("Journal of Clinical Hypertension", "J Clin Hypertens")]
    [InlineData("European Spine Journal", "Eur Spine J.")]
    [InlineData("Archives of Pathology & Laboratory Medicine", "Archives of Pathology and Laboratory Medicine")]
    [InlineData("The Lancet Oncology", "Lancet Oncology")]
    [InlineData("CMAJ : Canadian Medical Association journal = journal de l'Association medicale canadienne", "CMAJ: Canadian Medical Association Journal")]
    [InlineData("Journal of Clinical Hypertension. Conference: 28th Scientific Meeting", "Journal of Clinical Hypertension")]
    [InlineData("ICIS : Transforming Society with Digital Innovation", "International Conference on Information Systems")]
    [InlineData("Proceedings of the National Academy of Sciences", "Proc Natl Acad Sci")]
    public void JournalNames_AbbreviationMeetsFullName(string a, string b) =>
        Assert.True(JournalNames.Agree(JournalNames.Parse(a), JournalNames.Parse(b)), $"{a} / {b}");

    [Theory]
    [InlineData("Lancet", "Lancet Oncology")]
    [InlineData("Spine", "Spine J")]
    [InlineData("Diabetologia", "Diabetes")]
    [InlineData("European Spine Journal", "Spine Journal")]
    [InlineData("J Neurosurg", "J Neurosurg Spine")]
    [InlineData("", "Spine")]
    public void JournalNames_DifferentJournals_Disagree(string a, string b) =>
        Assert.False(JournalNames.Agree(JournalNames.Parse(a), JournalNames.Parse(b)), $"{a} / {b}");
}
