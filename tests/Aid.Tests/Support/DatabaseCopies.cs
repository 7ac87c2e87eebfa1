using System.Data.Common;
using System.Net.Http.Headers;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aid.Tests.Support;

/// <summary>
/// The real service (WebApplicationFactory) on a database and a key folder the caller owns — unlike <see cref="AidApp"/>, which
/// creates both and removes them on dispose. The key folder holds <c>aid.key</c> and, beside it by default, the checkpoint file
/// <c>audit-checkpoints.jsonl</c>. Disposing stops the service and leaves the database and the folder as they are.
/// </summary>
public sealed class AppOnDatabase(Engine engine, string connectionString, string keyFolder, string adminKey) : IAsyncDisposable
{
    private WebApplicationFactory<Program>? _factory;

    public Engine Engine => engine;
    public string ConnectionString => connectionString;
    public string KeyFolder => keyFolder;
    public string KeyFile => Path.Combine(keyFolder, "aid.key");
    /// <summary>The default <c>Aid:Audit:CheckpointFile</c>: beside the key file.</summary>
    public string CheckpointFile => Path.Combine(keyFolder, "audit-checkpoints.jsonl");
    public string AdminKey => adminKey;
    public CapturedLogs Logs { get; } = new();

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts the service (migrations, key checks, the sealer) and waits until it answers.</summary>
    public AppOnDatabase Start()
    {
        Directory.CreateDirectory(keyFolder);
        var provider = engine switch
        {
            Engine.Sqlite => "sqlite",
            Engine.Postgres => "postgres",
            Engine.SqlServer => "sqlserver",
        };
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Aid:Database:Provider", provider);
            builder.UseSetting("ConnectionStrings:Aid", connectionString);
            builder.UseSetting("AID_BOOTSTRAP_ADMIN_KEY", adminKey);
            builder.UseSetting("Aid:Security:FailedAuthenticationsPerMinute", "1000");
            builder.UseSetting("Aid:Security:VerifyPerMinute", "100000");
            builder.UseSetting("Aid:Crypto:KeyFile", KeyFile);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
            builder.ConfigureServices(TestServices.Add);
        });
        _factory.Server.PreserveExecutionContext = true; // creating the server starts the host
        return this;
    }

    public HttpClient Client(string? key = null)
    {
        var client = Factory.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Admin() => Client(adminKey);

    /// <summary>A raw connection to the database, as someone holding it would use.</summary>
    public async Task<DbConnection> OpenDatabaseAsync()
    {
        DbConnection connection = engine switch
        {
            Engine.Sqlite => new SqliteConnection(connectionString),
            Engine.Postgres => new NpgsqlConnection(connectionString),
            Engine.SqlServer => new Microsoft.Data.SqlClient.SqlConnection(connectionString),
        };
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        _factory = null;
        if (Logs.Lines.Any(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)))
            await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "aid-tests-errors.log"),
                $"=== {TestContext.Current.TestClass?.TestClassName ?? "?"} on {engine} (copy)\n{Logs.All}\n");
    }
}

/// <summary>
/// A copy of a database the service has stopped using — SQLite <c>VACUUM INTO</c>, PostgreSQL <c>CREATE DATABASE … TEMPLATE</c> —
/// with a copy of its key folder (key file and checkpoint file), so one populated database serves many destructive tests.
/// </summary>
public sealed class DatabaseCopy : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string? _databaseName;

    private DatabaseCopy(Engine engine, string connectionString, string folder, string? databaseName)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _folder = folder;
        _databaseName = databaseName;
    }

    public Engine Engine { get; }
    public string ConnectionString { get; }
    /// <summary>The copied key folder: the same key file, and a checkpoint file of its own.</summary>
    public string KeyFolder => Path.Combine(_folder, "keys");

    /// <summary>Copies the database at <paramref name="source"/> (nothing may be writing to it) and the key folder.</summary>
    public static async Task<DatabaseCopy> CreateAsync(Engine engine, string source, string sourceKeyFolder)
    {
        var folder = Path.Combine(Path.GetTempPath(), "aid-tests", "copy-" + Guid.NewGuid().ToString("N"));
        CopyFolder(sourceKeyFolder, Path.Combine(folder, "keys"));
        switch (engine)
        {
            case Engine.Sqlite:
            {
                var file = Path.Combine(folder, "aid.db");
                // VACUUM INTO writes one consistent file, WAL content included; a private connection keeps no handle on the source.
                await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(source) { Pooling = false }.ToString());
                await connection.OpenAsync();
                await connection.ExecuteAsync("VACUUM INTO @file", new { file });
                return new DatabaseCopy(engine, $"Data Source={file}", folder, null);
            }
            case Engine.Postgres:
            {
                var sourceName = new NpgsqlConnectionStringBuilder(source).Database!;
                var name = "aid_test_" + Guid.NewGuid().ToString("N")[..16];
                var server = Engines.ServerFor(engine) ?? throw new InvalidOperationException("AID_TEST_POSTGRES is not set.");
                await using var connection = new NpgsqlConnection(server);
                await connection.OpenAsync();
                for (var attempt = 1; ; attempt++)
                {
                    // A template must have no sessions: the stopped service's pooled connections are closed here.
                    NpgsqlConnection.ClearPool(new NpgsqlConnection(source));
                    await connection.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @sourceName AND pid <> pg_backend_pid()",
                        new { sourceName });
                    try
                    {
                        await connection.ExecuteAsync($"CREATE DATABASE {name} TEMPLATE {sourceName}");
                        break;
                    }
                    catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
                    {
                        await Task.Delay(100);
                    }
                }
                return new DatabaseCopy(engine, new NpgsqlConnectionStringBuilder(source) { Database = name }.ToString(), folder, name);
            }
            case Engine.SqlServer:
                throw new NotSupportedException("Database copies are made on SQLite and PostgreSQL only.");
            default:
                throw new ArgumentOutOfRangeException(nameof(engine));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Engine == Engine.Sqlite) SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
        if (Engine == Engine.Postgres && _databaseName is not null && Engines.ServerFor(Engine) is { } server)
        {
            NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)");
        }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>What someone holding the database does first: removes the guard triggers of the tables they mean to change.</summary>
public static class DatabaseGuards
{
    public static async Task DropAsync(Engine engine, DbConnection connection, params string[] tables)
    {
        foreach (var table in tables)
            switch (engine)
            {
                case Engine.Sqlite:
                    foreach (var trigger in (await connection.QueryAsync<string>(
                        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = @table", new { table })).ToList())
                        await connection.ExecuteAsync($"DROP TRIGGER \"{trigger}\"");
                    break;
                case Engine.Postgres:
                    await connection.ExecuteAsync($"ALTER TABLE {table} DISABLE TRIGGER USER");
                    break;
                case Engine.SqlServer:
                    await connection.ExecuteAsync($"DISABLE TRIGGER ALL ON {table}");
                    break;
            }
    }
}
