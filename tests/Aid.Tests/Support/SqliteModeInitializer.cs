using System.Runtime.CompilerServices;
using Aid.Infrastructure.Database;

namespace Aid.Tests.Support;

internal static class SqliteModeInitializer
{
    /// <summary>
    /// The suite runs SQLite in the mode the service runs it in (<see cref="SqliteThreading"/>), whichever test opens a
    /// connection first: some open one directly, before any engine, and SQLite's mode is fixed by the first open.
    /// </summary>
    [ModuleInitializer]
    internal static void MultiThreadLikeTheService() => _ = SqliteThreading.MultiThread;
}
