using SkiaSharp;
using SpineReview.Records;
using SpineReview.Screening;

namespace SpineReview.Reporting;

/// <summary>The PRISMA 2020 flow diagram, drawn from stored counts: the whole review, and this update in brackets.</summary>
public sealed class PrismaComponent : IReportComponent
{
    public string Title => "PRISMA 2020 flow";

    /// <summary>Text sizes tried, largest first, with the gap between rows: the diagram is laid out at the largest that fits the page.</summary>
    private static readonly (float Size, float Gap)[] Fits = [(8.5f, 28f), (7.5f, 20f), (6.8f, 14f), (6.2f, 10f)];
    private const float FootnoteHeight = 34f;

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title, newPage: true);
        using var intro = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph("Counts for the whole review; after each, in brackets, this update: records harvested since the previous version, and " +
            "reviewers' decisions settled since it (whenever their record was found). Every count is recomputed from stored records and decisions.", intro, Typography.Ink);

        // Measure first (nothing drawn), then draw at the largest size whose diagram ends above the footnote.
        var available = w.Bottom - FootnoteHeight;
        var (size, gap) = Fits.FirstOrDefault(f => Layout(w, m, f.Size, f.Gap, draw: false) <= available, Fits[^1]);
        w.Y = Layout(w, m, size, gap, draw: true) + 14;

        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph($"2023 review: {Fmt.N(Baseline2023.RecordsIdentified)} records identified, {Fmt.N(Baseline2023.StudiesIncluded)} studies included " +
            "(PubMed, IEEE Xplore, Web of Science, Embase; two reviewers, a third for conflicts).", small, Typography.Muted);
    }

    /// <summary>Lays the diagram out from the cursor at one text size; draws it when <paramref name="draw"/>. Returns its bottom.</summary>
    private static float Layout(PageWriter w, ReportModel m, float size, float gap, bool draw)
    {
        var p = m.Cumulative;
        var u = m.ThisUpdate;
        string N(int all, int update) => $"n = {Fmt.N(all)} [{Fmt.N(update)}]";
        var flow = new Flow(w, size, draw);
        var leftX = w.Left + 34;
        var boxW = 222f;
        var rightX = leftX + boxW + 30;
        var rightW = w.Right - rightX;
        var y = w.Y;

        string Line(KeyValuePair<string, int> kv) => $"{SourceName.DisplayNameOf(kv.Key, m.Searches)} ({N(kv.Value, u.IdentifiedBySource.GetValueOrDefault(kv.Key))})";
        // PRISMA 2020 keeps records found by other methods (citation searching) apart from those of databases and registers.
        var others = p.IdentifiedBySource.Where(kv => SourceName.IsOtherMethodName(kv.Key)).ToList();
        var sources = string.Join("\n", p.IdentifiedBySource.Where(kv => !SourceName.IsOtherMethodName(kv.Key)).Select(Line)) +
            (others.Count == 0 ? "" : "\nIdentified via other methods:\n" + string.Join("\n", others.Select(Line)));
        var excluded = p.ExcludedByRules.Count == 0 ? "none"
            : string.Join("\n", p.ExcludedByRules.Select(kv => $"{ReasonCodes.Describe(kv.Key)} ({N(kv.Value, u.ExcludedByRules.GetValueOrDefault(kv.Key))})"));

        // Rows are at least as tall as their stage label written along the bar.
        var idBox = flow.Box(leftX, y, boxW, $"Records identified ({N(p.Identified, u.Identified)})\n{sources}", flow.LabelLength("Identification"));
        var dupBox = flow.Box(rightX, y, rightW, $"Records removed before screening:\nDuplicate records ({N(p.Duplicates, u.Duplicates)})", idBox.Height);
        var rowBottom = Math.Max(idBox.Bottom, dupBox.Bottom);
        flow.Arrow(idBox.Right, idBox.MidY, dupBox.Left, idBox.MidY);

        y = rowBottom + gap;
        var scrBox = flow.Box(leftX, y, boxW, $"Records screened by rules ({N(p.Screened, u.Screened)})" +
            (p.AwaitingScreening > 0 ? $"\nAwaiting the rule stage ({N(p.AwaitingScreening, u.AwaitingScreening)})" : ""));
        var exBox = flow.Box(rightX, y, rightW, $"Records excluded by rules ({N(p.ExcludedByRulesTotal, u.ExcludedByRulesTotal)})\n{excluded}");
        flow.Arrow(idBox.MidX, idBox.Bottom, scrBox.MidX, scrBox.Top);
        flow.Arrow(scrBox.Right, scrBox.MidY, exBox.Left, scrBox.MidY);
        rowBottom = Math.Max(scrBox.Bottom, exBox.Bottom);

        y = rowBottom + gap;
        var passBox = flow.Box(leftX, y, boxW, $"Records passed to reviewers ({N(p.PassedRules, u.PassedRules)})");
        var peopleReasons = p.ExcludedByPeople is { Count: > 0 } r
            ? "\n" + string.Join("\n", r.Select(kv => $"{ReasonCodes.Describe(kv.Key)} ({N(kv.Value, u.ExcludedByPeople?.GetValueOrDefault(kv.Key) ?? 0)})")) : "";
        var waitBox = flow.Box(rightX, y, rightW, $"Excluded by reviewers ({N(p.ExcludedByPeopleTotal, u.ExcludedByPeopleTotal)}){peopleReasons}" +
            (m.AutoExclude || p.ExcludedByModel > 0 ? $"\nExcluded by the model ({N(p.ExcludedByModel, u.ExcludedByModel)})" : "") +
            $"\nAwaiting reviewers ({N(p.AwaitingPeople, u.AwaitingPeople)})\nConflicts, for a third reviewer ({N(p.Conflicts, u.Conflicts)})");
        flow.Arrow(scrBox.MidX, scrBox.Bottom, passBox.MidX, passBox.Top);
        flow.Arrow(passBox.Right, passBox.MidY, waitBox.Left, passBox.MidY);
        rowBottom = Math.Max(passBox.Bottom, waitBox.Bottom);

        y = rowBottom + gap;
        var incBox = flow.Box(leftX, y, boxW, $"Studies included ({N(p.IncludedConfirmed, u.IncludedConfirmed)})\nreviewers agreed, or a third resolved a conflict", flow.LabelLength("Included"));
        flow.Arrow(passBox.MidX, passBox.Bottom, incBox.MidX, incBox.Top);

        // Stage labels down the left edge.
        flow.StageLabel("Identification", idBox.Top, Math.Max(idBox.Bottom, dupBox.Bottom));
        flow.StageLabel("Screening", scrBox.Top, Math.Max(passBox.Bottom, waitBox.Bottom));
        flow.StageLabel("Included", incBox.Top, incBox.Bottom);
        return incBox.Bottom;
    }

    /// <summary>The diagram's drawing tools at one text size; when not drawing, they only measure.</summary>
    private sealed class Flow(PageWriter w, float size, bool draw)
    {
        public float LabelLength(string label)
        {
            using var stage = Typography.Font(Typography.Bold, size);
            return stage.MeasureText(label) + 14;
        }

        public SKRect Box(float x, float y, float width, string text, float minHeight = 0)
        {
            using var font = Typography.Font(Typography.Regular, size);
            using var bold = Typography.Font(Typography.Bold, size);
            var pad = size * 0.8f;
            var lineHeight = size * 1.35f;
            var lines = new List<(string Text, bool Bold)>();
            var first = true;
            foreach (var para in text.Split('\n'))
            {
                foreach (var l in PageWriter.Wrap(para, first ? bold : font, width - 2 * pad)) lines.Add((l, first));
                first = false;
            }
            var rect = new SKRect(x, y, x + width, y + Math.Max(minHeight, pad * 2 + lines.Count * lineHeight));
            if (!draw) return rect;
            using var fill = new SKPaint { Color = SKColors.White };
            using var border = new SKPaint { Color = Typography.Accent, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
            w.Canvas.DrawRect(rect, fill);
            w.Canvas.DrawRect(rect, border);
            using var ink = new SKPaint { Color = Typography.Ink, IsAntialias = true };
            var baseline = y + pad + size;
            foreach (var (l, isBold) in lines)
            {
                w.Text(l, x + pad, baseline, isBold ? bold : font, ink, rect);
                baseline += lineHeight;
            }
            return rect;
        }

        public void Arrow(float x1, float y1, float x2, float y2)
        {
            if (!draw) return;
            using var paint = new SKPaint { Color = Typography.Ink, StrokeWidth = 0.9f, IsAntialias = true, Style = SKPaintStyle.Stroke };
            w.Canvas.DrawLine(x1, y1, x2, y2, paint);
            var angle = MathF.Atan2(y2 - y1, x2 - x1);
            const float head = 5f;
            using var builder = new SKPathBuilder();
            builder.MoveTo(x2, y2);
            builder.LineTo(x2 - head * MathF.Cos(angle - 0.45f), y2 - head * MathF.Sin(angle - 0.45f));
            builder.LineTo(x2 - head * MathF.Cos(angle + 0.45f), y2 - head * MathF.Sin(angle + 0.45f));
            builder.Close();
            using var path = builder.Detach();
            using var fill = new SKPaint { Color = paint.Color, Style = SKPaintStyle.Fill, IsAntialias = true };
            w.Canvas.DrawPath(path, fill);
        }

        public void StageLabel(string label, float top, float bottom)
        {
            if (!draw) return;
            using var font = Typography.Font(Typography.Bold, size);
            using var fill = new SKPaint { Color = Typography.Accent };
            using var text = new SKPaint { Color = SKColors.White, IsAntialias = true };
            var rect = new SKRect(w.Left, top, w.Left + 22, bottom);
            w.Canvas.DrawRoundRect(rect, 3, 3, fill);
            w.Canvas.Save();
            w.Canvas.Translate(rect.MidX + 3, rect.MidY);
            w.Canvas.RotateDegrees(-90);
            var width = font.MeasureText(label);
            w.Canvas.DrawText(label, -width / 2, 0, SKTextAlign.Left, font, text);
            w.Canvas.Restore();
            w.TextLog.Add((w.PageNumber, label, rect, new SKRect(rect.MidX - 4, rect.MidY - width / 2, rect.MidX + 4, rect.MidY + width / 2)));
        }
    }
}
