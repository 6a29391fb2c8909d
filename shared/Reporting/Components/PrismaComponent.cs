using SkiaSharp;
using SpineReview.Screening;

namespace SpineReview.Reporting;

/// <summary>The PRISMA 2020 flow diagram, drawn from stored counts.</summary>
public sealed class PrismaComponent : IReportComponent
{
    public string Title => "PRISMA 2020 flow";

    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading(Title, newPage: true);
        using var intro = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph("Counts for the whole review; after each, in brackets, this update: records harvested since the previous version, and " +
            "reviewers' decisions settled since it (whenever their record was found). Every count is recomputed from stored records and decisions.", intro, Typography.Ink);
        var p = m.Cumulative;
        var u = m.ThisUpdate;
        string N(int all, int update) => $"n = {Fmt.N(all)} [{Fmt.N(update)}]";
        var c = w.Canvas;
        var leftX = w.Left + 34;
        var boxW = 222f;
        var rightX = leftX + boxW + 30;
        var rightW = w.Right - rightX;
        var y = w.Y;

        using var stage = Typography.Font(Typography.Bold, 8.5f);
        using var stagePaint = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var stageFill = new SKPaint { Color = Typography.Accent };
        using var line = new SKPaint { Color = Typography.Ink, StrokeWidth = 0.9f, IsAntialias = true, Style = SKPaintStyle.Stroke };

        var sources = string.Join("\n", p.IdentifiedBySource.Select(kv => $"{MethodsComponent.SourceName(kv.Key)} ({N(kv.Value, u.IdentifiedBySource.GetValueOrDefault(kv.Key))})"));
        var excluded = p.ExcludedByRules.Count == 0 ? "none"
            : string.Join("\n", p.ExcludedByRules.Select(kv => $"{ReasonCodes.Describe(kv.Key)} ({N(kv.Value, u.ExcludedByRules.GetValueOrDefault(kv.Key))})"));

        // Rows are at least as tall as their stage label written along the bar.
        float LabelLength(string label) => stage.MeasureText(label) + 14;
        var idBox = Box(w, leftX, y, boxW, $"Records identified ({N(p.Identified, u.Identified)})\n{sources}", LabelLength("Identification"));
        var dupBox = Box(w, rightX, y, rightW, $"Records removed before screening:\nDuplicate records ({N(p.Duplicates, u.Duplicates)})", idBox.Height);
        var rowBottom = Math.Max(idBox.Bottom, dupBox.Bottom);
        Arrow(c, line, idBox.Right, idBox.MidY, dupBox.Left, idBox.MidY);

        y = rowBottom + 28;
        var scrBox = Box(w, leftX, y, boxW, $"Records screened by rules ({N(p.Screened, u.Screened)})" +
            (p.AwaitingScreening > 0 ? $"\nAwaiting the rule stage ({N(p.AwaitingScreening, u.AwaitingScreening)})" : ""));
        var exBox = Box(w, rightX, y, rightW, $"Records excluded by rules ({N(p.ExcludedByRulesTotal, u.ExcludedByRulesTotal)})\n{excluded}");
        Arrow(c, line, idBox.MidX, rowBottom > idBox.Bottom ? idBox.Bottom : idBox.Bottom, scrBox.MidX, scrBox.Top);
        Arrow(c, line, scrBox.Right, scrBox.MidY, exBox.Left, scrBox.MidY);
        rowBottom = Math.Max(scrBox.Bottom, exBox.Bottom);

        y = rowBottom + 28;
        var passBox = Box(w, leftX, y, boxW, $"Records passed to reviewers ({N(p.PassedRules, u.PassedRules)})");
        var peopleReasons = p.ExcludedByPeople is { Count: > 0 } r
            ? "\n" + string.Join("\n", r.Select(kv => $"{ReasonCodes.Describe(kv.Key)} ({N(kv.Value, u.ExcludedByPeople?.GetValueOrDefault(kv.Key) ?? 0)})")) : "";
        var waitBox = Box(w, rightX, y, rightW, $"Excluded by reviewers ({N(p.ExcludedByPeopleTotal, u.ExcludedByPeopleTotal)}){peopleReasons}" +
            (m.AutoExclude || p.ExcludedByModel > 0 ? $"\nExcluded by the model ({N(p.ExcludedByModel, u.ExcludedByModel)})" : "") +
            $"\nAwaiting reviewers ({N(p.AwaitingPeople, u.AwaitingPeople)})\nConflicts, for a third reviewer ({N(p.Conflicts, u.Conflicts)})");
        Arrow(c, line, scrBox.MidX, scrBox.Bottom, passBox.MidX, passBox.Top);
        Arrow(c, line, passBox.Right, passBox.MidY, waitBox.Left, passBox.MidY);
        rowBottom = Math.Max(passBox.Bottom, waitBox.Bottom);

