using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Aid.Infrastructure.Database;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aid.Tests.Support;

/// <summary>
/// A real database, empty (<see cref="CreateAsync"/>) or migrated (<see cref="CreateMigratedAsync"/>): a temporary SQLite file, or a fresh database on the server named by the engine's variable
/// (<see cref="Engines.ServerVariable"/>: AID_TEST_POSTGRES, AID_TEST_SQLSERVER; a connection string without a database).
/// Without the variable that engine's tests skip; CI sets AID_TEST_POSTGRES, so there a missing PostgreSQL fails the run.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
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

    /// <summary>The app's <c>Aid:Database:Provider</c> for this engine.</summary>
    public string Provider => Engine switch
    {
        Engine.Sqlite => "sqlite",
        Engine.Postgres => "postgres",
        Engine.SqlServer => "sqlserver",
    };

    public DatabaseOptions Options => DatabaseOptions.From(Provider, ConnectionString);

    /// <summary>A new, closed connection to this database.</summary>
    public DbConnection NewConnection() => Connect(Engine, ConnectionString);

    public static async Task<TestDatabase> CreateAsync(Engine engine)
    {
        if (engine == Engine.Sqlite)
        {
            var folder = Path.Combine(Path.GetTempPath(), "aid-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new TestDatabase(engine, $"Data Source={Path.Combine(folder, "aid.db")}", folder, null, null);
        }

        return await CreateOnServerAsync(engine, ServerOf(engine), engine == Engine.Postgres ? "template0" : null);
    }

    /// <summary>
    /// A database with every migration applied, as the service leaves it at its first start. On PostgreSQL it is a copy of a
    /// template migrated once per set of migrations (<c>CREATE DATABASE … TEMPLATE</c>), which saves the server about 0.2 CPU-s
    /// of DDL per database; on the other engines it is an empty database that the service migrates when it starts (a SQLite
    /// file migrates in about 0.05 CPU-s). Tests of migrations themselves take <see cref="CreateAsync"/>.
    /// </summary>
    public static async Task<TestDatabase> CreateMigratedAsync(Engine engine)
    {
        if (engine != Engine.Postgres) return await CreateAsync(engine);
        var server = ServerOf(engine);
        var once = MigratedTemplates.GetOrAdd(server, s => new Lazy<Task<string>>(() => MigratedTemplateAsync(s)));
        string template;
        try
        {
            template = await once.Value;
        }
        catch
        {
            MigratedTemplates.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(server, once)); // the next test tries again
            throw;
        }
        return await CreateOnServerAsync(engine, server, template);
    }

    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> MigratedTemplates = new();

    private static string ServerOf(Engine engine) =>
        Engines.ServerFor(engine) ?? throw new InvalidOperationException($"{Engines.ServerVariable(engine)} is not set.");

    private static async Task<TestDatabase> CreateOnServerAsync(Engine engine, string server, string? template)
    {
        var name = "aid_test_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteOnServerAsync(engine, server, engine switch
        {
            Engine.Postgres => $"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE {template}",
            Engine.SqlServer => $"CREATE DATABASE [{name}]; ALTER DATABASE [{name}] SET READ_COMMITTED_SNAPSHOT ON;",
            Engine.Sqlite => throw new UnreachableException(),
        });
        var connectionString = engine switch
        {
            Engine.Postgres => new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString(),
            Engine.SqlServer => new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ToString(),
            Engine.Sqlite => throw new UnreachableException(),
        };
        return new TestDatabase(engine, connectionString, null, server, name);
    }

    /// <summary>
    /// The template named after the migrations' content, so a changed migration gets a new one and a server kept between runs
    /// reuses it. Built under another name, closed to connections (PostgreSQL copies a template only while nobody is connected
    /// to it) and only then renamed, so a half-migrated or open template is never found under the name.
    /// </summary>
    private static async Task<string> MigratedTemplateAsync(string server)
    {
        var migrations = MigrationRunner.Embedded("postgres");
        var content = string.Join("\n", migrations.Select(m => $"{m.Id}\n{m.Sql}"));
        var name = "aid_template_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", new { name })) return name;
        }

        var building = "aid_building_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteOnServerAsync(Engine.Postgres, server, $"CREATE DATABASE {building} ENCODING 'UTF8' TEMPLATE template0");
        var engine = DatabaseEngines.Create(DatabaseOptions.From("postgres", new NpgsqlConnectionStringBuilder(server) { Database = building }.ToString()));
        try
        {
            using (engine as IDisposable) // closes its pooled connections, which would keep the rename from happening
                await new MigrationRunner(engine, NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);
        }
        catch
        {
            await ExecuteOnServerAsync(Engine.Postgres, server, $"DROP DATABASE IF EXISTS {building} WITH (FORCE)");
            throw;
        }
        await ExecuteOnServerAsync(Engine.Postgres, server, $"ALTER DATABASE {building} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
        try
        {
            await ExecuteOnServerAsync(Engine.Postgres, server, $"ALTER DATABASE {building} RENAME TO {name}");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another test run built it meanwhile.
            await ExecuteOnServerAsync(Engine.Postgres, server, $"ALTER DATABASE {building} WITH IS_TEMPLATE false");
            await ExecuteOnServerAsync(Engine.Postgres, server, $"DROP DATABASE {building}");
        }
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        // Pooled connections would keep the file open, or the database in use. On a server only this database's pool: the
        // classes running beside this one keep theirs (each new connection there is a new server process). SQLite's pools are
        // keyed by the connection string's text, which the app rewrites (Pooling=True), so all of them are cleared.
        switch (Engine)
        {
            case Engine.Sqlite: SqliteConnection.ClearAllPools(); break;
            case Engine.Postgres: NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString)); break;
            case Engine.SqlServer: SqlConnection.ClearPool(new SqlConnection(ConnectionString)); break;
        }
        if (Engine == Engine.Sqlite)
        {
            try { Directory.Delete(_folder!, recursive: true); } catch (IOException) { }
            return;
        }
        await ExecuteOnServerAsync(Engine, _serverConnectionString!, Engine switch
        {
            Engine.Postgres => $"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)",
            Engine.SqlServer => $"ALTER DATABASE [{_databaseName}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{_databaseName}];",
            Engine.Sqlite => throw new UnreachableException(),
        });
    }

    private static DbConnection Connect(Engine engine, string connectionString) => engine switch
    {
        Engine.Sqlite => new SqliteConnection(connectionString),
        Engine.Postgres => new NpgsqlConnection(connectionString),
        Engine.SqlServer => new SqlConnection(connectionString),
    };

    private static async Task ExecuteOnServerAsync(Engine engine, string server, string sql)
    {
        await using var connection = Connect(engine, server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
