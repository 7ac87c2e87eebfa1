using Aid.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aid.Tests.Support;

public enum Engine { Sqlite, Postgres }

/// <summary>
/// A real, empty database per test class: a temporary SQLite file, or a fresh database on the PostgreSQL
/// server named by AID_TEST_POSTGRES (a connection string without Database). Without AID_TEST_POSTGRES the
/// PostgreSQL tests skip locally; CI sets it, so there a missing server fails the run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "AID_TEST_POSTGRES";

    private readonly string? _folder;
    private readonly string? _serverConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(Engine engine, string connectionString, string? folder, string? server, string? databaseName)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _folder = folder;
        _serverConnectionString = server;
        _databaseName = databaseName;
    }

    public Engine Engine { get; }
    public string ConnectionString { get; }
    public string Provider => Engine == Engine.Postgres ? "postgres" : "sqlite";
    public DatabaseOptions Options => DatabaseOptions.From(Provider, ConnectionString);

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    public static async Task<TestDatabase> CreateAsync(Engine engine)
    {
        if (engine == Engine.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "aid-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new TestDatabase(engine, $"Data Source={Path.Combine(folder, "aid.db")}", folder, null, null);
        }

        var server = PostgresServer ?? throw new InvalidOperationException($"{PostgresVariable} is not set.");
        var name = "aid_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(engine, builder.ToString(), null, server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Engine == Engine.Sqlite)
        {
            SqliteConnection.ClearAllPools(); // pooled connections would keep the file open
            try { Directory.Delete(_folder!, recursive: true); } catch (IOException) { }
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
