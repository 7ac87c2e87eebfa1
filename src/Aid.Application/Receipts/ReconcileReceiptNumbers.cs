using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// The receipt-number reconciliation of a year, per prefix: numbers are one series per prefix and year for the whole
/// organisation, starting at 1, so a gap can only be judged over the whole series. Per prefix: the first and last number, how many
/// were issued and voided (of them, for this programme), and every gap (numbers up to the last that do not exist), as ranges.
/// Null when the programme is not in the caller's scope.
/// </summary>
public sealed record ReconcileReceiptNumbers(Guid ProgrammeId, int Year) : IQuery<ReceiptNumberReconciliation?>;

public sealed record ReceiptNumberReconciliation(int Year, IReadOnlyList<ReceiptNumberSeries> Series)
{
    public long Issued => Series.Sum(s => s.Issued);
    public long Void => Series.Sum(s => s.Void);
    public long Missing => Series.Sum(s => s.Missing);
}

/// <param name="Missing">How many numbers from 1 to the last are missing (the sum of the gaps).</param>
/// <param name="Gaps">The first <see cref="ReconcileReceiptNumbersHandler.MaxGaps"/> ranges of missing numbers, in order.</param>
/// <param name="ProgrammeIssued">Receipts of the series issued for the programme asked about.</param>
/// <param name="OrganisationWide">Receipts of the series not tied to one programme (annual receipts over several).</param>
public sealed record ReceiptNumberSeries(string Prefix, string First, string Last, long Issued, long Void, long Missing, IReadOnlyList<ReceiptNumberGap> Gaps,
    long ProgrammeIssued, long ProgrammeVoid, long OrganisationWide);

/// <summary>Missing numbers <paramref name="From"/> to <paramref name="To"/> (the same number when one is missing).</summary>
public sealed record ReceiptNumberGap(string From, string To, long Count);

public sealed class ReconcileReceiptNumbersValidator : AbstractValidator<ReconcileReceiptNumbers>
{
    public ReconcileReceiptNumbersValidator() => RuleFor(q => q.Year).InclusiveBetween(2000, 2100).OverridePropertyName("year");
}

internal sealed class ReconcileReceiptNumbersHandler(IDbSession db, AccessScope scope) : IQueryHandler<ReconcileReceiptNumbers, ReceiptNumberReconciliation?>
{
    public const int MaxGaps = 100;

    public async ValueTask<ReceiptNumberReconciliation?> Handle(ReconcileReceiptNumbers query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        if (await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM programmes WHERE id = @id", new { id = query.ProgrammeId }, ct) is null) return null;
        // The counters say how far each series got: numbers taken after the last receipt that exists are missing too.
        var counters = (await db.QueryAsync<CounterRow>("SELECT prefix AS Prefix, last_number AS LastNumber FROM receipt_sequences WHERE year = @year",
            new { year = query.Year }, ct)).ToDictionary(c => c.Prefix, c => c.LastNumber, StringComparer.Ordinal);
        var series = new List<ReceiptNumberSeries>();
        Builder? current = null;
        await foreach (var row in db.StreamAsync<NumberRow>("""
            SELECT prefix AS Prefix, sequence AS Sequence, status AS Status, programme_id AS ProgrammeId
            FROM receipts WHERE year = @year ORDER BY prefix, sequence
            """, new { year = query.Year }, ct))
        {
            if (current is null || current.Prefix != row.Prefix)
            {
                if (current is not null) series.Add(current.Build(counters.GetValueOrDefault(current.Prefix)));
                current = new Builder(row.Prefix, query.Year, query.ProgrammeId);
            }
            current.Add(row);
        }
        if (current is not null) series.Add(current.Build(counters.GetValueOrDefault(current.Prefix)));
        // A series whose every number is missing (taken by the counter, no receipt left).
        foreach (var (prefix, last) in counters.Where(c => c.Value > 0 && series.All(s => s.Prefix != c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList())
            series.Add(new Builder(prefix, query.Year, query.ProgrammeId).Build(last));
        return new ReceiptNumberReconciliation(query.Year, series.OrderBy(s => s.Prefix, StringComparer.Ordinal).ToList());
    }

    private sealed class Builder(string prefix, int year, Guid programmeId)
    {
        public string Prefix { get; } = prefix;
        private long _first, _last, _issued, _void, _missing, _programmeIssued, _programmeVoid, _organisation;
        private readonly List<ReceiptNumberGap> _gaps = [];

        public void Add(NumberRow row)
        {
            if (_issued == 0) _first = row.Sequence;
            var expected = _last + 1; // numbers start at 1
            if (row.Sequence > expected)
            {
                _missing += row.Sequence - expected;
                if (_gaps.Count < MaxGaps)
                    _gaps.Add(new ReceiptNumberGap(Number(expected), Number(row.Sequence - 1), row.Sequence - expected));
            }
            _last = row.Sequence;
            _issued++;
            var isVoid = row.Status == "void";
            if (isVoid) _void++;
            if (row.ProgrammeId == programmeId)
            {
                _programmeIssued++;
                if (isVoid) _programmeVoid++;
            }
            else if (row.ProgrammeId is null) _organisation++;
        }

        private string Number(long sequence) => ReceiptNumber.Format(Prefix, year, sequence);

        /// <param name="counted">The series counter's last number (0 when none): numbers after the last receipt up to it are missing.</param>
        public ReceiptNumberSeries Build(long counted)
        {
            if (counted > _last)
            {
                var first = _last + 1;
                _missing += counted - _last;
                if (_gaps.Count < MaxGaps) _gaps.Add(new ReceiptNumberGap(Number(first), Number(counted), counted - _last));
                if (_issued == 0) _first = first;
                _last = counted;
            }
            return new(Prefix, Number(_first), Number(_last), _issued, _void, _missing, _gaps, _programmeIssued, _programmeVoid, _organisation);
        }
    }

    private sealed class CounterRow
    {
        public required string Prefix { get; init; }
        public required long LastNumber { get; init; }
    }

    private sealed class NumberRow
    {
        public required string Prefix { get; init; }
        public required long Sequence { get; init; }
        public required string Status { get; init; }
        public Guid? ProgrammeId { get; init; }
    }
}
