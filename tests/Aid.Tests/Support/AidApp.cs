using System.Data.Common;
using System.Net.Http.Headers;
using Aid.Application.ApiKeys;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aid.Tests.Support;

/// <summary>The real service (WebApplicationFactory) on a real database of one engine; one per test class.</summary>
public abstract class AidApp : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _factory;
    private TestDatabase? _database;

    protected abstract Engine Engine { get; }

    private readonly string _secrets = Directory.CreateTempSubdirectory("aid-keys-").FullName;

    public string AdminKey { get; } = ApiKeyToken.Generate();
    public CapturedLogs Logs { get; } = new();
    public bool Available { get; private set; }

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not started.");

    public WebApplicationFactory<Program> Factory
    {
        get
        {
            Assert.SkipUnless(Available, $"PostgreSQL tests need {TestDatabase.PostgresVariable} (a server connection string); CI sets it.");
            return _factory!;
        }
    }

    /// <summary>Extra configuration for the app, applied before start.</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    public async ValueTask InitializeAsync()
    {
        if (Engine == Engine.Postgres && TestDatabase.PostgresServer is null) return;
        _database = await TestDatabase.CreateAsync(Engine);
        _factory = CreateFactory();
        _factory.Server.PreserveExecutionContext = true;
        Available = true;
    }

    /// <summary>Stops the service (as a crash or deploy would, mid-work) and starts a new one on the same database and key.</summary>
    public async Task RestartAsync()
    {
        await _factory!.DisposeAsync();
        _factory = CreateFactory();
        _factory.Server.PreserveExecutionContext = true;
    }

    private WebApplicationFactory<Program> CreateFactory() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Aid:Database:Provider", _database!.Provider);
            builder.UseSetting("ConnectionStrings:Aid", _database!.ConnectionString);
            builder.UseSetting("AID_BOOTSTRAP_ADMIN_KEY", AdminKey);
            builder.UseSetting("Aid:Security:FailedAuthenticationsPerMinute", "1000");
            builder.UseSetting("Aid:Security:VerifyPerMinute", "100000");
            builder.UseSetting("Aid:Crypto:KeyFile", Path.Combine(_secrets, "aid.key"));
            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
            Configure(builder);
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
        _ = Factory;
        DbConnection connection = Database.Engine == Engine.Postgres
            ? new NpgsqlConnection(Database.ConnectionString)
            : new SqliteConnection(Database.ConnectionString);
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
            await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "aid-tests-errors.log"), $"=== {GetType().Name}\n{Logs.All}\n");
        if (_database is not null) await _database.DisposeAsync();
        try { Directory.Delete(_secrets, recursive: true); } catch (IOException) { }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApp : AidApp
{
    protected override Engine Engine => Engine.Sqlite;
}

public sealed class PostgresApp : AidApp
{
    protected override Engine Engine => Engine.Postgres;
}
