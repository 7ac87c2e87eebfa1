using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Npgsql;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// On PostgreSQL the engine's connections prepare the statements they send often (Npgsql's automatic preparation), so a
/// busy service does not have every statement parsed and planned again; a connection string that sets
/// <c>Max Auto Prepare</c> itself is obeyed, 0 included.
/// </summary>
public sealed class PostgresPreparedStatementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_statement_sent_often_is_prepared_unless_the_connection_string_says_otherwise()
    {
        Engines.SkipUnlessAvailable(Engine.Postgres);
        await using var database = await TestDatabase.CreateAsync(Engine.Postgres);

        Assert.Equal(1, await PreparedAfterSixUsesAsync(database.ConnectionString));
        Assert.Equal(0, await PreparedAfterSixUsesAsync(database.ConnectionString + ";Max Auto Prepare=0"));
        Assert.Equal(1, await PreparedAfterSixUsesAsync(database.ConnectionString + ";MaxAutoPrepare=3"));
    }

    [Fact]
    public void The_connection_string_keeps_everything_else_it_said()
    {
        const string Given = "Host=db.example;Port=5433;Database=aid;Username=aid;Password=\"p;w=rd\";Maximum Pool Size=7";
        var used = new NpgsqlConnectionStringBuilder(PostgresEngine.WithStatementsPrepared(Given));

        Assert.Equal(("db.example", 5433, "aid", "aid", "p;w=rd", 7), (used.Host, used.Port, used.Database, used.Username, used.Password, used.MaxPoolSize));
        Assert.Equal(PostgresEngine.AutoPreparedStatements, used.MaxAutoPrepare);
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(PostgresEngine.WithStatementsPrepared("Host=h;max auto prepare=0")).MaxAutoPrepare);
    }

    private static async Task<long> PreparedAfterSixUsesAsync(string connectionString)
    {
        var engine = DatabaseEngines.Create(DatabaseOptions.From("postgres", connectionString));
        try
        {
            await using var connection = await engine.OpenAsync(Ct);
            for (var use = 0; use < 6; use++)
                Assert.Equal(use + 41, await connection.QuerySingleAsync<int>("SELECT @n + 41 AS answer", new { n = use }));
            return await connection.QuerySingleAsync<long>("SELECT COUNT(*) FROM pg_prepared_statements WHERE strpos(statement, 'AS ' || 'answer') > 0");
        }
        finally
        {
            (engine as IDisposable)?.Dispose();
        }
    }
}
