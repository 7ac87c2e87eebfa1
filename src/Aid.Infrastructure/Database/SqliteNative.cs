using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Aid.Infrastructure.Database;

/// <summary>
/// SQLite's C API, called on the handle of a connection Microsoft.Data.Sqlite opened (so inside its transaction, if one is
/// open): for <see cref="SqliteRowCursor"/> (verification's reads) and <see cref="SqliteStatementBatch"/> (an import chunk's
/// writes), where Microsoft.Data.Sqlite's per-value calls were most of the time. Values are bound in the forms the Dapper type
/// handlers use (<see cref="DapperTypeHandlers"/>), so rows written either way are the same bytes.
/// </summary>
internal static unsafe partial class SqliteNative
{
    private const string Library = "e_sqlite3"; // the library Microsoft.Data.Sqlite's bundle loads, found by the same name
    public const int Row = 100, Done = 101;

    /// <summary>
    /// Whether these calls reach the SQLite that Microsoft.Data.Sqlite uses (the e_sqlite3 bundle, same version). When they do
    /// not (another SQLite provider configured), the callers go through Microsoft.Data.Sqlite instead.
    /// </summary>
    public static bool Available { get; } = Probe();

    /// <summary>Prepares the one statement of <paramref name="sql"/> (comments and semicolons may follow it); 0 when there is none.</summary>
    public static nint PrepareOne(nint db, string sql, string moreThanOne)
    {
        var bytes = Encoding.UTF8.GetBytes(sql);
        var statement = Prepare(db, bytes, 0, out var consumed);
        try
        {
            while (consumed < bytes.Length)
            {
                var next = Prepare(db, bytes, consumed, out var end);
                if (next != 0)
                {
                    sqlite3_finalize(next);
                    throw new ArgumentException(moreThanOne, nameof(sql));
                }
                if (end == consumed) break;
                consumed = end;
            }
        }
        catch
        {
            if (statement != 0) sqlite3_finalize(statement);
            throw;
        }
        return statement;
    }

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

    /// <summary>The index of a named parameter (<c>@name</c>), 0 when the statement has none of that name.</summary>
    public static int ParameterIndex(nint statement, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* text = bytes) return sqlite3_bind_parameter_index(statement, text);
    }

    /// <summary>
    /// Binds a value as Microsoft.Data.Sqlite with Aid's Dapper type handlers would: NULL; integers; text (UTF-8); uuids, dates and
    /// timestamps as their canonical text. Anything else is refused rather than stored in a form the rest of Aid does not read.
    /// </summary>
    public static void BindValue(nint db, nint statement, int index, object? value)
    {
        var rc = value switch
        {
            null or DBNull => sqlite3_bind_null(statement, index),
            string s => BindText(statement, index, s),
            long n => sqlite3_bind_int64(statement, index, n),
            int n => sqlite3_bind_int64(statement, index, n),
            bool b => sqlite3_bind_int64(statement, index, b ? 1 : 0),
            Guid g => BindText(statement, index, g.ToString("D")),
            DateOnly d => BindText(statement, index, d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            DateTimeOffset t => BindText(statement, index, DapperTypeHandlers.FormatTimestamp(t)),
            _ => throw new NotSupportedException($"Binding a {value.GetType().Name} directly is not supported; use a string, an integer, a uuid, a date or a timestamp."),
        };
        if (rc != 0) throw Error(db, rc);
    }

    private static int BindText(nint statement, int index, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* text = bytes) return sqlite3_bind_text(statement, index, text, bytes.Length, Transient);
    }

    /// <summary>SQLITE_TRANSIENT: SQLite copies the bound bytes before the call returns.</summary>
    private const nint Transient = -1;

    public static SqliteException Error(nint db, int rc) =>
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
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_libversion_number();
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_prepare_v2(nint db, byte* sql, int bytes, nint* statement, nint* tail);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_step(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_bind_parameter_index(nint statement, byte* name);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_bind_text(nint statement, int index, byte* text, int bytes, nint destructor);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_bind_int64(nint statement, int index, long value);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_finalize(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial byte* sqlite3_errmsg(nint db);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_extended_errcode(nint db);
    /// <summary>The connection's mutex: none (0) unless SQLite runs serialized (<see cref="SqliteThreading"/>).</summary>
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial nint sqlite3_db_mutex(nint db);

    // Column reads do no I/O, call nothing back and wait for nothing (no connection mutex in multi-thread mode, and where
    // SQLite runs serialized none that another thread holds: a connection is used by one thread at a time), and text is read
    // only from text values (no conversion). So they can skip the GC transition.
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial int sqlite3_column_count(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial int sqlite3_column_type(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial long sqlite3_column_int64(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial double sqlite3_column_double(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial byte* sqlite3_column_text(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial byte* sqlite3_column_blob(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl), typeof(CallConvSuppressGCTransition)])] internal static partial int sqlite3_column_bytes(nint statement, int column);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_bind_null(nint statement, int index);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_bind_parameter_count(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial byte* sqlite3_bind_parameter_name(nint statement, int index);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_reset(nint statement);
    [LibraryImport(Library), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])] internal static partial int sqlite3_changes(nint db);
}
