using System.Security.Cryptography;
using System.Text;

namespace Aid.Application.ApiKeys;

/// <summary>API keys are 256-bit random tokens shown once; only their SHA-256 is stored and compared.</summary>
public static class ApiKeyToken
{
    public const string Prefix = "aid_";

    public static string Generate() => Prefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
