using Aid.Application.Common;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>The signed-in donor's own details and choices, and the years they gave in (for the receipt and statement forms).</summary>
public sealed record GetMyDetails : IQuery<MyDetails?>;

public sealed record MyDetails(
    Guid DonorId, string Name, string Kind, string Language, string? Email, string? Address, bool EmailReceipts, string? Login, bool HasPassword,
    int? FirstYear, int? LastYear)
{
    /// <summary>The years with gifts, newest first (empty before the first gift).</summary>
    public IReadOnlyList<int> GiftYears => FirstYear is { } first && LastYear is { } last ? Enumerable.Range(first, last - first + 1).Reverse().ToList() : [];
}

internal sealed class GetMyDetailsHandler(IDbSession db, AccessScope scope) : IQueryHandler<GetMyDetails, MyDetails?>
{
    public async ValueTask<MyDetails?> Handle(GetMyDetails query, CancellationToken ct)
    {
        if (scope.Actor is not { Role: Roles.Donor, DonorId: { } donorId } actor) return null;
        var row = await db.QuerySingleOrDefaultAsync<Row>("""
            SELECT d.id AS DonorId, d.name AS Name, d.kind AS Kind, d.language AS Language, d.email AS Email, d.address AS Address,
                   d.email_receipts AS EmailReceipts, u.login AS Login,
                   CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS HasPassword,
                   (SELECT MIN(g.received_on) FROM gifts g WHERE g.donor_id = d.id) AS FirstGift,
                   (SELECT MAX(g.received_on) FROM gifts g WHERE g.donor_id = d.id) AS LastGift
            FROM donors d JOIN users u ON u.id = @userId
            WHERE d.id = @donorId
            """, new { donorId, userId = actor.UserId }, ct);
        return row is null ? null : new MyDetails(row.DonorId, row.Name, row.Kind, row.Language, row.Email, row.Address, row.EmailReceipts, row.Login,
            row.HasPassword == 1, row.FirstGift?.Year, row.LastGift?.Year);
    }

    private sealed class Row
    {
        public required Guid DonorId { get; init; }
        public required string Name { get; init; }
        public required string Kind { get; init; }
        public required string Language { get; init; }
        public string? Email { get; init; }
        public string? Address { get; init; }
        public required bool EmailReceipts { get; init; }
        public string? Login { get; init; }
        public required long HasPassword { get; init; }
        public DateOnly? FirstGift { get; init; }
        public DateOnly? LastGift { get; init; }
    }
}
