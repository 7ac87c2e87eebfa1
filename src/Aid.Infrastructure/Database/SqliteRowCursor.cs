using System.Globalization;
using System.Text;
using Aid.Application.Common;
using Microsoft.Data.Sqlite;
using static Aid.Infrastructure.Database.SqliteNative;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Reads a query straight through SQLite's C API, on the handle of the connection Microsoft.Data.Sqlite opened (so inside its
/// transaction, if one is open). Microsoft.Data.Sqlite makes two native calls per column, each taking and releasing a reference
/// on the statement's SafeHandle; audit verification reads every money row and record, and at a million gifts those calls were
/// a third of its time (perf over the P4 statement, issue 18). Here a column costs two or three plain calls, and text is not
/// decoded. Typed reads are as strict as Microsoft.Data.Sqlite's values read through Dapper: a number from text is converted as
/// Dapper converts it (or refused), and only text has UTF-8.
/// </summary>
internal sealed unsafe class SqliteRowCursor : IRowCursor
{
    private const int SqliteInteger = 1, SqliteFloat = 2, SqliteText = 3, SqliteBlob = 4, SqliteNull = 5;

    private readonly SQLitePCL.sqlite3 _handle;
    private nint _db;
    private nint _statement;
    private long _rows;
    private bool _done;

    /// <summary>Whether SQLite's C API is reachable (<see cref="SqliteNative.Available"/>); else <see cref="SqliteEngine"/> reads through Microsoft.Data.Sqlite.</summary>
    public static bool Available => SqliteNative.Available;

    private SqliteRowCursor(SQLitePCL.sqlite3 handle, nint db, nint statement)
    {
        _handle = handle;
        _db = db;
        _statement = statement;
    }

    /// <summary>
    /// Prepares <paramref name="sql"/> (one statement; comments and semicolons may follow it) on the connection's handle and binds
    /// its parameters (<see cref="SqliteNative.BindValue"/>): each one the query has, and no other.
    /// </summary>
    public static SqliteRowCursor Open(SqliteConnection connection, string sql, IReadOnlyList<CursorParameter> parameters)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var added = false;
        handle.DangerousAddRef(ref added); // the handle stays open until the statement is finalized
        try
        {
            var db = handle.DangerousGetHandle();
            var cursor = new SqliteRowCursor(handle, db, PrepareOne(db, sql, "A cursor runs one statement.")); // 0: only whitespace or comments, no rows
            added = false; // the cursor's Dispose releases it now
            try
            {
                var bound = new HashSet<int>();
                foreach (var parameter in parameters)
                    if (!bound.Add(cursor.Bind(parameter)))
                        throw new ArgumentException($"The parameter {parameter.Name} is given twice.", nameof(parameters));
                // As Microsoft.Data.Sqlite, which refuses a query with a parameter left out (SQLite would read it as NULL).
                if (cursor._statement != 0 && sqlite3_bind_parameter_count(cursor._statement) != bound.Count)
                    throw new ArgumentException("A parameter of the query has no value.", nameof(parameters));
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

    /// <summary>Binds <paramref name="parameter"/>; its index in the statement.</summary>
    private int Bind(CursorParameter parameter)
    {
        var index = _statement == 0 ? 0 : ParameterIndex(_statement, parameter.Name.StartsWith('@') ? parameter.Name : "@" + parameter.Name);
        if (index == 0) throw new ArgumentException($"The query has no parameter {parameter.Name}.", nameof(parameter));
        BindValue(_db, _statement, index, parameter.Value);
        return index;
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
}
