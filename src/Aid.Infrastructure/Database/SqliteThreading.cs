using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Puts SQLite into multi-thread mode before the process opens its first connection. The e_sqlite3 bundle is built
/// serialized: every call on a connection, down to reading one column of one row, takes and releases that connection's
/// mutex. Aid never uses a connection (or a statement of it) on two threads at once: Microsoft.Data.Sqlite's connections are
/// not thread-safe anyway, each session owns its own, and the group commit's writer runs one batch at a time. So the mutex
/// only ever costs: audit verification reads every money row and record column by column, and at a million gifts
/// <c>pthread_mutex_lock</c> and <c>unlock</c> were 8.6 % of all CPU samples of the P4 statement (perf, issue 18). Nothing
/// reaches a connection from another thread: Microsoft.Data.Sqlite never calls <c>sqlite3_interrupt</c> (cancelling a
/// command does nothing), and a write scope's connection cannot be had once its turn at the writer has ended
/// (<see cref="SqliteGroupCommit"/>).
/// </summary>
internal static class SqliteThreading
{
    private const int ConfigMultiThread = 2; // SQLITE_CONFIG_MULTITHREAD

    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>
    /// True when SQLite runs in multi-thread mode. False only if something in the process opened a connection before the
    /// first engine was made (SQLite then refuses the change, and stays serialized: correct, only slower).
    /// </summary>
    public static bool MultiThread => Applied.Value;

    private static bool Apply()
    {
        // Microsoft.Data.Sqlite's static constructor chooses and loads the native library; SQLite itself initializes at the
        // first open, after which its threading mode is fixed.
        RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        return SQLitePCL.raw.sqlite3_config(ConfigMultiThread) == 0;
    }
}
