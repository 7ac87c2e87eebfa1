using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Aid.Tests.Support;

/// <summary>
/// The real service as its own process, <c>dotnet Aid.Api.dll</c> from the test output (the test project references
/// Aid.Api, so its dll, deps and runtimeconfig are copied beside the tests), in a temporary working folder with its
/// own key file and SQLite database unless the test says otherwise. Inherited <c>Aid__*</c>, <c>ConnectionStrings__*</c>,
/// <c>AID_*</c>, <c>OTEL_*</c> and <c>ASPNETCORE_*</c> variables are dropped so the machine's settings cannot leak in.
/// Every wait is bounded; the process is killed when a wait runs out and on dispose.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private static readonly string[] DroppedPrefixes = ["Aid__", "ConnectionStrings__", "AID_", "OTEL_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Logging__"];

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process, string folder)
    {
        _process = process;
        Folder = folder;
    }

    /// <summary>The process's working folder (deleted on dispose).</summary>
    public string Folder { get; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Stderr's non-empty lines.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Starts <c>dotnet Aid.Api.dll</c> with <paramref name="args"/> and the environment: a SQLite file and a key file in the
    /// working folder, listening on a free loopback port, then <paramref name="environment"/> (a null value removes a variable).
    /// </summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var api = Path.Combine(AppContext.BaseDirectory, "Aid.Api.dll");
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Aid.Api.runtimeconfig.json")), $"{api} cannot run without its runtimeconfig");
        var folder = Directory.CreateTempSubdirectory("aid-process-").FullName;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(api);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (!args.Contains("--urls")) { start.ArgumentList.Add("--urls"); start.ArgumentList.Add("http://127.0.0.1:0"); }
        foreach (var name in start.Environment.Keys.Where(k => DroppedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(name);
        start.Environment["ConnectionStrings__Aid"] = $"Data Source={Path.Combine(folder, "aid.db")}";
        start.Environment["Aid__Crypto__KeyFile"] = Path.Combine(folder, "aid.key");
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0"; // as in this process (Aid.Tests.csproj)
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var service = new ServiceProcess(process, folder);
        process.OutputDataReceived += (_, e) => service.Received(e.Data, service._stdout, service._stdoutClosed, lines: true);
        process.ErrorDataReceived += (_, e) => service.Received(e.Data, service._stderr, service._stderrClosed, lines: false);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    private void Received(string? line, StringBuilder into, TaskCompletionSource closed, bool lines)
    {
        if (line is null)
        {
            closed.TrySetResult();
            _lineArrived.Release();
            return;
        }
        lock (into) into.Append(line).Append('\n');
        if (!lines) return;
        _lines.Enqueue(line);
        _lineArrived.Release();
    }

    /// <summary>Waits for the process to end by itself and returns its exit code; kills it and fails when it does not within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(5), cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"The service did not exit within {timeout.TotalSeconds:0} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        return _process.ExitCode;
    }

    /// <summary>The first stdout line that matches, waiting at most <paramref name="timeout"/>; fails (killing the process) otherwise.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            while (_lines.TryDequeue(out var line))
                if (match(line)) return line;
            if (_process.HasExited && _stdoutClosed.Task.IsCompleted && _lines.IsEmpty)
                Assert.Fail($"The service exited ({_process.ExitCode}) before printing the line waited for.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _lineArrived.WaitAsync(left, TestContext.Current.CancellationToken))
            {
                Kill();
                Assert.Fail($"The line waited for did not come within {timeout.TotalSeconds:0} s.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
        }
    }

    /// <summary>
    /// Waits for the line the service prints once it serves requests (<c>Aid is running: the console is at http://…/</c>:
    /// migrations, key check and bootstrap are done) and returns that base address.
    /// </summary>
    public async Task<Uri> WaitUntilRunningAsync(TimeSpan timeout)
    {
        var line = await WaitForLineAsync(l => l.StartsWith("Aid is running: the console is at http://", StringComparison.Ordinal), timeout);
        return new Uri(RunningAddress().Match(line).Value + "/");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"http://[^/\s]+")]
    private static partial System.Text.RegularExpressions.Regex RunningAddress();

    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // exited meanwhile
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (TimeoutException) { }
        _process.Dispose();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
