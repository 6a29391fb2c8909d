using SkiaSharp;
using SpineReview.Reporting;

namespace SpineReview.Tests.Support;

/// <summary>
/// A made-up preprint written as a real PDF with SkiaSharp (the report's PDF writer and fonts): title, authors, "Abstract",
/// numbered sections and subsections, a code-availability statement and a reference list, one column, words wrapped at the margin.
/// </summary>
internal static class PaperPdf
{
    /// <summary>One block: a heading (bold) or a paragraph, in the order written.</summary>
    public sealed record Block(string Text, bool Heading = false);

    public static readonly Block[] Cobb =
    [
        new("Abstract", Heading: true),
        new("We trained a DenseNet-121 to grade lumbar spondylolisthesis on lateral radiographs and tested it at a third hospital."),
        new("1 Introduction", Heading: true),
        new("Spondylolisthesis is graded on lateral radiographs. A previous study of 5,000 patients used ten-fold cross-validation and reported external validation at another hospital."),
        new("2 Materials and Methods", Heading: true),
        new("2.1 Study cohort", Heading: true),
        new("We retrospectively collected 1,480 lateral lumbar radiographs of 740 patients at two hospitals between 2018 and 2022. The patients were split 70/15/15 into training, validation and test sets, with no patient in more than one set."),
        new("2.2 Network", Heading: true),
        new("A DenseNet-121 pretrained on ImageNet classified each L4-L5 and L5-S1 level as normal or slipped, and Meyerding grades were compared with two spine surgeons."),
        new("3 Results", Heading: true),
        new("On the internal test set the accuracy was 0.91 and the AUC 0.95. On an external test set from a third hospital, the AUC was 0.92."),
        new("4 Discussion", Heading: true),
        new("Unlike earlier work on 12,000 images from a single centre, our model was tested elsewhere."),
        new("5 Conclusion", Heading: true),
        new("A DenseNet grades spondylolisthesis on radiographs reliably."),
        new("Code availability", Heading: true),
        new("The code is available at https://github.com/example-lab/spondy-net for research use."),
        new("References", Heading: true),
        new("[1] Author A. A study of 9,999 patients with five-fold cross-validation. J Prev Stud. 2020;1:1."),
    ];

    public static byte[] Write(string title, string authors, IReadOnlyList<Block> blocks)
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream))
        {
            const float width = 595, height = 842, margin = 72;
            var canvas = document.BeginPage(width, height);
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var y = margin;
            void Line(string text, SKFont font, float leading)
            {
                if (y + leading > height - margin)
                {
                    document.EndPage();
                    canvas = document.BeginPage(width, height);
                    y = margin;
                }
                y += leading;
                canvas.DrawText(text, margin, y, SKTextAlign.Left, font, paint);
            }
            void Wrapped(string text, SKFont font, float leading)
            {
                var line = "";
                foreach (var word in text.Split(' '))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (font.MeasureText(candidate) > width - 2 * margin && line.Length > 0) { Line(line, font, leading); line = word; }
                    else line = candidate;
                }
                if (line.Length > 0) Line(line, font, leading);
            }
            using var titleFont = Typography.Font(Typography.Bold, 16);
            using var body = Typography.Font(Typography.Regular, 10);
            using var bold = Typography.Font(Typography.Bold, 11);
            Wrapped(title, titleFont, 22);
            y += 6;
            Wrapped(authors, body, 14);
            foreach (var b in blocks)
            {
                y += b.Heading ? 12 : 4;
                Wrapped(b.Text, b.Heading ? bold : body, b.Heading ? 16 : 14);
            }
            document.EndPage();
        }
        return stream.ToArray();
    }
}
