using Aid.Application.Common;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// SQLite's group commit (<see cref="SqliteGroupCommit"/>) on a real database file: commands lined up behind one another
/// share one commit, a refused one rolls back alone, nobody is answered before the commit, and a transaction SQLite threw
/// away takes nobody's writes with it unnoticed.
/// </summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aid-group-commit-").FullName;
    private SqliteEngine _engine = null!;
    private readonly List<DbSession> _sessions = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _engine = new SqliteEngine(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "aid.db")}"));
        await using var connection = await _engine.OpenAsync(Ct);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT NOT NULL UNIQUE)");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions) await session.DisposeAsync();
        await _engine.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Commands_lined_up_share_one_commit_a_refused_one_rolls_back_alone_and_none_returns_before_the_commit()
    {
        var first = await BeginAsync("a");
        var holdSecond = new TaskCompletionSource();
        var second = await LineUp(Command("b", holdSecond.Task), waiting: 1);
        var refused = await LineUp(Command("c", then: "a"), waiting: 2);     // 'a' is the first command's: a unique violation
        var fourth = await LineUp(Command("d"), waiting: 3);

        // The first command is done; three wait: the transaction stays open for them and the first is not answered yet.
        var firstCommitted = first.Scope.CommitAsync(Ct);
        await WaitUntil(() => _engine.Writer.Waiting == 2);          // the second has its turn and holds it
        Assert.False(firstCommitted.IsCompleted, "the first command was answered before its batch committed");
        Assert.Equal(0, await CountCommittedAsync());                 // another connection sees nothing yet

        holdSecond.SetResult();
        await firstCommitted;
        await second;
        var refusal = await Assert.ThrowsAsync<SqliteException>(() => refused);
        Assert.True(_engine.Dialect.IsUniqueViolation(refusal));
        await fourth;

        Assert.Equal(["a", "b", "d"], await CommittedValuesAsync());       // not 'c': the refused command's first write went too
        Assert.Equal((1L, 3L), _engine.Writer.Committed);             // one commit kept three commands
    }

    [Fact]
    public async Task Batches_run_on_the_writers_own_connection_with_temporary_storage_in_memory_and_leave_the_sessions_connections_alone()
    {
        var first = await BeginAsync("x");
        var writer = await first.Session.GetConnectionAsync(Ct);
        // 2 = MEMORY, where SQLite then keeps the savepoints' sub-journal (no temporary file, no system call per page).
        Assert.Equal(2L, await first.Session.QuerySingleAsync<long>("PRAGMA temp_store", null, Ct));
        // And it checkpoints after 4,000 pages rather than 1,000 (SqliteEngine.OpenWriterAsync says why).
        Assert.Equal(4000L, await first.Session.QuerySingleAsync<long>("PRAGMA wal_autocheckpoint", null, Ct));
        await first.Scope.CommitAsync(Ct);
        await first.Scope.DisposeAsync();

        // After the write the session reads on its own connection, as it was: a read's large sorts spill to disk (0 = DEFAULT).
        Assert.NotSame(writer, await first.Session.GetConnectionAsync(Ct));
        Assert.Equal(0L, await first.Session.QuerySingleAsync<long>("PRAGMA temp_store", null, Ct));
        Assert.Equal(1000L, await first.Session.QuerySingleAsync<long>("PRAGMA wal_autocheckpoint", null, Ct));

        // The next batch, begun by another session, runs on the same connection: its page cache is still good (no other
        // connection has written), where a session's connection would read every page it changes from the file again.
        var next = await BeginAsync("y");
        Assert.Same(writer, await next.Session.GetConnectionAsync(Ct));
        await next.Scope.CommitAsync(Ct);
        Assert.Equal(["x", "y"], await CommittedValuesAsync());
    }

    [Fact]
    public async Task SQLite_runs_in_multi_thread_mode_so_no_connection_takes_a_mutex_for_each_call()
    {
        var first = await BeginAsync("x");
        var writer = (SqliteConnection)await first.Session.GetConnectionAsync(Ct);
        var writerMutex = SqliteNative.sqlite3_db_mutex(writer.Handle!.DangerousGetHandle());
        await first.Scope.CommitAsync(Ct);
        await first.Scope.DisposeAsync();
        var reader = (SqliteConnection)await first.Session.GetConnectionAsync(Ct);
        Assert.NotSame(writer, reader);

        Assert.True(SqliteThreading.MultiThread, "SQLite refused multi-thread mode: a connection was opened before the first engine");
        Assert.Equal(0, writerMutex);
        Assert.Equal(0, SqliteNative.sqlite3_db_mutex(reader.Handle!.DangerousGetHandle()));
    }

    [Fact]
    public async Task A_command_alone_commits_at_once()
    {
        var only = await BeginAsync("x");
        await only.Scope.CommitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct); // a commit that waited for company would hang
        await only.Scope.DisposeAsync();
        Assert.Equal(["x"], await CommittedValuesAsync());
        Assert.Equal((1L, 1L), _engine.Writer.Committed);
    }

    [Fact]
    public async Task A_command_that_stops_waiting_for_its_turn_leaves_nobody_hanging()
    {
        var first = await BeginAsync("a");
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiter = await LineUp(async () => await NewSession().BeginTransactionAsync(giveUp.Token), waiting: 1);
        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        Assert.Equal(0, _engine.Writer.Waiting);

        await first.Scope.CommitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["a"], await CommittedValuesAsync());
    }

    [Fact]
    public async Task When_SQLite_throws_the_transaction_away_the_commands_already_done_are_told_and_nothing_is_kept()
    {
        var first = await BeginAsync("a");
        var wrecker = await LineUp(WreckTransaction(), waiting: 1);
        var firstCommitted = first.Scope.CommitAsync(Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => wrecker);
        var lost = await Assert.ThrowsAsync<WriteRolledBackException>(() => firstCommitted);
        Assert.NotNull(lost.InnerException);
        Assert.Empty(await CommittedValuesAsync());
        Assert.Equal((0L, 0L), _engine.Writer.Committed);

        // The writer goes on: the next command commits on its own.
        var next = await BeginAsync("c");
        await next.Scope.CommitAsync(Ct);
        Assert.Equal(["c"], await CommittedValuesAsync());
    }

    [Fact]
    public async Task A_first_command_whose_transaction_SQLite_threw_away_ends_the_batch_before_anyone_joins_it()
    {
        var first = await BeginAsync("a");
        var connection = (SqliteConnection)await first.Session.GetConnectionAsync(Ct);
        SQLitePCL.raw.sqlite3_exec(connection.Handle, "ROLLBACK");    // as SQLite does on some I/O errors; the command goes on
        var second = await LineUp(Command("b"), waiting: 1);

        // Joined to a batch with no transaction left, the second command's savepoint would begin and commit a transaction
        // of its own while its caller is told the batch failed.
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.Scope.CommitAsync(Ct));
        await second;                                                  // in a batch of its own
        Assert.Equal(["b"], await CommittedValuesAsync());
        Assert.Equal((1L, 1L), _engine.Writer.Committed);
    }

    [Fact]
    public async Task A_refused_command_that_began_the_batch_ends_it_and_the_one_waiting_begins_the_next()
    {
        var first = await BeginAsync("a");
        var holdSecond = new TaskCompletionSource();
        var second = await LineUp(Command("b", holdSecond.Task), waiting: 1);
        await first.Scope.DisposeAsync();                              // refused: its batch ends, rolled back

        await WaitUntil(() => _engine.Writer.Waiting == 0);            // the second has begun a batch of its own
        Assert.Equal(0L, await first.Session.QuerySingleAsync<long>("SELECT COUNT(*) FROM t", null, Ct));
        holdSecond.SetResult();
        await second;
        Assert.Equal(["b"], await CommittedValuesAsync());
        Assert.Equal((1L, 1L), _engine.Writer.Committed);
    }

    [Fact]
    public async Task The_command_that_begins_a_batch_has_no_savepoint_and_a_refusal_still_undoes_only_its_writes()
    {
        var first = await BeginAsync("a");
        // Without a savepoint of its own a large command is much faster (see SqliteGroupCommit.Member.InSavepoint).
        var none = await Assert.ThrowsAsync<SqliteException>(() => first.Session.ExecuteAsync("ROLLBACK TO aid_command", null, Ct));
        Assert.Contains("no such savepoint", none.Message);
        await first.Session.ExecuteAsync("INSERT INTO t (v) VALUES ('a2')", null, Ct); // the failed statement ended nothing
        await first.Scope.DisposeAsync();                                              // refused

        Assert.Empty(await CommittedValuesAsync());
        Assert.Equal((0L, 0L), _engine.Writer.Committed);
        var next = await BeginAsync("b");
        await next.Scope.CommitAsync(Ct);
        Assert.Equal(["b"], await CommittedValuesAsync());
    }

    private async Task<(DbSession Session, ITransactionScope Scope)> BeginAsync(string value)
    {
        var session = NewSession();
        var scope = await session.BeginTransactionAsync(Ct);
        await session.ExecuteAsync("INSERT INTO t (v) VALUES (@value)", new { value }, Ct);
        return (session, scope);
    }

    /// <summary>A command as the transaction behaviour runs one: begin, write, (wait), commit; disposed either way.</summary>
    private Func<Task> Command(string value, Task? holdBeforeCommit = null, string? then = null) => async () =>
    {
        var session = NewSession();
        await using var scope = await session.BeginTransactionAsync(Ct);
        await session.ExecuteAsync("INSERT INTO t (v) VALUES (@value)", new { value }, Ct);
        if (then is not null) await session.ExecuteAsync("INSERT INTO t (v) VALUES (@then)", new { then }, Ct);
        if (holdBeforeCommit is not null) await holdBeforeCommit;
        await scope.CommitAsync(Ct);
    };

    /// <summary>A command during which SQLite ends the transaction by itself, as it does on some I/O errors.</summary>
    private Func<Task> WreckTransaction() => async () =>
    {
        var session = NewSession();
        await using var scope = await session.BeginTransactionAsync(Ct);
        await session.ExecuteAsync("INSERT INTO t (v) VALUES ('w')", null, Ct);
        var connection = (SqliteConnection)await session.GetConnectionAsync(Ct);
        SQLitePCL.raw.sqlite3_exec(connection.Handle, "ROLLBACK");
        throw new InvalidOperationException("the statement failed and SQLite rolled the transaction back");
    };

    /// <summary>Starts the command once the ones before it wait, so the commands line up in a known order.</summary>
    private async Task<Task> LineUp(Func<Task> command, int waiting)
    {
        var started = Task.Run(command, Ct);
        await WaitUntil(() => _engine.Writer.Waiting >= waiting || started.IsCompleted);
        return started;
    }

    private DbSession NewSession()
    {
        var session = new DbSession(_engine);
        _sessions.Add(session);
        return session;
    }

    private async Task<long> CountCommittedAsync()
    {
        await using var reader = await _engine.OpenAsync(Ct);
        return await reader.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t");
    }

    private async Task<string[]> CommittedValuesAsync()
    {
        await using var reader = await _engine.OpenAsync(Ct);
        return (await reader.QueryAsync<string>("SELECT v FROM t ORDER BY v")).ToArray();
    }

    /// <summary>There is no event for "a command now waits for its turn": checks every millisecond, for 10 s at most.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 10_000 && !condition(); i++) await Task.Delay(1, Ct);
        Assert.True(condition(), "the commands did not line up");
    }
}

/// <summary>The same through the service: 24 gifts at once, a quarter of them one reference, so refusals land inside batches.</summary>
public sealed class GroupCommitServiceTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Fact]
    public async Task Racing_gifts_with_duplicates_among_them_keep_every_gift_once_and_refuse_the_duplicates()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var duplicate = "DUP-" + Guid.NewGuid().ToString("N")[..8];
        var bodies = Enumerable.Range(1, 24)
            .Select(i => MoneyScenario.Cash(programme, donor, $"{i}.{i:00}", reference: i % 4 == 0 ? duplicate : $"R-{i}"))
            .ToList();
        var responses = await Task.WhenAll(bodies.Select(body => admin.PostJson("/api/v1/gifts", body)));

        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Created)); // 18 distinct + one of the six duplicates
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var page = await admin.Get($"/api/v1/gifts?programmeId={programme}&limit=100").Expect(HttpStatusCode.OK);
        Assert.Equal(19, page.GetProperty("items").GetArrayLength());
        await app.AssertBalancedAsync();
        var verify = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.GetRawText());
    }
}