        y = rowBottom + 28;
        var incBox = Box(w, leftX, y, boxW, $"Studies included ({N(p.IncludedConfirmed, u.IncludedConfirmed)})\nreviewers agreed, or a third resolved a conflict", LabelLength("Included"));
        Arrow(c, line, passBox.MidX, passBox.Bottom, incBox.MidX, incBox.Top);

        // Stage labels down the left edge.
        StageLabel(w, c, stageFill, stagePaint, stage, "Identification", idBox.Top, RowBottom(idBox, dupBox));
        StageLabel(w, c, stageFill, stagePaint, stage, "Screening", scrBox.Top, Math.Max(passBox.Bottom, waitBox.Bottom));
        StageLabel(w, c, stageFill, stagePaint, stage, "Included", incBox.Top, incBox.Bottom);
        w.Y = incBox.Bottom + 16;

        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph($"2023 review: {Fmt.N(Baseline2023.RecordsIdentified)} records identified, {Fmt.N(Baseline2023.StudiesIncluded)} studies included " +
            "(PubMed, IEEE Xplore, Web of Science, Embase; two reviewers, a third for conflicts).", small, Typography.Muted);
    }

    private static float RowBottom(SKRect a, SKRect b) => Math.Max(a.Bottom, b.Bottom);


    private static SKRect Box(PageWriter w, float x, float y, float width, string text, float minHeight = 0)
    {
        using var font = Typography.Font(Typography.Regular, 8.5f);
        using var bold = Typography.Font(Typography.Bold, 8.5f);
        var pad = 7f;
        var lines = new List<(string Text, bool Bold)>();
        var first = true;
        foreach (var para in text.Split('\n'))
        {
            foreach (var l in PageWriter.Wrap(para, first ? bold : font, width - 2 * pad)) lines.Add((l, first));
            first = false;
        }
        var lineHeight = 11.5f;
        var rect = new SKRect(x, y, x + width, y + Math.Max(minHeight, pad * 2 + lines.Count * lineHeight));
        using var fill = new SKPaint { Color = SKColors.White };
        using var border = new SKPaint { Color = Typography.Accent, Style = SKPaintStyle.Stroke, StrokeWidth = 1, IsAntialias = true };
        w.Canvas.DrawRect(rect, fill);
        w.Canvas.DrawRect(rect, border);
        using var ink = new SKPaint { Color = Typography.Ink, IsAntialias = true };
        var baseline = y + pad + 8.5f;
        foreach (var (l, isBold) in lines)
        {
            w.Text(l, x + pad, baseline, isBold ? bold : font, ink, rect);
            baseline += lineHeight;
        }
        return rect;
    }

    private static void Arrow(SKCanvas c, SKPaint paint, float x1, float y1, float x2, float y2)
    {
        c.DrawLine(x1, y1, x2, y2, paint);
        var angle = MathF.Atan2(y2 - y1, x2 - x1);
        const float size = 5f;
        using var builder = new SKPathBuilder();
        builder.MoveTo(x2, y2);
        builder.LineTo(x2 - size * MathF.Cos(angle - 0.45f), y2 - size * MathF.Sin(angle - 0.45f));
        builder.LineTo(x2 - size * MathF.Cos(angle + 0.45f), y2 - size * MathF.Sin(angle + 0.45f));
        builder.Close();
        using var path = builder.Detach();
        using var fill = new SKPaint { Color = paint.Color, Style = SKPaintStyle.Fill, IsAntialias = true };
        c.DrawPath(path, fill);
    }

    private static void StageLabel(PageWriter w, SKCanvas c, SKPaint fill, SKPaint text, SKFont font, string label, float top, float bottom)
    {
        var rect = new SKRect(w.Left, top, w.Left + 22, bottom);
        c.DrawRoundRect(rect, 3, 3, fill);
        c.Save();
        c.Translate(rect.MidX + 3, rect.MidY);
        c.RotateDegrees(-90);
        var width = font.MeasureText(label);
        c.DrawText(label, -width / 2, 0, SKTextAlign.Left, font, text);
        c.Restore();
        w.TextLog.Add((w.PageNumber, label, rect, new SKRect(rect.MidX - 4, rect.MidY - width / 2, rect.MidX + 4, rect.MidY + width / 2)));
    }
}
