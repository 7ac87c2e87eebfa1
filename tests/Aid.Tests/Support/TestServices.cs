using Aid.Infrastructure.Database;
using Aid.Tests.SqlServer;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Support;

/// <summary>What every in-process service the tests start (<see cref="AidApp"/>, <see cref="AppOnDatabase"/>) runs with.</summary>
public static class TestServices
{
    /// <summary>
    /// PBKDF2 iterations for passwords set in the test apps. The service's 100,000 cost about 0.1 CPU-s a hash on this machine, and
    /// the suite sets and checks passwords over a hundred times; the format, the checks and the upgrade of weaker hashes are the
    /// same at any count (<c>PasswordHashTests</c> checks the service's own count).
    /// </summary>
    public const int PasswordIterations = 1_000;

    public static void Add(IServiceCollection services)
    {
        // Every statement the service sends in any test is also rendered for SQL Server and parsed as T-SQL.
        services.AddSingleton<IDatabaseEngine>(provider =>
            new SqlServerShadowEngine(DatabaseEngines.Create(provider.GetRequiredService<DatabaseOptions>())));
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = PasswordIterations);
    }
}
