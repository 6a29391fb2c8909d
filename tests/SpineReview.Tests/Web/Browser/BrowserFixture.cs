using Microsoft.Playwright;
using Xunit;

namespace SpineReview.Tests.Web.Browser;

/// <summary>
/// One headless Debian chromium for every browser test, driven by Playwright (its driver ships in the NuGet package; the browser
/// is never downloaded). Each test opens its own contexts, one per person, so sessions and cookies are separate.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>SPINE_REVIEW_CHROMIUM, or where Debian's package puts it.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("SPINE_REVIEW_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser did not start (see the first failure)");

    public async Task InitializeAsync()
    {
        // Not a skip: scripts/test.sh installs chromium, so a missing browser is a broken set-up that must fail loudly.
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"chromium is not at {ChromiumPath}: the browser tests drive Debian's chromium. Run the tests with scripts/test.sh (it installs it), " +
                "or install it yourself (sudo apt-get install chromium), or set SPINE_REVIEW_CHROMIUM to a chromium executable.");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Containers and CI run as root, where chromium refuses its sandbox; /dev/shm is small there.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>The browser tests share one chromium and run one after another (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
