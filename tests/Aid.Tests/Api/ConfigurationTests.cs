using Aid.Tests.Support;

namespace Aid.Tests.Api;

/// <summary>
/// A bad setting stops the real service process before it listens: exit code 1 and exactly one line on stderr that names
/// the setting and what is allowed; no stack trace anywhere. The control case starts on the same harness and answers.
/// </summary>
public sealed class ConfigurationTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    public static readonly TheoryData<string, string, string, string?, string?> BadSettings = new()
    {
        // expected line after "Aid: configuration error: ", then one or two variables
        { "Aid__Security__VerifyPerMinute must be a whole number from 1 to 1,000,000 (got '0').", "Aid__Security__VerifyPerMinute", "0", null, null },
        { "Aid__Security__VerifyPerMinute must be a whole number from 1 to 1,000,000 (got '-5').", "Aid__Security__VerifyPerMinute", "-5", null, null },
        { "Aid__Security__FailedAuthenticationsPerMinute must be a whole number from 1 to 1,000,000 (got 'lots').",
            "Aid__Security__FailedAuthenticationsPerMinute", "lots", null, null },
        { "Aid__Security__KnownProxies__0 must be the IP address of a reverse proxy (such as 10.0.0.2 or ::1), not a host name or range (got 'proxy.internal').",
            "Aid__Security__KnownProxies__0", "proxy.internal", null, null },
        { "Aid__PublicBaseUrl must be an absolute http:// or https:// URL without user name, query or fragment, such as https://aid.example.org (got 'aid.example.org').",
            "Aid__PublicBaseUrl", "aid.example.org", null, null },
        { "Aid__PublicBaseUrl must be an absolute http:// or https:// URL without user name, query or fragment, such as https://aid.example.org (got 'ftp://aid.example.org').",
            "Aid__PublicBaseUrl", "ftp://aid.example.org", null, null },
        { "Aid__PublicBaseUrl must be an absolute http:// or https:// URL without user name, query or fragment, such as https://aid.example.org (got 'https://aid.example.org/?lang=zh').",
            "Aid__PublicBaseUrl", "https://aid.example.org/?lang=zh", null, null },
        { "Aid__PublicBaseUrl must be an absolute http:// or https:// URL without user name, query or fragment, such as https://aid.example.org (got 'https://aid.example.org/#verify').",
            "Aid__PublicBaseUrl", "https://aid.example.org/#verify", null, null },
        { "Aid__TimeZone must be a time zone this machine knows, such as Asia/Shanghai, Europe/London or UTC (got 'Mars/Olympus_Mons').",
            "Aid__TimeZone", "Mars/Olympus_Mons", null, null },
        { "Aid__Receipts__Prefix must be 1 to 10 upper-case letters or digits (A–Z, 0–9), such as AID (got 'aid-').", "Aid__Receipts__Prefix", "aid-", null, null },
        { "Aid__Receipts__RunChunkSize must be a whole number from 1 to 1,000 (got '0').", "Aid__Receipts__RunChunkSize", "0", null, null },
        { "Aid__Issuer__Name, Aid__Issuer__Code, Aid__Issuer__Address must be set together (the legal issuer printed on receipts) or not at all "
            + "(the demo issuer); missing: Aid__Issuer__Code, Aid__Issuer__Address.", "Aid__Issuer__Name", "镇坪县青少年发展基金会", null, null },
        { "Aid__Issuer__SealPng must be a readable PNG file (the issuer's seal printed on receipts) (got '/nonexistent/seal.png').",
            "Aid__Issuer__SealPng", "/nonexistent/seal.png", null, null },
        { "Aid__Issuer__SealPng must be a PNG image (the file does not start with the PNG signature) (got '/etc/os-release').",
            "Aid__Issuer__SealPng", "/etc/os-release", null, null },
        { "Unknown Aid__Database__Provider 'oracle': use sqlite, postgres or sqlserver.", "Aid__Database__Provider", "oracle", null, null },
        { "ConnectionStrings__Aid is required for Postgres.", "Aid__Database__Provider", "postgres", "ConnectionStrings__Aid", "" },
        { "Aid__Database__SqliteSynchronous must be FULL, NORMAL or EXTRA.", "Aid__Database__SqliteSynchronous", "OFF", null, null },
        { "Aid__Database__MigrateOnStart must be true or false (got 'sometimes').", "Aid__Database__MigrateOnStart", "sometimes", null, null },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_service_with_one_line_naming_it_and_exit_code_1(
        string expected, string variable, string value, string? variable2, string? value2)
    {
        var environment = new Dictionary<string, string?> { [variable] = value };
        if (variable2 is not null) environment[variable2] = value2;
        await using var service = ServiceProcess.Start(environment);

        Assert.Equal(1, await service.WaitForExitAsync(Bounded));
        Assert.Equal(new[] { "Aid: configuration error: " + expected }, service.StderrLines);
        AssertNoStackTrace(service);
    }

    [Fact]
    public async Task A_connection_string_the_engine_cannot_parse_is_named_without_echoing_it()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings__Aid"] = "Data Source=aid.db;Colour=blue;Password=secret-value",
        });

        Assert.Equal(1, await service.WaitForExitAsync(Bounded));
        var line = Assert.Single(service.StderrLines);
        Assert.StartsWith("Aid: configuration error: ConnectionStrings__Aid must be a sqlite connection string", line);
        Assert.Contains("colour", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret-value", service.Stderr + service.Stdout);
        AssertNoStackTrace(service);
    }

    [Fact]
    public async Task A_key_file_that_does_not_hold_a_256_bit_key_stops_the_service()
    {
        var folder = Directory.CreateTempSubdirectory("aid-short-key-").FullName;
        try
        {
            var keyFile = Path.Combine(folder, "aid.key");
            await File.WriteAllBytesAsync(keyFile, [1, 2, 3, 4, 5], TestContext.Current.CancellationToken);
            await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["Aid__Crypto__KeyFile"] = keyFile });

            Assert.Equal(1, await service.WaitForExitAsync(Bounded));
            Assert.Equal(new[] { $"Aid: configuration error: Aid__Crypto__KeyFile must name a file of exactly 32 bytes (the 256-bit master key); {keyFile} holds 5 bytes." },
                service.StderrLines);
            AssertNoStackTrace(service);
            Assert.Equal(5, new FileInfo(keyFile).Length); // never replaced
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Several_bad_settings_are_named_together_on_the_one_line()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["Aid__Security__VerifyPerMinute"] = "0",
            ["Aid__Receipts__Prefix"] = "aid-",
        });

        Assert.Equal(1, await service.WaitForExitAsync(Bounded));
        var line = Assert.Single(service.StderrLines);
        Assert.StartsWith("Aid: configuration error: ", line);
        Assert.Contains("Aid__Security__VerifyPerMinute must be a whole number from 1 to 1,000,000 (got '0').", line);
        Assert.Contains("Aid__Receipts__Prefix must be 1 to 10 upper-case letters or digits", line);
    }

    [Fact]
    public async Task The_same_harness_with_good_settings_starts_and_answers()
    {
        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["Aid__Security__VerifyPerMinute"] = "5",
            ["Aid__Security__FailedAuthenticationsPerMinute"] = "10",
            ["Aid__Security__KnownProxies__0"] = "10.0.0.2",
            ["Aid__PublicBaseUrl"] = "https://aid.example.org/",
            ["Aid__TimeZone"] = "UTC",
            ["Aid__Receipts__Prefix"] = "ZP2",
            ["Aid__Receipts__RunChunkSize"] = "20",
            ["Aid__Issuer__Name"] = "镇坪县青少年发展基金会",
            ["Aid__Issuer__Code"] = "53610927MJ0000000X",
            ["Aid__Issuer__Address"] = "陕西省安康市镇坪县城关镇",
            ["Aid__Database__MigrateOnStart"] = "false",
            ["AID_BOOTSTRAP_ADMIN_KEY"] = "a-chosen-admin-key-for-this-test",
        });

        var listening = await service.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Bounded);
        using var client = new HttpClient { BaseAddress = new Uri(listening[listening.IndexOf("http://", StringComparison.Ordinal)..]) };
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", ct)).StatusCode);
        var health = await client.GetAsync("/health", ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var issuer = (await health.Json()).GetProperty("components").GetProperty("issuer");
        Assert.Equal("镇坪县青少年发展基金会", issuer.Str("name"));
        Assert.False(issuer.GetProperty("demo").GetBoolean());
        Assert.Empty(service.Stderr);
    }

    private static void AssertNoStackTrace(ServiceProcess service)
    {
        Assert.DoesNotContain("   at ", service.Stderr + service.Stdout);
        Assert.DoesNotContain("Exception", service.Stdout);
        Assert.DoesNotContain("Unhandled", service.Stderr + service.Stdout);
    }
}

