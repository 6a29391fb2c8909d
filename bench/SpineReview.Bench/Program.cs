using SpineReview.Bench;

// Benchmarks run by scripts/bench.sh; each prints its figures and exits non-zero when its target is missed.
var replay = Path.GetFullPath(Environment.GetEnvironmentVariable("SPINE_REVIEW_REPLAY") ?? "samples/replay");
switch (args.FirstOrDefault())
{
    case "harvest":
        return await HarvestBench.RunAsync(replay, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, 200, Console.Out);
    case "cycle":
        return await CycleBench.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : null, Console.Out);
    case "dedup":
        return DedupBench.Run(Path.GetFullPath(Environment.GetEnvironmentVariable("SPINE_REVIEW_CORPUS") ?? "../shared/corpus", Environment.CurrentDirectory) is var c ? Path.Combine(c, "dedup") : "",
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, Console.Out);
    case "make-efetch":
        if (args.Length < 3) goto default;
        File.WriteAllText(args[2], EFetchGenerator.Document(EFetchGenerator.Articles(replay, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture))));
        Console.WriteLine($"wrote {args[1]} articles to {args[2]} ({new FileInfo(args[2]).Length / 1e6:0.0} MB)");
        return 0;
    case "dedup-profile":
        return DedupBench.Profile(Path.Combine(Corpus(), "dedup"), args.Length > 1 ? [.. args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture))] : [10_000, 20_000, 40_000], Console.Out);
    case "dedup-sample":
        return DedupBench.Sample(replay, Console.Out);
    case "screening-rank":
        return ScreeningBench.Rank(Corpus(), args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, Console.Out);
    case "screening-rank-stored":
        return await ScreeningBench.RankStoredAsync(Corpus(), args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, Console.Out);
    case "report":
        return ReportBench.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 365,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1475, Console.Out,
            args.Length > 4 && args[3] == "--out" ? args[4] : null);
    case "report-stored":
        return await ReportBench.RunStoredAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 365,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1475, Console.Out);
    case "web":
        return await WebBench.HttpAsync(args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200, Console.Out);
    case "web-service":
        return await WebBench.ServiceAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100, Console.Out);
    case "screening-compare":
        if (args.Length < 2) goto default;
        return ScreeningBench.Compare(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10, Console.Out);
    case "screening-panel":
        if (args.Length < 2) goto default;
        return ScreeningBench.Panel(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2, args.Length > 3 ? args[3] : null, Console.Out);
    case "screening-weights":
        if (args.Length < 2) goto default;
        return ScreeningBench.Weights(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1, args.Length > 3 ? args[3] : null, Console.Out);
    case "import-read":
        if (args.Length < 2) goto default;
        return await ImportBench.ReadAsync(args[1], Console.Out);
    case "make-import":
        if (args.Length < 3) goto default;
        return ImportBench.MakeExport(Path.Combine(replay, "..", "import"), double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args[2]);
    case "make-long-entry":
        if (args.Length < 4) goto default;
        return ImportBench.MakeLongEntry(args[1], double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3]);
    case "parse-steady":
        if (args.Length < 2) goto default;
        return ParseSteady(args[1], args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 5);
    default:
        Console.Error.WriteLine("Usage: SpineReview.Bench harvest [RECORDS] | cycle [RECORDS] [LIMIT_SECONDS] | dedup [RECORDS] | dedup-profile [RECORDS...] | make-efetch RECORDS FILE | dedup-sample | parse-steady FILE [ROUNDS]" +
            " | import-read FILE | make-import MEGABYTES FILE | make-long-entry ris|medline MEGABYTES FILE" +
            " | web [DECISIONS] [WAITING] | web-service [WAITING] [DECISIONS] | screening-rank [WAITING] | screening-rank-stored [WAITING] | screening-compare DATASET [RUNS] | screening-panel DIR [RUNS] [IDS] | screening-weights DATASET [SEED] [ID] | report [INCLUDED] [IDENTIFIED] [--out FILE] | report-stored [INCLUDED] [IDENTIFIED]");
        return 2;
}

static string Corpus() => Path.GetFullPath(Environment.GetEnvironmentVariable("SPINE_REVIEW_CORPUS") ?? "../shared/corpus", Environment.CurrentDirectory);

// The parser alone on one core, after a warm-up round: the steady-state rate, without process start-up or output.
static int ParseSteady(string file, int rounds)
{
    var bytes = File.ReadAllBytes(file);
    var times = new List<double>();
    var count = 0;
    for (var i = 0; i <= rounds; i++)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        count = SpineReview.Sources.PubMed.PubMedXml.ParseEFetch(bytes, 0, bytes.Length).Count();
        if (i > 0) times.Add(clock.Elapsed.TotalSeconds);
    }
    times.Sort();
    var median = times[times.Count / 2];
    Console.WriteLine(System.FormattableString.Invariant(
        $"parser alone, one core: {count} records, {bytes.Length / 1e6:0.0} MB, median of {rounds} rounds {median:0.000} s = {bytes.Length / 1e6 / median:0} MB/s, {count / median:0} records/s"));
    return 0;
}
