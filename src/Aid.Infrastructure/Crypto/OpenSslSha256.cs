using System.Runtime.InteropServices;
using Aid.Application.Auditing;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// SHA-256 and HMAC-SHA256 straight from the platform's OpenSSL (<c>libcrypto</c>, which .NET itself uses on Linux), through
/// its plain <c>SHA256_Init</c>/<c>Update</c>/<c>Final</c> functions on a context on the stack. .NET's hash objects go
/// through OpenSSL's EVP layer and a SafeHandle for every call: about 470 ns for a 220-byte hash against 160 ns here
/// (2M hashes in a scratch program on this machine), and the audit check hashes millions of such rows, records and seals.
/// An HMAC is the two hashes of RFC 2104 over contexts saved after the key's pads, so the pads are hashed once per key.
/// Installed by <see cref="Install"/> only where the library loads and gives the framework's results on known values
/// (<see cref="Sha256Engine.Use"/>); elsewhere the framework's implementation stays.
/// </summary>
internal sealed unsafe class OpenSslSha256 : Sha256Engine
{
    // SHA256_CTX of <openssl/sha.h>: h[8], Nl, Nh, data[16], num, md_len — 112 bytes of plain integers in OpenSSL 1.1.1 and
    // 3.x, so a copy of one is a saved state. Room for 128 bytes in case a build pads it.
    private const int ContextSize = 128;

    // Calls that cannot block and take about a microsecond at most (Update gives at most 2 KiB at once), so no GC transition.
    private readonly delegate* unmanaged[SuppressGCTransition]<byte*, int> _init;
    private readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int> _update;
    private readonly delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int> _final;

    private OpenSslSha256(nint init, nint update, nint final)
    {
        _init = (delegate* unmanaged[SuppressGCTransition]<byte*, int>)init;
        _update = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, nuint, int>)update;
        _final = (delegate* unmanaged[SuppressGCTransition]<byte*, byte*, int>)final;
    }

    private static readonly Lazy<bool> Installed = new(() => Load() is { } engine && Use(engine));

    /// <summary>Puts OpenSSL's SHA-256 in place for the process once; true when it is the one in use.</summary>
    public static bool Install() => Installed.Value;

    private static OpenSslSha256? Load()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1"])
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            if (NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
                && NativeLibrary.TryGetExport(library, "SHA256_Update", out var update)
                && NativeLibrary.TryGetExport(library, "SHA256_Final", out var final))
                return new OpenSslSha256(init, update, final); // the library stays loaded for the process, as .NET's own use keeps it
            NativeLibrary.Free(library);
        }
        return null;
    }

    public override void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (hash.Length < 32) throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(hash));
        var context = stackalloc byte[ContextSize];
        Check(_init(context));
        Update(context, data);
        fixed (byte* output = hash) Check(_final(output, context));
    }

    public override KeyedHmac Hmac(byte[] key) => new OpenSslHmac(this, key);

    // Pieces of at most 2 KiB (about a microsecond with the CPU's SHA instructions, a few without), so no call keeps the GC
    // waiting long whatever the caller hashes.
    private void Update(byte* context, ReadOnlySpan<byte> data)
    {
        for (var rest = data; !rest.IsEmpty; rest = rest[Math.Min(2048, rest.Length)..])
            fixed (byte* piece = rest)
                Check(_update(context, piece, (nuint)Math.Min(2048, rest.Length)));
    }

    private static void Check(int result)
    {
        if (result != 1) throw new System.Security.Cryptography.CryptographicException("OpenSSL's SHA-256 failed.");
    }

    private sealed class OpenSslHmac : KeyedHmac
    {
        private const int BlockSize = 64;
        private readonly OpenSslSha256 _sha;
        private readonly byte[] _inner = new byte[ContextSize]; // the context after hashing key ⊕ ipad
        private readonly byte[] _outer = new byte[ContextSize]; // the context after hashing key ⊕ opad

        public OpenSslHmac(OpenSslSha256 sha, byte[] key)
        {
            _sha = sha;
            Span<byte> block = stackalloc byte[BlockSize];
            block.Clear();
            if (key.Length > BlockSize) sha.Hash(key, block);
            else key.CopyTo(block);
            Span<byte> pad = stackalloc byte[BlockSize];
            Start(block, 0x36, pad, _inner);
            Start(block, 0x5c, pad, _outer);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(block);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(pad);
        }

        private void Start(ReadOnlySpan<byte> block, byte mask, Span<byte> pad, byte[] saved)
        {
            for (var i = 0; i < BlockSize; i++) pad[i] = (byte)(block[i] ^ mask);
            fixed (byte* context = saved)
            {
                Check(_sha._init(context));
                _sha.Update(context, pad);
            }
        }

        public override void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
        {
            if (mac.Length < 32) throw new ArgumentException("An HMAC-SHA256 is 32 bytes.", nameof(mac));
            var context = stackalloc byte[ContextSize];
            var innerHash = stackalloc byte[32];
            _inner.CopyTo(new Span<byte>(context, ContextSize));
            _sha.Update(context, data);
            Check(_sha._final(innerHash, context));
            _outer.CopyTo(new Span<byte>(context, ContextSize));
            _sha.Update(context, new ReadOnlySpan<byte>(innerHash, 32));
            fixed (byte* output = mac) Check(_sha._final(output, context));
        }

        public override void Dispose()
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_inner);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(_outer);
        }
    }
}
