using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aid.Benchmarks;

// Aid measured against the raw engines in one run. Every figure is printed with its baseline and the ratio.
//   dotnet run -c Release --project tests/Aid.Benchmarks -- [--quick] [--only P1,P4] [--json results.json] [--keep]
// Memory-sensitive parts run in child processes of this program (--child …) so each peak is its own.
namespace Aid.Benchmarks;

public static class BenchmarkProgram
{
    private static async Task<string> ReceiptRunChild(int count)
    {
        var (rate, peak) = await Measures.ReceiptRun(count);
        return JsonSerializer.Serialize(new { rate, peak });
    }

    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        // Baselines open SQLite directly, before any engine: both run in the mode the service runs SQLite in.
        _ = Aid.Infrastructure.Database.SqliteThreading.MultiThread;
        var options = Args.Parse(args);

        if (options.Child is { } child)
        {
            Console.WriteLine(child switch
            {
                "generate" => await Measures.Generate(options.Get("file"), int.Parse(options.Get("gifts")), options.Values.GetValueOrDefault("verify") == "true"),
                "statement" => await Measures.Statement(options.Get("file"), Guid.Parse(options.Get("programme"))),
                "receipt-run" => await ReceiptRunChild(int.Parse(options.Get("count"))),
                "probe" => await Probe.Run(),
                "render" => RenderProbe.Run(),
                "import" => await ImportMeasure.Run(int.Parse(options.Get("rows"))),
                "read-load" => await ReadLoad.Run(options.Get("url"), options.Get("key"), double.Parse(options.Get("seconds"))),
                _ => throw new ArgumentException($"unknown child {child}"),
            });
            return 0;
        }

