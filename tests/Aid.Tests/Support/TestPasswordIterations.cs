namespace Aid.Tests.Support;

/// <summary>
/// PBKDF2 iterations for passwords set in the test apps. The service's 100,000 cost about 0.1 CPU-s a hash on this machine, and
/// the suite sets and checks passwords over a hundred times; the format, the checks and the upgrade of weaker hashes are the
/// same at any count (<c>PasswordHashTests</c> checks the service's own count).
/// </summary>
public static class TestPasswordIterations
{
    public const int Count = 1_000;
}
