using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Aid.Application.ApiKeys;
using Npgsql;

namespace Aid.Benchmarks;

/// <summary>
/// P8: gifts/s over HTTP with two service processes on one PostgreSQL database vs one process on the same database, with the
/// same total number of clients (half on each instance). The services run as their own processes (<c>dotnet Aid.Api.dll</c>
/// from this program's output folder, as deployed), this process only generates load. Phases alternate (one, two, one, two,
/// one instance) on the same database, so a machine that gets busier or a table that grows during the run does not count for
/// or against coordination.
/// </summary>
public static class MultiInstanceMeasure
{
    private const string Target = "≥ 0.9";

    public static async Task<Measurement> P8(Settings s)
    {
        if (s.Postgres is null)
            return new Measurement("P8", "gift recording over HTTP, 2 instances vs 1, PostgreSQL", 0, "gifts/s", null, null, null, Target, null,
                "skipped: AID_BENCH_POSTGRES not set");
        var name = $"aid_multi_{Guid.NewGuid():N}"[..24];
        await using (var server = NpgsqlDataSource.Create(s.Postgres))
            await server.CreateCommand($"CREATE DATABASE {name}").ExecuteNonQueryAsync();
        var folders = new List<string>();
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(s.Postgres) { Database = name, MaxPoolSize = 50 }.ToString();
            var adminKey = ApiKeyToken.Generate();
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32); // one key file, a copy per instance
            ServiceChild Start(int n)
            {
                var folder = Temp.Folder($"p8-instance{n}");
                folders.Add(folder);
                File.WriteAllBytes(Path.Combine(folder, "aid.key"), key);
                return ServiceChild.Start(folder, new Dictionary<string, string>
                {
                    ["Aid__Database__Provider"] = "postgres",
                    ["ConnectionStrings__Aid"] = connectionString,
                    ["Aid__Crypto__KeyFile"] = Path.Combine(folder, "aid.key"),
                    ["AID_BOOTSTRAP_ADMIN_KEY"] = adminKey,
                    ["Aid__Security__FailedAuthenticationsPerMinute"] = "100000",
                    ["Logging__LogLevel__Default"] = "Warning",
                });
            }

            await using var first = Start(1);
            var one = await first.WaitUntilRunningAsync();
            using var setup = Client(one, adminKey);
            var programme = await HostedAid.Post(setup, "/api/v1/programmes", new
            {
                code = "BENCH-P8", name = "青系镇坪，雏鹰伴翔（多实例基准）", startDate = "2021-09-01", endDate = $"{DateTime.UtcNow.Year + 1}-08-31",
                annualStandard = "1000.00",
            });
            var donor = await HostedAid.Post(setup, "/api/v1/donors", new { kind = "person", name = "蒋晟晖" });

            await using var second = Start(2);
            var two = await second.WaitUntilRunningAsync();
            var single = new[] { one };
            var both = new[] { one, two };

