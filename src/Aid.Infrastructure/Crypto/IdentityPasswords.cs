using Aid.Application.Common;
using Microsoft.AspNetCore.Identity;

namespace Aid.Infrastructure.Crypto;

/// <summary>ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, 100,000 iterations, v3 format), from the shared framework.</summary>
internal sealed class IdentityPasswords : IPasswords
{
    private readonly PasswordHasher<Person> _hasher = new();
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
