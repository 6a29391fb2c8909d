using System.Net.Sockets;
using System.Text.Json;
using MimeKit;

namespace SpineReview.Tests.Support;

/// <summary>
/// The real SMTP server the alert tests send to (maildev, from npm; scripts/test.sh starts it), and its REST API under /api to read
/// mail back: GET /api/email filtered by envelope recipient, then each message's raw source parsed with MimeKit. Every test
/// uses recipients of its own, so tests running at once never see each other's mail.
/// </summary>
internal static class MailDev
{
    public static int SmtpPort { get; } = Port("MAILDEV_SMTP_PORT", 1025);
    public static int WebPort { get; } = Port("MAILDEV_WEB_PORT", 1080);

    private static readonly HttpClient Http = new() { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}/"), Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Settings that send through maildev (no TLS, no login: a local test server).</summary>
    public static Dictionary<string, string?> Smtp(int? port = null) => new()
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = (port ?? SmtpPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Smtp:Security"] = "None",
        ["Smtp:FromAddress"] = "alerts@spine-review.test",
        ["Smtp:FromName"] = "SpineReview alerts",
        ["Smtp:TimeoutSeconds"] = "10",
        ["Alerts:PublicBaseUrl"] = "https://spine-review.test",
    };

    /// <summary>A recipient no other test uses.</summary>
    public static string NewAddress(string who = "reader") => $"{who}.{Guid.NewGuid():N}@example.org";

    /// <summary>Fails with instructions when maildev is not listening.</summary>
    public static void Require()
    {
        foreach (var port in new[] { SmtpPort, WebPort })
        {
            using var client = new TcpClient();
            try { client.Connect("127.0.0.1", port); }
            catch (SocketException)
            {
                throw new InvalidOperationException($"maildev is not listening on 127.0.0.1:{port}. Run the tests with scripts/test.sh, which starts it " +
                    "(or: node_modules/.bin/maildev --ip 127.0.0.1 --web-ip 127.0.0.1 --smtp 1025 --web 1080).");
            }
        }
    }

    /// <summary>Every message maildev holds for this recipient, oldest first, parsed from its raw source.</summary>
    public static async Task<List<MimeMessage>> MessagesAsync(string recipient)
    {
        var list = new List<MimeMessage>();
        using var response = await Http.GetAsync($"api/email?envelope.to.address={Uri.EscapeDataString(recipient)}");
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var ids = doc.RootElement.EnumerateArray()
            .OrderBy(e => e.GetProperty("time").GetDateTimeOffset())
            .Select(e => e.GetProperty("id").GetString()!).ToList();
        foreach (var id in ids)
        {
            await using var source = await Http.GetStreamAsync($"api/email/{Uri.EscapeDataString(id)}/source");
            var buffer = new MemoryStream();
            await source.CopyToAsync(buffer);
            buffer.Position = 0;
            list.Add(await MimeMessage.LoadAsync(buffer));
        }
        return list;
    }

    /// <summary>Waits until maildev holds at least <paramref name="count"/> messages for the recipient (it stores them just after accepting).</summary>
    public static async Task<List<MimeMessage>> WaitForAsync(string recipient, int count, double seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var list = await MessagesAsync(recipient);
            if (list.Count >= count || DateTime.UtcNow > until) return list;
            await Task.Delay(100);
        }
    }

    /// <summary>The messages for a recipient once nothing more has arrived for a moment: for tests that show no further mail came.</summary>
    public static async Task<List<MimeMessage>> SettledAsync(string recipient, double seconds = 1.5)
    {
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        return await MessagesAsync(recipient);
    }

    private static int Port(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out var p) && p is > 0 and < 65536 ? p : fallback;
}
