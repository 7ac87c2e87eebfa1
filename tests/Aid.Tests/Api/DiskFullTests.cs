using System.Data.Common;
using Aid.Application.Common;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Aid.Tests.Api;

/// <summary>
/// A full disk, for real on SQLite without filling this machine's disk: every connection the service opens, and every write,
/// is capped at the database's current size (<c>PRAGMA max_page_count</c>), so the first write that needs a new page fails
/// with SQLITE_FULL.
/// </summary>
public sealed class DiskFullTests(DiskFullTests.CappedApps apps) : IClassFixture<DiskFullTests.CappedApps>
{
    [Fact]
    public async Task A_write_on_a_full_disk_is_a_507_that_kept_nothing_and_health_says_why()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var anonymous = app.Client();
        var programme = await admin.CreateProgramme(Scenario.UniqueCode("ZP"));
        var capped = (CappedEngine)app.Factory.Services.GetRequiredService<IDatabaseEngine>();
        Assert.Equal("healthy", (await anonymous.Get("/health/ready").Expect(HttpStatusCode.OK)).Str("status"));

        capped.Full = true;
        HttpResponseMessage? refused = null;
        try
        {
            for (var i = 0; i < 500 && refused is null; i++)
            {
                var (students, audit) = (await app.CountAsync("students"), await app.CountAsync("audit_log"));
                var response = await admin.PostJson("/api/v1/students", StudentScenario.Body(programme.Id()), Guid.NewGuid().ToString());
                if (response.StatusCode == HttpStatusCode.Created) continue;
                refused = response;
                // Nothing of the refused request was kept: no student, no audit record.
                Assert.Equal(students, await app.CountAsync("students"));
                Assert.Equal(audit, await app.CountAsync("audit_log"));
            }
            Assert.NotNull(refused);
            var problem = await Task.FromResult(refused).Expect((HttpStatusCode)507);
            Assert.Equal(507, problem.GetProperty("status").GetInt32());
            Assert.Equal("The server's disk is full: nothing was written; free space and retry.", problem.Str("detail"));
            Assert.DoesNotContain("SQLite", problem.GetRawText());

            // Reads still work; health says the database is degraded and why (ready stays 200: reads are served).
            var ready = await anonymous.Get("/health/ready").Expect(HttpStatusCode.OK);
            Assert.Equal("degraded", ready.Str("status"));
            var database = ready.GetProperty("components").GetProperty("database");
            Assert.Equal("degraded", database.Str("status"));
            Assert.Contains("disk is full", database.Str("description"));
            Assert.True(database.TryGetProperty("diskFullAt", out _));
            var health = await anonymous.Get("/health").Expect(HttpStatusCode.OK);
            Assert.Equal("degraded", health.GetProperty("components").GetProperty("database").Str("status"));
            await admin.Get($"/api/v1/programmes/{programme.Id()}").Expect(HttpStatusCode.OK);
        }
        finally
        {
            capped.Full = false;
        }

