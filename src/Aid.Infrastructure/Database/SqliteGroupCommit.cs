using System.Data.Common;
using System.Diagnostics;
using Aid.Application.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Group commit for SQLite's single writer. Commands take turns in one write transaction (BEGIN IMMEDIATE), each after the
/// first inside its own savepoint, so a refused command rolls back alone and the others stay. When a command ends its turn and another
/// is already waiting for one, the transaction stays open for it; otherwise the batch commits — one fsync for all of its
/// commands — and only then does any of them return: a caller is answered after its writes are durable, never before.
/// If SQLite rolls the whole transaction back (disk full, I/O error) or the commit fails, the other commands of the batch
/// fail with <see cref="WriteRolledBackException"/> and the transaction behaviour runs them again.
/// </summary>
/// <remarks>
/// Batches run on a connection of the writer's own, opened at the first write and kept: SQLite empties a connection's page
/// cache whenever another connection has committed, so batches on the sessions' connections (as until 2026-12) read most
/// pages they change from the file again (12 reads a gift in P1 against 2). The statements of a command go to that connection
/// while it writes (<see cref="IWriteScope.Connection"/>); its session's connection is left alone. After a batch that
/// failed as a whole (disk full, I/O error, a failed commit) the connection is closed and the next batch opens a new one.
/// The first command of a batch stays in it until the batch ends (it waits for the commit), except when it is refused:
/// nobody else is in the batch yet, so the batch ends at once, rolled back. One command at a time holds the turn, as the
/// single writer did before: a command never waits for a write of another scope while it holds it.
/// </remarks>
internal sealed class SqliteGroupCommit(Func<CancellationToken, ValueTask<SqliteConnection>> openConnection) : IAsyncDisposable
{
    /// <summary>At most this many commands share a commit: bounds the wait of the first and what one failed commit undoes.</summary>
    public const int MaxBatch = 32;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _waiting;
    private Batch? _open; // read and written only by the holder of the turn, as is the connection
    private SqliteConnection? _connection;
    private bool _disposed;
    private long _commits, _committedCommands, _turnTaken, _heldTicks, _commitTicks;
    private long _connectionsOpened; // the writer's connections so far: a new connection starts data_version afresh

    /// <summary>Commands waiting for their turn now (tests use it to line commands up behind one another).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Commits so far and the commands they kept: their ratio is the mean batch size (the benchmark reports it).</summary>
    internal (long Commits, long Commands) Committed => (Interlocked.Read(ref _commits), Interlocked.Read(ref _committedCommands));