/// <summary><c>Aid.Api seed-demo</c> into a database that already has a programme: one line saying so, exit code 1, nothing written.</summary>
public sealed class SeedDemoCommandTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Seeding_a_database_that_is_not_empty_says_so_in_one_line_and_exits_1(Engine engine)
    {
        var app = await apps.For(engine);
        await app.Admin().CreateProgramme();
        var donors = await app.CountAsync("donors");

        await using var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["Aid__Database__Provider"] = app.Database.Provider,
            ["ConnectionStrings__Aid"] = app.Database.ConnectionString,
            ["AID_BOOTSTRAP_ADMIN_KEY"] = "not-the-key-of-this-database",
            ["Aid__Crypto__KeyFile"] = app.Factory.Services.GetRequiredService<Aid.Infrastructure.Crypto.KeyRing>().KeyFile, // the database's own key
        }, "seed-demo");

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(service.StderrLines);
        Assert.StartsWith("Aid: the database is not empty: seed-demo loads the demo into an empty database only", line);
        Assert.Contains("ConnectionStrings__Aid=\"Data Source=data/demo.db\" ./scripts/run.sh seed-demo", line);
        Assert.DoesNotContain("   at ", service.Stdout + service.Stderr);
        // The same start-up also said why the bootstrap key was not used, without printing it.
        Assert.Contains("AID_BOOTSTRAP_ADMIN_KEY was ignored: the database already has API keys", service.Stdout);
        Assert.DoesNotContain("not-the-key-of-this-database", service.Stdout + service.Stderr);
        Assert.Equal(1, await app.CountAsync("programmes"));
        Assert.Equal(donors, await app.CountAsync("donors"));
        Assert.Equal(1, await app.CountAsync("api_keys"));
    }
}

/// <summary><c>AID_BOOTSTRAP_ADMIN_KEY</c> on a database that already has keys is ignored, and the log says so once per start.</summary>
public sealed class BootstrapKeyTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private const string Ignored = "AID_BOOTSTRAP_ADMIN_KEY was ignored: the database already has API keys";

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_bootstrap_key_on_a_database_with_keys_is_ignored_with_one_warning(Engine engine)
    {
        var app = await apps.For(engine);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(Ignored, StringComparison.Ordinal)); // the first start created it

        await app.RestartAsync();
        await app.Admin().Get("/api/v1/programmes").Expect(HttpStatusCode.OK); // the key made on the first start still works

        var warning = Assert.Single(app.Logs.Lines, l => l.Contains(Ignored, StringComparison.Ordinal));
        Assert.StartsWith("Warning ", warning);
        Assert.DoesNotContain(app.AdminKey, app.Logs.All);
        Assert.Equal(1, await app.CountAsync("api_keys"));
    }
}
