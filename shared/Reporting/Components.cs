using System.Globalization;
using SkiaSharp;
using SpineReview.Screening;

namespace SpineReview.Reporting;

/// <summary>A part of the report that draws itself at the writer's cursor.</summary>
public interface IReportComponent
{
    void Compose(PageWriter w, ReportModel m);
}

internal static class Fmt
{
    public static readonly CultureInfo C = CultureInfo.InvariantCulture;
    public static string N(int n) => n.ToString("#,0", C);
    public static string Pct(double p) => p.ToString("0", C) + "%";
    public static string Date(DateOnly d) => d.ToString("d MMMM yyyy", C);
    public static string Date(DateTimeOffset d) => d.UtcDateTime.ToString("d MMMM yyyy", C);
}

/// <summary>The cover: title, version, dates, headline counts, provenance.</summary>
public sealed class CoverComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        var c = w.Canvas;
        using var band = new SKPaint { Color = Typography.Accent };
        c.DrawRect(new SKRect(0, 0, PageWriter.PageWidth, 250), band);
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var pale = new SKPaint { Color = SKColor.Parse("#cfdcea"), IsAntialias = true };
        using var kicker = Typography.Font(Typography.Bold, 10);
        using var title = Typography.Font(Typography.Bold, Typography.TitleSize);
        using var sub = Typography.Font(Typography.Regular, 12);
        var box = new SKRect(w.Left, 0, w.Right, 250);
        w.Text("LIVING SCOPING REVIEW", w.Left, 110, kicker, pale, box);
        var y = 142f;
        foreach (var line in PageWriter.Wrap("Deep learning in medical imaging to improve spine care", title, w.ContentWidth))
        {
            w.Text(line, w.Left, y, title, white, box);
            y += 30;
        }
        w.Text($"Report version {m.Version}", w.Left, y + 6, sub, pale, box);

        w.Y = 290;
        using var label = Typography.Font(Typography.Regular, 9);
        using var value = Typography.Font(Typography.Bold, 11);
        using var muted = new SKPaint { Color = Typography.Muted, IsAntialias = true };
        using var ink = new SKPaint { Color = Typography.Ink, IsAntialias = true };
        (string, string)[] facts =
        [
            ("Version", m.Version.ToString(Fmt.C)),
            ("Created", Fmt.Date(m.Created)),
            ("Data cut-off (last complete search)", Fmt.Date(m.DataCutoff)),
            ("Previous version", m.PreviousVersion?.ToString(Fmt.C) ?? "none (first version)"),
        ];
        foreach (var (k, v) in facts)
        {
            var row = new SKRect(w.Left, w.Y, w.Right, w.Y + 22);
            w.Text(k, w.Left, w.Y + 14, label, muted, row);
            w.Text(v, w.Left + 220, w.Y + 14, value, ink, row);
            w.Y += 22;
        }

        w.Y += 24;
        (string Label, int Value)[] tiles =
        [
            ("Records identified", m.Cumulative.Identified),
            ("Passed automated screening", m.Cumulative.PassedRules),
            ("New in this version", m.NewInThisVersion),
        ];
        var gap = 12f;
        var tileWidth = (w.ContentWidth - gap * 2) / 3;
        using var tileFill = new SKPaint { Color = Typography.AccentLight };
        using var big = Typography.Font(Typography.Bold, 22);
        using var accent = new SKPaint { Color = Typography.Accent, IsAntialias = true };
        for (var i = 0; i < tiles.Length; i++)
        {
            var x = w.Left + i * (tileWidth + gap);
            var rect = new SKRect(x, w.Y, x + tileWidth, w.Y + 70);
            c.DrawRoundRect(rect, 4, 4, tileFill);
            w.Text(Fmt.N(tiles[i].Value), x + 12, w.Y + 34, big, accent, rect);
            w.Text(tiles[i].Label, x + 12, w.Y + 56, label, muted, rect);
        }
        w.Y += 100;

        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph("This report keeps the 2023 scoping review of deep learning in spine imaging up to date. It is regenerated " +
            "after every search; every count in it is recomputed from the stored records, decisions and search log.", body, Typography.Ink);
        w.Paragraph("Status of screening: records that pass the automated rule pre-screen are listed as provisionally eligible. " +
            "They count as included only once two reviewers agree (a third resolves conflicts), as the review's protocol requires.", body, Typography.Ink);
        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph($"Baseline: {Baseline2023.Citation}: {Fmt.N(Baseline2023.RecordsIdentified)} records identified, " +
            $"{Fmt.N(Baseline2023.StudiesIncluded)} studies included.", small, Typography.Muted);
    }
}

