using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Aid.Benchmarks;

/// <summary>
/// P5's load generator, run as a child process (<c>--child read-load</c>) so its threads, timers and garbage do not share the
/// service's runtime: first a closed loop of 8 clients finds the maximum rate, then an open loop sends at 70 % of it for the
/// given time, whatever the answers do, and the latencies are measured from each request's scheduled moment (so a stalled
/// generator or service counts against the service, not hidden).
/// </summary>
public static class ReadLoad
{
    public static async Task<string> Run(string url, string key, double seconds)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromMinutes(1),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        async Task<bool> Get(int c, long i)
        {
            using var response = await client.GetAsync(url);
            await response.Content.LoadIntoBufferAsync();
            return response.IsSuccessStatusCode;
        }
        var (_, warm, _) = await Load.Closed(8, TimeSpan.FromSeconds(2), Get);
        var (max, measured, failed) = await Load.Closed(8, TimeSpan.FromSeconds(Math.Max(3, seconds / 2)), Get);
        if (max <= 0 || failed > 0)
        {
            using var probe = await client.GetAsync(url);
            throw new InvalidOperationException($"{failed} failed reads: {(int)probe.StatusCode} {await probe.Content.ReadAsStringAsync()}");
        }
        var rate = max * 0.7;
        var (latencies, fromSend) = await Open(rate, TimeSpan.FromSeconds(seconds), async () =>
        {
            using var response = await client.GetAsync(url);
            await response.Content.LoadIntoBufferAsync();
            return response.IsSuccessStatusCode;
        });
        latencies.Sort();
        fromSend.Sort();
        return JsonSerializer.Serialize(new
        {
            max, rate, count = latencies.Count, served = warm + measured + latencies.Count, p50 = latencies[latencies.Count / 2], p90 = latencies[(int)(latencies.Count * 0.9)],
            p99 = latencies[(int)(latencies.Count * 0.99)], top = latencies[^1],
            sentP50 = fromSend[fromSend.Count / 2], sentP99 = fromSend[(int)(fromSend.Count * 0.99)],
        });
    }

    /// <summary>Requests at a fixed rate; each latency runs from the moment the request was due.</summary>
    private static async Task<(List<double> FromDue, List<double> FromSend)> Open(double perSecond, TimeSpan duration, Func<Task<bool>> request)
    {
        var latencies = new List<double>();
        var fromSend = new List<double>();
        var pending = new List<Task>();
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var failed = 0;
        for (var n = 0; ; n++)
        {
            var due = start + (long)(interval * n);
            if (due - start > duration.TotalSeconds * Stopwatch.Frequency) break;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            pending.Add(Task.Run(async () =>
            {
                var sent = Stopwatch.GetTimestamp();
                var ok = await request();
                var end = Stopwatch.GetTimestamp();
                if (!ok) Interlocked.Increment(ref failed);
                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(due, end).TotalMilliseconds);
                    fromSend.Add(Stopwatch.GetElapsedTime(sent, end).TotalMilliseconds);
                }
            }));
        }
        await Task.WhenAll(pending);
        if (failed > 0) throw new InvalidOperationException($"{failed} reads failed under the open loop.");
        return (latencies, fromSend);
    }

    /// <summary>
    /// Starts the generator (this program with <c>--child read-load</c>) and returns its JSON line. The generator always runs
    /// with the default workstation GC: DOTNET_gc* variables set for the service under test are not passed on.
    /// </summary>
    public static async Task<JsonElement> Start(string url, string key, double seconds)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(ReadLoad).Assembly.Location);
        foreach (var a in new[] { "--child", "read-load", "--url", url, "--key", key, "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_gc", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_GC", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"read-load failed: {await error}");
        return JsonDocument.Parse((await output).Trim().Split('\n')[^1]).RootElement.Clone();
    }

    /// <summary>The donor with the most gifts in a generated database (P5's list), for a P5 run on a database kept from an earlier P4.</summary>
    public static Guid BusiestDonor(string file)
    {
        using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT donor_id FROM gifts GROUP BY donor_id ORDER BY COUNT(*) DESC LIMIT 1";
        return Guid.Parse((string)command.ExecuteScalar()!);
    }
}
