namespace Aid.Application.Auditing;

/// <summary>
/// The trial balance proved from the postings as verification's quick pass reads them anyway (in the table's order), instead
/// of two more reads of every posting grouped by journal entry and by programme (about 1.5 s of the rows side at a million
/// gifts: the primary key's index in entry order, and every posting's row looked up from it). SQLite only, in a UTF-8 file
/// (<c>AuditVerifier.RunsTellEntriesApartAsync</c>). A run is a stretch of consecutive postings of one journal
/// entry; when every run sums to zero within one programme, every entry sums to zero, and so does every programme (each is
/// a sum of such runs). Aid writes an entry's postings together, so each entry is one run. Anything else (a run that does not
/// sum to zero, a programme that changes within a run, a total that overflows, a value that is not as Aid writes it) leaves
/// the balance unproved, and the grouped queries decide, as before.
/// </summary>
internal sealed class TrialBalanceRuns
{
    private readonly byte[] _entry = new byte[64];
    private readonly byte[] _programme = new byte[64];
    private int _entryLength = -1;
    private int _programmeLength;
    private long _sum;
    private bool _unproved;

    /// <summary>True when every journal entry and every programme read sums to zero.</summary>
    public bool Proved => !_unproved && (_entryLength < 0 || _sum == 0);

    /// <summary>The next posting in the order read: its journal entry and programme as stored (UTF-8), and its amount.</summary>
    public void Add(ReadOnlySpan<byte> entry, ReadOnlySpan<byte> programme, long amount)
    {
        if (_unproved) return;
        if (_entryLength >= 0 && entry.SequenceEqual(_entry.AsSpan(0, _entryLength)))
        {
            var sum = unchecked(_sum + amount);
            if (!programme.SequenceEqual(_programme.AsSpan(0, _programmeLength)) || ((_sum ^ sum) & (amount ^ sum)) < 0) _unproved = true;
            _sum = sum;
            return;
        }
        if ((_entryLength >= 0 && _sum != 0) || entry.Length > _entry.Length || programme.Length > _programme.Length)
        {
            _unproved = true;
            return;
        }
        entry.CopyTo(_entry);
        programme.CopyTo(_programme);
        (_entryLength, _programmeLength, _sum) = (entry.Length, programme.Length, amount);
    }

    /// <summary>A posting whose entry, programme or amount is not stored as Aid stores it.</summary>
    public void Unreadable() => _unproved = true;
}
