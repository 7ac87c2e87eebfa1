using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// AES-256-GCM for personal fields, a fresh 96-bit nonce each time: new values are "v2:" + key id + ":" +
/// base64(nonce ‖ ciphertext ‖ tag) under the current key; "v2:" values of a retired key still held decrypt with it, and
/// "v1:" + base64(…) (written before key ids, so under an unnamed key) is tried with the current key, then the retired ones.
/// The fingerprint is an HMAC with a separate key of the current master key, for uniqueness checks on encrypted values
/// (a rotation recomputes every stored fingerprint).
/// </summary>
public sealed class FieldCipher(IKeyRing keys) : IFieldCipher
{
    private const string V1 = "v1:";
    private const string V2 = "v2:";
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);
    private readonly byte[] _fingerprintKey = keys.DeriveKey("field-fingerprint");

    public string Encrypt(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + plain.Length + 16];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(KeyFor(keys.CurrentKeyId)!, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(12, plain.Length), output.AsSpan(12 + plain.Length, 16));
        return V2 + keys.CurrentKeyId + ":" + Convert.ToBase64String(output);
    }

    public string Decrypt(string ciphertext)
    {
        if (ciphertext.StartsWith(V2, StringComparison.Ordinal))
        {
            var separator = ciphertext.IndexOf(':', V2.Length);
            if (separator < 0) throw new CryptographicException("Malformed v2 field ciphertext.");
            var keyId = ciphertext[V2.Length..separator];
            var key = KeyFor(keyId) ?? throw new CryptographicException(
                $"The field was encrypted with key {keyId}, which this instance does not hold (see <KeyFile>.retired).");
            return Decrypt(key, Convert.FromBase64String(ciphertext[(separator + 1)..]));
        }
        if (!ciphertext.StartsWith(V1, StringComparison.Ordinal)) throw new CryptographicException("Unknown field encryption version.");
        var data = Convert.FromBase64String(ciphertext[V1.Length..]);
        foreach (var keyId in keys.KeyIds)
        {
            try
            {
                return Decrypt(KeyFor(keyId)!, data);
            }
            catch (AuthenticationTagMismatchException)
            {
                // written under another of the held keys: try the next
            }
        }
        throw new CryptographicException("No key held by this instance decrypts the v1 field ciphertext.");
    }

    /// <summary>The id of the key <paramref name="ciphertext"/> names, or null for a "v1:" value (which names none).</summary>
    public static string? KeyIdOf(string ciphertext)
    {
        if (!ciphertext.StartsWith(V2, StringComparison.Ordinal)) return null;
        var separator = ciphertext.IndexOf(':', V2.Length);
        return separator < 0 ? null : ciphertext[V2.Length..separator];
    }

    /// <summary>True when <paramref name="ciphertext"/> is already under the current key (a rotation leaves such values alone).</summary>
    public bool IsCurrent(string ciphertext) => KeyIdOf(ciphertext) == keys.CurrentKeyId;

    public string Fingerprint(string plaintext) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_fingerprintKey, Encoding.UTF8.GetBytes(plaintext)));

    private byte[]? KeyFor(string keyId)
    {
        if (_keys.TryGetValue(keyId, out var key)) return key;
        key = keys.DeriveKey("field-encryption", keyId);
        if (key is not null) _keys.TryAdd(keyId, key); // only held keys are kept: a stored value cannot grow the cache
        return key;
    }

    private static string Decrypt(byte[] key, byte[] data)
    {
        if (data.Length < 28) throw new CryptographicException("Field ciphertext too short.");
        var plain = new byte[data.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(12, plain.Length), data.AsSpan(12 + plain.Length, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
