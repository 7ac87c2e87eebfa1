using System.Data.Common;
using System.Net.Http.Headers;
using Aid.Application.ApiKeys;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aid.Tests.Support;

/// <summary>
/// The real service (WebApplicationFactory) on a new database of one engine (migrated as at a first start, see <see cref="TestDatabase.CreateMigratedAsync"/>); one per test class and engine (see <see cref="EngineApps"/>).
/// In-memory TestServer by default; with <paramref name="kestrel"/> on real Kestrel at 127.0.0.1 on a free port (<see cref="BaseAddress"/>),
/// which a browser or another process can reach (see <see cref="KestrelEngineApps"/>). <see cref="Client"/> works in both modes.
/// </summary>
public sealed class AidApp(Engine engine, Action<IWebHostBuilder>? configure = null, bool kestrel = false) : IAsyncDisposable
{
    private WebApplicationFactory<Program>? _factory;
    private TestDatabase? _database;
    private string? _label;
    private Uri? _baseAddress;

    private readonly string _secrets = Directory.CreateTempSubdirectory("aid-keys-").FullName;

    public Engine Engine => engine;
    public string AdminKey { get; } = ApiKeyToken.Generate();
    public CapturedLogs Logs { get; } = new();

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>Whether the app listens on a real socket (Kestrel) rather than in memory (TestServer).</summary>
    public bool OnKestrel => kestrel;

    /// <summary>
    /// Where the app listens, e.g. <c>http://127.0.0.1:41234/</c>: Kestrel mode only (a TestServer app is not on any socket).
    /// A restart listens on a new port, so read it again after <see cref="RestartAsync"/>.
    /// </summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException(_factory is null ? "Not started."
        : "This app runs on the in-memory TestServer, which no browser can reach: use KestrelEngineApps (or new AidApp(..., kestrel: true)).");

    /// <summary>Creates the database and starts the service on it.</summary>
    public async Task StartAsync()
    {
        _label = $"{TestContext.Current.TestClass?.TestClassName ?? "?"} on {engine}";
        _database = await TestDatabase.CreateMigratedAsync(engine);
        _factory = CreateFactory();
        StartServer(_factory);
    }

    /// <summary>Stops the service (as a crash or deploy would, mid-work) and starts a new one on the same database and key.</summary>
    public async Task RestartAsync()
    {
        await Factory.DisposeAsync();
        _factory = CreateFactory();
        StartServer(_factory);
    }

    private void StartServer(WebApplicationFactory<Program> factory)
    {
        if (!kestrel)
        {
            factory.Server.PreserveExecutionContext = true; // creating the server starts the host
            return;
        }
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel started without an address.");
        _baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    private WebApplicationFactory<Program> CreateFactory() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Aid:Database:Provider", _database!.Provider);
            builder.UseSetting("ConnectionStrings:Aid", _database!.ConnectionString);
            builder.UseSetting("AID_BOOTSTRAP_ADMIN_KEY", AdminKey);
            builder.UseSetting("Aid:Security:FailedAuthenticationsPerMinute", "1000");
            builder.UseSetting("Aid:Security:VerifyPerMinute", "100000");
            builder.UseSetting("Aid:Security:SignInsPerMinute", "100000");
            builder.UseSetting("Aid:Crypto:KeyFile", Path.Combine(_secrets, "aid.key"));
            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
            builder.ConfigureServices(TestServices.Add);
            configure?.Invoke(builder);
        });

    public HttpClient Client(string? key = null)
    {
        var client = Factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    /// <summary>A raw connection to the app's database, for reading rows as they are stored.</summary>
    public async Task<DbConnection> OpenDatabaseAsync()
    {
        var connection = Database.NewConnection();
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var connection = await OpenDatabaseAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        if (Logs.Lines.Any(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)))
            await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "aid-tests-errors.log"), $"=== {_label ?? engine.ToString()}\n{Logs.All}\n");
        if (_database is not null) await _database.DisposeAsync();
        try { Directory.Delete(_secrets, recursive: true); } catch (IOException) { }
    }
}
