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
/// The batch runs on the connection of the command that began it. That command stays in the batch until the batch ends
/// (it waits for the commit), except when it is refused: nobody else is in the batch yet, so the batch ends at once, rolled
/// back, and the connection goes back to its session free. One command at a time holds the turn, as the single writer did before: a command never waits for a
/// write of another scope while it holds it.
/// </remarks>
internal sealed class SqliteGroupCommit
{
    /// <summary>At most this many commands share a commit: bounds the wait of the first and what one failed commit undoes.</summary>
    public const int MaxBatch = 32;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private int _waiting;
    private Batch? _open; // read and written only by the holder of the turn
    private long _commits, _committedCommands, _turnTaken, _heldTicks, _commitTicks;

    /// <summary>Commands waiting for their turn now (tests use it to line commands up behind one another).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Commits so far and the commands they kept: their ratio is the mean batch size (the benchmark reports it).</summary>
    internal (long Commits, long Commands) Committed => (Interlocked.Read(ref _commits), Interlocked.Read(ref _committedCommands));

    /// <summary>How long the turn was held in all (commands and commits), and the commits' share of it.</summary>
    internal (TimeSpan Held, TimeSpan Committing) Busy =>
        (Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _heldTicks)), Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _commitTicks)));

    public async ValueTask<IWriteScope> BeginAsync(SqliteConnection sessionConnection, CancellationToken ct)
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
            batch = _open ??= Batch.Begin(sessionConnection);
            var member = new Member(this, batch, ownsConnection: ReferenceEquals(batch.Connection, sessionConnection));
            if (member.InSavepoint) batch.Savepoint();
            return member;
        }
        catch (Exception e)
        {
            batch?.Break(e);
            EndTurn(leavingConnectionOwner: true);
            throw;
        }
    }

    /// <summary>A waiter gave up: if nobody else waits and nobody holds the turn, the open batch must not wait for it.</summary>
    private void CommitIfNobodyWaits()
    {
        if (!_turn.Wait(0)) return;
        _turnTaken = Stopwatch.GetTimestamp();
        EndTurn(leavingConnectionOwner: false);
    }

    /// <summary>Called by the holder of the turn when its command is done (enlisted or rolled back).</summary>
    private void EndTurn(bool leavingConnectionOwner)
    {
        var leftOpen = false;
        try
        {
            if (_open is { } batch && (batch.Broken is not null || batch.Members >= MaxBatch || leavingConnectionOwner || Volatile.Read(ref _waiting) == 0))
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

    private sealed class Member(SqliteGroupCommit owner, Batch batch, bool ownsConnection) : IWriteScope
    {
        private bool _turnEnded;

        /// <summary>
        /// Every command but the batch's first runs in a savepoint. The first owns the connection: if it is refused, the batch
        /// ends at once and its rollback undoes exactly that command's writes. A savepoint would cost it much for nothing: SQLite
        /// copies each page the command changes into the savepoint's sub-journal, and at the end of every statement inside it
        /// walks that in-memory journal from its start to cut off the statement's part (<c>memjrnlTruncate</c>), a tenth of
        /// an import chunk's time, which writes a few thousand statements in one command.
        /// </summary>
        public bool InSavepoint => !ownsConnection;

        public DbConnection Connection => batch.Connection;
        public DbTransaction Transaction => batch.Transaction;

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
            owner.EndTurn(leavingConnectionOwner: leaving && ownsConnection);
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

        /// <summary>
        /// BEGIN IMMEDIATE (deferred: false): the write lock is taken now, not at the first write. For the batch's length the
        /// connection keeps its temporary storage in memory: SQLite fixes at BEGIN where the savepoints' sub-journal goes (a copy
        /// of each page a command changes, to roll that command back alone), and on disk it spilled to a temporary file after
        /// 64 KiB, from then on a system call per page: 68 writes a gift in P1, 21 in memory, and the writer's turn 1.1 → 0.9 ms.
        /// Reads keep spilling their large sorts and temporary tables to disk (<see cref="Finish"/> sets it back).
        /// </summary>
        public static Batch Begin(SqliteConnection connection)
        {
            Execute(connection, null, "PRAGMA temp_store = MEMORY");
            try
            {
                return new(connection, connection.BeginTransaction(deferred: false));
            }
            catch
            {
                RestoreTempStore(connection);
                throw;
            }
        }

        public void Savepoint() => Execute($"SAVEPOINT {SavepointName}");

        /// <summary>Keeps the command's writes in the batch; the returned task ends when the batch is committed or lost.</summary>
        public Task Enlist(bool releaseSavepoint)
        {
            if (releaseSavepoint) Execute($"RELEASE {SavepointName}");
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
            RestoreTempStore(connection);
            foreach (var member in _members)
            {
                if (Broken is null) member.SetResult();
                else member.SetException(new WriteRolledBackException(Broken));
            }
            return committed ? _members.Count : 0;
        }

        private void Execute(string sql) => Execute(connection, transaction, sql);

        private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }

        // Outside any transaction, as SQLite requires. Refused only while a transaction is still open (its rollback failed): the
        // connection then keeps its temporary storage in memory, which changes where a later read's temporary data goes, nothing else.
        private static void RestoreTempStore(SqliteConnection connection)
        {
            try
            {
                Execute(connection, null, "PRAGMA temp_store = DEFAULT");
            }
            catch (SqliteException)
            {
            }
        }
    }
}
