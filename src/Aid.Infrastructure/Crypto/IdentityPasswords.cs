using Aid.Application.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, v3 format), from the shared framework: 100,000 iterations, the
/// default of <see cref="PasswordHasherOptions"/>. A stored hash names its own count, so one made with fewer is still
/// checked, and replaced at the next sign-in.
/// </summary>
internal sealed class IdentityPasswords(IOptions<PasswordHasherOptions> options) : IPasswords
{
    private readonly PasswordHasher<Person> _hasher = new(options);
    private static readonly Person Anyone = new(); // the v3 format does not use the user

    public string Hash(string password) => _hasher.HashPassword(Anyone, password);

    public PasswordCheck Verify(string hash, string password) => _hasher.VerifyHashedPassword(Anyone, hash, password) switch
    {
        PasswordVerificationResult.Success => PasswordCheck.Right,
        PasswordVerificationResult.SuccessRehashNeeded => PasswordCheck.RightButRehash,
        _ => PasswordCheck.Wrong,
    };

    internal sealed class Person;
}