            var phase = s.Duration / 2;
            await Gifts(both, adminKey, programme, donor, s.Clients, phase); // warm-up of both instances (tiered JIT, pools): as long as a phase
            // One, two, one, two, one: both configurations centred on the same moment, so drift (a machine that gets busier, a
            // table that grows) cancels out of the ratio to first order.
            var singles = new List<double>();
            var duals = new List<double>();
            for (var round = 0; round < 5; round++)
                (round % 2 == 0 ? singles : duals).Add(await Gifts(round % 2 == 0 ? single : both, adminKey, programme, donor, s.Clients, phase));
            var (baseline, dual) = (singles.Average(), duals.Average());
            // Each two-instance phase against the mean of the one-instance phases either side of it, then the mean of those ratios.
            var ratio = duals.Select((d, i) => d / ((singles[i] + singles[i + 1]) / 2)).Average();
            return new Measurement("P8", $"gift recording over HTTP, {s.Clients} clients, 2 instances vs 1 (separate processes), one PostgreSQL database",
                dual, "gifts/s", baseline, "gifts/s, 1 instance", ratio, Target, ratio >= 0.9,
                $"ratio: each 2-instance phase against the 1-instance phases either side; alternating phases of {phase.TotalSeconds:0.#} s: 1 instance {string.Join(", ", singles.Select(r => r.ToString("F0")))}; " +
                $"2 instances {string.Join(", ", duals.Select(r => r.ToString("F0")))} gifts/s. {Environment.ProcessorCount} cores shared by both instances, " +
                "PostgreSQL and the load generator: here two instances can at best match one");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using (var server = NpgsqlDataSource.Create(s.Postgres))
                await server.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").ExecuteNonQueryAsync();
            foreach (var folder in folders)
            {
                try { Directory.Delete(folder, recursive: true); }
                catch (IOException) { }
            }
        }
    }

    /// <summary>Gifts per second with <paramref name="clients"/> closed-loop clients spread evenly over <paramref name="instances"/>.</summary>
    private static async Task<double> Gifts(Uri[] instances, string adminKey, Guid programme, Guid donor, int clients, TimeSpan duration)
    {
        var http = instances.Select(i => Client(i, adminKey)).ToArray();
        try
        {
            var (rate, _, failed) = await Load.Closed(clients, duration, async (c, i) =>
            {
                using var response = await http[c % http.Length].PostAsJsonAsync("/api/v1/gifts", new
                {
                    programmeId = programme, donorId = donor, receivedOn = "2024-05-01", kind = "cash", amount = "100.00", method = "bank_transfer",
                    reference = $"P8-{c}-{i}-{Guid.NewGuid():N}",
                });
                return response.StatusCode == System.Net.HttpStatusCode.Created;
            });
            if (failed > 0) throw new InvalidOperationException($"{failed} gift requests failed");
            return rate;
        }
        finally
        {
            foreach (var client in http) client.Dispose();
        }
    }

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

/// <summary>
/// The service as its own process: <c>dotnet Aid.Api.dll</c> from this program's output folder (Aid.Api is a project reference),
/// listening on a free loopback port, without the machine's <c>Aid__*</c>, <c>AID_*</c>, <c>ConnectionStrings__*</c> and
/// <c>ASPNETCORE_*</c> variables. Killed on dispose.
/// </summary>
internal sealed partial class ServiceChild : IAsyncDisposable
{
    private static readonly string[] Dropped = ["Aid__", "ConnectionStrings__", "AID_", "ASPNETCORE_", "DOTNET_ENVIRONMENT", "Logging__", "OTEL_"];
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceChild(Process process) => _process = process;

    public static ServiceChild Start(string folder, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Aid.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var variable in start.Environment.Keys.Where(k => Dropped.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(variable);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var child = new ServiceChild(new Process { StartInfo = start, EnableRaisingEvents = true });
        child._process.OutputDataReceived += (_, e) => child.Received(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Received(e.Data);
        child._process.Exited += (_, _) => child._running.TrySetException(new InvalidOperationException($"the service exited: {child.Output}"));
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    private string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The CPU time the service process has used so far.</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    private void Received(string? line)
    {
        if (line is null) return;
        lock (_output) if (_output.Length < 100_000) _output.Append(line).Append('\n');
        if (line.StartsWith("Aid is running: the console is at ", StringComparison.Ordinal))
            _running.TrySetResult(new Uri(Address().Match(line).Value + "/"));
    }

    /// <summary>The base address once the service serves requests (migrations, key check and bootstrap done).</summary>
    public async Task<Uri> WaitUntilRunningAsync()
    {
        try { return await _running.Task.WaitAsync(TimeSpan.FromSeconds(120)); }
        catch (TimeoutException) { throw new InvalidOperationException($"the service did not start within 120 s: {Output}"); }
    }

    [GeneratedRegex(@"http://[^/\s]+")]
    private static partial Regex Address();

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException) { }
        catch (TimeoutException) { }
        _process.Dispose();
    }
}
