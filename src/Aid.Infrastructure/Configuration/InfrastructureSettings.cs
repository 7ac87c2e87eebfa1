using System.Data.Common;
using Aid.Infrastructure.Database;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Aid.Infrastructure.Configuration;

/// <summary><c>Aid:Database:Provider</c>, <c>ConnectionStrings:Aid</c>, <c>Aid:Database:SqliteSynchronous</c> and <c>Aid:Database:MigrateOnStart</c>.</summary>
public sealed class DatabaseSettings : Settings
{
    public DatabaseOptions Database { get; private set; } = DatabaseOptions.From(null, null);

    /// <summary>Server engines: migrate at start-up under the engine's migration lock (SQLite always migrates).</summary>
    public bool MigrateOnStart { get; private set; } = true;

    protected internal override void Read(IConfiguration configuration)
    {
        MigrateOnStart = Bool(configuration, "Aid:Database:MigrateOnStart", true);
        try
        {
            Database = DatabaseOptions.From(
                configuration["Aid:Database:Provider"], configuration.GetConnectionString("Aid"), configuration["Aid:Database:SqliteSynchronous"]);
        }
        catch (ArgumentException e)
        {
            Fail(e.Message);
            return;
        }

        // The engine's own parser, so an unknown keyword or a malformed string is named here rather than at the first query.
        // Its message may quote a keyword, never a value: the string can hold a password.
        DbConnectionStringBuilder parser = Database.Provider switch
        {
            DatabaseProvider.Sqlite => new SqliteConnectionStringBuilder(),
            DatabaseProvider.Postgres => new NpgsqlConnectionStringBuilder(),
            DatabaseProvider.SqlServer => new SqlConnectionStringBuilder(),
            _ => new DbConnectionStringBuilder(), // an engine added later: at least the syntax
        };
        try
        {
            parser.ConnectionString = Database.ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            Fail($"ConnectionStrings__Aid must be a {DatabaseEngines.FolderOf(Database.Provider)} connection string of keyword=value pairs "
                 + $"separated by ';' that the engine understands ({e.GetType().Name}: {FirstSentence(e.Message)})");
        }
    }

    private static string FirstSentence(string message) => message.Split('\n')[0].Trim().TrimEnd('.');
}

/// <summary><c>Aid:Crypto:KeyFile</c>: the 256-bit master key (created with mode 0600 on first start when missing).</summary>
public sealed class CryptoSettings : Settings
{
    public const string DefaultKeyFile = "data/aid.key";

    public string KeyFile { get; private set; } = DefaultKeyFile;

    protected internal override void Read(IConfiguration configuration)
    {
        const string key = "Aid:Crypto:KeyFile";
        KeyFile = Text(configuration, key) ?? DefaultKeyFile;
        string path;
        try
        {
            path = Path.GetFullPath(KeyFile);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Problem(key, "a file path", KeyFile);
            return;
        }
        if (Directory.Exists(path))
            Problem(key, "a file, not a folder", KeyFile);
        else if (File.Exists(path))
        {
            try
            {
                using var stream = File.OpenRead(path);
                if (stream.Length != 32)
                    Fail($"{EnvironmentName(key)} must name a file of exactly 32 bytes (the 256-bit master key); {path} holds {stream.Length} bytes.");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail($"{EnvironmentName(key)} must name a file the service can read; {path} cannot be read ({e.GetType().Name}).");
            }
        }
    }
}

/// <summary><c>Aid:Pdf:Fonts:0</c>, <c>:1</c>, …: font files, primary first (none: the well-known system files). A missing font degrades PDFs, it does not stop the service.</summary>
public sealed class PdfSettings : Settings
{
    public IReadOnlyList<string> Fonts { get; private set; } = [];

    protected internal override void Read(IConfiguration configuration) =>
        Fonts = List(configuration, "Aid:Pdf:Fonts").Select(f => f.Value).ToList();
}
