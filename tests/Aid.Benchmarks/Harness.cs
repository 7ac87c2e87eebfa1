using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aid.Application.ApiKeys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aid.Benchmarks;

/// <summary>One line of the results table: Aid's figure, the baseline measured in the same run, their ratio and the target.</summary>
public sealed record Measurement(string Id, string What, double Aid, string AidUnit, double? Baseline, string? BaselineUnit, double? Ratio,
    string Target, bool? Pass, string Notes);

/// <summary>The service on a real Kestrel socket on loopback, in this process, on a database of the caller's choosing.</summary>
public sealed class HostedAid : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    static HostedAid() =>
        // WebApplicationFactory looks for the app's source folder; the service needs none: run from the output folder.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_AID_API", AppContext.BaseDirectory);

    /// <summary>The admin key of generated databases, which several processes open one after another.</summary>
    public const string GeneratedDataAdminKey = "aid_benchmark-admin-key-for-generated-data-only";

    /// <param name="services">Extra registrations, such as the demo's seeding clock (<c>AddDemoSeeding</c>).</param>
    public HostedAid(string provider, string connectionString, string folder, IDictionary<string, string>? settings = null, string? adminKey = null,
        Action<IServiceCollection>? services = null)
    {
        AdminKey = adminKey ?? ApiKeyToken.Generate();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Aid:Database:Provider", provider);
            b.UseSetting("ConnectionStrings:Aid", connectionString);
            b.UseSetting("AID_BOOTSTRAP_ADMIN_KEY", AdminKey);
            b.UseSetting("Aid:Crypto:KeyFile", Path.Combine(folder, "aid.key"));
            b.UseSetting("Aid:Security:FailedAuthenticationsPerMinute", "100000");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) b.UseSetting(key, value);
            b.ConfigureLogging(l => l.ClearProviders().SetMinimumLevel(LogLevel.Warning));
            if (services is not null) b.ConfigureServices(services);
        });
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        BaseAddress = new Uri(_factory.ClientOptions.BaseAddress.ToString());
    }

    public string AdminKey { get; }
    public Uri BaseAddress { get; }
    public IServiceProvider Services => _factory.Services;

    public HttpClient Client()
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    public async Task<(Guid Programme, Guid Donor)> ProgrammeAndDonorAsync()
    {
        using var client = Client();
        var programme = await Post(client, "/api/v1/programmes", new
        {
            code = "BENCH", name = "青系镇坪，雏鹰伴翔（基准）", startDate = "2021-09-01", endDate = $"{DateTime.UtcNow.Year + 1}-08-31", annualStandard = "1000.00", // gifts dated today fall inside
        });
        var donor = await Post(client, "/api/v1/donors", new { kind = "person", name = "蒋晟晖" });
        return (programme, donor);
    }

    public static async Task<Guid> Post(HttpClient client, string url, object body)
    {
        var response = await client.PostAsJsonAsync(url, body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>
/// The run's scratch folders, all under one folder per run (aid-bench/run-…, about 4 GB for a full run, mostly P4's million
/// gifts). Child processes inherit the run's folder through <see cref="RunVariable"/>; the run removes it at its end unless
/// told to keep it.
/// </summary>
public static class Temp
{
    public const string RunVariable = "AID_BENCH_RUN";

    public static string Run { get; } = Environment.GetEnvironmentVariable(RunVariable) is { Length: > 0 } inherited
        ? inherited
        : Path.Combine(Path.GetTempPath(), "aid-bench", $"run-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");

    public static string Folder(string name)
    {
        var folder = Path.Combine(Run, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Makes this process's children use the run's folder.</summary>
    public static void ShareWithChildren() => Environment.SetEnvironmentVariable(RunVariable, Run);

    /// <summary>Removes the run's folder; says where it is instead when it is kept or cannot be removed.</summary>
    public static string Finish(bool keep)
    {
        if (!Directory.Exists(Run)) return "no temporary files";
        if (keep) return $"temporary files kept in {Run}";
        try
        {
            Directory.Delete(Run, recursive: true);
            return $"temporary files removed ({Run}; --keep keeps them)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"temporary files left in {Run}: {e.Message}";
        }
    }
}

public static class Load
{
    /// <summary>Runs <paramref name="clients"/> loops for <paramref name="duration"/>; returns successful operations per second.</summary>
    public static async Task<(double PerSecond, long Ok, long Failed)> Closed(int clients, TimeSpan duration, Func<int, long, Task<bool>> operation)
    {
        long ok = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            for (long i = 0; clock.Elapsed < duration; i++)
                if (await operation(c, i)) Interlocked.Increment(ref ok); else Interlocked.Increment(ref failed);
        }));
        return (ok / clock.Elapsed.TotalSeconds, ok, failed);
    }
}