/// <summary>What changed since the previous version.</summary>
public sealed class WhatsNewComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading("What is new in this version");
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        var since = m.PreviousVersion is int p ? $"since version {p}" : "in this first version";
        w.Paragraph($"New in this version: {m.NewInThisVersion} provisionally eligible studies {since}. " +
            $"This update's searches identified {Fmt.N(m.ThisUpdate.Identified)} records, of which {Fmt.N(m.ThisUpdate.Duplicates)} were duplicates " +
            $"and {Fmt.N(m.ThisUpdate.ExcludedByRulesTotal)} were excluded by the rule pre-screen.", body, Typography.Ink);
        using var item = Typography.Font(Typography.Regular, Typography.BodySize);
        foreach (var s in m.Studies.Where(s => s.NewInThisVersion).Take(12))
            w.Paragraph($"• {s.FirstAuthor} ({s.Year?.ToString(Fmt.C) ?? "n.d."}). {s.Title}", item, Typography.Ink, indent: 8, after: 2);
        var more = m.NewInThisVersion - 12;
        if (more > 0) w.Paragraph($"… and {more} more, listed in the table of studies.", item, Typography.Muted, indent: 8);
        w.Y += 8;
    }
}

/// <summary>Methods: sources, queries, windows and reconciled counts from the search log.</summary>
public sealed class MethodsComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading("Methods: searches");
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph("Each source is searched over a window that starts a few days before the end of its last complete search. " +
            "A search is complete when every record the source reported was retrieved and stored; otherwise it is marked incomplete, " +
            "its window is searched again, and this report says so. The table shows each source's latest search; the search log keeps every run " +
            "with its request, counts and the raw answers.", body, Typography.Ink);
        var latest = m.Searches.GroupBy(s => s.Source).Select(g => g.OrderBy(s => s.Started).Last())
            .OrderBy(s => Sources.SourceFiles.Names.ToList().IndexOf(s.Source)).ToList();
        var columns = new[] { ("Source", 0.13f), ("Searched", 0.15f), ("Window", 0.25f), ("Reported", 0.11f), ("Retrieved", 0.11f), ("New", 0.09f), ("Status", 0.16f) };
        var rows = latest.Select(s => new[]
        {
            SourceName(s.Source), s.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Fmt.C), $"{s.From:yyyy-MM-dd} to {s.To:yyyy-MM-dd}",
            Fmt.N(s.Reported), Fmt.N(s.Retrieved), Fmt.N(s.New), s.Status,
        }).ToList();
        Table.Draw(w, columns, rows, null);
        w.Paragraph($"{Fmt.N(m.Searches.Count)} searches are in the log; together they retrieved {Fmt.N(m.Searches.Sum(s => s.Retrieved))} records " +
            $"in {Fmt.N(m.Searches.Sum(s => s.Calls))} requests.", body, Typography.Muted);
        foreach (var s in latest.Where(s => s.Status != "complete"))
        {
            using var warn = Typography.Font(Typography.Bold, Typography.BodySize);
            w.Paragraph($"{SourceName(s.Source)}: the latest search is {s.Status}. {s.Message}", warn, Typography.Highlight);
        }
        foreach (var q in latest)
        {
            using var label = Typography.Font(Typography.Bold, Typography.BodySize);
            w.Paragraph($"Query ({SourceName(q.Source)})", label, Typography.Ink, after: 2);
            using var mono = Typography.Font(Typography.Regular, Typography.SmallSize);
            w.Paragraph(q.Query, mono, Typography.Muted);
        }
    }

    internal static string SourceName(string source) => source switch
    {
        "pubmed" => "PubMed",
        "ieee" => "IEEE Xplore",
        "europepmc" => "Europe PMC",
        "arxiv" => "arXiv",
        "openalex" => "OpenAlex",
        "crossref" => "Crossref",
        _ => source,
    };
}

