using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Aid.Application.Common;
using Microsoft.Data.Sqlite;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Reads a query straight through SQLite's C API, on the handle of the connection Microsoft.Data.Sqlite opened (so inside its
/// transaction, if one is open). Microsoft.Data.Sqlite makes two native calls per column, each taking and releasing a reference
/// on the statement's SafeHandle; audit verification reads every money row and record, and at a million gifts those calls were
/// a third of its time (perf over the P4 statement, issue 18). Here a column costs two or three plain calls, and text is not
/// decoded. Typed reads are as strict as Microsoft.Data.Sqlite's values read through Dapper: a number from text is converted as
/// Dapper converts it (or refused), and only text has UTF-8.
/// </summary>
internal sealed unsafe partial class SqliteRowCursor : IRowCursor
{
    private const int Row = 100, Done = 101;
    private const int SqliteInteger = 1, SqliteFloat = 2, SqliteText = 3, SqliteBlob = 4, SqliteNull = 5;
    private const string Library = "e_sqlite3"; // the library Microsoft.Data.Sqlite's bundle loads, found by the same name

    private readonly SQLitePCL.sqlite3 _handle;
    private nint _db;
    private nint _statement;
    private long _rows;
    private bool _done;

    /// <summary>
    /// Whether these calls reach the SQLite that Microsoft.Data.Sqlite uses (the e_sqlite3 bundle, same version). When they do
    /// not (another SQLite provider configured), <see cref="SqliteEngine"/> reads through Microsoft.Data.Sqlite instead.
    /// </summary>
    public static bool Available { get; } = Probe();

    private SqliteRowCursor(SQLitePCL.sqlite3 handle, nint db, nint statement)
    {
        _handle = handle;
        _db = db;
        _statement = statement;
    }

    /// <summary>
    /// Prepares <paramref name="sql"/> (one statement; comments and semicolons may follow it) on the connection's handle and binds
    /// its parameter, if any (text or an integer).
    /// </summary>
    public static SqliteRowCursor Open(SqliteConnection connection, string sql, CursorParameter? parameter = null)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var added = false;
        handle.DangerousAddRef(ref added); // the handle stays open until the statement is finalized
        try
        {
            var db = handle.DangerousGetHandle();
            var bytes = Encoding.UTF8.GetBytes(sql);
            var statement = Prepare(db, bytes, 0, out var consumed);
            var cursor = new SqliteRowCursor(handle, db, statement); // statement 0: only whitespace or comments, no rows
            added = false; // the cursor's Dispose releases it now
            try
            {
                while (consumed < bytes.Length)
                {
                    var next = Prepare(db, bytes, consumed, out var end);
                    if (next != 0)
                    {
                        sqlite3_finalize(next);
                        throw new ArgumentException("A cursor runs one statement.", nameof(sql));
                    }
                    if (end == consumed) break;
                    consumed = end;
                }
                if (parameter is { } p) cursor.Bind(p);
            }
            catch
            {
                cursor.Dispose();
                throw;
            }
            return cursor;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private void Bind(CursorParameter parameter)
    {
        var name = Encoding.UTF8.GetBytes((parameter.Name.StartsWith('@') ? parameter.Name : "@" + parameter.Name) + "\0");
        int index;
        fixed (byte* text = name) index = _statement == 0 ? 0 : sqlite3_bind_parameter_index(_statement, text);
        if (index == 0) throw new ArgumentException($"The query has no parameter {parameter.Name}.", nameof(parameter));
        int rc;
        switch (parameter.Value)
        {
            case string value:
                var bytes = Encoding.UTF8.GetBytes(value);
                fixed (byte* text = bytes) rc = sqlite3_bind_text(_statement, index, text, bytes.Length, Transient);
                break;
            case long value:
                rc = sqlite3_bind_int64(_statement, index, value);
                break;
            default:
                throw new ArgumentException($"A cursor binds text or an integer, not {parameter.Value?.GetType().Name ?? "null"}.", nameof(parameter));
        }
        if (rc != 0) throw Error(_db, rc);
    }

    /// <summary>SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.</summary>
    private const nint Transient = -1;

    private static nint Prepare(nint db, byte[] sql, int from, out int consumed)
    {
        nint statement, tail;
        int rc;
        fixed (byte* text = sql)
        {
            rc = sqlite3_prepare_v2(db, text + from, sql.Length - from, &statement, &tail);
            consumed = rc == 0 ? (int)(tail - (nint)text) : from;
        }
        if (rc != 0) throw Error(db, rc);
        return statement;
    }

    public int FieldCount => _statement == 0 ? 0 : sqlite3_column_count(_statement);

    public ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        if (_statement == 0 || _done) return ValueTask.FromResult(false);
        if ((++_rows & 1023) == 0) ct.ThrowIfCancellationRequested();
        var rc = sqlite3_step(_statement);
        if (rc == Row) return ValueTask.FromResult(true);
        if (rc != Done) throw Error(_db, rc);
        _done = true; // stepping again would start the query over
        return ValueTask.FromResult(false);
    }

