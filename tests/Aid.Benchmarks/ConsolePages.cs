using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aid.Api.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Benchmarks;

/// <summary>
/// C1: every console page a manager opens, on the demo campaign (seed-demo) in a SQLite file, signed in as the demo manager
/// through the sign-in form. Each page is asked for sequentially after a warm-up; the time is from request to the last byte on
/// loopback, so it is the server's time plus a few tenths of a millisecond. Target: under 100 ms for every page.
/// </summary>
public static partial class ConsolePages
{
    private const int WarmUp = 5;

    public static async Task<Measurement> Run(Settings s)
    {
        var folder = Temp.Folder("console");
        await using var aid = new HostedAid("sqlite", $"Data Source={Path.Combine(folder, "aid.db")}", folder,
            new Dictionary<string, string> { ["Aid:Security:SignInsPerMinute"] = "100000" }, services: s => s.AddDemoSeeding());
        await aid.Services.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None);

        using var admin = aid.Client();
        var programmes = await admin.GetFromJsonAsync<JsonElement>("/api/v1/programmes");
        var programme = programmes.GetProperty("items")[0].GetProperty("id").GetGuid();
        var donors = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/donors?limit=1");
        var donor = donors.GetProperty("items")[0].GetProperty("id").GetGuid();

        using var browser = new HttpClient(new SocketsHttpHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
            { BaseAddress = aid.BaseAddress };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var form = await browser.GetStringAsync("/signin");
        var signIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = "manager1@demo.aid", ["Password"] = DemoSeeder.DemoPassword, ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in answered {(int)signIn.StatusCode}");

        string[] pages =
        [
            "/console", $"/console/{programme}", $"/console/{programme}/gifts", $"/console/{programme}/pledges", $"/console/{programme}/students",
            $"/console/{programme}/sponsorships", $"/console/{programme}/disbursements", $"/console/{programme}/batches",
            $"/console/{programme}/batches/new?AcademicYear=2023-2024&Term={Uri.EscapeDataString("秋季学期")}&School={Uri.EscapeDataString("镇坪县中学")}",
            $"/console/{programme}/receipts", $"/console/{programme}/audit", "/console/donors", $"/console/donors/{donor}",
        ];
        var rounds = s.Quick ? 15 : 40;
        var results = new List<(string Page, double P50, double P95, HttpStatusCode Status)>();
        foreach (var page in pages)
        {
            var times = new List<double>();
            var status = HttpStatusCode.OK;
            for (var i = 0; i < WarmUp + rounds; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await browser.GetAsync(page);
                await response.Content.ReadAsByteArrayAsync();
                if (i >= WarmUp) times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) status = response.StatusCode;
            }
            times.Sort();
            results.Add((page, times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1], status));
        }

        foreach (var r in results)
            Console.Write($"\n    {Shorten(r.Page, programme),-48} p50 {r.P50,6:F1} ms  p95 {r.P95,6:F1} ms{(r.Status == HttpStatusCode.OK ? "" : $"  ({(int)r.Status})")}");
        Console.WriteLine();
        var slowest = results.MaxBy(r => r.P95);
        var failed = results.Where(r => r.Status != HttpStatusCode.OK).Select(r => Shorten(r.Page, programme)).ToList();
        return new Measurement("C1", $"console pages on the demo data ({pages.Length} pages × {rounds}, sequential)", slowest.P95, "ms p95 (slowest page)",
            results.Max(r => r.P50), "ms p50 (slowest page)", null, "< 100 ms every page", slowest.P95 < 100 && failed.Count == 0,
            $"slowest: {Shorten(slowest.Page, programme)}" + (failed.Count > 0 ? $"; not 200: {string.Join(", ", failed)}" : ""));
    }

    private static string Shorten(string page, Guid programme) =>
        Regex.Replace(page.Replace(programme.ToString(), "{p}"), "[0-9a-f]{8}-[0-9a-f-]{27}", "{id}").Split('?')[0];

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
