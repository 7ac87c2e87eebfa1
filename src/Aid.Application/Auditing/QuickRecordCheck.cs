using System.Buffers;
using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>
/// The quick pass's check of one record (<see cref="AuditRecordRow.Columns"/>) straight from the cursor's UTF-8 bytes, for a
/// record as Aid writes it on SQLite: the same hash over the same netstring bytes as <see cref="AuditHash.Record"/>, the same
/// MAC and seal checks as <c>RecordChecks.Trusted</c>, without decoding sixteen columns into strings and encoding them again
/// (at a million gifts that was most of the records side of verification). It only proves: anything it cannot read exactly
/// as the string path would (a legacy record, a number where text belongs, text that is not valid UTF-8, a timestamp or id not
/// in its canonical spelling) is <see cref="Outcome.Unusual"/> and checked the usual way; anything that does not hold is
/// <see cref="Outcome.Doubt"/>, and the detailed pass names it.
/// </summary>
internal sealed class QuickRecordCheck(AuditMac mac, long sealedThrough)
{
    public enum Outcome { Trusted, Unsealed, Doubt, Unusual }

    // The columns of AuditRecordRow.Columns, by position.
    internal const int Sequence = 0, RowDigests = 10;
    private const int OccurredAt = 1, Actor = 2, Action = 3, Entity = 4, EntityId = 5, ProgrammeId = 6, Summary = 7, PreviousHash = 8,
        Hash = 9, CommitOrder = 11, Mac = 12, Position = 13, SealedHash = 15;

    private readonly ArrayBufferWriter<byte> _netstrings = new(1024);

    /// <summary>
    /// <see cref="Outcome.Trusted"/> (hash, MAC and seal hold), <see cref="Outcome.Unsealed"/> (the same, not sealed yet and
    /// younger than the sealer's horizon), <see cref="Outcome.Doubt"/> or <see cref="Outcome.Unusual"/>.
    /// </summary>
    public Outcome Check(IRowCursor row)
    {
        if (row.Kind(Sequence) != ColumnKind.Integer || row.Kind(PreviousHash) != ColumnKind.Text || row.GetUtf8(PreviousHash).Length != 0)
            return Outcome.Unusual; // a legacy record (its own chain and JSON hash), or not as Aid writes it
        if (!Text(row, OccurredAt, out var occurredAt) || !IsCanonicalInstant(occurredAt)) return Outcome.Unusual;

        _netstrings.ResetWrittenCount();
        Field("aid-audit-v2"u8);
        AuditHash.WriteField(_netstrings, row.GetInt64(Sequence));
        Field(occurredAt);
        if (!Required(row, Actor) || !Required(row, Action) || !Optional(row, Entity) || !Optional(row, EntityId)) return Outcome.Unusual;
        switch (row.Kind(ProgrammeId))
        {
            case ColumnKind.Null: Absent(); break;
            case ColumnKind.Text when row.GetUtf8(ProgrammeId) is var id && IsCanonicalUuid(id): Field(id); break;
            default: return Outcome.Unusual;
        }
        if (!Required(row, Summary) || !Optional(row, RowDigests)) return Outcome.Unusual;

        Span<byte> hash = stackalloc byte[32];
        Sha256Engine.Current.Hash(_netstrings.WrittenSpan, hash);
        Span<byte> hex = stackalloc byte[64];
        Convert.TryToHexStringLower(hash, hex, out _);
        if (!Text(row, Hash, out var stored)) return Outcome.Unusual;
        if (!stored.SequenceEqual(hex)) return Outcome.Doubt;
        if (row.Kind(Mac) != ColumnKind.Text || !mac.Matches(hex, row.GetUtf8(Mac))) return Outcome.Doubt;

        if (row.Kind(Position) == ColumnKind.Null)
            return row.Kind(CommitOrder) == ColumnKind.Integer && row.GetInt64(CommitOrder) >= sealedThrough ? Outcome.Unsealed : Outcome.Doubt;
        return row.Kind(SealedHash) == ColumnKind.Text && row.GetUtf8(SealedHash).SequenceEqual(hex) ? Outcome.Trusted : Outcome.Doubt;
    }

    private static bool Text(IRowCursor row, int column, out ReadOnlySpan<byte> text)
    {
        var isText = row.Kind(column) == ColumnKind.Text;
        text = isText ? row.GetUtf8(column) : default;
        return isText && System.Text.Unicode.Utf8.IsValid(text);
    }

    private bool Required(IRowCursor row, int column)
    {
        if (!Text(row, column, out var text)) return false;
        Field(text);
        return true;
    }

    private bool Optional(IRowCursor row, int column)
    {
        if (row.Kind(column) == ColumnKind.Null) { Absent(); return true; }
        return Required(row, column);
    }

    private void Field(ReadOnlySpan<byte> value) => AuditHash.WriteField(_netstrings, value);

    private void Absent() => _netstrings.Write(AuditHash.AbsentField);

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c> of a real instant: the text <see cref="AuditHash.Instant"/> makes of the value the string
    /// path parses from it, so hashing it as it stands gives the same bytes.
    /// </summary>
    internal static bool IsCanonicalInstant(ReadOnlySpan<byte> t)
    {
        if (t.Length != 27 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != '.' || t[26] != 'Z') return false;
        for (var i = 0; i < 26; i++)
            if (i is not (4 or 7 or 10 or 13 or 16 or 19) && !char.IsAsciiDigit((char)t[i])) return false;
        static int Number(ReadOnlySpan<byte> digits) { var n = 0; foreach (var d in digits) n = n * 10 + (d - '0'); return n; }
        var (year, month, day) = (Number(t[..4]), Number(t[5..7]), Number(t[8..10]));
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month)
            && Number(t[11..13]) < 24 && Number(t[14..16]) < 60 && Number(t[17..19]) < 60;
    }

    /// <summary>Lower-case hex with hyphens at 8, 13, 18 and 23: what <c>Guid.ToString("D")</c> gives back for it.</summary>
    internal static bool IsCanonicalUuid(ReadOnlySpan<byte> s)
    {
        if (s.Length != 36) return false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var ok = i is 8 or 13 or 18 or 23 ? c == '-' : char.IsAsciiDigit((char)c) || c is >= (byte)'a' and <= (byte)'f';
            if (!ok) return false;
        }
        return true;
    }
}
