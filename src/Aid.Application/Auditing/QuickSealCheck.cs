using System.Buffers;
using System.Text;
using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>
/// The quick pass's check of the chains on SQLite, one seal at a time straight from the cursor's UTF-8 bytes, in the order
/// the sealer appended them (<see cref="Seals"/>): every chain's positions follow one another from 1, each seal links to the
/// one before it in its chain, hashes its own content, and agrees with the checkpoints that signed its position — the checks
/// of <c>AuditVerifier.ChainsAndCheckpointsAsync</c>, without reading the seals through their key (a look-up in the table for
/// every seal) or decoding four strings of each. It only proves: for a seal not as the sealer writes it (text, 64 hex digits of
/// hash), or one out of its chain's order (a table rebuilt or vacuumed can number its rows anew), it gives up and the chains
/// are checked the usual way, which names anything wrong.
/// </summary>
internal sealed class QuickSealCheck(AuditVerifier.SignedCheckpoints checkpoints)
{
    /// <summary>Every seal in the order it was appended: within each chain, the order of its positions.</summary>
    public const string Seals = "SELECT chain, position, record_sequence, record_hash, previous_hash, hash FROM audit_seals ORDER BY rowid";

    private const int Chain = 0, Position = 1, RecordSequence = 2, RecordHash = 3, PreviousHash = 4, Hash = 5;
    private static readonly byte[] Genesis = Encoding.ASCII.GetBytes(AuditHash.Genesis);

    private readonly Dictionary<string, ChainState> _chains = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _netstrings = new(512);
    private readonly byte[] _hash = new byte[32];
    private ChainState? _current;

    /// <summary>How many seals were checked.</summary>
    public long Count { get; private set; }

    /// <summary>False when the seal is not exactly as the sealer would have written it there.</summary>
    public bool Check(IRowCursor seal)
    {
        if (seal.Kind(Chain) != ColumnKind.Text || seal.Kind(Position) != ColumnKind.Integer || seal.Kind(RecordSequence) != ColumnKind.Integer
            || seal.Kind(RecordHash) != ColumnKind.Text || seal.Kind(PreviousHash) != ColumnKind.Text || seal.Kind(Hash) != ColumnKind.Text) return false;
        var name = seal.GetUtf8(Chain);
        if (_current is null || !name.SequenceEqual(_current.Utf8))
        {
            if (!System.Text.Unicode.Utf8.IsValid(name)) return false;
            var text = Encoding.UTF8.GetString(name);
            if (!_chains.TryGetValue(text, out _current)) _chains[text] = _current = new ChainState(text, name.ToArray(), checkpoints);
        }
        var chain = _current;
        var position = seal.GetInt64(Position);
        var recordHash = seal.GetUtf8(RecordHash);
        if (position != chain.Position + 1 || !seal.GetUtf8(PreviousHash).SequenceEqual(chain.Head) || !IsLowerHex64(recordHash)) return false;

        _netstrings.ResetWrittenCount();
        AuditHash.WriteField(_netstrings, "aid-seal-v1"u8);
        AuditHash.WriteField(_netstrings, chain.Utf8);
        AuditHash.WriteField(_netstrings, position);
        AuditHash.WriteField(_netstrings, seal.GetInt64(RecordSequence));
        AuditHash.WriteField(_netstrings, recordHash);
        AuditHash.WriteField(_netstrings, chain.Head);
        Sha256Engine.Current.Hash(_netstrings.WrittenSpan, _hash);
        // The new head: the hash just computed, which must be the one stored.
        Convert.TryToHexStringLower(_hash, chain.Head, out _);
        if (!seal.GetUtf8(Hash).SequenceEqual(chain.Head)) return false;
        if (chain.Signed.TryGetValue(position, out var signed) && signed.Any(h => !Ascii.Equals(chain.Head, h))) return false;
        chain.Position = position;
        Count++;
        return true;
    }

    /// <summary>
    /// The chains read, by the bytes of their names (the order the detailed pass reads them in from a UTF-8 file, and lists them
    /// in), each checked against the checkpoints signed beyond its end; null at a doubt, or a signed chain that is gone.
    /// </summary>
    public List<AuditChainSummary>? Chains()
    {
        var doubt = false;
        var chains = new List<AuditChainSummary>();
        foreach (var chain in _chains.Values.OrderBy(c => c.Utf8, Utf8Order.Instance))
            checkpoints.Close(chains, chain.Name, chain.Position, Encoding.ASCII.GetString(chain.Head), _ => doubt = true);
        checkpoints.ReportGone(chains, _ => doubt = true);
        return doubt ? null : chains;
    }

    private static bool IsLowerHex64(ReadOnlySpan<byte> text)
    {
        if (text.Length != 64) return false;
        foreach (var c in text)
            if (!(char.IsAsciiDigit((char)c) || c is >= (byte)'a' and <= (byte)'f')) return false;
        return true;
    }

    private sealed class ChainState(string name, byte[] utf8, AuditVerifier.SignedCheckpoints checkpoints)
    {
        public string Name => name;
        public byte[] Utf8 => utf8;
        public long Position { get; set; }
        /// <summary>The hash of the chain's last seal (hex, UTF-8): the previous hash the next one must carry.</summary>
        public byte[] Head { get; } = Genesis.ToArray();
        /// <summary>What the checkpoints signed at positions of this chain.</summary>
        public Dictionary<long, List<string>> Signed { get; } =
            checkpoints.Wanted.Where(w => w.Key.Chain == name).ToDictionary(w => w.Key.Position, w => w.Value);
    }

    /// <summary>SQLite's BINARY collation: the bytes of the UTF-8 text, compared one by one.</summary>
    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
