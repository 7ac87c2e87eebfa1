using System.Security.Cryptography;

namespace Aid.Application.Auditing;

/// <summary>
/// SHA-256 and HMAC-SHA256 for the audit trail's short hashes: every money row's digest, every record's hash and MAC, every
/// seal. Verification computes about seven million of them at a million gifts, each over a few hundred bytes, where .NET's
/// own hash objects cost more per call than the hashing itself (on Linux: an OpenSSL digest context reset, its error queue
/// cleared and a SafeHandle taken for every call). The host may put a faster implementation of exactly the same functions in
/// place at its start (<see cref="Use"/>); it is taken only if it gives the framework's results on known values. Everything
/// else (files, keys, signatures) hashes with the framework as usual.
/// </summary>
public abstract class Sha256Engine
{
    /// <summary>The implementation in use: the framework's unless the host installed another one (<see cref="Use"/>).</summary>
    public static Sha256Engine Current { get; private set; } = Framework.Instance;

    /// <summary>
    /// Installs <paramref name="engine"/> for the rest of the process if it computes the same SHA-256 and HMAC-SHA256 as the
    /// framework on a set of values (empty input, one block, block boundaries, a long input, short and long keys); otherwise
    /// keeps the current one. Both give identical results, so a switch while others hash changes nothing they compute.
    /// </summary>
    internal static bool Use(Sha256Engine engine)
    {
        if (!AgreesWithFramework(engine)) return false;
        Current = engine;
        return true;
    }

    /// <summary>Writes the 32-byte SHA-256 of <paramref name="data"/> to <paramref name="hash"/>.</summary>
    public abstract void Hash(ReadOnlySpan<byte> data, Span<byte> hash);

    /// <summary>An HMAC-SHA256 keyed once with <paramref name="key"/>; use each on one thread at a time.</summary>
    public abstract KeyedHmac Hmac(byte[] key);

    public abstract class KeyedHmac : IDisposable
    {
        /// <summary>Writes the 32-byte HMAC-SHA256 of <paramref name="data"/> under this key to <paramref name="mac"/>.</summary>
        public abstract void Compute(ReadOnlySpan<byte> data, Span<byte> mac);

        public virtual void Dispose() { }
    }

    internal static bool AgreesWithFramework(Sha256Engine engine)
    {
        try
        {
            return SameResults(engine);
        }
        catch (Exception) // an implementation that fails on known values is not used; the framework's stays
        {
            return false;
        }
    }

    private static bool SameResults(Sha256Engine engine)
    {
        var input = new byte[3000];
        for (var i = 0; i < input.Length; i++) input[i] = (byte)(i * 131 + 7);
        Span<byte> expected = stackalloc byte[32];
        Span<byte> actual = stackalloc byte[32];
        foreach (var length in (int[])[0, 1, 3, 55, 56, 63, 64, 65, 119, 128, 220, 1000, 3000])
        {
            var data = input.AsSpan(0, length);
            SHA256.HashData(data, expected);
            engine.Hash(data, actual);
            if (!actual.SequenceEqual(expected)) return false;
            foreach (var keyLength in (int[])[0, 20, 32, 64, 100])
            {
                var key = input.AsSpan(length % 7, keyLength).ToArray();
                HMACSHA256.HashData(key, data, expected);
                using var hmac = engine.Hmac(key);
                hmac.Compute(data, actual);
                hmac.Compute(data, actual); // twice: a keyed HMAC is reused for every record
                if (!actual.SequenceEqual(expected)) return false;
            }
        }
        return true;
    }

    /// <summary>The framework's SHA-256 (.NET's IncrementalHash, reused per thread).</summary>
    private sealed class Framework : Sha256Engine
    {
        public static readonly Framework Instance = new();

        [ThreadStatic] private static IncrementalHash? t_sha;

        public override void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
        {
            // Before AppendData: a throw in between would leave the data in this thread's hash for its next caller.
            if (hash.Length < 32) throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(hash));
            var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(data);
            sha.GetHashAndReset(hash);
        }

        public override KeyedHmac Hmac(byte[] key) => new FrameworkHmac(key);

        private sealed class FrameworkHmac(byte[] key) : KeyedHmac
        {
            private readonly IncrementalHash _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);

            public override void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
            {
                if (mac.Length < 32) throw new ArgumentException("An HMAC-SHA256 is 32 bytes.", nameof(mac)); // before AppendData, as above
                _hmac.AppendData(data);
                _hmac.GetHashAndReset(mac);
            }

            public override void Dispose() => _hmac.Dispose();
        }
    }
}
