using SpineReview.Cli;
using SpineReview.Tests.Support;
using Xunit;
using static SpineReview.Tests.Alerts.AlertTestKit;

namespace SpineReview.Tests.Alerts;

/// <summary>`spine-review alerts` against Azurite and maildev, as a person at a terminal runs it.</summary>
public class AlertsCliTests
{
    private static async Task<(int Code, string Out, string Err)> Run(IDictionary<string, string?>? settings, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, settings);
        return (code, output.ToString(), error.ToString());
    }

    private static string Last(string text) => text.TrimEnd().Split('\n').Last();

    [Fact]
    public async Task Help_NamesEverySubcommandAndFilterValue()
    {
        var (code, output, _) = await Run(null, "alerts", "--help");
        Assert.Equal(0, code);
        foreach (var expected in new[]
        {
            "Usage: spine-review alerts ", "alerts subscribe --email ADDRESS", "alerts confirm TOKEN", "alerts unsubscribe TOKEN", "alerts list [--json]",
            "alerts status", "alerts retry ID", "alerts close ID", "MRI, CT, Radiograph", "Cervical, Thoracic, Lumbar", "Alerts__IncludeLikelyEligible", "Smtp__Host",
        })
            Assert.Contains(expected, output, StringComparison.Ordinal);
        var (bad, _, err) = await Run(null, "alerts", "frobnicate");
        Assert.Equal(2, bad);
        Assert.Contains("unknown alerts action 'frobnicate'", err, StringComparison.Ordinal);
        (bad, _, err) = await Run(null, "alerts", "--email", "a@example.org");
        Assert.Equal(2, bad);
        Assert.Contains("--email goes with alerts subscribe", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subscribe_BadAddressOrLineBreak_Exit2WithTheReason_UnknownToken_Exit1()
    {
        MailDev.Require();
        var prefix = TestHost.NewPrefix();
        var settings = MailDev.Smtp();
        settings["Storage:Prefix"] = prefix;
        var (code, _, err) = await Run(settings, "alerts", "subscribe", "--email", "jane.example.org");
        Assert.Equal(2, code);
        Assert.Contains("spine-review alerts subscribe: the email address \"jane.example.org\" is not an email address", err, StringComparison.Ordinal);
        (code, _, err) = await Run(settings, "alerts", "subscribe", "--email", MailDev.NewAddress(), "--name", "Jane\nBcc: all@example.org");
        Assert.Equal(2, code);
        Assert.Contains("the name contains a line break (LF)", err, StringComparison.Ordinal);
        (code, _, err) = await Run(settings, "alerts", "subscribe", "--email", MailDev.NewAddress(), "--modality", "MRI,PET");
        Assert.Equal(2, code);
        Assert.Contains("modality \"PET\" is not a value of the charting form", err, StringComparison.Ordinal);
        (code, _, err) = await Run(settings, "alerts", "confirm", "0123");
        Assert.Equal(1, code);
        Assert.Contains("this confirmation link is not valid", err, StringComparison.Ordinal);
        await using var cleanup = TestHost.Create(prefix: prefix);
    }

    [Fact]
    public async Task SubscribeConfirmIncludeSend_ThenAgainSendsNothing()
    {
        MailDev.Require();
        var prefix = TestHost.NewPrefix();
        var settings = MailDev.Smtp();
        settings["Storage:Prefix"] = prefix;
        settings["Screening:ReviewersPerRecord"] = "1";
        settings["Screening:Reviewer"] = "ana";
        await using var host = TestHost.Create(settings: settings, prefix: prefix);
        var address = MailDev.NewAddress();

        var (code, output, err) = await Run(settings, "alerts", "subscribe", "--email", address, "--modality", "MRI", "--region", "lumbar");
        Assert.True(code == 0, err);
        Assert.Equal($"alerts subscribe done: a confirmation email was sent to {address}; nothing else is sent until its link is followed", Last(output));
        var token = ConfirmToken((await MailDev.WaitForAsync(address, 1))[0]);
        (code, output, err) = await Run(settings, "alerts", "confirm", token);
        Assert.True(code == 0, err);
        Assert.Equal($"alerts confirm done: {address} is confirmed: modality MRI; region Lumbar, immediate", Last(output));

        var key = await SeedStudyAsync(host, LumbarMri("871001"), null, probability: 0.7);
        (code, output, err) = await Run(settings, "screen", "decide", key, "include");
        Assert.True(code == 0, err);
        Assert.Contains("the record is now included", Last(output), StringComparison.Ordinal);

        (code, output, err) = await Run(settings, "alerts");
        Assert.True(code == 0, err);
        Assert.Contains("[3/3] alerts: send over SMTP", err, StringComparison.Ordinal);
        Assert.StartsWith("alerts done: 1 emails sent; 1 made up with 1 studies for 1 subscribers due; 0 to retry, 0 failed, 0 unconfirmed, 0 dropped, 0 waiting; 1 queue messages",
            Last(output), StringComparison.Ordinal);
        (code, output, err) = await Run(settings, "alerts");
        Assert.True(code == 0, err);
        Assert.StartsWith("alerts done: 0 emails sent; 0 made up with 0 studies for 1 subscribers due", Last(output), StringComparison.Ordinal);
        var mail = await MailDev.SettledAsync(address);
        Assert.Equal(2, mail.Count);
        Assert.Contains("(871001)", mail[1].Subject, StringComparison.Ordinal);

        (code, output, _) = await Run(settings, "alerts", "status");
        Assert.Equal(0, code);
        Assert.StartsWith("alerts status done: 1 sent, 0 waiting, 0 failed, 0 unconfirmed", Last(output), StringComparison.Ordinal);
        (code, output, _) = await Run(settings, "alerts", "list");
        Assert.Equal(0, code);
        Assert.Contains($"confirmed    immediate {address}: modality MRI; region Lumbar", output, StringComparison.Ordinal);
        Assert.Equal("alerts list done: 1 subscribers, 1 confirmed, 0 waiting for confirmation, 0 unsubscribed", Last(output));
        (code, output, _) = await Run(settings, "alerts", "list", "--json");
        Assert.Equal(0, code);
        Assert.Contains($"\"address\":\"{address}\"", output, StringComparison.Ordinal);

        (code, output, err) = await Run(settings, "alerts", "unsubscribe", UnsubscribeToken(mail[1]));
        Assert.True(code == 0, err);
        Assert.EndsWith("is unsubscribed and the address removed", Last(output), StringComparison.Ordinal);
    }
}
