using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SpineReview.Alerts;
using SpineReview.Dedup;
using SpineReview.Extraction;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Alerts;

/// <summary>Studies, subscribers and a clock for the alert tests: real Azurite under a prefix of the test's own, real maildev.</summary>
internal static partial class AlertTestKit
{
    /// <summary>A Monday, 09:00 UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A lumbar MRI grading study (charted: MRI, Lumbar, Degenerative, Classification).</summary>
    public static BibRecord LumbarMri(string pmid) => new()
    {
        Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/spine.{pmid}", Year = 2026, Journal = "European Spine Journal",
        PublicationTypes = ["Journal Article"], Mesh = ["Humans"],
        Authors = [new("Okafor N", ["Department of Radiology, University Hospital Zurich, Switzerland"]), new("Lindqvist E", []), new("Tanaka H", []), new("Moreau P", [])],
        Title = $"Deep learning grading of lumbar disc degeneration on MRI ({pmid})",
        Abstract = "We trained a convolutional neural network (ResNet-50) to classify Pfirrmann grades of lumbar intervertebral disc degeneration on " +
                   "sagittal T2-weighted MRI of 515 patients. Accuracy was 0.87 and the AUC 0.93 on a held-out test set.",
    };

    /// <summary>A cervical CT fracture detection study (charted: CT, Cervical, Fracture, Detection).</summary>
    public static BibRecord CervicalCt(string pmid) => new()
    {
        Source = "pubmed", SourceId = pmid, Pmid = pmid, Doi = $"10.5555/spine.{pmid}", Year = 2025, Journal = "Radiology: Artificial Intelligence",
        PublicationTypes = ["Journal Article"], Mesh = ["Humans"],
        Authors = [new("García M", []), new("Chen L", [])],
        Title = $"Detection of cervical spine fractures on CT with a deep convolutional network ({pmid})",
        Abstract = "A Faster R-CNN detected cervical spine fractures on 1,200 CT scans of trauma patients; sensitivity was 0.91 and specificity 0.95.",
    };

    public static (TestHost Host, FakeTimeProvider Clock) Create(IDictionary<string, string?>? settings = null, string? prefix = null, bool cleanup = true,
        FakeTimeProvider? clock = null, Action<IServiceCollection>? configure = null)
    {
        MailDev.Require();
        clock ??= new FakeTimeProvider(T0);
        var values = MailDev.Smtp();
        // Confirmations may follow each other in these tests; the interval is tested on its own.
        values["Alerts:ConfirmationIntervalMinutes"] = "0";
        if (settings is not null) foreach (var kv in settings) values[kv.Key] = kv.Value;
        var host = TestHost.Create(settings: values, prefix: prefix, cleanup: cleanup, configure: s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            configure?.Invoke(s);
        });
        return (host, clock);
    }

    /// <summary>Stores a record, fills its form, and puts it in the people's queue: included by two reviewers at <paramref name="settledAt"/>,
    /// or (null) waiting for people with the given probability.</summary>
    public static async Task<string> SeedStudyAsync(TestHost host, BibRecord record, DateTimeOffset? settledAt, double probability = 0.5, DateTimeOffset? enqueuedAt = null)
    {
        await host.Get<DedupService>().RegisterAsync(record, "run1", T0.AddDays(-30), default);
        var stored = await host.Get<RecordStore>().GetAsync(record.Key, default);
        await host.Get<ExtractionStore>().SaveAsync(record.Key, ExtractionService.Extract(stored!), T0.AddDays(-30), default);
        var screening = host.Get<ScreeningStore>();
        await screening.EnqueueAsync(record.Key, probability, enqueuedAt ?? settledAt?.AddDays(-1) ?? T0.AddDays(-1), default);
        if (settledAt is { } at)
            await screening.UpdateQueueAsync(record.Key, q => Task.FromResult(q with
            {
                Status = ScreeningStatus.Final, Included = true, How = "2 reviewers agreed", Reviewers = ["ana", "ben"], SettledAt = at,
            }), default);
        return record.Key;
    }

    /// <summary>Subscribes and follows the link of the confirmation email that arrives in maildev; returns the confirmed subscriber.</summary>
    public static async Task<Subscriber> SubscribeAndConfirmAsync(TestHost host, string address, string? modality = null, string? region = null,
        string frequency = "immediate", string? name = null)
    {
        var subscriptions = host.Get<SubscriptionService>();
        var before = (await MailDev.MessagesAsync(address)).Count;
        await subscriptions.SubscribeAsync(new SubscriptionRequest(address, name, modality is null ? null : [modality], region is null ? null : [region], null, null, frequency), default);
        var mail = await MailDev.WaitForAsync(address, before + 1);
        Assert.Equal(before + 1, mail.Count);
        var confirmed = await subscriptions.ConfirmAsync(ConfirmToken(mail[^1]), default);
        Assert.Equal(SubscriberStatus.Confirmed, confirmed.Subscriber.Status);
        return confirmed.Subscriber;
    }

    /// <summary>The token of the confirmation link in a confirmation email's text part.</summary>
    public static string ConfirmToken(MimeMessage confirmation) =>
        Token().Match(confirmation.TextBody ?? "") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no confirmation link in:\n" + confirmation.TextBody);

    /// <summary>The token of the List-Unsubscribe link of an alert.</summary>
    public static string UnsubscribeToken(MimeMessage alert) =>
        Token().Match(alert.Headers["List-Unsubscribe"] ?? "") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no List-Unsubscribe link");

    [GeneratedRegex(@"token=([0-9a-f]{32}\.[A-Za-z0-9_-]{43})")]
    private static partial Regex Token();
}