    public ColumnKind Kind(int column) => sqlite3_column_type(_statement, column) switch
    {
        SqliteInteger => ColumnKind.Integer,
        SqliteFloat => ColumnKind.Real,
        SqliteText => ColumnKind.Text,
        SqliteBlob => ColumnKind.Blob,
        _ => ColumnKind.Null,
    };

    public long GetInt64(int column) => sqlite3_column_type(_statement, column) == SqliteInteger
        ? sqlite3_column_int64(_statement, column)
        : Convert.ToInt64(GetValue(column), CultureInfo.InvariantCulture); // as Dapper converts: "7" is 7, "7abc" and NULL throw

    public ReadOnlySpan<byte> GetUtf8(int column)
    {
        if (sqlite3_column_type(_statement, column) != SqliteText) throw new InvalidCastException($"Column {column} is not text.");
        return Text(column);
    }

    /// <summary>As Microsoft.Data.Sqlite's <c>GetValue</c>: long, double, string, byte[] or <see cref="DBNull"/>.</summary>
    public object GetValue(int column) => sqlite3_column_type(_statement, column) switch
    {
        SqliteInteger => sqlite3_column_int64(_statement, column),
        SqliteFloat => sqlite3_column_double(_statement, column),
        SqliteText => Encoding.UTF8.GetString(Text(column)),
        SqliteBlob => Blob(column),
        _ => DBNull.Value,
    };

    private ReadOnlySpan<byte> Text(int column)
    {
        var text = sqlite3_column_text(_statement, column); // text first, then its length (SQLite's documented order)
        return text is null ? [] : new ReadOnlySpan<byte>(text, sqlite3_column_bytes(_statement, column));
    }

    private byte[] Blob(int column)
    {
        var blob = sqlite3_column_blob(_statement, column);
        return blob is null ? [] : new ReadOnlySpan<byte>(blob, sqlite3_column_bytes(_statement, column)).ToArray();
    }

    public void Dispose()
    {
        if (_statement != 0) sqlite3_finalize(_statement); // its result repeats the last step's error, already thrown
        _statement = 0;
        if (_db == 0) return;
        _db = 0;
        _handle.DangerousRelease();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static SqliteException Error(nint db, int rc) =>
        new($"SQLite Error {rc}: '{Marshal.PtrToStringUTF8((nint)sqlite3_errmsg(db))}'.", rc, sqlite3_extended_errcode(db));

    private static bool Probe()
    {
        try
        {
            return SQLitePCL.raw.GetNativeLibraryName() == Library && sqlite3_libversion_number() == SQLitePCL.raw.sqlite3_libversion_number();
        }
        catch (Exception)
        {
            return false; // no such library or export, or the provider not set up: read through Microsoft.Data.Sqlite
        }
    }

    // SQLite's API is cdecl (SQLitePCLRaw declares it so); it only differs from the default on 32-bit Windows.
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_libversion_number();
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_prepare_v2(nint db, byte* sql, int bytes, nint* statement, nint* tail);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_step(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_bind_parameter_index(nint statement, byte* name);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_bind_text(nint statement, int index, byte* text, int bytes, nint destructor);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_bind_int64(nint statement, int index, long value);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_finalize(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial byte* sqlite3_errmsg(nint db);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] private static partial int sqlite3_extended_errcode(nint db);

    // Column reads do no I/O and call nothing back; each takes the connection's mutex, which no other thread holds while this
    // cursor reads (a connection is used by one thread at a time), and text is read only from text values (no conversion).
    // So they can skip the GC transition.
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial int sqlite3_column_count(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial int sqlite3_column_type(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial long sqlite3_column_int64(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial double sqlite3_column_double(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial byte* sqlite3_column_text(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial byte* sqlite3_column_blob(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] private static partial int sqlite3_column_bytes(nint statement, int column);
}
