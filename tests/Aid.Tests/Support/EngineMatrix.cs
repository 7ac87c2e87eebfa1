namespace Aid.Tests.Support;

public enum Engine { Sqlite, Postgres, SqlServer }

/// <summary>
/// The engines every SQL-touching test runs on, and what each needs. Adding an engine to the matrix is one line in
/// <see cref="All"/>; the switches over <see cref="Engine"/> (here and in <see cref="TestDatabase"/>) have no default arm,
/// so the compiler names every place a new engine still needs code.
/// </summary>
public static class Engines
{
    public static readonly IReadOnlyList<Engine> All = [Engine.Sqlite, Engine.Postgres, Engine.SqlServer];

    /// <summary>The environment variable holding the engine's server connection string (without a database), or null when it needs no server.</summary>
    public static string? ServerVariable(Engine engine) => engine switch
    {
        Engine.Sqlite => null, // a temporary file per test class
        Engine.Postgres => "AID_TEST_POSTGRES",
        Engine.SqlServer => "AID_TEST_SQLSERVER",
    };

    /// <summary>The server the engine's test databases are created on, or null when it needs none or none is configured.</summary>
    public static string? ServerFor(Engine engine) =>
        ServerVariable(engine) is { } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } server ? server : null;

    /// <summary>Why the engine's tests cannot run here, or null when they can.</summary>
    public static string? SkipReason(Engine engine) => ServerVariable(engine) is null || ServerFor(engine) is not null ? null : engine switch
    {
        Engine.Sqlite => null,
        Engine.Postgres => "PostgreSQL tests need AID_TEST_POSTGRES (a PostgreSQL server connection string without Database); CI sets it.",
        Engine.SqlServer => "SQL Server tests need AID_TEST_SQLSERVER (a SQL Server connection string without a database); "
            + "no SQL Server runs locally or in CI, so these are reported skipped, not passed.",
    };

    /// <summary>Skips the current test when the engine's server is not configured.</summary>
    public static void SkipUnlessAvailable(Engine engine)
    {
        if (SkipReason(engine) is { } reason) Assert.Skip(reason);
    }
}

/// <summary>
/// The engine matrix: one row per engine in <see cref="Engines.All"/>, skipped with the reason where that engine's server is
/// not configured. Use as <c>[Theory, ClassData(typeof(EngineMatrix))]</c> on a test taking <c>(Engine engine)</c>.
/// </summary>
public sealed class EngineMatrix : TheoryData<Engine>
{
    public EngineMatrix()
    {
        foreach (var engine in Engines.All)
            Add(new TheoryDataRow<Engine>(engine) { Skip = Engines.SkipReason(engine) });
    }

    /// <summary>A theory's own rows on every engine of the matrix (engine first), keeping each engine's skip.</summary>
    public static TheoryData<Engine, T1, T2> Cross<T1, T2>(TheoryData<T1, T2> rows)
    {
        var crossed = new TheoryData<Engine, T1, T2>();
        foreach (var engine in new EngineMatrix())
            foreach (var row in rows)
                crossed.Add(new TheoryDataRow<Engine, T1, T2>(engine.Data, row.Data.Item1, row.Data.Item2) { Skip = engine.Skip ?? row.Skip });
        return crossed;
    }
}

/// <summary>
/// The matrix for browser flows (forms, sign-in, downloads): SQLite always; the server engines only when
/// <c>AID_TEST_PAGES_ON_ALL_ENGINES=1</c>. A page runs the same queries as the API, which the API tests run on every engine,
/// and the page tests whose pages have queries of their own (dashboard, donor portal, auditor area) stay on
/// <see cref="EngineMatrix"/>; running every flow twice would double the suite's longest part for no new SQL.
/// </summary>
public sealed class PageFlowEngines : TheoryData<Engine>
{
    public const string AllEnginesVariable = "AID_TEST_PAGES_ON_ALL_ENGINES";

    public PageFlowEngines()
    {
        var all = Environment.GetEnvironmentVariable(AllEnginesVariable) == "1";
        foreach (var engine in Engines.All)
            Add(new TheoryDataRow<Engine>(engine)
            {
                Skip = Engines.SkipReason(engine) ?? (engine == Engine.Sqlite || all ? null
                    : $"browser flows run on SQLite in the quick suite (their queries are the API's, tested on every engine); set {AllEnginesVariable}=1 to run them here too"),
            });
    }
}