    /// <summary>How long the turn was held in all (commands and commits), and the commits' share of it.</summary>
    internal (TimeSpan Held, TimeSpan Committing) Busy =>
        (Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _heldTicks)), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks)));

    public async ValueTask<IWriteScope> BeginAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _turn.WaitAsync(ct);
        }
        catch
        {
            Interlocked.Decrement(ref _waiting);
            CommitIfNobodyWaits();
            throw;
        }
        Interlocked.Decrement(ref _waiting);
        _turnTaken = Stopwatch.GetTimestamp();

        Batch? batch = null;
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var first = _open is null;
            batch = _open ??= Batch.Begin(await ConnectionAsync(ct));
            var member = new Member(this, batch, first);
            if (member.InSavepoint) batch.Savepoint();
            return member;
        }
        catch (Exception e)
        {
            if (batch is null) CloseConnection(); // BEGIN failed: the next batch starts on a new connection
            else batch.Break(e);
            EndTurn(endBatch: true);
            throw;
        }
    }

    /// <summary>
    /// The writer's connection (which one, counted) and its <c>PRAGMA data_version</c>, read in the writer's turn (inside the open
    /// batch, if one waits for another command). SQLite moves data_version when another connection, of this process or of
    /// another, has committed, and never for the connection's own commits: so while the mark stays the same, every commit
    /// was one of this writer's batches. Null when it cannot be read (the caller then cannot tell, which is always safe).
    /// </summary>
    public async ValueTask<string?> ForeignCommitMarkAsync(CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        _turnTaken = Stopwatch.GetTimestamp();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = await ConnectionAsync(ct);
            using var command = connection.CreateCommand();
            command.Transaction = _open?.Transaction;
            command.CommandText = "PRAGMA data_version";
            var version = (long)command.ExecuteScalar()!;
            return $"{_connectionsOpened}:{version}";
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // Whatever failed on the writer's connection: the open batch cannot be trusted to commit, a closed one is reopened.
            if (_open is { } batch) batch.Break(e);
            else CloseConnection();
            return null;
        }
        finally
        {
            EndTurn(endBatch: false);
        }
    }

    private async ValueTask<SqliteConnection> ConnectionAsync(CancellationToken ct)
    {
        if (_connection is { } open) return open;
        _connection = await openConnection(ct);
        _connectionsOpened++;
        return _connection;
    }

    /// <summary>
    /// Closes the writer's connection once the commands that write now are done (they have a minute to end); a write begun
    /// afterwards is refused.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var turn = await _turn.WaitAsync(TimeSpan.FromMinutes(1));
        _disposed = true;
        if (!turn) return;
        try
        {
            if (_open is { } batch)
            {
                _open = null;
                batch.Break(new ObjectDisposedException(nameof(SqliteGroupCommit)));
                batch.Finish();
            }
            CloseConnection();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>A waiter gave up: if nobody else waits and nobody holds the turn, the open batch must not wait for it.</summary>
    private void CommitIfNobodyWaits()
    {
        if (!_turn.Wait(0)) return;
        _turnTaken = Stopwatch.GetTimestamp();
        EndTurn(endBatch: false);
    }

    /// <summary>
    /// Called by the holder of the turn when its command is done (enlisted or rolled back); <paramref name="endBatch"/> when
    /// the batch cannot go on (its first command was refused, or beginning a command failed).
    /// </summary>
    private void EndTurn(bool endBatch)
    {
        var leftOpen = false;
        try
        {
            if (_open is { } batch && (batch.Broken is not null || batch.Members >= MaxBatch || endBatch || Volatile.Read(ref _waiting) == 0))
            {
                _open = null;
                var committing = Stopwatch.GetTimestamp();
                var kept = batch.Finish();
                Interlocked.Add(ref _commitTicks, Stopwatch.GetTimestamp() - committing);
                if (kept > 0)
                {
                    Interlocked.Increment(ref _commits);
                    Interlocked.Add(ref _committedCommands, kept);
                }
                if (batch.Broken is not null) CloseConnection(); // whatever state SQLite left it in, the next batch starts afresh
            }
            leftOpen = _open is not null;
        }
        finally
        {
            Interlocked.Add(ref _heldTicks, Stopwatch.GetTimestamp() - _turnTaken);
            _turn.Release();
        }
        // Left open for a waiter that may have given up meanwhile: its own check ran while this turn was held (and failed), so
        // look again now that the turn is free. One of the two sees the other's change.
        if (leftOpen && Volatile.Read(ref _waiting) == 0)
            CommitIfNobodyWaits();
    }

    private void CloseConnection()
    {
        try
        {
            _connection?.Dispose();
        }
        catch (Exception)
        {
            // closing a connection SQLite has failed on: nothing more to do with it
        }
        _connection = null;
    }

    private sealed class Member(SqliteGroupCommit owner, Batch batch, bool first) : IWriteScope
    {
        private bool _turnEnded;

        /// <summary>
        /// Every command but the batch's first runs in a savepoint. If the first is refused, the batch ends at once and its
        /// rollback undoes exactly that command's writes. A savepoint would cost it much for nothing: SQLite
        /// copies each page the command changes into the savepoint's sub-journal, and at the end of every statement inside it
        /// walks that in-memory journal from its start to cut off the statement's part (<c>memjrnlTruncate</c>), a tenth of
        /// an import chunk's time, which writes a few thousand statements in one command.
        /// </summary>
        public bool InSavepoint => !first;

        // Once the turn has ended the connection is the next command's, on another thread: SQLite runs in multi-thread mode
        // (SqliteThreading), where using one connection on two threads at once is undefined behaviour, not just a mix-up.
        public DbConnection Connection => _turnEnded ? throw TurnEnded() : batch.Connection;
        public DbTransaction Transaction => _turnEnded ? throw TurnEnded() : batch.Transaction;

        private static InvalidOperationException TurnEnded() =>
            new("This command's turn at the writer has ended (committed or given up): its connection now belongs to the next command.");

        public async Task CommitAsync(CancellationToken ct)
        {
            Task durable;
            try
            {
                durable = batch.Enlist(releaseSavepoint: InSavepoint);
            }
            catch (Exception e)
            {
                batch.Break(e);
                EndTurn(leaving: true);
                throw;
            }
            EndTurn(leaving: false);
            await durable; // not cancellable: the caller must learn whether its writes were kept
        }

        public ValueTask DisposeAsync()
        {
            if (!_turnEnded)
            {
                if (InSavepoint) batch.RollBackSavepoint(); // else the batch, ending with this turn, rolls back
                EndTurn(leaving: true);
            }
            return ValueTask.CompletedTask;
        }

        private void EndTurn(bool leaving)
        {
            _turnEnded = true;
            owner.EndTurn(endBatch: leaving && first);
        }
    }

    private sealed class Batch(SqliteConnection connection, SqliteTransaction transaction)
    {
        private const string SavepointName = "aid_command";
        private readonly List<TaskCompletionSource> _members = [];

        public SqliteConnection Connection => connection;
        public SqliteTransaction Transaction => transaction;
        public Exception? Broken { get; private set; }
        public int Members => _members.Count;

        /// <summary>BEGIN IMMEDIATE (deferred: false): the write lock is taken now, not at the first write.</summary>
        public static Batch Begin(SqliteConnection connection) => new(connection, connection.BeginTransaction(deferred: false));

        public void Savepoint() => Execute($"SAVEPOINT {SavepointName}");

        /// <summary>Keeps the command's writes in the batch; the returned task ends when the batch is committed or lost.</summary>
        public Task Enlist(bool releaseSavepoint)
        {
            if (releaseSavepoint) Execute($"RELEASE {SavepointName}"); // fails if SQLite rolled the transaction back meanwhile
            else if (raw.sqlite3_get_autocommit(connection.Handle) != 0) // the same check for the first command, which has no savepoint
                throw new InvalidOperationException("SQLite rolled back the write transaction after a failed statement.");
            var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _members.Add(durable);
            return durable.Task;
        }

        /// <summary>Undoes the command's writes. If SQLite already rolled back the whole transaction, the batch is lost.</summary>
        public void RollBackSavepoint()
        {
            if (Broken is not null) return;
            try
            {
                if (raw.sqlite3_get_autocommit(connection.Handle) != 0)
                    throw new InvalidOperationException("SQLite rolled back the write transaction after a failed statement.");
                Execute($"ROLLBACK TO {SavepointName}; RELEASE {SavepointName}");
            }
            catch (Exception e)
            {
                Broken = e;
            }
        }

        public void Break(Exception cause) => Broken ??= cause;

        /// <summary>
        /// Commits (or, when broken or empty, rolls back) and tells every enlisted command the outcome; returns how many
        /// commands were committed.
        /// </summary>
        public int Finish()
        {
            var committed = false;
            if (Broken is null && _members.Count > 0)
            {
                try
                {
                    transaction.Commit();
                    committed = true;
                }
                catch (Exception e)
                {
                    Broken = e;
                }
            }
            try
            {
                transaction.Dispose(); // rolls back unless committed
            }
            catch (Exception e) when (!committed)
            {
                Broken ??= e;
            }
            catch
            {
                // committed: what disposing says afterwards changes nothing that was kept
            }
            foreach (var member in _members)
            {
                if (Broken is null) member.SetResult();
                else member.SetException(new WriteRolledBackException(Broken));
            }
            return committed ? _members.Count : 0;
        }

        private void Execute(string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
