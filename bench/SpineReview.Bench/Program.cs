using SpineReview.Bench;

// Benchmarks run by scripts/bench.sh; each prints its figures and exits non-zero when its target is missed.
var replay = Path.GetFullPath(Environment.GetEnvironmentVariable("SPINE_REVIEW_REPLAY") ?? "samples/replay");
switch (args.FirstOrDefault())
{
    case "harvest":
        return await HarvestBench.RunAsync(replay, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000, 200, Console.Out);
    case "dedup":
        return DedupBench.Run(Path.GetFullPath(Environment.GetEnvironmentVariable("SPINE_REVIEW_CORPUS") ?? "../shared/corpus", Environment.CurrentDirectory) is var c ? Path.Combine(c, "dedup") : "",
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, Console.Out);
    case "make-efetch":
        if (args.Length < 3) goto default;
        File.WriteAllText(args[2], EFetchGenerator.Document(EFetchGenerator.Articles(replay, int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture))));
        Console.WriteLine($"wrote {args[1]} articles to {args[2]} ({new FileInfo(args[2]).Length / 1e6:0.0} MB)");
        return 0;
    default:
        Console.Error.WriteLine("Usage: SpineReview.Bench harvest [RECORDS] | dedup [RECORDS] | make-efetch RECORDS FILE");
        return 2;
}
