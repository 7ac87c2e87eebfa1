using Microsoft.Data.Sqlite;
using Npgsql;

namespace Aid.Infrastructure.Database;

/// <summary>
/// Recognises "the disk is full" however it surfaces: SQLite's SQLITE_FULL (13), PostgreSQL's disk_full (SQLSTATE 53100),
/// or an <see cref="IOException"/> for ENOSPC (a file write: the key file, a PDF). Looks through wrapping exceptions.
/// </summary>
public static class DiskFull
{
    /// <summary>What a caller is told: nothing of the failed request was kept.</summary>
    public const string Message = "The server's disk is full: nothing was written; free space and retry.";

    private const int SqliteFull = 13;
    private const string PostgresDiskFull = "53100";
    private const int Enospc = 28;               // Linux and macOS errno; .NET puts the errno in the IOException's HResult
    private const int WindowsDiskFull = 0x70;     // ERROR_DISK_FULL, as HRESULT 0x80070070
    private const int WindowsHandleDiskFull = 0x27; // ERROR_HANDLE_DISK_FULL

    public static bool Is(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            switch (exception)
            {
                case SqliteException e when (e.SqliteErrorCode & 0xFF) == SqliteFull:
                case PostgresException { SqlState: PostgresDiskFull }:
                    return true;
                case IOException e when IsOutOfSpace(e.HResult):
                    return true;
                case AggregateException e when e.InnerExceptions.Any(Is):
                    return true;
            }
            exception = exception.InnerException;
        }
        return false;
    }

    /// <summary>The one line a start-up that failed for lack of space prints, or null when <paramref name="exception"/> is something else.</summary>
    public static string? Describe(Exception exception) =>
        Is(exception) ? "the disk is full: the database could not be migrated or the key file could not be written; free space and start again." : null;

    private static bool IsOutOfSpace(int hresult) =>
        OperatingSystem.IsWindows()
            ? (hresult & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull
            : (hresult & 0xFFFF) == Enospc;
}
