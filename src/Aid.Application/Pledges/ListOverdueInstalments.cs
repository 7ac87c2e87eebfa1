using Aid.Application.Common;
using Aid.Application.Programmes;
using Mediator;

namespace Aid.Application.Pledges;

/// <summary>
/// The instalments of a programme's open pledges that fell due before today and are not fully paid (paid by gifts that are not
/// reversed), oldest first, at most <paramref name="Limit"/> of them; null when the programme does not exist or is outside the
/// caller's scope. Cancelled and written-off pledges expect nothing more, so they are never overdue.
/// </summary>
public sealed record ListOverdueInstalments(Guid ProgrammeId, int Limit = 20) : IQuery<OverdueInstalments?>;

/// <summary>One overdue instalment: amounts as decimal strings, <paramref name="DaysOverdue"/> counted from the due date to today.</summary>
public sealed record OverdueInstalment(
    Guid PledgeId, Guid DonorId, string DonorName, int Number, DateOnly DueDate, string Amount, string Outstanding, int DaysOverdue);

/// <summary>The oldest overdue instalments, with how many there are in all and what they still expect in all.</summary>
public sealed record OverdueInstalments(IReadOnlyList<OverdueInstalment> Items, int Count, string Outstanding, string Currency);

internal sealed class ListOverdueInstalmentsHandler(IDbSession db, AccessScope scope, BusinessClock clock)
    : IQueryHandler<ListOverdueInstalments, OverdueInstalments?>
{
    public async ValueTask<OverdueInstalments?> Handle(ListOverdueInstalments query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var programme = await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct);
        if (programme is null) return null;
        var today = clock.Today();
        var rows = await db.QueryAsync<Row>(Sql, new { programmeId = programme.Id, today }, ct);
        var overdue = rows.Where(r => r.Paid < r.Amount).ToList();
        var items = overdue.Take(Math.Clamp(query.Limit, 1, Cursor.MaxLimit)).Select(r => new OverdueInstalment(
            r.PledgeId, r.DonorId, r.DonorName, (int)r.Number, r.DueDate, Money.Format(r.Amount), Money.Format(r.Amount - r.Paid),
            today.DayNumber - r.DueDate.DayNumber)).ToList();
        return new OverdueInstalments(items, overdue.Count, Money.Format(overdue.Sum(r => r.Amount - r.Paid)), programme.Currency);
    }

    private const string Sql = """
        SELECT p.id AS PledgeId, p.donor_id AS DonorId, d.name AS DonorName, i.number AS Number, i.due_date AS DueDate, i.amount AS Amount,
               CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a
                              WHERE a.pledge_id = i.pledge_id AND a.instalment_number = i.number
                                AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id)), 0) AS BIGINT) AS Paid
        FROM pledge_instalments i
        JOIN pledges p ON p.id = i.pledge_id
        JOIN donors d ON d.id = p.donor_id
        WHERE p.programme_id = @programmeId AND p.closed_status IS NULL AND i.due_date < @today
        ORDER BY i.due_date, p.id, i.number
        """;

    private sealed class Row
    {
        public required Guid PledgeId { get; init; }
        public required Guid DonorId { get; init; }
        public required string DonorName { get; init; }
        public required long Number { get; init; }
        public required DateOnly DueDate { get; init; }
        public required long Amount { get; init; }
        public required long Paid { get; init; }
    }
}
