using System.Collections.Concurrent;
using System.Reflection;
using Aid.Tests.Support;
using Microsoft.Playwright;
using Xunit.v3;

namespace Aid.Tests.Browser;

/// <summary>
/// One test's page in Chromium: a fresh <see cref="IBrowserContext"/>, traced when asked for (AID_TEST_TRACE=1: every step and
/// the console; AID_TEST_TRACE_SNAPSHOTS=1 adds a DOM snapshot of every step and the network, AID_TEST_TRACE_SCREENSHOTS=1 a
/// screencast; either of those turns the trace on too).
/// <para>
/// Finished once the test's result is known: xunit v3 sets <c>TestContext.Current.TestState</c> only after the test method has
/// returned, so a <c>DisposeAsync</c> inside the test (<c>await using var session = …</c>) cannot tell a failure yet and leaves
/// the work to <see cref="BrowserArtifactsAttribute"/>, which runs right after the test with its result. A failed test gets
/// <c>artifacts/browser/&lt;Class&gt;.&lt;Method&gt;[engine].png</c> (full page), <c>.html</c> (the page's DOM as it was) and
/// <c>.zip</c> (the trace, when on: open it with
/// <c>pwsh bin/Debug/net10.0/playwright.ps1 show-trace FILE</c> or at trace.playwright.dev), printed in the test's output with
/// the page's console errors; a passing test's trace is discarded.
/// </para>
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>Every session not finished yet, with the unique id of the test that opened it (null outside a test).</summary>
    private static readonly ConcurrentDictionary<BrowserSession, string?> Open = new();

    private readonly string? _testId;
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private int _finished;

    private BrowserSession(IBrowserContext context, IPage page, string? testId)
    {
        Context = context;
        Page = page;
        _testId = testId;
        page.Console += (_, message) => { if (message.Type == "error") _pageErrors.Enqueue($"console: {message.Text}"); };
        page.PageError += (_, error) => _pageErrors.Enqueue($"uncaught: {error}");
    }

    /// <summary>Whether traces carry a screencast too (AID_TEST_TRACE_SCREENSHOTS=1); a failed test's full-page screenshot is taken either way.</summary>
    private static readonly bool TraceScreenshots = Environment.GetEnvironmentVariable("AID_TEST_TRACE_SCREENSHOTS") == "1";

    /// <summary>
    /// Whether traces carry a DOM snapshot of every step and the network log (AID_TEST_TRACE_SNAPSHOTS=1; Playwright records the
    /// network only with snapshots). Off by default: the page tests took 240 and 262 CPU-s without them against 271 and 279 with
    /// them; a failed test's final DOM is saved either way.
    /// </summary>
    private static readonly bool TraceSnapshots = Environment.GetEnvironmentVariable("AID_TEST_TRACE_SNAPSHOTS") == "1";

    /// <summary>
    /// Whether a trace is recorded at all (AID_TEST_TRACE=1, or either option above). Off by default: even without snapshots
    /// or screencast, recording every step cost the page tests about 30 CPU-s of about 255 (Pages and Browser namespaces:
    /// 209–247 CPU-s in four runs without, 249–269 in four with). A failed test's screenshot, final DOM, console errors and stack
    /// trace are kept either way; a failure to study step by step is run again with the trace on.
    /// </summary>
    private static readonly bool Trace = Environment.GetEnvironmentVariable("AID_TEST_TRACE") == "1" || TraceSnapshots || TraceScreenshots;

    public IBrowserContext Context { get; }
    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions of the page so far (a CSP refusal shows here too).</summary>
    public IReadOnlyCollection<string> PageErrors => _pageErrors;

    internal static async Task<BrowserSession> StartAsync(IBrowser browser, string? baseUrl, Engine? engine)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        try
        {
            context.SetDefaultTimeout(20_000);
            var test = TestContext.Current.Test;
            if (Trace) await context.Tracing.StartAsync(new TracingStartOptions
            {
                // The screencast (a JPEG of every frame) cost Chromium more CPU than the test itself, and the DOM snapshots of every
                // step about a tenth of the page tests' CPU, so both are on only when asked for (see the fields above).
                Screenshots = TraceScreenshots,
                Snapshots = TraceSnapshots,
                Title = test?.TestDisplayName ?? engine?.ToString(),
            });
            var session = new BrowserSession(context, await context.NewPageAsync(), test?.UniqueID);
            Open[session] = test?.UniqueID;
            return session;
        }
        catch
        {
            await context.CloseAsync();
            throw;
        }
    }

    /// <summary>Inside the running test: nothing yet (see the class summary). Elsewhere: closes the session, keeping nothing.</summary>
    public ValueTask DisposeAsync()
    {
        var current = TestContext.Current;
        if (_testId is not null && current.Test?.UniqueID == _testId && current.TestState is null) return ValueTask.CompletedTask;
        return new ValueTask(FinishAsync(failedAs: current.TestState?.Result == TestResult.Failed && current.Test is { } test ? ArtifactName(test) : null));
    }

    /// <summary>Closes the context; with <paramref name="failedAs"/>, first saves a screenshot and the trace under that name. Returns the lines to print.</summary>
    private async Task<IReadOnlyList<string>> FinishAsync(string? failedAs)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 1) return [];
        Open.TryRemove(this, out _);
        var lines = new List<string>();
        try
        {
            if (failedAs is null)
            {
                if (Trace) await Context.Tracing.StopAsync();
                return lines;
            }
            var folder = Path.Combine(RepositoryRoot(), "artifacts", "browser");
            Directory.CreateDirectory(folder);
            var screenshot = Path.Combine(folder, failedAs + ".png");
            var trace = Path.Combine(folder, failedAs + ".zip");
            var html = Path.Combine(folder, failedAs + ".html");
            try
            {
                await Page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true, Timeout = 5_000 });
                lines.Add($"Screenshot of the failed page ({Page.Url}): {screenshot}");
            }
            catch (PlaywrightException e)
            {
                lines.Add($"No screenshot of the failed page ({Page.Url}): {e.Message.Split('\n')[0]}");
            }
            try
            {
                await File.WriteAllTextAsync(html, await Page.ContentAsync().WaitAsync(TimeSpan.FromSeconds(5)));
                lines.Add($"The failed page's DOM: {html}");
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException or IOException)
            {
                lines.Add($"No DOM of the failed page: {e.Message.Split('\n')[0]}");
            }
            if (Trace)
            {
                await Context.Tracing.StopAsync(new TracingStopOptions { Path = trace });
                lines.Add($"Playwright trace: {trace} (pwsh playwright.ps1 show-trace, or drop it on trace.playwright.dev)");
            }
            else lines.Add("No Playwright trace: run the test again with AID_TEST_TRACE=1 for one.");
            lines.AddRange(_pageErrors.Select(e => "Page " + e));
        }
        catch (PlaywrightException e)
        {
            lines.Add($"Closing the browser session failed: {e.Message.Split('\n')[0]}");
        }
        finally
        {
            try { await Context.CloseAsync(); } catch (PlaywrightException) { } // the browser is gone already
        }
        return lines;
    }

    /// <summary>Called by <see cref="BrowserArtifactsAttribute"/> after each test, when <c>TestContext.Current.TestState</c> holds its result.</summary>
    internal static void FinishTest(IXunitTest test)
    {
        var sessions = Open.Where(s => s.Value == test.UniqueID).Select(s => s.Key).ToList();
        if (sessions.Count == 0) return;
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        var name = ArtifactName(test);
        // After() is synchronous; Task.Run keeps Playwright's continuations off this (possibly single-threaded) context.
        var lines = Task.Run(async () =>
        {
            var all = new List<string>();
            for (var i = 0; i < sessions.Count; i++)
                all.AddRange(await sessions[i].FinishAsync(failed ? (i == 0 ? name : $"{name}-{i + 1}") : null));
            return all;
        }).GetAwaiter().GetResult();
        foreach (var line in lines) TestContext.Current.TestOutputHelper?.WriteLine(line);
    }

    /// <summary>Sessions no test finished (a test that timed out), closed as the browser closes.</summary>
    internal static async Task CloseAllAsync()
    {
        foreach (var session in Open.Keys.ToList()) await session.FinishAsync(failedAs: null);
    }

    /// <summary><c>Class.Method[arguments]</c>, e.g. <c>BenchTests.Verify_page_renders[Sqlite]</c>, safe as a file name.</summary>
    private static string ArtifactName(Xunit.Sdk.ITest test)
    {
        var arguments = (test as IXunitTest)?.TestMethodArguments ?? [];
        var name = $"{test.TestCase.TestClassSimpleName}.{test.TestCase.TestMethodName}"
            + (arguments.Length > 0 ? $"[{string.Join(',', arguments.Select(a => a?.ToString() ?? "null"))}]" : "");
        var invalid = Path.GetInvalidFileNameChars();
        return new string(name.Select(c => invalid.Contains(c) || char.IsWhiteSpace(c) ? '_' : c).ToArray());
    }

    /// <summary>The folder holding Aid.sln, above the test binaries.</summary>
    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Aid.sln"))) return folder.FullName;
        throw new InvalidOperationException($"No Aid.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// On the assembly (see <see cref="BrowserFixture"/>): after every test, finishes the browser sessions it opened, now that
/// <c>TestContext.Current.TestState</c> says whether it failed. Costs a dictionary look-up for tests without a browser.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class BrowserArtifactsAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test) => BrowserSession.FinishTest(test);
}
