using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Aid.Application.Auditing;

/// <summary>
/// An order-independent digest of a multiset of fixed-size elements (one or two 16-byte blocks), so two streams read in
/// different orders can be compared without holding either: the sum modulo 2^128 of a keyed pseudo-random function of each
/// element, AES-128 under a key that is random for each verification (<see cref="NewKey"/>) and never leaves the process
/// (two-block elements: CBC-MAC, a PRF for messages of one fixed length). Nobody can choose edits whose values add up to the
/// same sum (the attack on unkeyed additive hashes), so equal digests mean equal multisets except with negligible probability.
/// Elements are enciphered in batches: one call per thousand elements instead of a hash call per element.
/// </summary>
internal sealed class MultisetDigest : IDisposable
{
    private const int Batch = 1024;
    private readonly Aes _aes;
    private readonly int _blocks;
    private readonly byte[] _first = new byte[Batch * 16];
    private readonly byte[] _second;
    private readonly byte[] _output = new byte[Batch * 16];
    private int _pending;
    private UInt128 _sum;

    /// <param name="key">16 bytes, shared by the digests that are to be compared.</param>
    /// <param name="blocks">1 or 2: the size of every element in 16-byte blocks.</param>
    public MultisetDigest(byte[] key, int blocks)
    {
        if (blocks is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(blocks));
        _blocks = blocks;
        _second = blocks == 2 ? new byte[Batch * 16] : [];
        _aes = Aes.Create();
        _aes.Key = key;
    }

    public long Count { get; private set; }

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(16);

    /// <summary>Adds an element of exactly 16 × blocks bytes.</summary>
    public void Add(ReadOnlySpan<byte> element)
    {
        if (element.Length != 16 * _blocks) throw new ArgumentException($"An element is {16 * _blocks} bytes.", nameof(element));
        element[..16].CopyTo(_first.AsSpan(_pending * 16));
        if (_blocks == 2) element[16..].CopyTo(_second.AsSpan(_pending * 16));
        Count++;
        if (++_pending == Batch) Flush();
    }

    public bool SameAs(MultisetDigest other)
    {
        Flush();
        other.Flush();
        return Count == other.Count && _sum == other._sum;
    }

    public void Dispose() => _aes.Dispose();

    private void Flush()
    {
        if (_pending == 0) return;
        var bytes = _pending * 16;
        _aes.EncryptEcb(_first.AsSpan(0, bytes), _output.AsSpan(0, bytes), PaddingMode.None);
        if (_blocks == 2)
        {
            // CBC-MAC: E(E(m1) xor m2)
            for (var i = 0; i < bytes; i++) _output[i] ^= _second[i];
            _aes.EncryptEcb(_output.AsSpan(0, bytes), _first.AsSpan(0, bytes), PaddingMode.None);
        }
        var result = _blocks == 2 ? _first : _output;
        for (var i = 0; i < bytes; i += 16)
            _sum = unchecked(_sum + BinaryPrimitives.ReadUInt128LittleEndian(result.AsSpan(i, 16))); // modulo 2^128 by design
        _pending = 0;
    }
}
