namespace Aid.Application.Common;

/// <summary>Password hashing (ASP.NET Core Identity's PasswordHasher in Aid.Infrastructure): only hashes are stored.</summary>
public interface IPasswords
{
    string Hash(string password);

    /// <summary>Whether the password matches; <c>Rehash</c> when it matches a hash of older parameters that should be replaced.</summary>
    PasswordCheck Verify(string hash, string password);
}

public enum PasswordCheck { Wrong, Right, RightButRehash }
