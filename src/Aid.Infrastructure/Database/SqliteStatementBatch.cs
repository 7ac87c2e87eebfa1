using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using static Aid.Infrastructure.Database.SqliteNative;

namespace Aid.Infrastructure.Database;

/// <summary>
/// One statement executed once for each row of parameters (an import chunk's gifts, entries and postings): prepared once on the
/// connection's handle and bound by position through SQLite's C API. Microsoft.Data.Sqlite, driven by Dapper, made new parameter
/// objects for every row and looked up each parameter's position by name, under every prefix, on every execution; at an import
/// chunk's 500 rows a statement, that binding was more than half of the chunk's statement time (perf over P7, issue 18).
/// Parameters are the rows' properties (<see cref="BatchRows"/>), bound as
/// <see cref="SqliteNative.BindValue"/> binds them, the same bytes as Dapper with Aid's type handlers writes.
/// </summary>
internal static unsafe class SqliteStatementBatch
{
    /// <summary>Executes <paramref name="sql"/> (one statement) for each row (at least one, all of one type); answers the rows changed in all.</summary>
    public static int Execute<T>(SqliteConnection connection, string sql, IReadOnlyList<T> rows, CancellationToken ct) where T : notnull
    {
        var type = BatchRows.TypeOf(rows);
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var added = false;
        nint statement = 0;
        handle.DangerousAddRef(ref added); // the handle stays open until the statement is finalized
        try
        {
            var db = handle.DangerousGetHandle();
            statement = PrepareOne(db, sql, "A batch runs one statement.");
            if (statement == 0) throw new ArgumentException("The batch has no statement.", nameof(sql));
            var parameters = ParametersOf(statement, type);
            var changed = 0;
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                for (var i = 0; i < parameters.Length; i++) BindValue(db, statement, i + 1, parameters[i].GetValue(row));
                var rc = sqlite3_step(statement);
                if (rc != Done)
                {
                    var error = Error(db, rc); // before the reset, which keeps the error but may change the message
                    sqlite3_reset(statement);
                    throw error;
                }
                changed += sqlite3_changes(db);
                sqlite3_reset(statement);
            }
            return changed;
        }
        finally
        {
            if (statement != 0) sqlite3_finalize(statement);
            if (added) handle.DangerousRelease();
        }
    }

    /// <summary>The property that gives each of the statement's parameters, by position (1 first; a name used twice is one parameter).</summary>
    private static PropertyInfo[] ParametersOf(nint statement, Type type)
    {
        var parameters = new PropertyInfo[sqlite3_bind_parameter_count(statement)];
        for (var i = 0; i < parameters.Length; i++)
        {
            var name = Marshal.PtrToStringUTF8((nint)sqlite3_bind_parameter_name(statement, i + 1));
            if (name is not { Length: > 1 } || name[0] != '@')
                throw new ArgumentException($"Parameter {i + 1} of the batch is not named @name: {name ?? "?"}.");
            parameters[i] = BatchRows.Property(type, name[1..]);
        }
        return parameters;
    }
}
