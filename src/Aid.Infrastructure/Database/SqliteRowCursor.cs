using System.Runtime.InteropServices;
using System.Text;
using Aid.Application.Common;
using Microsoft.Data.Sqlite;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Reads a query straight through SQLite's C API, on the handle of the connection Microsoft.Data.Sqlite opened (so inside its
/// transaction, if one is open). Microsoft.Data.Sqlite makes two native calls per column, each taking and releasing a reference
/// on the statement's SafeHandle; audit verification reads every money row and record, and at a million gifts those calls were
/// a third of its time (perf over the P4 statement, issue 18). Here a column costs two plain calls, and text is not decoded.
/// </summary>
internal sealed unsafe partial class SqliteRowCursor : IRowCursor
{
    private const int Row = 100, Done = 101;
    private const int SqliteInteger = 1, SqliteFloat = 2, SqliteText = 3, SqliteBlob = 4, SqliteNull = 5;
    private const string Library = "e_sqlite3"; // the library Microsoft.Data.Sqlite's bundle loads, found by the same name

    private readonly SqliteConnection _connection;
    private readonly nint _db;
    private nint _statement;
    private long _rows;

    /// <summary>
    /// Whether these calls reach the SQLite that Microsoft.Data.Sqlite uses (the same library, same version). When they do not
    /// (another SQLite provider configured), <see cref="SqliteEngine"/> reads through Microsoft.Data.Sqlite instead.
    /// </summary>
    public static bool Available { get; } = Probe();

    private SqliteRowCursor(SqliteConnection connection, nint db, nint statement)
    {
        _connection = connection;
        _db = db;
        _statement = statement;
    }

    public static SqliteRowCursor Open(SqliteConnection connection, string sql)
    {
        var db = connection.Handle?.DangerousGetHandle() ?? throw new InvalidOperationException("The connection is not open.");
        var bytes = Encoding.UTF8.GetBytes(sql);
        nint statement, tail;
        int rc, consumed;
        fixed (byte* text = bytes)
        {
            rc = sqlite3_prepare_v2(db, text, bytes.Length, &statement, &tail);
            consumed = rc == 0 ? (int)(tail - (nint)text) : 0;
        }
        if (rc != 0) throw Error(db, rc);
        var cursor = new SqliteRowCursor(connection, db, statement); // statement 0: only whitespace or comments, no rows
        if (!string.IsNullOrWhiteSpace(Encoding.UTF8.GetString(bytes, consumed, bytes.Length - consumed)))
        {
            cursor.Dispose();
            throw new ArgumentException("A cursor runs one statement.", nameof(sql));
        }
        return cursor;
    }

    public int FieldCount => _statement == 0 ? 0 : sqlite3_column_count(_statement);

    public bool Read(CancellationToken ct)
    {
        if (_statement == 0) return false;
        if ((++_rows & 1023) == 0) ct.ThrowIfCancellationRequested();
        var rc = sqlite3_step(_statement);
        return rc switch
        {
            Row => true,
            Done => false,
            _ => throw Error(_db, rc),
        };
    }

    public ColumnKind Kind(int column) => sqlite3_column_type(_statement, column) switch
    {
        SqliteInteger => ColumnKind.Integer,
        SqliteFloat => ColumnKind.Real,
        SqliteText => ColumnKind.Text,
        SqliteBlob => ColumnKind.Blob,
        _ => ColumnKind.Null,
    };

    public long GetInt64(int column) => sqlite3_column_int64(_statement, column);

    public ReadOnlySpan<byte> GetUtf8(int column)
    {
        var text = sqlite3_column_text(_statement, column); // text first, then its length (SQLite's documented order)
        return text is null ? [] : new ReadOnlySpan<byte>(text, sqlite3_column_bytes(_statement, column));
    }

    /// <summary>As Microsoft.Data.Sqlite's <c>GetValue</c>: long, double, string, byte[] or <see cref="DBNull"/>.</summary>
    public object GetValue(int column) => sqlite3_column_type(_statement, column) switch
    {
        SqliteInteger => sqlite3_column_int64(_statement, column),
        SqliteFloat => sqlite3_column_double(_statement, column),
        SqliteText => Encoding.UTF8.GetString(GetUtf8(column)),
        SqliteBlob => Blob(column),
        _ => DBNull.Value,
    };

    private byte[] Blob(int column)
    {
        var blob = sqlite3_column_blob(_statement, column);
        return blob is null ? [] : new ReadOnlySpan<byte>(blob, sqlite3_column_bytes(_statement, column)).ToArray();
    }

    public void Dispose()
    {
        if (_statement == 0) return;
        sqlite3_finalize(_statement); // its result repeats the last step's error, already thrown
        _statement = 0;
        GC.KeepAlive(_connection);
    }

    private static SqliteException Error(nint db, int rc) =>
        new($"SQLite Error {rc}: '{Marshal.PtrToStringUTF8((nint)sqlite3_errmsg(db))}'.", rc);

    private static bool Probe()
    {
        try
        {
            return sqlite3_libversion_number() == SQLitePCL.raw.sqlite3_libversion_number();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport(Library)] private static partial int sqlite3_libversion_number();
    [LibraryImport(Library)] private static partial int sqlite3_prepare_v2(nint db, byte* sql, int bytes, nint* statement, nint* tail);
    [LibraryImport(Library)] private static partial int sqlite3_step(nint statement);
    [LibraryImport(Library)] private static partial int sqlite3_finalize(nint statement);
    [LibraryImport(Library)] private static partial byte* sqlite3_errmsg(nint db);
    [LibraryImport(Library), SuppressGCTransition] private static partial int sqlite3_column_count(nint statement);

    // Column reads only look at the current row (no I/O, no callbacks): the GC transition is not needed.
    [LibraryImport(Library), SuppressGCTransition] private static partial int sqlite3_column_type(nint statement, int column);
    [LibraryImport(Library), SuppressGCTransition] private static partial long sqlite3_column_int64(nint statement, int column);
    [LibraryImport(Library), SuppressGCTransition] private static partial double sqlite3_column_double(nint statement, int column);
    [LibraryImport(Library), SuppressGCTransition] private static partial byte* sqlite3_column_text(nint statement, int column);
    [LibraryImport(Library), SuppressGCTransition] private static partial byte* sqlite3_column_blob(nint statement, int column);
    [LibraryImport(Library), SuppressGCTransition] private static partial int sqlite3_column_bytes(nint statement, int column);
}