/// <summary>The PRISMA 2020 flow diagram, drawn from stored counts.</summary>
public sealed class PrismaComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading("PRISMA 2020 flow", keepWith: 430);
        var p = m.Cumulative;
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

        var sources = string.Join("\n", p.IdentifiedBySource.Select(kv => $"{MethodsComponent.SourceName(kv.Key)} (n = {Fmt.N(kv.Value)})"));
        var excluded = p.ExcludedByRules.Count == 0 ? "none"
            : string.Join("\n", p.ExcludedByRules.Select(kv => $"{ReasonCodes.Describe(kv.Key)} (n = {Fmt.N(kv.Value)})"));

        // Rows are at least as tall as their stage label written along the bar.
        float LabelLength(string label) => stage.MeasureText(label) + 14;
        var idBox = Box(w, leftX, y, boxW, $"Records identified (n = {Fmt.N(p.Identified)})\n{sources}", LabelLength("Identification"));
        var dupBox = Box(w, rightX, y, rightW, $"Records removed before screening:\nDuplicate records (n = {Fmt.N(p.Duplicates)})", idBox.Height);
        var rowBottom = Math.Max(idBox.Bottom, dupBox.Bottom);
        Arrow(c, line, idBox.Right, idBox.MidY, dupBox.Left, idBox.MidY);

        y = rowBottom + 28;
        var scrBox = Box(w, leftX, y, boxW, $"Records screened by rules (n = {Fmt.N(p.Screened)})" +
            (p.AwaitingScreening > 0 ? $"\nAwaiting the rule stage (n = {Fmt.N(p.AwaitingScreening)})" : ""));
        var exBox = Box(w, rightX, y, rightW, $"Records excluded by rules (n = {Fmt.N(p.ExcludedByRulesTotal)})\n{excluded}");
        Arrow(c, line, idBox.MidX, rowBottom > idBox.Bottom ? idBox.Bottom : idBox.Bottom, scrBox.MidX, scrBox.Top);
        Arrow(c, line, scrBox.Right, scrBox.MidY, exBox.Left, scrBox.MidY);
        rowBottom = Math.Max(scrBox.Bottom, exBox.Bottom);

        y = rowBottom + 28;
        var passBox = Box(w, leftX, y, boxW, $"Records passed to reviewers (n = {Fmt.N(p.PassedRules)})");
        var peopleReasons = p.ExcludedByPeople is { Count: > 0 } r
            ? "\n" + string.Join("\n", r.Select(kv => $"{ReasonCodes.Describe(kv.Key)} (n = {Fmt.N(kv.Value)})")) : "";
        var waitBox = Box(w, rightX, y, rightW, $"Excluded by reviewers (n = {Fmt.N(p.ExcludedByPeopleTotal)}){peopleReasons}" +
            (m.AutoExclude || p.ExcludedByModel > 0 ? $"\nExcluded by the model (n = {Fmt.N(p.ExcludedByModel)})" : "") +
            $"\nAwaiting two reviewers (n = {Fmt.N(p.AwaitingPeople)})\nConflicts, for a third reviewer (n = {Fmt.N(p.Conflicts)})");
        Arrow(c, line, scrBox.MidX, scrBox.Bottom, passBox.MidX, passBox.Top);
        Arrow(c, line, passBox.Right, passBox.MidY, waitBox.Left, passBox.MidY);
        rowBottom = Math.Max(passBox.Bottom, waitBox.Bottom);

        y = rowBottom + 28;
        var incBox = Box(w, leftX, y, boxW, $"Studies included (n = {Fmt.N(p.IncludedConfirmed)})\ntwo reviewers agreed, or a third resolved a conflict", LabelLength("Included"));
        Arrow(c, line, passBox.MidX, passBox.Bottom, incBox.MidX, incBox.Top);

        // Stage labels down the left edge.
        StageLabel(w, c, stageFill, stagePaint, stage, "Identification", idBox.Top, rowBottomOf(idBox, dupBox));
        StageLabel(w, c, stageFill, stagePaint, stage, "Screening", scrBox.Top, Math.Max(passBox.Bottom, waitBox.Bottom));
        StageLabel(w, c, stageFill, stagePaint, stage, "Included", incBox.Top, incBox.Bottom);
        w.Y = incBox.Bottom + 16;

        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph($"This update: {Fmt.N(m.ThisUpdate.Identified)} records identified, {Fmt.N(m.ThisUpdate.Duplicates)} duplicates, " +
            $"{Fmt.N(m.ThisUpdate.ExcludedByRulesTotal)} excluded by rules, {Fmt.N(m.ThisUpdate.PassedRules)} passed to reviewers, " +
            $"{Fmt.N(m.ThisUpdate.ExcludedByPeopleTotal)} excluded and {Fmt.N(m.ThisUpdate.IncludedConfirmed)} included by reviewers so far. " +
            $"2023 baseline: {Fmt.N(Baseline2023.RecordsIdentified)} records identified, {Fmt.N(Baseline2023.StudiesIncluded)} studies included.",
            small, Typography.Muted);
    }

    private static float rowBottomOf(SKRect a, SKRect b) => Math.Max(a.Bottom, b.Bottom);


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

