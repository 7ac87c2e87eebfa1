using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// AES-256-GCM for personal fields: "v1:" + base64(nonce ‖ ciphertext ‖ tag), a fresh 96-bit nonce each time.
/// The fingerprint is an HMAC with a separate key, for uniqueness checks on encrypted values.
/// </summary>
public sealed class FieldCipher(IKeyRing keys) : IFieldCipher
{
    private const string Version = "v1:";
    private readonly byte[] _key = keys.DeriveKey("field-encryption");
    private readonly byte[] _fingerprintKey = keys.DeriveKey("field-fingerprint");

    public string Encrypt(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + plain.Length + 16];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(12, plain.Length), output.AsSpan(12 + plain.Length, 16));
        return Version + Convert.ToBase64String(output);
    }

    public string Decrypt(string ciphertext)
    {
        if (!ciphertext.StartsWith(Version, StringComparison.Ordinal)) throw new CryptographicException("Unknown field encryption version.");
        var data = Convert.FromBase64String(ciphertext[Version.Length..]);
        var plain = new byte[data.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(12, plain.Length), data.AsSpan(12 + plain.Length, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }

    public string Fingerprint(string plaintext) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_fingerprintKey, Encoding.UTF8.GetBytes(plaintext)));
}
