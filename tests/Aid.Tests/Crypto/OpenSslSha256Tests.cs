using System.Security.Cryptography;
using Aid.Application.Auditing;
using Aid.Infrastructure.Crypto;

namespace Aid.Tests.Crypto;

/// <summary>
/// The audit trail's SHA-256 and HMAC-SHA256 straight from OpenSSL (<see cref="OpenSslSha256"/>) give exactly the framework's
/// results, and an implementation that does not is never installed (<see cref="Sha256Engine.Use"/>).
/// </summary>
public sealed class OpenSslSha256Tests
{
    [Fact]
    public void On_Linux_the_service_hashes_the_audit_trail_with_OpenSSL_directly()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "OpenSSL's libcrypto is the platform's library on Linux only");
        Assert.True(OpenSslSha256.Install());
        Assert.IsType<OpenSslSha256>(Sha256Engine.Current);
    }

    [Fact]
    public void Every_length_and_key_gives_the_framework_s_hash_and_mac_on_any_thread()
    {
        Assert.SkipUnless(OpenSslSha256.Install(), "no OpenSSL libcrypto on this platform");
        var engine = Sha256Engine.Current;
        var random = new Random(18);
        var data = new byte[40_000]; // past the 8 KiB pieces the engine feeds OpenSSL
        random.NextBytes(data);
        var lengths = Enumerable.Range(0, 300).Concat([511, 512, 513, 4096, 8191, 8192, 8193, 16_385, 40_000]).ToArray();
        var keys = new[] { 0, 1, 32, 63, 64, 65, 200 }.Select(n => data.AsSpan(n, n).ToArray()).ToArray();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(lengths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, length =>
        {
            var input = data.AsSpan(0, length);
            Span<byte> actual = stackalloc byte[32];
            engine.Hash(input, actual);
            if (!actual.SequenceEqual(SHA256.HashData(input))) failures.Add($"hash of {length} bytes");
            foreach (var key in keys)
            {
                using var hmac = engine.Hmac(key);
                for (var round = 0; round < 2; round++)
                {
                    hmac.Compute(input, actual);
                    if (!actual.SequenceEqual(HMACSHA256.HashData(key, input))) failures.Add($"HMAC of {length} bytes, key of {key.Length}, round {round}");
                }
            }
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void An_implementation_that_differs_from_the_framework_is_refused_and_the_current_one_stays()
    {
        var before = Sha256Engine.Current;
        Assert.False(Sha256Engine.Use(new OffByOneBit()));
        Assert.Same(before, Sha256Engine.Current);
    }

    /// <summary>SHA-256 with the last bit of every hash flipped: what a wrong context size or argument order could give.</summary>
    private sealed class OffByOneBit : Sha256Engine
    {
        public override void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
        {
            SHA256.HashData(data, hash);
            hash[31] ^= 1;
        }

        public override KeyedHmac Hmac(byte[] key) => new Right(key);

        private sealed class Right(byte[] key) : KeyedHmac
        {
            public override void Compute(ReadOnlySpan<byte> data, Span<byte> mac) => HMACSHA256.HashData(key, data, mac);
        }
    }
}