/// <summary>Screening quality: agreement between reviewers and with the model, the audit, and the estimated recall.</summary>
public sealed class ScreeningQualityComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        if (m.Screening is not { } q) return;
        w.Heading("Screening quality", keepWith: 200);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        var model = q.Model is not { } s ? "not trained yet"
            : $"{s.Model}, retrained on {Fmt.N(s.Includes)} inclusions and {Fmt.N(s.Exclusions)} exclusions by reviewers" +
              (s.ColdStart ? "; until reviewers have both included and excluded, the protocol's criteria and the rules' exclusions stand in" : "");
        w.Paragraph("Every record that passes the rules is screened by two reviewers independently; neither sees the other's decision. " +
            "Agreement settles it; a disagreement, or an \"unsure\", goes to a third reviewer. Every exclusion carries one of the protocol's reason codes. " +
            $"A text model orders each reviewer's queue, most likely eligible first ({model}). " +
            (m.AutoExclude ? "The model may exclude records below its calibrated low threshold; a random share of them still goes to reviewers as an audit."
                           : "The model never excludes a record: automatic exclusion is switched off."), body, Typography.Ink);
        var u = m.ScreeningThisUpdate ?? q;
        var columns = new[] { ("Measure", 0.46f), ("Whole review", 0.27f), ("This update", 0.27f) };
        var rows = new List<string[]>
        {
            new[] { "Records settled by reviewers", Fmt.N(q.IncludedByPeople + q.ExcludedByPeopleTotal), "" },
            new[] { "Cohen's kappa, reviewer 1 against reviewer 2", KappaText(q.Reviewers), KappaText(u.Reviewers) },
            new[] { "Cohen's kappa, model against reviewers' final decision", KappaText(q.ModelVsPeople), KappaText(u.ModelVsPeople) },
            new[] { "Conflicts waiting for a third reviewer", Fmt.N(q.Conflicts), "" },
            new[] { "Excluded by the model / audited / eligible in audit", $"{Fmt.N(q.AutoExcluded)} / {Fmt.N(q.Audited)} / {Fmt.N(q.AuditIncluded)}", "" },
        };
        Table.Draw(w, columns, rows, null);
        using var bold = Typography.Font(Typography.Bold, Typography.BodySize);
        w.Paragraph(q.RecallSentence(), bold, Typography.Ink);
        using var small = Typography.Font(Typography.Italic, Typography.SmallSize + 0.5f);
        w.Paragraph("How recall is estimated: the model's probabilities are calibrated on its own out-of-fold predictions for the records " +
            "reviewers have settled (Platt scaling); their sum over the records not yet settled is the number of eligible studies expected among them. " +
            "For records the model excluded, the share found eligible in the audit sample is applied to all of them (with a 95% upper bound). " +
            "Kappa for the model counts a probability at or above the high threshold as \"include\", taken when the first reviewer decided.", small, Typography.Muted);
    }

    private static string KappaText(Kappa k) => k.Pairs == 0 ? "no pairs yet" : $"{k.Value.ToString("0.00", Fmt.C)} (n = {Fmt.N(k.Pairs)})";
}

