using System.Runtime.CompilerServices;
using Aid.Infrastructure.Crypto;

namespace Aid.Tests.Support;

internal static class HashingInitializer
{
    /// <summary>
    /// The suite hashes the audit trail with the implementation the service installs at its start (<see cref="OpenSslSha256"/>),
    /// also in tests that call the application's code before any service starts.
    /// </summary>
    [ModuleInitializer]
    internal static void LikeTheService() => OpenSslSha256.Install();
}
