using System.Net;
using System.Security.Cryptography;
using Aid.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Npgsql;

namespace Aid.ClientTests.Support;

/// <summary>
/// The real service in this process on Kestrel on a real loopback socket, on a fresh database of one engine (a temporary
/// SQLite file, or a new database on the AID_TEST_POSTGRES server), with its own bootstrap admin key and master key file.
/// Tests reach it only through the generated <see cref="AidClient"/> over HTTP.
/// </summary>
public sealed class HostedAid : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _folder;
    private readonly string? _postgresDatabase;
    private readonly List<HttpClient> _httpClients = [];

    private HostedAid(Engine engine, string folder, string provider, string connectionString, string? postgresDatabase)
    {
        Engine = engine;
        _folder = folder;
        _postgresDatabase = postgresDatabase;
        AdminKey = "aid_client-tests-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Aid:Database:Provider", provider);
            builder.UseSetting("ConnectionStrings:Aid", connectionString);
            builder.UseSetting("AID_BOOTSTRAP_ADMIN_KEY", AdminKey);
            builder.UseSetting("Aid:Crypto:KeyFile", Path.Combine(folder, "aid.key"));
            builder.UseSetting("Aid:Security:FailedAuthenticationsPerMinute", "1000");
            builder.UseSetting("Aid:Security:VerifyPerMinute", "100000");
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        });
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        BaseUrl = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("Kestrel reported no address.");
    }

    public Engine Engine { get; }
    public string AdminKey { get; }

    /// <summary>Where Kestrel listens, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public static async Task<HostedAid> StartAsync(Engine engine)
    {
        var folder = Directory.CreateTempSubdirectory("aid-client-tests-").FullName;
        if (engine == Engine.Sqlite)
            return new HostedAid(engine, folder, "sqlite", $"Data Source={Path.Combine(folder, "aid.db")}", null);

        var server = EngineRows.PostgresServer ?? throw new InvalidOperationException($"{EngineRows.PostgresVariable} is not set.");
        var name = "aid_client_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteOnPostgresAsync(server, $"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0");
        try
        {
            return new HostedAid(engine, folder, "postgres", new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString(), name);
        }
        catch
        {
            await ExecuteOnPostgresAsync(server, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            throw;
        }
    }

    /// <summary>A generated client that sends <paramref name="key"/> (the bootstrap admin key when null) as its bearer key.</summary>
    public AidClient Client(string? key = null)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        lock (_httpClients) _httpClients.Add(http);
        var adapter = new HttpClientRequestAdapter(new BearerKeyAuthentication(key ?? AdminKey), httpClient: http) { BaseUrl = BaseUrl };
        return new AidClient(adapter);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_httpClients) _httpClients.ForEach(c => c.Dispose());
        await _factory.DisposeAsync();
        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteOnPostgresAsync(EngineRows.PostgresServer!, $"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)");
        }
        SqliteConnection.ClearAllPools(); // pooled connections would keep the file open
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    private static async Task ExecuteOnPostgresAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>Class fixture: one <see cref="HostedAid"/> per engine, started by the first test of that engine.</summary>
public sealed class HostedApps : IAsyncLifetime
{
    private readonly Dictionary<Engine, Lazy<Task<HostedAid>>> _apps = [];

    public Task<HostedAid> For(Engine engine)
    {
        if (EngineRows.SkipReason(engine) is { } reason) Assert.Skip(reason);
        lock (_apps)
        {
            if (!_apps.TryGetValue(engine, out var app)) _apps[engine] = app = new Lazy<Task<HostedAid>>(() => HostedAid.StartAsync(engine));
            return app.Value;
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        List<Lazy<Task<HostedAid>>> started;
        lock (_apps) started = _apps.Values.Where(a => a.IsValueCreated).ToList();
        foreach (var start in started)
        {
            HostedAid app;
            try { app = await start.Value; }
            catch { continue; } // the start failure already failed the tests that needed it
            await app.DisposeAsync();
        }
    }
}
