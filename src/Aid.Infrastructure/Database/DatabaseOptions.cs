namespace Aid.Infrastructure.Database;

public enum DatabaseProvider { Sqlite, Postgres, SqlServer }

/// <summary><c>Aid:Database:Provider</c> and <c>ConnectionStrings:Aid</c>.</summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString, string SqliteSynchronous = "FULL")
{
    public const string DefaultSqliteConnectionString = "Data Source=data/aid.db";

    public static DatabaseOptions From(string? provider, string? connectionString, string? synchronous = null)
    {
        var kind = (provider ?? "sqlite").Trim().ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            "sqlserver" or "mssql" => DatabaseProvider.SqlServer,
            var other => throw new ArgumentException($"Unknown Aid__Database__Provider '{other}': use sqlite, postgres or sqlserver."),
        };
        if (kind != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException($"ConnectionStrings__Aid is required for {kind}.");
        var sync = (synchronous ?? "FULL").ToUpperInvariant();
        if (sync is not ("FULL" or "NORMAL" or "EXTRA"))
            throw new ArgumentException("Aid__Database__SqliteSynchronous must be FULL, NORMAL or EXTRA.");
        return new DatabaseOptions(kind, string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString, sync);
    }
}