        // Space freed: the same request goes through.
        await admin.PostJson("/api/v1/students", StudentScenario.Body(programme.Id()), Guid.NewGuid().ToString()).Expect(HttpStatusCode.Created);
    }

    public sealed class CappedApps : EngineApps
    {
        protected override void Configure(IWebHostBuilder builder) => builder.ConfigureServices(services =>
            services.AddSingleton<IDatabaseEngine>(provider => new CappedEngine(DatabaseEngines.Create(provider.GetRequiredService<DatabaseOptions>()))));
    }

    /// <summary>The real engine; while <see cref="Full"/>, no write can grow the file: the cap is set on each connection it opens and,
    /// on SQLite, where writes run on the writer's own connection, at the start of each write (a connection keeps the pragma, so it
    /// is set every time, both ways).</summary>
    public sealed class CappedEngine(IDatabaseEngine real) : IDatabaseEngine, IAsyncDisposable
    {
        public volatile bool Full;
        public string Name => real.Name;
        public ISqlDialect Dialect => real.Dialect;
        public DatabaseOptions Options => real.Options;
        public string JournalDdl => real.JournalDdl;

        public async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
        {
            var connection = await real.OpenAsync(ct);
            await CapAsync(connection, null);
            return connection;
        }

        public async ValueTask<IWriteScope> BeginWriteAsync(DbConnection connection, CancellationToken ct)
        {
            var write = await real.BeginWriteAsync(connection, ct);
            try
            {
                await CapAsync(write.Connection, write.Transaction);
                return write;
            }
            catch
            {
                await write.DisposeAsync();
                throw;
            }
        }

        public ValueTask DisposeAsync() => real is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

        // Below the current size, SQLite sets the cap to the current size.
        private Task CapAsync(DbConnection connection, DbTransaction? transaction) =>
            connection.ExecuteAsync(Full ? "PRAGMA max_page_count = 1" : "PRAGMA max_page_count = 1073741823", transaction: transaction);
        public ValueTask<DbTransaction> BeginReadSnapshotAsync(DbConnection connection, CancellationToken ct) => real.BeginReadSnapshotAsync(connection, ct);
        public ValueTask<IRowCursor> OpenCursorAsync(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<CursorParameter> parameters,
            CancellationToken ct) =>
            real.OpenCursorAsync(connection, transaction, sql, parameters, ct);
        public Task<int> ExecuteEachAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, IReadOnlyList<T> rows, CancellationToken ct)
            where T : notnull => real.ExecuteEachAsync(connection, transaction, sql, rows, ct);
        public Task<IAsyncDisposable> LockMigrationsAsync(DbConnection connection, CancellationToken ct) => real.LockMigrationsAsync(connection, ct);
        public IReadOnlyList<string> Batches(string script) => real.Batches(script);
        public Task CheckAsync(DbConnection connection, CancellationToken ct) => real.CheckAsync(connection, ct);
        public ValueTask<string?> ForeignCommitMarkAsync(CancellationToken ct) => real.ForeignCommitMarkAsync(ct);
    }
}

/// <summary>What counts as "the disk is full", from real failures: a capped SQLite file, /dev/full, PostgreSQL's SQLSTATE.</summary>
public sealed class DiskFullClassificationTests
{
    [Fact]
    public async Task Sqlite_full_is_recognised_and_other_sqlite_errors_are_not()
    {
        var folder = Directory.CreateTempSubdirectory("aid-diskfull-").FullName;
        try
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(folder, "capped.db")};Pooling=false");
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await connection.ExecuteAsync("CREATE TABLE t (v TEXT); PRAGMA max_page_count = 1");
            var full = await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("INSERT INTO t VALUES (@v)", new { v = new string('x', 20_000) }));
            Assert.Equal(13, full.SqliteErrorCode);
            Assert.True(DiskFull.Is(full));
            Assert.True(DiskFull.Is(new InvalidOperationException("wrapped", full)));
            Assert.NotNull(DiskFull.Describe(new AggregateException(full)));

            var other = await Assert.ThrowsAsync<SqliteException>(() => connection.ExecuteAsync("SELECT * FROM missing"));
            Assert.False(DiskFull.Is(other));
            Assert.Null(DiskFull.Describe(other));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Enospc_from_a_real_write_is_recognised()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "Needs Linux's /dev/full.");
        var full = Assert.ThrowsAny<IOException>(() => File.WriteAllBytes("/dev/full", new byte[64]));
        Assert.Equal(28, full.HResult & 0xFFFF);
        Assert.True(DiskFull.Is(full));
        Assert.False(DiskFull.Is(new IOException("other", 5)));
        Assert.False(DiskFull.Is(new FileNotFoundException("missing")));
    }

    [Fact]
    public void Postgres_disk_full_is_recognised_by_its_sqlstate()
    {
        // Not from a real server: filling a PostgreSQL data directory is not done on a shared machine.
        Assert.True(DiskFull.Is(new PostgresException("could not extend file: No space left on device", "ERROR", "ERROR", "53100")));
        Assert.False(DiskFull.Is(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
    }
}
