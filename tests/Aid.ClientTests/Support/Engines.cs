namespace Aid.ClientTests.Support;

public enum Engine { Sqlite, Postgres }

/// <summary>
/// The engines the client tests run on: SQLite always, PostgreSQL when AID_TEST_POSTGRES holds a server connection string
/// without a database (scripts/test.sh and CI set it); otherwise the PostgreSQL rows are reported skipped with the reason.
/// Use as <c>[Theory, ClassData(typeof(EngineRows))]</c> on a test taking <c>(Engine engine)</c>.
/// </summary>
public sealed class EngineRows : TheoryData<Engine>
{
    public const string PostgresVariable = "AID_TEST_POSTGRES";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server ? server : null;

    public static string? SkipReason(Engine engine) => engine == Engine.Postgres && PostgresServer is null
        ? $"PostgreSQL client tests need {PostgresVariable} (a PostgreSQL server connection string without Database); CI sets it."
        : null;

    public EngineRows()
    {
        foreach (var engine in Enum.GetValues<Engine>())
            Add(new TheoryDataRow<Engine>(engine) { Skip = SkipReason(engine) });
    }
}
