using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// ASP.NET Core data protection (session cookies, the sign-in step cookie, antiforgery tokens, TempData) keyed from the key
/// file instead of a per-machine key folder: every instance with a copy of the key file reads what any other instance wrote,
/// nothing else needs sharing, and a key rotation keeps sessions and forms made under a retired key readable while it is
/// held in <c>.retired/</c>. Each purpose chain gets its own AES-256-GCM key (derived, never stored):
/// <c>[key id length][key id][nonce 12][tag 16][ciphertext]</c>.
/// </summary>
internal sealed class KeyRingDataProtection(IServiceProvider services) : IDataProtectionProvider
{
    // Resolved at first use, not when ASP.NET builds its cookie and antiforgery options at start-up: the key file is checked
    // (and, for a new database, created) by the start-up work first, and a start refused for its key file must not touch it.
    private readonly Lazy<IKeyRing> _keys = new(services.GetRequiredService<IKeyRing>);

    public IDataProtector CreateProtector(string purpose) => new Protector(_keys, purpose);

    private sealed class Protector(Lazy<IKeyRing> ring, string purposes) : IDataProtector
    {
        private IKeyRing keys => ring.Value;

        public IDataProtector CreateProtector(string purpose) => new Protector(ring, purposes + "\u001f" + purpose);

        private string KeyPurpose => "aspnet-data-protection:" + purposes;

        public byte[] Protect(byte[] plaintext)
        {
            var keyId = Encoding.ASCII.GetBytes(keys.CurrentKeyId);
            var result = new byte[1 + keyId.Length + 12 + 16 + plaintext.Length];
            result[0] = checked((byte)keyId.Length);
            keyId.CopyTo(result, 1);
            var nonce = result.AsSpan(1 + keyId.Length, 12);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(keys.DeriveKey(KeyPurpose), 16);
            aes.Encrypt(nonce, plaintext, result.AsSpan(1 + keyId.Length + 28), result.AsSpan(1 + keyId.Length + 12, 16), AssociatedData(keyId));
            return result;
        }

        public byte[] Unprotect(byte[] protectedData)
        {
            if (protectedData.Length < 1 || protectedData.Length < 1 + protectedData[0] + 28)
                throw new CryptographicException("The protected payload is malformed.");
            var keyIdLength = protectedData[0];
            var keyId = protectedData.AsSpan(1, keyIdLength).ToArray();
            var key = keys.DeriveKey(KeyPurpose, Encoding.ASCII.GetString(keyId))
                      ?? throw new CryptographicException("The payload was protected with a key this instance does not hold.");
            var plaintext = new byte[protectedData.Length - 1 - keyIdLength - 28];
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(protectedData.AsSpan(1 + keyIdLength, 12), protectedData.AsSpan(1 + keyIdLength + 28), protectedData.AsSpan(1 + keyIdLength + 12, 16),
                plaintext, AssociatedData(keyId));
            return plaintext;
        }

        /// <summary>The purpose chain and key id are bound into the tag: a payload made for one purpose never opens under another.</summary>
        private byte[] AssociatedData(byte[] keyId)
        {
            var purpose = Encoding.UTF8.GetBytes(purposes);
            var data = new byte[4 + purpose.Length + keyId.Length];
            BinaryPrimitives.WriteInt32BigEndian(data, purpose.Length);
            purpose.CopyTo(data, 4);
            keyId.CopyTo(data, 4 + purpose.Length);
            return data;
        }
    }
}
