using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using SpineReview.Alerts;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Alerts;

/// <summary>The pure parts of alerts: address and header checks, filters, tokens, schedules, the composer and the MIME message.</summary>
public class AlertRulesTests
{
    [Theory]
    [InlineData(" Jane.Doe@Example.ORG ", "Jane.Doe@example.org")]
    [InlineData("a+alerts@sub.example.co.uk", "a+alerts@sub.example.co.uk")]
    [InlineData("o'brien_j@hospital-1.example.ie", "o'brien_j@hospital-1.example.ie")]
    public void Address_Valid_ReturnedAsItWillBeUsed(string given, string expected) =>
        Assert.Equal(expected, MailRules.Address(given));

    [Theory]
    [InlineData("", "give an email address")]
    [InlineData("jane", "needs one @")]
    [InlineData("jane@", "needs one @")]
    [InlineData("@example.org", "needs one @")]
    [InlineData("jane@@example.org", "needs one @")]
    [InlineData("jane doe@example.org", "contains a space")]
    [InlineData("Jane<jane@example.org>", "without a name, angle brackets")]
    [InlineData("jane@example.org, eve@example.org", "contains a space")]
    [InlineData("jane@example.org,eve@example.org", "a second address")]
    [InlineData("jane..doe@example.org", "no two dots together")]
    [InlineData(".jane@example.org", "no dot at either end")]
    [InlineData("jane@localhost", "needs a name and a top-level domain")]
    [InlineData("jane@-example.org", "not a domain mail can be sent to")]
    [InlineData("jane@example.c", "not a domain mail can be sent to")]
    [InlineData("jane@exa_mple.org", "not a domain mail can be sent to")]
    public void Address_Invalid_RejectedSayingWhatIsWrong(string given, string says)
    {
        var e = Assert.Throws<AlertRejectedException>(() => MailRules.Address(given));
        Assert.Equal(400, e.Status);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Address_TooLong_Rejected()
    {
        var e = Assert.Throws<AlertRejectedException>(() => MailRules.Address(new string('a', 65) + "@example.org"));
        Assert.Contains("at most 64", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<AlertRejectedException>(() => MailRules.Address("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ".org"));
        Assert.Contains("at most 254", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("jane@example.org\r\nBcc: everyone@example.org", "CR")]
    [InlineData("jane@example.org\nBcc: everyone@example.org", "LF")]
    [InlineData("jane@example.org\u2028Bcc: everyone@example.org", "a Unicode line separator")]
    public void Address_WithLineBreak_RejectedAsHeaderInjection(string given, string which)
    {
        var e = Assert.Throws<AlertRejectedException>(() => MailRules.Address(given));
        Assert.Contains($"contains a line break ({which})", e.Message, StringComparison.Ordinal);
        Assert.Contains("header injection", e.Message, StringComparison.Ordinal);
        Assert.Contains("Remove the line break", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_WithLineBreak_Rejected_PlainNameKept()
    {
        var e = Assert.Throws<AlertRejectedException>(() => MailRules.Name("Jane\r\nBcc: everyone@example.org"));
        Assert.Contains("the name contains a line break (CR) at character 5", e.Message, StringComparison.Ordinal);
        Assert.Equal("Jane Doe", MailRules.Name("  Jane Doe "));
        Assert.Null(MailRules.Name("   "));
        Assert.Contains("keep it to 100", Assert.Throws<AlertRejectedException>(() => MailRules.Name(new string('x', 101))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageBuilder_SubjectWithLineBreak_Rejected()
    {
        var mail = new ComposedMail("New study\r\nBcc: everyone@example.org", "text", "<p>html</p>");
        var e = Assert.Throws<AlertRejectedException>(() => MessageBuilder.Build(mail, new MailboxAddress("A", "a@example.org"), new MailboxAddress("", "b@example.org"),
            "id@example.org", AlertTestKit.T0, "https://x.test/u", "L <l.x.test>"));
        Assert.StartsWith("the subject contains a line break (CR)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flatten_TitleFromASource_LineBreaksBecomeSpaces()
    {
        Assert.Equal("Deep learning on spine MRI", MailRules.Flatten("Deep learning\r\n on\tspine MRI\n", 100));
        Assert.Equal("abcd…", MailRules.Flatten("abcdefgh", 5));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSpineReview(configuration).BuildServiceProvider();
    }

    [Theory]
    [InlineData("Alerts:SubjectPrefix", "[Spine]\r\nBcc: x@example.org", "Setting Alerts:SubjectPrefix must be one line")]
    [InlineData("Alerts:DailyAt", "7 am", "Setting Alerts:DailyAt must be a time as HH:mm")]
    [InlineData("Alerts:SubjectPrefix", "[Spine]\u2028Bcc: x@example.org", "Setting Alerts:SubjectPrefix must be one line")]
    [InlineData("Alerts:SubjectPrefix", "[Spine]\u0085Bcc: x@example.org", "Setting Alerts:SubjectPrefix must be one line")]
    [InlineData("Alerts:PublicBaseUrl", "spine-review.example.org", "Setting Alerts:PublicBaseUrl must be the app's absolute https address")]
    [InlineData("Alerts:PublicBaseUrl", "http://spine-review.example.org", "Setting Alerts:PublicBaseUrl must start with https://: one-click unsubscribe (RFC 8058)")]
    [InlineData("Alerts:MaxAttempts", "0", "Setting Alerts:MaxAttempts must be between 1 and 20")]
    public void AlertOptions_Invalid_SayWhichSettingAndWhatToGive(string key, string value, string says)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Services(new() { [key] = value }).GetRequiredService<IOptions<AlertOptions>>().Value);
        Assert.Contains(says, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpOptions_Invalid_SayWhichSettingAndWhatToGive()
    {
        Dictionary<string, string?> Base() => new() { ["Smtp:Host"] = "smtp.example.org", ["Smtp:FromAddress"] = "alerts@example.org" };
        string Error(Dictionary<string, string?> s) =>
            Assert.Throws<OptionsValidationException>(() => Services(s).GetRequiredService<IOptions<SmtpOptions>>().Value).Message;

        var s = Base(); s["Smtp:FromName"] = "Alerts\nBcc: x@example.org";
        Assert.Contains("Setting Smtp:FromName must be one line", Error(s), StringComparison.Ordinal);
        s = Base(); s["Smtp:FromAddress"] = "not an address";
        Assert.Contains("Setting Smtp:FromAddress must be the sender's email address", Error(s), StringComparison.Ordinal);
        s = Base(); s["Smtp:Security"] = "None"; s["Smtp:Username"] = "user";
        Assert.Contains("the password would cross the network unencrypted", Error(s), StringComparison.Ordinal);
        s = Base(); s["Smtp:Port"] = "0";
        Assert.Contains("Setting Smtp:Port must be between 1 and 65535", Error(s), StringComparison.Ordinal);
        // The rule mail is made up with: Unicode line breaks too.
        foreach (var separator in new[] { "\u2028", "\u2029", "\u0085" })
        {
            s = Base(); s["Smtp:FromName"] = $"Alerts{separator}Bcc: x@example.org";
            Assert.Contains("Setting Smtp:FromName must be one line", Error(s), StringComparison.Ordinal);
        }
        // Auto falls back to no TLS when STARTTLS is not offered: with a login, refused.
        s = Base(); s["Smtp:Security"] = "Auto"; s["Smtp:Username"] = "user"; s["Smtp:Password"] = "secret";
        Assert.Contains("Setting Smtp:Security is Auto with a user name", Error(s), StringComparison.Ordinal);
        s = Base(); s["Smtp:Username"] = "user";
        Assert.Contains("Setting Smtp:Username is set and Smtp:Password is not", Error(s), StringComparison.Ordinal);
        s = Base(); s["Smtp:Security"] = "StartTls"; s["Smtp:Username"] = "user"; s["Smtp:Password"] = "secret";
        Assert.True(Services(s).GetRequiredService<IOptions<SmtpOptions>>().Value.Configured);
        // Nothing set: alerts are off, and that is valid.
        Assert.False(Services([]).GetRequiredService<IOptions<SmtpOptions>>().Value.Configured);
    }

    private static string AlertsError(Dictionary<string, string?> s) =>
        Assert.Throws<OptionsValidationException>(() => Services(s).GetRequiredService<IOptions<AlertOptions>>().Value).Message;

    [Fact]
    public void PublicBaseUrl_HttpsRequired_ExceptForLoopback_AndRequiredWhenMailGoesToARealServer()
    {
        foreach (var local in new[] { "http://localhost:7071", "http://127.0.0.1:7071/", "http://[::1]:7071", "https://spine-review.example.org" })
            Assert.Equal(local, Services(new() { ["Alerts:PublicBaseUrl"] = local }).GetRequiredService<IOptions<AlertOptions>>().Value.PublicBaseUrl);

        // A real SMTP server and no public address: refused, saying what to set.
        Dictionary<string, string?> real = new() { ["Smtp:Host"] = "smtp.azurecomm.net", ["Smtp:FromAddress"] = "alerts@example.org" };
        Assert.Contains("set Alerts__PublicBaseUrl to the app's public https address", AlertsError(real), StringComparison.Ordinal);
        real["Alerts:PublicBaseUrl"] = "https://spine-review.example.org";
        Assert.Equal("https://spine-review.example.org/api/alerts/unsubscribe?token=t",
            Services(real).GetRequiredService<AlertLinks>().Unsubscribe("t"));

        // Mail to a server on this machine (tests, local runs): the local address is used.
        Dictionary<string, string?> local2 = new() { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = "1025", ["Smtp:Security"] = "None", ["Smtp:FromAddress"] = "alerts@example.org" };
        Assert.Equal("http://localhost:7071/api/alerts/confirm?token=t", Services(local2).GetRequiredService<AlertLinks>().Confirm("t"));
    }

    [Fact]
    public void SendingLease_ShorterThanTwiceTheSmtpTimeout_Refused()
    {
        Dictionary<string, string?> s = new() { ["Smtp:TimeoutSeconds"] = "600", ["Alerts:SendingLeaseMinutes"] = "15" };
        Assert.Contains("Setting Alerts:SendingLeaseMinutes must be at least twice Smtp:TimeoutSeconds", AlertsError(s), StringComparison.Ordinal);
        s["Alerts:SendingLeaseMinutes"] = "20";
        Assert.Equal(20, Services(s).GetRequiredService<IOptions<AlertOptions>>().Value.SendingLeaseMinutes);
    }

    [Fact]
    public async Task BadAlertSettings_StopTheAlertsWithTheSettingNamed_NotTheHost()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1", ["Smtp:Security"] = "None", ["Smtp:FromAddress"] = "alerts@example.org", ["Smtp:FromName"] = "Alerts\u2028Bcc: x@example.org",
            // The host starts for real: its storage is made (on Azurite, under a prefix of the test's own) as a host's is.
            [SpineReview.Storage.StorageClients.Setting] = TestHost.Azurite, ["Storage:Prefix"] = TestHost.NewPrefix(),
        });
        builder.Services.AddSpineReview(builder.Configuration);
        using var host = builder.Build();
        // The harvest, screening and report run on: the host starts.
        await host.StartAsync();
        // The alerts refuse to run, naming the setting.
        var e = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<SmtpOptions>>().Value);
        Assert.Contains("Setting Smtp:FromName must be one line", e.Message, StringComparison.Ordinal);
        await host.StopAsync();
        var storage = host.Services.GetRequiredService<SpineReview.Storage.StorageClients>();
        foreach (var t in storage.Names.Tables) await storage.Tables.DeleteTableAsync(t);
        foreach (var q in storage.Names.Queues.Concat(storage.Names.PoisonQueues)) await storage.Queue(q).DeleteIfExistsAsync();
        foreach (var c in storage.Names.Containers) await storage.Container(c).DeleteIfExistsAsync();
    }

    [Fact]
    public void Filters_ParseAndMatch_OrWithinAFieldAndAcrossFields()
    {
        var f = AlertFilters.Parse(["mri", "CT"], ["lumbar"], null, null);
        Assert.Equal(["MRI", "CT"], f.Modality);
        Assert.Equal(["Lumbar"], f.Region);
        Assert.Equal("modality MRI or CT; region Lumbar", f.Describe());
        Dictionary<string, IReadOnlyList<string>> Study(string modality, string region) => new() { ["modality"] = [modality], ["region"] = [region, "Sacral"] };
        Assert.True(f.Matches(Study("CT", "Lumbar")));
        Assert.False(f.Matches(Study("CT", "Cervical")));
        Assert.False(f.Matches(Study("Radiograph", "Lumbar")));
        Assert.False(f.Matches(new Dictionary<string, IReadOnlyList<string>>()));
        Assert.True(AlertFilters.All.Matches(new Dictionary<string, IReadOnlyList<string>>()));
        Assert.Equal("every eligible study", AlertFilters.All.Describe());
        Assert.Equal(["MRI", "CT"], AlertFilters.Parse(["MRI,CT"], null, null, null).Modality);
    }

    [Fact]
    public void Filters_UnknownValue_RejectedListingTheFormsValues()
    {
        var e = Assert.Throws<AlertRejectedException>(() => AlertFilters.Parse(["PET"], null, null, null));
        Assert.Equal("modality \"PET\" is not a value of the charting form; use one of MRI, CT, Radiograph, Ultrasound, DEXA, Fluoroscopy, Other (or none for all)", e.Message);
        Assert.Contains("region \"Neck\"", Assert.Throws<AlertRejectedException>(() => AlertFilters.Parse(null, ["Neck"], null, null)).Message, StringComparison.Ordinal);
        Assert.Contains("frequency \"hourly\" is not one of immediate, daily, weekly",
            Assert.Throws<AlertRejectedException>(() => AlertPreferences.ParseFrequency("hourly")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_RandomSecrets_StrictShape_ConstantTimeCompare()
    {
        var secrets = Enumerable.Range(0, 200).Select(_ => AlertTokens.NewSecret()).ToList();
        Assert.Equal(200, secrets.Distinct(StringComparer.Ordinal).Count());
        Assert.All(secrets, s => Assert.Equal(43, s.Length));
        // Subscriber ids are random (nothing to derive from an address); the address index key is its SHA-256, any letter case.
        var ids = Enumerable.Range(0, 200).Select(_ => AlertTokens.NewSubscriberId()).ToList();
        Assert.Equal(200, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, i => Assert.Matches("^[0-9a-f]{32}$", i));
        Assert.Equal(AlertTokens.AddressKey("jane@example.org"), AlertTokens.AddressKey("Jane@Example.org"));
        Assert.Matches("^[0-9a-f]{64}$", AlertTokens.AddressKey("jane@example.org"));
        var id = ids[0];
        var token = AlertTokens.Token(id, secrets[0]);
        Assert.True(AlertTokens.TryParse(token, out var parsedId, out var parsedSecret));
        Assert.Equal((id, secrets[0]), (parsedId, parsedSecret));
        foreach (var bad in new[] { "", token[..^1], token + "x", token.Replace('.', '-'), token.ToUpperInvariant(), token[..40] + "%" + token[41..] })
            Assert.False(AlertTokens.TryParse(bad, out _, out _), bad);
        Assert.True(AlertTokens.Same(secrets[0], secrets[0]));
        Assert.False(AlertTokens.Same(secrets[0], secrets[1]));
        Assert.False(AlertTokens.Same(secrets[0], null));
        Assert.Equal(token[..8] + "…", AlertTokens.Redact(token));
    }

    [Fact]
    public void Schedule_DailyAndWeeklySlots_DueOncePerSlot()
    {
        var at = new TimeOnly(7, 0);
        var monday0930 = AlertTestKit.T0.AddMinutes(30);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero), DigestSchedule.LastSlot(AlertFrequency.Daily, monday0930, at, DayOfWeek.Monday));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 7, 0, 0, TimeSpan.Zero), DigestSchedule.LastSlot(AlertFrequency.Daily, new DateTimeOffset(2026, 11, 2, 6, 59, 0, TimeSpan.Zero), at, DayOfWeek.Monday));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero), DigestSchedule.LastSlot(AlertFrequency.Weekly, new DateTimeOffset(2026, 11, 8, 23, 0, 0, TimeSpan.Zero), at, DayOfWeek.Monday));
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 7, 0, 0, TimeSpan.Zero), DigestSchedule.LastSlot(AlertFrequency.Weekly, new DateTimeOffset(2026, 11, 2, 6, 0, 0, TimeSpan.Zero), at, DayOfWeek.Monday));
        Assert.Equal(new DateTimeOffset(2026, 10, 30, 7, 0, 0, TimeSpan.Zero), DigestSchedule.LastSlot(AlertFrequency.Weekly, monday0930, at, DayOfWeek.Friday));

        // Confirmed Monday 09:00: the first daily digest is due from Tuesday 07:00, and once per day after that.
        var s = new Subscriber("id", "a@example.org", null, SubscriberStatus.Confirmed, new AlertPreferences(AlertFilters.All, AlertFrequency.Daily), null,
            AlertTestKit.T0, AlertTestKit.T0, AlertTestKit.T0, null, AlertTestKit.T0, null, null, true, null, "x", default);
        Assert.False(DigestSchedule.Due(s, AlertTestKit.T0.AddHours(12), at, DayOfWeek.Monday));
        Assert.True(DigestSchedule.Due(s, AlertTestKit.T0.AddHours(22), at, DayOfWeek.Monday));
        Assert.False(DigestSchedule.Due(s with { DigestCursor = AlertTestKit.T0.AddHours(22) }, AlertTestKit.T0.AddHours(30), at, DayOfWeek.Monday));
        Assert.True(DigestSchedule.Due(s with { Preferences = s.Preferences with { Frequency = AlertFrequency.Immediate } }, AlertTestKit.T0, at, DayOfWeek.Monday));
    }

    private static DigestStudy Study(AlertLabel label = AlertLabel.Included, string title = "Deep learning grading of lumbar disc degeneration on MRI") =>
        new("pubmed:1", title, ["Okafor N", "Lindqvist E", "Tanaka H", "Moreau P"], "European Spine Journal", 2026, "10.5555/spine.1", label,
            new Dictionary<string, IReadOnlyList<string>>
            {
                ["modality"] = ["MRI"], ["region"] = ["Lumbar"], ["condition"] = ["Degenerative"], ["task"] = ["Classification"], ["architectures"] = ["ResNet"],
                ["subjects"] = ["515"], ["externalValidation"] = ["false"], ["application"] = ["Diagnostic"], ["dlMethod"] = ["CNN"],
            },
            label == AlertLabel.Included ? "meets the protocol's criteria: test; 2 reviewers included it independently." : "the screening model gives it 0.91");

    private static DigestContext Context(AlertFrequency frequency = AlertFrequency.Immediate) =>
        new("Jane", new AlertPreferences(AlertFilters.Parse(["MRI"], null, null, null), frequency), "https://x.test/api/alerts/unsubscribe?token=t",
            "https://x.test/api/reports/latest", "[SpineReview]");

    [Fact]
    public void Digest_BothParts_CarryEveryDetailOfTheStudy()
    {
        var mail = DigestComposer.Digest([Study()], Context());
        Assert.Equal("[SpineReview] New eligible study: Deep learning grading of lumbar disc degeneration on MRI", mail.Subject);
        foreach (var part in new[] { mail.Text, mail.Html })
        {
            foreach (var expected in new[]
            {
                "Deep learning grading of lumbar disc degeneration on MRI", "Okafor N, Lindqvist E, Tanaka H et al. (4 authors)", "European Spine Journal, 2026",
                "https://doi.org/10.5555/spine.1", "Modality", "MRI", "Region", "Lumbar", "Condition", "Degenerative", "Task", "Classification",
                "Architectures", "ResNet", "Subjects", "515", "External validation", "Why included:", "2 reviewers included it independently",
                "https://x.test/api/reports/latest", "https://x.test/api/alerts/unsubscribe?token=t", "Hello Jane", "modality MRI",
            })
                Assert.Contains(expected, part, StringComparison.Ordinal);
        }
        Assert.Contains("<a href=\"https://doi.org/10.5555/spine.1\">", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(DigestComposer.LikelyLabel, mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_LikelyEligible_LabelledInBothPartsAndTheSubject()
    {
        var mail = DigestComposer.Digest([Study(), Study(AlertLabel.LikelyEligible, "A second study")], Context(AlertFrequency.Daily));
        Assert.Equal("[SpineReview] Daily digest: 2 newly eligible studies (1 not yet confirmed)", mail.Subject);
        Assert.Contains("[LIKELY ELIGIBLE, NOT YET CONFIRMED] A second study", mail.Text, StringComparison.Ordinal);
        Assert.Contains(DigestComposer.LikelyLabel, mail.Html, StringComparison.Ordinal);
        Assert.Contains("Why listed: the screening model gives it 0.91", mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Digest_MarkupInATitle_IsEscapedInHtml_AndLineBreaksFlattenedInTheSubject()
    {
        var mail = DigestComposer.Digest([Study(title: "<script>alert(1)</script>\r\nBcc: x@example.org")], Context());
        Assert.DoesNotContain("<script>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.DoesNotContain('\r', mail.Subject);
    }

    [Fact]
    public void Why_FromChartedValuesAndHowItWasSettled_NeverNamesAReviewer()
    {
        var charted = new Dictionary<string, IReadOnlyList<string>>
        {
            ["dlMethod"] = ["CNN"], ["architectures"] = ["U-Net"], ["modality"] = ["CT"], ["region"] = ["Cervical", "Thoracic", "Lumbar"], ["application"] = ["Diagnostic"],
        };
        Assert.Equal("meets the protocol's criteria: deep learning (CNN, U-Net) on CT of the cervical, thoracic and lumbar spine, for diagnosis; 2 reviewers included it independently.",
            DigestComposer.Why(AlertLabel.Included, charted, "2 reviewers agreed", 0.7, 0.5));
        var resolved = DigestComposer.Why(AlertLabel.Included, charted, "resolved by jane.doe@hospital.example", 0.7, 0.5);
        Assert.Contains("a third reviewer included it", resolved, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", resolved, StringComparison.Ordinal);
        Assert.StartsWith("the screening model gave it 0.91 when this email was sent, at or above the 0.50 threshold", DigestComposer.Why(AlertLabel.LikelyEligible, charted, null, 0.912, 0.5), StringComparison.Ordinal);
    }

    [Fact]
    public void Message_HasBothPartsOneClickUnsubscribeHeadersAndTheGivenMessageId()
    {
        var mail = DigestComposer.Digest([Study()], Context());
        var message = MessageBuilder.Build(mail, new MailboxAddress("SpineReview alerts", "alerts@example.org"), new MailboxAddress("Jane", "jane@example.org"),
            "20261102090000000-ab12cd34.0123456789ab@example.org", AlertTestKit.T0, "https://x.test/api/alerts/unsubscribe?token=t", "SpineReview alerts <alerts.x.test>");
        Assert.Equal("<https://x.test/api/alerts/unsubscribe?token=t>", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("20261102090000000-ab12cd34.0123456789ab@example.org", message.MessageId);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Equal(mail.Text.ReplaceLineEndings(), message.TextBody!.ReplaceLineEndings());
    }
}
