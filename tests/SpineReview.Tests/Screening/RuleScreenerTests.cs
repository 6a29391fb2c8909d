using SpineReview.Records;
using SpineReview.Screening;
using Xunit;

namespace SpineReview.Tests.Screening;

public class RuleScreenerTests
{
    private const string EligibleAbstract =
        "We trained a convolutional neural network on 1,024 lumbar spine MRI examinations to grade central canal stenosis; " +
        "agreement with radiologists was high on an external test set.";

    private static BibRecord Record(string title = "Deep learning grading of lumbar stenosis on MRI", string? abstractText = EligibleAbstract,
        int? year = 2021, string[]? types = null, string[]? mesh = null) => new()
    {
        Source = "pubmed",
        SourceId = "1",
        Title = title,
        Abstract = abstractText,
        Year = year,
        PublicationTypes = types ?? ["Journal Article"],
        Mesh = mesh ?? ["Humans", "Lumbar Vertebrae"],
    };

    [Fact]
    public void Screen_EligibleStudy_Passes()
    {
        var v = RuleScreener.Screen(Record());
        Assert.False(v.Excluded);
        Assert.Null(v.Reason);
    }

    [Fact]
    public void Screen_Before2012_ExcludedFirstEvenWhenAlsoAReview() =>
        Assert.Equal(ReasonCodes.Before2012, RuleScreener.Screen(Record(year: 2009, types: ["Review"])).Reason);

    [Theory]
    [InlineData("Review")]
    [InlineData("Systematic Review")]
    [InlineData("Meta-Analysis")]
    public void Screen_ReviewTypes_ExcludedAsReview(string type) =>
        Assert.Equal(ReasonCodes.Review, RuleScreener.Screen(Record(types: ["Journal Article", type])).Reason);

    [Theory]
    [InlineData("Editorial")]
    [InlineData("Letter")]
    [InlineData("Comment")]
    [InlineData("Published Erratum")]
    public void Screen_EditorialTypes_ExcludedAsEditorialOrLetter(string type) =>
        Assert.Equal(ReasonCodes.EditorialOrLetter, RuleScreener.Screen(Record(types: [type])).Reason);

    [Fact]
    public void Screen_AnimalsWithoutHumans_ExcludedAsAnimal() =>
        Assert.Equal(ReasonCodes.Animal, RuleScreener.Screen(Record(mesh: ["Animals", "Swine", "Spine"])).Reason);

    [Fact]
    public void Screen_AnimalsAndHumans_NotExcludedAsAnimal() =>
        Assert.False(RuleScreener.Screen(Record(mesh: ["Animals", "Humans"])).Excluded);

    [Fact]
    public void Screen_NoSpineTerm_ExcludedAsNotSpine()
    {
        var v = RuleScreener.Screen(Record("Deep learning for knee osteoarthritis grading on radiographs",
            "A convolutional neural network graded knee radiographs by Kellgren-Lawrence grade.", mesh: ["Humans", "Knee Joint"]));
        Assert.Equal(ReasonCodes.NotSpine, v.Reason);
    }

    [Fact]
    public void Screen_NoImagingButRegistry_ExcludedAsNotImaging()
    {
        var v = RuleScreener.Screen(Record("Deep learning prediction of complications after lumbar fusion",
            "A deep neural network trained on a national registry of 20,000 lumbar fusion patients predicted complications.", mesh: ["Humans"]));
        Assert.Equal(ReasonCodes.NotImaging, v.Reason);
    }

    [Fact]
    public void Screen_NoImagingTermAndNoDataNamed_GoesToPeople() =>
        Assert.False(RuleScreener.Screen(Record("Neural network outcome model after lumbar surgery",
            "A deep neural network predicted outcome after lumbar decompression.", mesh: ["Humans"])).Excluded);

    [Fact]
    public void Screen_ClassicalMachineLearningNamed_GoesToPeopleNotExcluded()
    {
        var v = RuleScreener.Screen(Record("Radiomics of vertebral metastases on CT",
            "Radiomic features from spine CT were classified with a support vector machine learning model.", mesh: ["Humans"]));
        Assert.False(v.Excluded);
        Assert.Contains("person decides", v.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_NoLearningAtAll_ExcludedAsNotDeepLearning() =>
        Assert.Equal(ReasonCodes.NotDeepLearning, RuleScreener.Screen(Record("MRI findings in lumbar disc herniation",
            "We describe MRI findings of 200 patients with lumbar disc herniation and their surgical outcome.", mesh: ["Humans"])).Reason);

    [Fact]
    public void Screen_NoAbstract_ConceptBlocksNotApplied() =>
        Assert.False(RuleScreener.Screen(Record("Knee cartilage", abstractText: null)).Excluded);

    [Fact]
    public void Screen_SameRecord_SameVerdict() =>
        Assert.Equal(RuleScreener.Screen(Record()), RuleScreener.Screen(Record()));

    [Theory]
    [InlineData("Deep learning in spine imaging: a systematic review and meta-analysis", "review")]
    [InlineData("Artificial intelligence for spine MRI: a narrative review", "review")]
    [InlineData("Letter to the editor: deep learning and lumbar stenosis", "editorial_or_letter")]
    [InlineData("Reply to: Convolutional networks for vertebral fractures", "editorial_or_letter")]
    [InlineData("Response to neoadjuvant radiotherapy of spinal metastases predicted by deep learning on MRI", null)]
    [InlineData("Deep learning detection of missed vertebral fractures on CT: a review of 2,000 consecutive trauma scans", null)]
    public void Screen_TitleSaysReviewOrLetter_ExcludedWithoutPublicationTypes(string title, string? reason)
    {
        var v = RuleScreener.Screen(Record(title: title, types: []));
        Assert.Equal(reason, v.Reason);
        if (reason is not null) Assert.Contains("title says", v.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_AnimalsOnlyInText_ExcludedAsAnimal_ButNotWithPatients()
    {
        // Not animal work: a mouse click, and cadavers after patients' CT.
        Assert.False(RuleScreener.Screen(Record(abstractText: "A convolutional network flagged fractures on 2,000 chest CT scans; radiologists accepted each flag with a single mouse click.", mesh: [])).Excluded);
        Assert.False(RuleScreener.Screen(Record(abstractText: "A U-Net segmented vertebrae on CT and planned screw paths, then tested in three cadavers.", mesh: [])).Excluded);
        var animals = "A convolutional neural network segmented the lumbar spine on CT of 40 sheep; the sheep were scanned twice.";
        Assert.Equal(ReasonCodes.Animal, RuleScreener.Screen(Record(abstractText: animals, mesh: [])).Reason);
        var both = "A convolutional neural network trained on porcine CT was tested on lumbar CT of 120 patients.";
        Assert.False(RuleScreener.Screen(Record(abstractText: both, mesh: [])).Excluded);
    }
}