        Temp.ShareWithChildren();
        try
        {
            return await RunAsync(options);
        }
        finally
        {
            Console.WriteLine(Temp.Finish(keep: options.Flags.Contains("keep")));
        }
    }

    private static async Task<int> RunAsync(Args options)
    {
        var settings = new Settings(options.Quick, Environment.GetEnvironmentVariable("AID_BENCH_POSTGRES"));
        var only = options.Only;
        var results = new List<Measurement>();
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Aid benchmarks ({(options.Quick ? "quick" : "full")}) on {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

        async Task Run(string id, Func<Task<Measurement>> measure)
        {
            if (only is not null && !only.Contains(id)) return;
            Console.Write($"{id} … ");
            var started = clock.Elapsed;
            try { results.Add(await measure()); }
            catch (Exception e) { results.Add(new Measurement(id, "failed", 0, "", null, null, null, "", false, e.Message.Split('\n')[0])); }
            Console.WriteLine($"{(clock.Elapsed - started).TotalSeconds:F0} s");
        }

        await Run("P1", () => Measures.P1(settings));
        await Run("P2", () => Measures.P2(settings));
        await Run("P3", async () =>
        {
            var (small, large) = options.Quick ? (200, 1000) : (1000, 10000);
            var a = JsonDocument.Parse(await Child.Run("receipt-run", "--count", small.ToString())).RootElement;
            var b = JsonDocument.Parse(await Child.Run("receipt-run", "--count", large.ToString())).RootElement;
            double peakSmall = a.GetProperty("peak").GetInt64(), peakLarge = b.GetProperty("peak").GetInt64();
            var ratio = peakLarge / peakSmall;
            return new Measurement("P3", $"receipt-run peak memory, {large:N0} vs {small:N0} receipts", peakLarge / 1048576, "MB", peakSmall / 1048576, "MB",
                ratio, "≤ 1.25", ratio <= 1.25, $"rates {a.GetProperty("rate").GetDouble():F0} and {b.GetProperty("rate").GetDouble():F0} receipts/s");
        });

        string? largeDb = null;
        Guid largeProgramme = default, busiestDonor = default;
        await Run("P4", async () =>
        {
            var (small, large) = options.Quick ? (10_000, 100_000) : (100_000, 1_000_000);
            var folder = Temp.Folder("p4");
            var timings = new List<(double Seconds, long Peak, double Generate, double Audit, double Seal, double? Verify, double Again, bool Reused)>();
            foreach (var size in new[] { small, large })
            {
                // One folder per database: the key file and the audit checkpoint file beside it belong to one database.
                var file = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, $"gifts-{size}")).FullName, $"gifts-{size}.db");
                // Audit verification of the generated data (GET /api/v1/audit/verify) before timing, at the quick sizes (≤ 100k gifts):
                // the statement verifies too, but would fail with a bare 409.
                var generated = JsonDocument.Parse(await Child.Run("generate", "--file", file, "--gifts", size.ToString(),
                    "--verify", size <= 100_000 ? "true" : "false")).RootElement;
                var programme = generated.GetProperty("programme").GetGuid();
                var run = JsonDocument.Parse(await Child.Run("statement", "--file", file, "--programme", programme.ToString())).RootElement;
                timings.Add((run.GetProperty("seconds").GetDouble(), run.GetProperty("peak").GetInt64(), generated.GetProperty("seconds").GetDouble(),
                    generated.GetProperty("audit").GetDouble(), generated.GetProperty("seal").GetDouble(),
                    generated.GetProperty("verify").ValueKind == JsonValueKind.Number ? generated.GetProperty("verify").GetDouble() : null,
                    run.GetProperty("again").GetDouble(), run.GetProperty("againReused").GetBoolean()));
                if (size == large) (largeDb, largeProgramme, busiestDonor) = (file, programme, generated.GetProperty("donor").GetGuid());
            }
            var ratio = timings[1].Seconds / timings[0].Seconds;
            var withinLimits = options.Quick || timings[1].Seconds < 30 && timings[1].Peak < 400L * 1048576;
            return new Measurement("P4", $"annual statement (PDF + CSV) at {large:N0} vs {small:N0} gifts", timings[1].Seconds, "s", timings[0].Seconds, "s",
                ratio, "time ratio ≤ 11; 1M < 30 s and < 400 MB", ratio <= 11 && withinLimits,
                $"peak {timings[1].Peak / 1048576} MB vs {timings[0].Peak / 1048576} MB; statement includes full audit verification; " +
                $"the next statement on the same running service {timings[1].Again:F1} s and {timings[0].Again:F1} s " +
                $"({(timings.All(t => t.Reused) ? "reusing that verification: nothing but Aid wrote in between" : "NOT reusing the verification")}); " +
                $"generating took {timings[0].Generate:F1} s and {timings[1].Generate:F1} s, plus writing the audit records {timings[0].Audit:F1} s and " +
                $"{timings[1].Audit:F1} s; starting the service and sealing them (before timing) {timings[0].Seal:F1} s and {timings[1].Seal:F1} s; " +
                $"verify valid in {string.Join(" and ", timings.Where(t => t.Verify is not null).Select(t => $"{t.Verify:F1} s"))}");
        });

        await Run("P5", async () =>
        {
            // --p5-db <file> reuses a database generated by an earlier P4 in a run with --keep (its busiest donor is found again).
            var file = options.Values.GetValueOrDefault("p5-db") ?? largeDb
                       ?? throw new InvalidOperationException("P5 needs the large database of P4 (run P4 too, or pass --p5-db with one an earlier run kept with --keep).");
            var donor = file == largeDb ? busiestDonor : ReadLoad.BusiestDonor(file);
            var folder = Path.GetDirectoryName(file)!;
            // The service as it ships: its own process (`dotnet Aid.Api.dll`, server GC from its runtimeconfig), not hosted in this
            // one, whose heap still holds what the measures before it left; the load generator is a third process (ReadLoad).
            await using var service = ServiceChild.Start(folder, new Dictionary<string, string>
            {
                ["Aid__Database__Provider"] = "sqlite",
                ["ConnectionStrings__Aid"] = $"Data Source={file}",
                ["Aid__Crypto__KeyFile"] = Path.Combine(folder, "aid.key"),
                ["Aid__Security__FailedAuthenticationsPerMinute"] = "100000",
                ["Logging__LogLevel__Default"] = "Warning",
            });
            var address = await service.WaitUntilRunningAsync();
            var cpu = service.ProcessorTime;
            var run = await ReadLoad.Start(new Uri(address, $"/api/v1/gifts?donorId={donor}&limit=50").ToString(), HostedAid.GeneratedDataAdminKey,
                options.Quick ? 5 : 20);
            double Ms(string name) => run.GetProperty(name).GetDouble();
            var (p50, p99) = (Ms("p50"), Ms("p99"));
            var served = Ms("served"); // the open loop's requests, the closed loop's (for max) and its warm-up's
            return new Measurement("P5", $"donor gift list (limit 50) at {(options.Quick ? "100k" : "1M")} gifts, {Ms("rate"):F0} req/s (70% of max {Ms("max"):F0})",
                p99, "ms p99", p50, "ms p50", null, "p99 < 20 ms", p99 < 20,
                $"{run.GetProperty("count").GetInt32()} requests from a separate load process to the service in its own process " +
                $"({(Environment.GetEnvironmentVariable("DOTNET_gcServer") == "0" ? "workstation GC: DOTNET_gcServer=0" : "server GC, its runtimeconfig's")}), " +
                $"p90 {Ms("p90"):F1} ms, slowest {Ms("top"):F0} ms; from sending (not from the scheduled moment) p50 {Ms("sentP50"):F1} ms, " +
                $"p99 {Ms("sentP99"):F1} ms; {(service.ProcessorTime - cpu).TotalMilliseconds / served:F2} ms of service CPU a request");
        });

        await Run("P6", () => Measures.P6(settings));
        await Run("P8", () => MultiInstanceMeasure.P8(settings));
        await Run("P7", () => ImportMeasure.P7(options.Quick));
        await Run("C1", () => ConsolePages.Run(settings));

        var table = new StringBuilder();
        table.AppendLine("| measure | what | Aid | baseline | ratio | target | pass | notes |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var m in results)
            table.AppendLine($"| {m.Id} | {m.What} | {m.Aid:F1} {m.AidUnit} | {(m.Baseline is { } b ? $"{b:F1} {m.BaselineUnit}" : "—")} | " +
                             $"{(m.Ratio is { } r ? r.ToString("F2") : "—")} | {m.Target} | {(m.Pass is null ? "—" : m.Pass.Value ? "yes" : "**no**")} | {m.Notes} |");
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"total {clock.Elapsed.TotalMinutes:F1} min");
        var json = options.Json ?? Path.Combine("artifacts", $"bench-{(options.Quick ? "quick" : "full")}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { date = DateTime.UtcNow, quick = options.Quick, cores = Environment.ProcessorCount, results },
            new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"JSON: {json}");
        return 0;
    }
}

internal sealed record Args(bool Quick, HashSet<string>? Only, string? Json, string? Child, Dictionary<string, string> Values, HashSet<string> Flags)
{
    public string Get(string name) => Values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public static Args Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        var flags = new HashSet<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].TrimStart('-');
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--")) values[name] = args[++i];
            else flags.Add(name);
        }
        return new Args(flags.Contains("quick"), values.TryGetValue("only", out var only) ? only.Split(',').ToHashSet() : null,
            values.GetValueOrDefault("json"), values.GetValueOrDefault("child"), values, flags);
    }
}

internal static class Child
{
    /// <summary>Runs this program again with the given arguments and returns its last line of output.</summary>
    public static async Task<string> Run(params string[] args)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Child).Assembly.Location);
        start.ArgumentList.Add("--child");
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"child {string.Join(' ', args)} failed: {error}");
        return output.Trim().Split('\n')[^1];
    }
}
