using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Web;

namespace SpineReview.Bench;

/// <summary>The screening page's hot path: a decision, then the next record for the same reviewer, with many records waiting.</summary>
internal static partial class WebBench
{
    private const string Reviewer = "bench-reviewer", SecondReviewer = "bench-reviewer-2";

    /// <summary>
    /// The web app as <c>spine-review serve</c> runs it (Kestrel on 127.0.0.1, the local sign-in) over <paramref name="waiting"/>
    /// records waiting on Azurite; one signed-in reviewer's browser session as an HttpClient with cookies sends
    /// <paramref name="n"/> decisions the way the page's script does (POST /screening/decide with the form's anti-forgery token,
    /// X-Fragment), each answered with the next record. Timed from sending the decision to having the next record's HTML.
    /// </summary>
    public static async Task<int> HttpAsync(int waiting, int n, TextWriter o)
    {
        var keys = Directory.CreateTempSubdirectory("spine-bench-keys-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageClients.Setting] = Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? "UseDevelopmentStorage=true",
            ["Storage:Prefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
            ["Web:Reviewers"] = Reviewer + "," + SecondReviewer,
            ["Web:KeysDirectory"] = keys,
        }).Build();
        await using var app = LocalWebApp.Build(configuration, 0, logging: _ => { });
        await app.StartAsync();
        var storage = app.Services.GetRequiredService<StorageClients>();
        try
        {
            await SeedAsync(app.Services, waiting, o);
            var url = new Uri(LocalWebApp.Url(app));
            const int warmUp = 5;
            var times = await DecideAsync(url, Reviewer, n, warmUp,
                (_, i) => Task.FromResult(i % 3 == 0 ? ("exclude", "not_spine") : ("include", (string?)null)));
            var p95 = Percentile(times, 0.95);
            o.WriteLine($"decision -> next record over HTTP, {waiting:N0} waiting on Azurite: {Summary(times)} (after {warmUp} warm-up decisions)");
            await StagesAsync(app.Services, o);
            // The second reviewer of the same records: each decision settles one (two agree), so labels change every time.
            var store = app.Services.GetRequiredService<ScreeningStore>();
            // Few: each one retrains the model on every record before answering (RankAsync reads them all), which takes long.
            var second = await DecideAsync(url, SecondReviewer, 3, 0, async (record, _) =>
            {
                var first = (await store.DecisionsAsync(record, default)).Select(d => d.Decision).FirstOrDefault(d => d.Reviewer == Reviewer);
                return first is { Verdict: Verdict.Exclude } ? ("exclude", first.Reason) : ("include", null);
            });
            o.WriteLine($"a second reviewer on the records the first decided (each decision settles a record, so the next record waits for a retraining): {Summary(second)}");
            o.WriteLine($"target: p95 under 200 ms at 10,000 waiting: {(p95 < 200 ? "met" : "MISSED")} (first reviewer)");
            return p95 < 200 || waiting != 10_000 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await BenchStorage.DeleteAsync(storage);
            Directory.Delete(keys, recursive: true);
        }
    }