/// <summary>How far the automatic extraction can be trusted: per field, its values against people's corrections.</summary>
public sealed class ExtractionQualityComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading("Extraction quality", keepWith: 120);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph($"The charting form is filled automatically ({Extraction.FormExtractor.Version}), each value with the text it came from; " +
            "people correct it, and a correction wins over the automatic value in every figure of this report and survives re-extraction. " +
            "Accuracy is the share of fields people checked where the automatic value was what they settled on.", body, Typography.Ink);
        var checkedFields = m.ExtractionAccuracy ?? [];
        if (checkedFields.Count == 0)
        {
            w.Paragraph("No field has been checked by people yet.", body, Typography.Muted);
            return;
        }
        var columns = new[] { ("Field", 0.34f), ("Checked by people", 0.24f), ("Automatic right", 0.22f), ("Accuracy", 0.2f) };
        var rows = checkedFields.Select(a => new[] { a.Field, Fmt.N(a.Checked), Fmt.N(a.Right), Fmt.Pct(100 * a.Accuracy) }).ToList();
        Table.Draw(w, columns, rows, null);
    }
}

/// <summary>Modalities of the provisionally eligible studies, beside the 2023 baseline.</summary>
public sealed class ModalityChartComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading("Imaging modalities", keepWith: 280);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        w.Paragraph($"Share of the {m.Studies.Count} provisionally eligible studies using each modality (a study may use several), " +
            "next to the 2023 review where its text states the figure (Fig. 4B).", body, Typography.Ink);
        const float height = 230;
        w.EnsureSpace(height);
        Charts.Bars(w.Canvas, new SKRect(w.Left, w.Y, w.Right, w.Y + height), m.Modalities, $"This version (n = {m.Studies.Count})", "2023 review");
        w.Y += height + 6;
        var columns = new[] { ("Modality", 0.3f), ("Studies", 0.2f), ("This version", 0.25f), ("2023 review", 0.25f) };
        var rows = m.Modalities.Select(s => new[] { s.Category, Fmt.N(s.Count), Fmt.Pct(s.Percent), s.BaselinePercent is double b ? Fmt.Pct(b) : "not stated" }).ToList();
        Table.Draw(w, columns, rows, null);
    }
}

/// <summary>The table of studies that passed automated screening.</summary>
public sealed class StudiesTableComponent : IReportComponent
{
    public void Compose(PageWriter w, ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(m);
        w.Heading("Provisionally eligible studies", keepWith: 140);
        using var body = Typography.Font(Typography.Regular, Typography.BodySize);
        var confirmed = m.Studies.Count(s => s.Included);
        w.Paragraph($"{m.Studies.Count} studies passed the rule pre-screen and were not excluded by reviewers: {confirmed} included by reviewers (✓), " +
            $"{m.Studies.Count - confirmed} still being screened. ★ marks a study new in this version. " +
            "Modality and region are extracted automatically, each value with the text it came from.", body, Typography.Ink);
        var columns = new[] { ("#", 0.05f), ("Study", 0.47f), ("Journal", 0.18f), ("Modality", 0.15f), ("Region", 0.15f) };
        var rows = m.Studies.Select((s, i) => new[]
        {
            (i + 1).ToString(Fmt.C),
            $"{(s.Included ? "✓ " : "")}{(s.NewInThisVersion ? "★ " : "")}{s.FirstAuthor} ({s.Year?.ToString(Fmt.C) ?? "n.d."}). {s.Title}" + (s.Doi is null ? "" : $"\ndoi:{s.Doi}"),
            s.Journal ?? "",
            string.Join(", ", s.Modality),
            string.Join(", ", s.Region),
        }).ToList();
        var links = m.Studies.Select(s => s.Doi is null ? null : $"https://doi.org/{s.Doi}").ToList();
        Table.Draw(w, columns, rows, links);
    }
}
