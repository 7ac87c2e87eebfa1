namespace Aid.Infrastructure.Database;

public enum DatabaseProvider { Sqlite, Postgres }

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
            "sqlserver" => throw new NotSupportedException("Aid__Database__Provider=sqlserver is not available yet; use sqlite or postgres."),
            var other => throw new ArgumentException($"Unknown Aid__Database__Provider '{other}': use sqlite or postgres."),
        };
        if (kind == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("ConnectionStrings__Aid is required for PostgreSQL.");
        var sync = (synchronous ?? "FULL").ToUpperInvariant();
        if (sync is not ("FULL" or "NORMAL" or "EXTRA"))
            throw new ArgumentException("Aid__Database__SqliteSynchronous must be FULL, NORMAL or EXTRA.");
        return new DatabaseOptions(kind, string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString, sync);
    }
}
