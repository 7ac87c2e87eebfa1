using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Infrastructure.Database;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aid.Tests.Infrastructure;

/// <summary>
/// The SQLite cursor audit verification reads with (<see cref="SqliteRowCursor"/>, SQLite's C API on the connection's own
/// handle), on a real database file: every value as Microsoft.Data.Sqlite reads it, the same row digests, inside the session's
/// snapshot, and SQLite's errors as <see cref="SqliteException"/>s.
/// </summary>
public sealed class SqliteRowCursorTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aid-row-cursor-").FullName;
    private SqliteEngine _engine = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Untyped columns: each row keeps the storage class it was given.
    private static readonly DigestedTable Table = new("gift", "t", "t", "t.owner", 1, "t.a, t.b, t.c", LaterColumns: 1);

    public async ValueTask InitializeAsync()
    {
        _engine = new SqliteEngine(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "aid.db")}"));
        await using var connection = await _engine.OpenAsync(Ct);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL; CREATE TABLE t (n INTEGER PRIMARY KEY, owner, a, b, c)");
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Every_value_reads_as_Microsoft_Data_Sqlite_reads_it_and_digests_to_the_same_bytes()
    {
        Assert.True(SqliteRowCursor.Available, "the cursor does not reach Microsoft.Data.Sqlite's SQLite: verification would read through the slow path");
        object?[] values =
        [
            "张三 捐赠 ¥1,000.00 整", "emoji 😀 and 𠀀 (four bytes)", "quotes \" ' \\ / <script>&+`", "\u0001\u001f\t\n\r controls",
            "\u2028\u2029 separators", "", new string('捐', 5000), "01a24122-976E-74C8-88F0-59639941C8EB",
            0L, -1L, long.MaxValue, long.MinValue, 1.5, -0.0, 1e300, 0.1, new byte[] { 0, 1, 2, 255 }, Array.Empty<byte>(), null,
            "gift-2026_01.05:ok/@#", "2026-12-05T11:50:47.591568Z",
            // Each printable ASCII character alone: most are written as they are (RowDigests' plain path), some escaped.
            .. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (object?)$"{(char)c}"),
        ];
        await using (var connection = await _engine.OpenAsync(Ct))
        {
            foreach (var value in values)
                await connection.ExecuteAsync("INSERT INTO t (owner, a, b, c) VALUES ('o', @v, @v, NULL)", new { v = value ?? DBNull.Value });
            // Text that is not valid UTF-8, and text with a NUL inside: only a direct edit of the file makes these.
            await connection.ExecuteAsync("""
                INSERT INTO t (owner, a, b, c) VALUES ('o', CAST(X'C328' AS TEXT), CAST(X'FF' AS TEXT), CAST(X'610062' AS TEXT));
                INSERT INTO t (owner, a, b, c) VALUES ('o', 1, 'x', 'trailing');
                """);
        }

        var expected = new List<(object[] Values, string Digest)>();
        await using (var connection = (SqliteConnection)await _engine.OpenAsync(Ct))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = Table.All + " ORDER BY t.n";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                var row = new object[reader.FieldCount];
                reader.GetValues(row);
                var digest = new byte[16];
                RowDigests.Content(Table, row, digest);
                expected.Add((row, Convert.ToHexString(digest)));
            }
        }
        Assert.Equal(values.Length + 2, expected.Count);

        await using var session = new DbSession(_engine);
        await using var cursor = await session.OpenCursorAsync(Table.All + " ORDER BY t.n", Ct);
        Assert.Equal(4, cursor.FieldCount);
        var read = 0;
        while (await cursor.ReadAsync(Ct))
        {
            var (row, digest) = expected[read++];
            for (var i = 0; i < row.Length; i++)
            {
                var value = cursor.GetValue(i);
                Assert.Equal(row[i].GetType(), value.GetType());
                Assert.Equal(row[i], value);
                Assert.Equal(row[i] is DBNull, cursor.IsNull(i));
            }
            var fromCursor = new byte[16];
            RowDigests.Content(Table, cursor, fromCursor);
            Assert.True(digest == Convert.ToHexString(fromCursor), $"row {read}: the cursor's digest differs for {string.Join(", ", row.Select(Describe))}");
        }
        Assert.Equal(expected.Count, read);
        Assert.False(await cursor.ReadAsync(Ct)); // after the last row it stays there (stepping again would start over)
    }

    [Fact]
    public async Task A_cursor_reads_in_the_sessions_snapshot_and_a_write_committed_since_is_not_in_it()
    {
        await using (var connection = await _engine.OpenAsync(Ct))
            await connection.ExecuteAsync("INSERT INTO t (owner, a) VALUES ('o', 'before')");
        await using var session = new DbSession(_engine);
        await using var snapshot = await session.BeginReadSnapshotAsync(Ct);
        Assert.Equal(1L, await session.QuerySingleAsync<long>("SELECT COUNT(*) FROM t", null, Ct)); // the first read fixes the snapshot

        await using (var other = await _engine.OpenAsync(Ct))
            await other.ExecuteAsync("INSERT INTO t (owner, a) VALUES ('o', 'after')");

        await using var cursor = await session.OpenCursorAsync("SELECT a FROM t ORDER BY n", Ct);
        var texts = new List<string>();
        while (await cursor.ReadAsync(Ct)) texts.Add(cursor.GetString(0));
        Assert.Equal(new[] { "before" }, texts);
    }

    [Fact]
    public async Task Parameters_bind_as_Dapper_binds_them_and_one_missing_or_one_the_query_does_not_have_is_refused()
    {
        await using var session = new DbSession(_engine);
        await using (var list = await session.OpenCursorAsync("SELECT value FROM json_each(@ids)", [new CursorParameter("ids", "[\"蒋晟晖\",\"b\"]")], Ct))
        {
            var values = new List<string>();
            while (await list.ReadAsync(Ct)) values.Add(list.GetString(0));
            Assert.Equal(["蒋晟晖", "b"], values);
        }
        await using (var sum = await session.OpenCursorAsync("SELECT @n + 1", [new CursorParameter("@n", 41L)], Ct))
        {
            Assert.True(await sum.ReadAsync(Ct));
            Assert.Equal(42L, sum.GetInt64(0));
        }
        // uuids, dates and timestamps as the text the Dapper type handlers write (and the rest of Aid reads)
        var id = Guid.CreateVersion7();
        var at = new DateTimeOffset(2026, 12, 5, 8, 30, 0, TimeSpan.FromHours(8));
        await using (var typed = await session.OpenCursorAsync("SELECT @id, @on, @at, @on <= @at",
                         [new CursorParameter("id", id), new CursorParameter("on", new DateOnly(2026, 12, 5)), new CursorParameter("at", at)], Ct))
        {
            Assert.True(await typed.ReadAsync(Ct));
            Assert.Equal(await session.QuerySingleAsync<string>("SELECT @id", new { id }, Ct), typed.GetString(0));
            Assert.Equal(id.ToString("D"), typed.GetString(0));
            Assert.Equal("2026-12-05", typed.GetString(1));
            Assert.Equal("2026-12-05T00:30:00.000000Z", typed.GetString(2));
            Assert.Equal(1L, typed.GetInt64(3));
        }
        await Assert.ThrowsAsync<ArgumentException>(async () => await (await session.OpenCursorAsync("SELECT 1", [new CursorParameter("ids", "[]")], Ct)).DisposeAsync());
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await (await session.OpenCursorAsync("SELECT @a, @b", [new CursorParameter("a", 1L)], Ct)).DisposeAsync());
        await Assert.ThrowsAsync<ArgumentException>(async () => // given twice, the other one still missing
            await (await session.OpenCursorAsync("SELECT @a, @b", [new CursorParameter("a", 1L), new CursorParameter("@a", 2L)], Ct)).DisposeAsync());
        await Assert.ThrowsAsync<NotSupportedException>(async () =>
            await (await session.OpenCursorAsync("SELECT @x", [new CursorParameter("x", 1.5)], Ct)).DisposeAsync());
    }

    [Fact]
    public async Task SQLite_errors_are_SqliteExceptions_a_second_statement_is_refused_and_cancellation_stops_a_long_read()
    {
        await using var session = new DbSession(_engine);
        var missing = await Assert.ThrowsAsync<SqliteException>(async () => await (await session.OpenCursorAsync("SELECT * FROM no_such_table", Ct)).DisposeAsync());
        Assert.Contains("no_such_table", missing.Message);
        await Assert.ThrowsAsync<ArgumentException>(async () => await (await session.OpenCursorAsync("SELECT 1; SELECT 2", Ct)).DisposeAsync());
        await Assert.ThrowsAsync<SqliteException>(async () => await (await session.OpenCursorAsync("SELECT 1; SELEKT 2", Ct)).DisposeAsync());
        await using (var nothing = await session.OpenCursorAsync("  -- a comment only\n", Ct))
            Assert.False(await nothing.ReadAsync(Ct));
        await using (var one = await session.OpenCursorAsync("SELECT 1;; -- one statement, then nothing\n", Ct))
        {
            Assert.True(await one.ReadAsync(Ct));
            Assert.Equal(1L, one.GetInt64(0));
            Assert.False(await one.ReadAsync(Ct));
        }

        using var cancel = new CancellationTokenSource();
        await using var numbers = await session.OpenCursorAsync(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n", Ct);
        var rows = 0;
        await Assert.ThrowsAsync<OperationCanceledException>(async () =>
        {
            while (await numbers.ReadAsync(cancel.Token))
                if (++rows == 10) await cancel.CancelAsync();
        });
        Assert.InRange(rows, 10, 2048); // checked every 1,024 rows
    }

    [Fact]
    public async Task Typed_reads_are_as_strict_as_Dapper_and_a_cursor_left_early_leaves_the_connection_usable()
    {
        await using (var connection = await _engine.OpenAsync(Ct))
            await connection.ExecuteAsync("INSERT INTO t (owner, a, b, c) VALUES ('o', '7', '7abc', X'676966743A')");
        await using var session = new DbSession(_engine);
        await using (var snapshot = await session.BeginReadSnapshotAsync(Ct))
        await using (var cursor = await session.OpenCursorAsync("SELECT a, b, c FROM t", Ct))
        {
            Assert.True(await cursor.ReadAsync(Ct));
            Assert.Equal(7L, cursor.GetInt64(0));                               // text that is a number, as Dapper converts it
            Assert.Throws<FormatException>(() => cursor.GetInt64(1));           // and text that is not one, refused as Dapper refuses it
            Assert.Equal(ColumnKind.Blob, cursor.Kind(2));
            Assert.Throws<InvalidCastException>(() => cursor.GetUtf8(2));       // a blob has no text, even when its bytes would spell some
            Assert.Throws<InvalidCastException>(() => cursor.GetString(2));
        } // left before its last row

        // The statement is finalized and the snapshot over: the same pooled connection writes.
        await using (var write = await session.BeginTransactionAsync(Ct))
        {
            await session.ExecuteAsync("INSERT INTO t (owner, a) VALUES ('o', 'written')", null, Ct);
            await write.CommitAsync(Ct);
        }
        Assert.Equal(2L, await session.QuerySingleAsync<long>("SELECT COUNT(*) FROM t", null, Ct));
    }

    [Fact]
    public async Task A_file_stored_as_UTF_16_reads_as_UTF_8_too()
    {
        // Aid makes its files in UTF-8; in any other the cursor's text is still UTF-8 (SQLite converts it).
        var engine = new SqliteEngine(new DatabaseOptions(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_folder, "utf16.db")}"));
        try
        {
            await using (var connection = await engine.OpenAsync(Ct))
                await connection.ExecuteAsync("""
                    PRAGMA encoding = 'UTF-16le';
                    CREATE TABLE t (n INTEGER PRIMARY KEY, a, b);
                    INSERT INTO t (a, b) VALUES ('张三 捐赠 𠮷', 'plain');
                    """);
            await using var session = new DbSession(engine);
            Assert.Equal("UTF-16le", await session.QuerySingleAsync<string>("PRAGMA encoding", null, Ct));
            await using var cursor = await session.OpenCursorAsync("SELECT a, b FROM t", Ct);
            Assert.True(await cursor.ReadAsync(Ct));
            Assert.Equal("张三 捐赠 𠮷"u8.ToArray(), cursor.GetUtf8(0).ToArray());
            Assert.Equal("plain"u8.ToArray(), cursor.GetUtf8(1).ToArray());
            Assert.Equal("张三 捐赠 𠮷", cursor.GetValue(0));
        }
        finally
        {
            await engine.DisposeAsync();
        }
    }

    private static string Describe(object value) => value switch
    {
        DBNull => "NULL",
        byte[] b => "blob " + Convert.ToHexString(b),
        string s => s.Length > 40 ? $"text of {s.Length} characters" : $"'{s}'",
        _ => $"{value} ({value.GetType().Name})",
    };
}
