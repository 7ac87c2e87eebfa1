using System.Diagnostics;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(BrowserFixture))]
[assembly: BrowserArtifacts]

namespace Aid.Tests.Browser;

/// <summary>
/// Assembly fixture: one headless Chromium (Debian's chromium-headless-shell, driven by the Playwright driver bundled in the NuGet
/// package; nothing is downloaded) for the whole test run, launched on the first <see cref="NewSessionAsync"/> so a run without browser tests
/// never starts it. Take it as a constructor parameter: <c>public sealed class MyPageTests(KestrelEngineApps apps, BrowserFixture browser)</c>.
/// </summary>
public sealed class BrowserFixture : IAsyncDisposable
{
    /// <summary>
    /// The headless build of Debian's Chromium: the same Blink and V8 as /usr/bin/chromium, without the desktop browser that
    /// /usr/bin/chromium runs even when headless. The page tests took 314 CPU-seconds of Chromium with that and 149 with this.
    /// </summary>
    public const string ChromiumPath = "/usr/bin/chromium-headless-shell";

    private readonly Lazy<Task<IBrowser>> _browser;
    private IPlaywright? _playwright;
    private bool _launchReported;

    public BrowserFixture() => _browser = new(LaunchAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How long starting the Playwright driver and launching Chromium took (null before the first session).</summary>
    public TimeSpan? DriverStartTime { get; private set; }
    public TimeSpan? LaunchTime { get; private set; }

    /// <summary>
    /// A fresh browser context (no cookies or storage shared with other tests) with one page, its base URL the app's address
    /// (so <c>page.GotoAsync("/verify/…")</c> works), locale zh-CN (navigator.language and Accept-Language), China's time zone,
    /// and a Playwright trace running. Once the test is over the session is closed; if the test failed, a full-page screenshot and
    /// the trace are saved under artifacts/browser/ and their paths printed in the test's output (see <see cref="BrowserSession"/>).
    /// <paramref name="app"/> must run on Kestrel (<see cref="KestrelEngineApps"/>); without one the page has no base URL
    /// (for <c>page.SetContentAsync</c>).
    /// </summary>
    public async Task<BrowserSession> NewSessionAsync(AidApp? app = null)
    {
        var baseUrl = app?.BaseAddress.ToString(); // throws with the reason for a TestServer app, before Chromium starts
        var browser = await _browser.Value;
        if (!_launchReported)
        {
            _launchReported = true;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"Chromium {browser.Version} launched in {LaunchTime!.Value.TotalMilliseconds:0} ms (Playwright driver started in {DriverStartTime!.Value.TotalMilliseconds:0} ms).");
        }
        return await BrowserSession.StartAsync(browser, baseUrl, app?.Engine);
    }

    private async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Browser tests need Chromium at {ChromiumPath} (Debian's chromium-headless-shell package) and a CJK font: "
                + "run scripts/test.sh, which installs both (or apt-get install chromium-headless-shell fonts-wqy-microhei).");
        var watch = Stopwatch.StartNew();
        _playwright = await Playwright.CreateAsync();
        DriverStartTime = watch.Elapsed;
        watch.Restart();
        var browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // No --user-data-dir: Playwright gives every launch a temporary profile, and each context is incognito-like anyway.
            // Only loopback is reachable: every other host resolves to nothing, so a page that reaches out fails at once, not on a timeout.
            Args = ["--disable-gpu", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
            Timeout = 30_000,
        });
        LaunchTime = watch.Elapsed;
        // Generous waits: they cost nothing when a test passes, and on two cores shared with the rest of the suite a page can
        // take several seconds to answer; a real failure still ends the test, with its screenshot and trace.
        Assertions.SetDefaultExpectTimeout(15_000);
        return browser;
    }

    public async ValueTask DisposeAsync()
    {
        await BrowserSession.CloseAllAsync(); // sessions a timed-out test never finished
        if (_browser.IsValueCreated && _browser.Value.IsCompletedSuccessfully) await (await _browser.Value).CloseAsync();
        _playwright?.Dispose();
    }
}