    /// <summary>One reviewer's session (cookies, the local sign-in), then <paramref name="n"/> timed decisions after <paramref name="warmUp"/> untimed ones.</summary>
    /// <param name="choose">The decision and reason for a record (its key, the decision's number); not timed.</param>
    private static async Task<List<double>> DecideAsync(Uri url, string reviewer, int n, int warmUp, Func<string, int, Task<(string Decision, string? Reason)>> choose)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = url, Timeout = TimeSpan.FromMinutes(15),
        };
        var signIn = await http.GetStringAsync(new Uri("/signin", UriKind.Relative));
        var (tokenName, token) = Token(signIn);
        using (var form = new FormUrlEncodedContent([new(tokenName, token), new("who", reviewer), new("return", "/screening")]))
            (await http.PostAsync(new Uri("/signin", UriKind.Relative), form)).EnsureSuccessStatusCode();
        var page = await http.GetStringAsync(new Uri("/screening", UriKind.Relative));
        var times = new List<double>();
        for (var i = 0; i < n + warmUp; i++)
        {
            var record = RecordOf(page);
            (tokenName, token) = Token(page);
            var (decision, reason) = await choose(record, i);
            KeyValuePair<string, string>[] fields = reason is null
                ? [new(tokenName, token), new("recordKey", record), new("decision", decision)]
                : [new(tokenName, token), new("recordKey", record), new("decision", decision), new("reason", reason)];
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/screening/decide", UriKind.Relative)) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("X-Fragment", "1");
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            page = await response.Content.ReadAsStringAsync();
            var ms = clock.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the decision on {record} was answered {(int)response.StatusCode}: {page}");
            if (RecordOf(page) == record) throw new InvalidOperationException($"the answer to the decision on {record} served the same record again");
            if (i >= warmUp) times.Add(ms);
        }
        return times;
    }

    /// <summary>Where the time of one decide -> next goes: the service calls behind the page, in-process, 10 rounds each.</summary>
    private static async Task StagesAsync(IServiceProvider services, TextWriter o)
    {
        var people = services.GetRequiredService<ReviewService>();
        var store = services.GetRequiredService<ScreeningStore>();
        var ranking = services.GetRequiredService<RankingService>();
        List<double> next = [], pending = [], check = [];
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            await people.NextAsync(Reviewer, default);
            next.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await store.ListQueueAsync(ScreeningStatus.Pending, default);
            pending.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await ranking.RankAsync(force: false, default);
            check.Add(clock.Elapsed.TotalMilliseconds);
        }
        o.WriteLine($"  in-process: ReviewService.NextAsync {Summary(next)}");
        o.WriteLine($"  of which: the model's up-to-date check (RankAsync, nothing changed) {Summary(check)}; reading the pending queue {Summary(pending)}");
    }

    private static string RecordOf(string html) =>
        RecordAttribute().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value)
            : throw new InvalidOperationException("the page shows no record to decide (did the seeding fail?)");

    /// <summary>The anti-forgery field of the page's form: the hidden input that is not one of the form's own fields.</summary>
    private static (string Name, string Value) Token(string html)
    {
        foreach (Match m in HiddenInput().Matches(html))
            if (m.Groups[1].Value is not ("recordKey" or "etag" or "return")) return (m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value));
        throw new InvalidOperationException("the page has no anti-forgery field");
    }

    [GeneratedRegex("data-record=\"([^\"]+)\"")]
    private static partial Regex RecordAttribute();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Stores <paramref name="waiting"/> records and queues them for people through the real stores (many writes at once: the
    /// seeding is not what is measured), then trains the model once, as the timer would have before anyone screens.
    /// </summary>
    public static async Task SeedAsync(IServiceProvider services, int waiting, TextWriter o)
    {
        var records = services.GetRequiredService<RecordStore>();
        var queue = services.GetRequiredService<ScreeningStore>();
        var clock = Stopwatch.StartNew();
        var done = 0;
        await Parallel.ForAsync(0, waiting, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var record = Record(i);
            await records.TryAddAsync(record, "bench", At, null, null, ct);
            await queue.EnqueueAsync(record.Key, 0.5, At, ct);
            if (Interlocked.Increment(ref done) % 2000 == 0) o.WriteLine($"seeded {done:N0} of {waiting:N0} ({clock.Elapsed.TotalSeconds:0} s)");
        });
        var model = await services.GetRequiredService<RankingService>().RankAsync(force: true, default);
        o.WriteLine($"seeded {waiting:N0} waiting records in {clock.Elapsed.TotalSeconds:0} s; model trained ({model.Ranked:N0} ranked)");
    }

    // Texts of a realistic length (a title and a 1,500-character abstract), each record different.
    private static BibRecord Record(int i)
    {
        var id = (40_000_000 + i).ToString(CultureInfo.InvariantCulture);
        string[] regions = ["lumbar", "cervical", "thoracic", "sacral"];
        string[] modalities = ["MRI", "CT", "radiographs", "ultrasound"];
        string[] tasks = ["segmentation", "classification", "detection", "grading"];
        var region = regions[i % 4];
        var modality = modalities[i / 4 % 4];
        var task = tasks[i / 16 % 4];
        var sentence = $"We trained a convolutional neural network for {task} of the {region} spine on {modality} from {100 + i % 900} patients. ";
        return new BibRecord
        {
            Source = "pubmed", SourceId = id, Pmid = id, Doi = $"10.5555/bench.{id}", Year = 2015 + i % 11, Journal = "Spine Imaging Journal",
            PublicationTypes = ["Journal Article"], Mesh = ["Humans", "Deep Learning"], Keywords = [region, modality, task],
            Title = $"Deep learning {task} of the {region} spine on {modality}: study {id}",
            Abstract = string.Concat(Enumerable.Repeat(sentence, 12)),
        };
    }

    /// <summary>p50/p95/max of a list of milliseconds.</summary>
    public static string Summary(List<double> ms) =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {Percentile(ms, 0.50):0.0} ms, p95 {Percentile(ms, 0.95):0.0} ms, max {ms.Max():0.0} ms over {ms.Count}");

    /// <summary>The nearest-rank percentile.</summary>
    private static double Percentile(List<double> ms, double q)
    {
        var sorted = ms.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The same step in-process (no HTTP): where the time goes, stage by stage.</summary>
    public static async Task<int> ServiceAsync(int waiting, int n, TextWriter o)
    {
        await using var services = BenchStorage.Services();
        var storage = services.GetRequiredService<StorageClients>();
        await services.GetRequiredService<StorageInitializer>().CreateAsync();
        try
        {
            await SeedAsync(services, waiting, o);
            var people = services.GetRequiredService<ReviewService>();
            var store = services.GetRequiredService<ScreeningStore>();
            var ranking = services.GetRequiredService<RankingService>();
            List<double> decide = [], next = [], listPending = [], rankCheck = [];
            var item = await people.NextAsync("bench-reviewer", default) ?? throw new InvalidOperationException("nothing waits");
            for (var i = 0; i < n; i++)
            {
                var clock = Stopwatch.StartNew();
                await people.DecideAsync("bench-reviewer", item.RecordKey, i % 3 == 0 ? "exclude" : "include", i % 3 == 0 ? "not_spine" : null, null, null, default);
                decide.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                item = await people.NextAsync("bench-reviewer", default) ?? throw new InvalidOperationException("nothing waits");
                next.Add(clock.Elapsed.TotalMilliseconds);
                if (i % 5 == 0)
                {
                    clock.Restart();
                    await store.ListQueueAsync(ScreeningStatus.Pending, default);
                    listPending.Add(clock.Elapsed.TotalMilliseconds);
                    clock.Restart();
                    await ranking.RankAsync(force: false, default);
                    rankCheck.Add(clock.Elapsed.TotalMilliseconds);
                }
            }
            o.WriteLine($"in-process, {waiting:N0} waiting: decide {Summary(decide)}");
            o.WriteLine($"in-process, {waiting:N0} waiting: next   {Summary(next)}");
            o.WriteLine($"  of which: reading the pending queue {Summary(listPending)}; the model's up-to-date check {Summary(rankCheck)}");
            return 0;
        }
        finally
        {
            await BenchStorage.DeleteAsync(storage);
        }
    }
}
