using Aid.Application.Common;

namespace Aid.Application.Pledges;

public static class PledgeStatus
{
    public const string Open = "open";
    public const string Fulfilled = "fulfilled";
    public const string Cancelled = "cancelled";
    public const string WrittenOff = "written_off";
}

public static class InstalmentStatus
{
    public const string Paid = "paid";
    public const string PartlyPaid = "partly_paid";
    public const string Unpaid = "unpaid";
    public const string Overdue = "overdue";
}

public sealed record InstalmentView(int Number, DateOnly DueDate, string Amount, string Paid, string Outstanding, string Status);

public sealed record PledgeView(
    Guid Id, Guid ProgrammeId, Guid DonorId, string Status, string Currency, string Total, string Paid, string Outstanding,
    string Frequency, IReadOnlyList<InstalmentView> Instalments, string? ClosedReason, DateTimeOffset? ClosedAt, DateTimeOffset CreatedAt);

/// <summary>A pledge with what has been paid on each instalment (allocations of gifts that are not reversed).</summary>
internal sealed class PledgeState
{
    public required PledgeRow Pledge { get; init; }
    public required IReadOnlyList<InstalmentRow> Instalments { get; init; }

    public long Paid => Instalments.Sum(i => i.Paid);
    public long Remaining => Pledge.Total - Paid;

    public string Status => Pledge.ClosedStatus ?? (Paid >= Pledge.Total ? PledgeStatus.Fulfilled : PledgeStatus.Open);

    /// <summary>What is still expected: nothing once cancelled or written off.</summary>
    public long Outstanding => Pledge.ClosedStatus is null ? Remaining : 0;

    public static async Task<PledgeState?> LoadAsync(IDbSession db, Guid id, CancellationToken ct, bool forUpdate = false)
    {
        var pledge = await db.QuerySingleOrDefaultAsync<PledgeRow>(
            forUpdate ? db.Dialect.LockingSelect(PledgeRow.Columns, "pledges", "id = @id", RowLock.Update) : $"SELECT {PledgeRow.Columns} FROM pledges WHERE id = @id", new { id }, ct);
        if (pledge is null) return null;
        var instalments = await db.QueryAsync<InstalmentRow>(InstalmentsSql, new { id }, ct);
        return new PledgeState { Pledge = pledge, Instalments = instalments };
    }

    public PledgeView ToView(DateOnly today) => new(
        Pledge.Id, Pledge.ProgrammeId, Pledge.DonorId, Status, Pledge.Currency, Money.Format(Pledge.Total), Money.Format(Paid),
        Money.Format(Outstanding), Pledge.Frequency,
        Instalments.Select(i => new InstalmentView((int)i.Number, i.DueDate, Money.Format(i.Amount), Money.Format(i.Paid),
            Money.Format(i.Amount - i.Paid), i.StatusOn(today, Pledge.ClosedStatus is null))).ToList(),
        Pledge.ClosedReason, Pledge.ClosedAt, Pledge.CreatedAt);

    private const string InstalmentsSql = """
        SELECT i.number AS Number, i.due_date AS DueDate, i.amount AS Amount,
               CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a
                              WHERE a.pledge_id = i.pledge_id AND a.instalment_number = i.number
                                AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id)), 0) AS BIGINT) AS Paid
        FROM pledge_instalments i
        WHERE i.pledge_id = @id
        ORDER BY i.number
        """;
}

internal sealed class PledgeRow
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required Guid DonorId { get; init; }
    public required string Currency { get; init; }
    public required long Total { get; init; }
    public required string Frequency { get; init; }
    public string? ClosedStatus { get; init; }
    public string? ClosedReason { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public const string Columns = """
        id AS Id, programme_id AS ProgrammeId, donor_id AS DonorId, currency AS Currency, total AS Total, frequency AS Frequency,
        closed_status AS ClosedStatus, closed_reason AS ClosedReason, closed_at AS ClosedAt, created_at AS CreatedAt
        """;
}

internal sealed class InstalmentRow
{
    public required long Number { get; init; }
    public required DateOnly DueDate { get; init; }
    public required long Amount { get; init; }
    public required long Paid { get; init; }

    public string StatusOn(DateOnly today, bool pledgeOpen) =>
        Paid >= Amount ? InstalmentStatus.Paid
        : pledgeOpen && DueDate < today ? InstalmentStatus.Overdue
        : Paid > 0 ? InstalmentStatus.PartlyPaid
        : InstalmentStatus.Unpaid;
}
