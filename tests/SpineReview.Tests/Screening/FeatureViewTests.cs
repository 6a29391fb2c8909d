using SpineReview.Screening.Learning;
using Xunit;

namespace SpineReview.Tests.Screening;

/// <summary>Records read in further views beside a spec's own features, and the learners that read them.</summary>
public sealed class FeatureViewTests
{
    private static readonly (string Title, string? Abstract)[] Records =
    [
        ("Lumbar spine MRI", "deep learning grades disc degeneration"),
        ("Dental radiographs", "caries on bitewing radiographs"),
        ("Spine CT fractures", "a network finds vertebral fractures on CT"),
        ("", null),
    ];

    /// <summary>A learner that keeps what it was given, to show what a wrapper passes on.</summary>
    private sealed class Seen : IRelevanceModel
    {
        public List<SparseVector> Vectors { get; } = [];
        public int Background { get; private set; } = -1;

        public string Name => "seen";

        public void Fit(IReadOnlyList<SparseVector> vectors, IReadOnlyList<bool> labels, IReadOnlyList<SparseVector> background)
        {
            Vectors.AddRange(vectors);
            Background = background.Count;
        }

        public double Score(SparseVector vector) => vector.Indices.Length;
    }

    [Fact]
    public void Vectorize_FurtherView_EachRecordCarriesItReadThatWay()
    {
        var words = new TfIdfOptions(Bigrams: false, SublinearTf: false);
        var spec = new ModelSpec("test", new TfIdfOptions(), TitleTwice: true, BackgroundSize: 0, d => new Seen()) { Beside = [new FeatureView(words, false)] };

        var features = spec.Vectorize(Records);
        var (own, ownVectors) = TfIdf.FitTransform([.. Records.Select(r => spec.Text(r.Title, r.Abstract))], spec.Features);
        var (plain, plainVectors) = TfIdf.FitTransform([.. Records.Select(r => $"{r.Title}\n{r.Abstract}")], words);

        Assert.Equal([own.Dimension, plain.Dimension], features.Dimensions);
        for (var i = 0; i < Records.Length; i++)
        {
            Assert.Equal(ownVectors[i].Indices, features.Vectors[i].Indices);
            Assert.Equal(ownVectors[i].Values, features.Vectors[i].Values);
            var beside = Assert.Single(features.Vectors[i].Beside);
            Assert.Equal(plainVectors[i].Indices, beside.Indices);
            Assert.Equal(plainVectors[i].Values, beside.Values);
        }
        // Title once against twice: the title's words weigh less beside the abstract's in the further view.
        var spine = Enumerable.Range(0, plain.Dimension).First(j => plain.Term(j) == "spine");
        var spineOwn = Enumerable.Range(0, own.Dimension).First(j => own.Term(j) == "spine");
        Assert.True(Weight(features.Vectors[0].Beside[0], spine) < Weight(features.Vectors[0], spineOwn));
    }

    [Fact]
    public void InView_ReadsItsViewAndLearnsFromPeopleAlone()
    {
        var spec = new ModelSpec("test", new TfIdfOptions(), TitleTwice: true, BackgroundSize: 0, d => new Seen())
        {
            Beside = [new FeatureView(new TfIdfOptions(Bigrams: false, SublinearTf: false), false)],
        };
        var v = spec.Vectorize(Records).Vectors;
        var inner = new Seen();
        var plain = new InView(inner, 0, presumed: false);

        plain.Fit([v[0], v[1]], [true, false], [v[2]]);

        Assert.Equal(0, inner.Background);
        Assert.Same(v[0].Beside[0].Indices, inner.Vectors[0].Indices);
        Assert.Same(v[1].Beside[0].Indices, inner.Vectors[1].Indices);
        Assert.Equal(v[2].Beside[0].Indices.Length, plain.Score(v[2]));
        Assert.Equal(0, plain.Score(v[3]));
        var presumed = new Seen();
        new InView(presumed, 0, presumed: true).Fit([v[0], v[1]], [true, false], [v[2]]);
        Assert.Equal(1, presumed.Background);
        // A vector made without the views cannot be read in one: the error says how to make it.
        var e = Assert.Throws<ArgumentException>(() => plain.Score(new SparseVector([0], [1f])));
        Assert.Contains("Vectorize", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Project_FourthLearner_IsTheSvmAsThePlainToolsTrainIt()
    {
        var spec = ModelSpec.Project;
        var features = spec.Vectorize(Records);
        var (_, titleOnce) = TfIdf.FitTransform([.. Records.Select(r => $"{r.Title}\n{r.Abstract}")], ModelSpec.SvmPeer.Features);
        for (var i = 0; i < Records.Length; i++) Assert.Equal(titleOnce[i].Values, Assert.Single(features.Vectors[i].Beside).Values);

        var model = Assert.IsType<WeightedEnsemble>(spec.Model(features));
        Assert.Equal(4, model.Members.Count);
        Assert.IsType<LinearSvm>(model.Members[0]);
        Assert.IsType<LinearSvm>(Assert.IsType<InView>(model.Members[3]).Inner);
        // The model reads two views, so it cannot be made from one dimension: the error says how.
        var e = Assert.Throws<InvalidOperationException>(() => spec.Create(3));
        Assert.Contains("ModelSpec.Model", e.Message, StringComparison.Ordinal);
    }

    private static float Weight(SparseVector v, int feature)
    {
        var k = Array.IndexOf(v.Indices, feature);
        return k < 0 ? 0 : v.Values[k];
    }
}
