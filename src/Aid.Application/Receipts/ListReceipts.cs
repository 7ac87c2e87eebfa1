using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Receipts;

/// <summary>
/// Receipts in the order they were issued, filtered by donor, year (the year in the number: the year of issue) and
/// programme. Visibility is exactly that of <see cref="GetReceipt"/>: a donor key sees its own receipts; staff limited to
/// programmes see a receipt of one of their programmes and, for a receipt without a programme (its gifts lie in several),
/// one whose gifts all lie in their programmes. The programme filter likewise matches such a receipt when any of its gifts
/// went to that programme.
/// </summary>
public sealed record ListReceipts(Guid? DonorId, int? Year, Guid? ProgrammeId, int? Limit, string? Cursor) : IQuery<Page<ReceiptView>>, IPagedQuery;

public sealed class ListReceiptsValidator : AbstractValidator<ListReceipts>
{
    public ListReceiptsValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.Year).InclusiveBetween(2000, 2100).When(q => q.Year is not null).WithMessage("year must be between 2000 and 2100.");
    }
}

internal sealed class ListReceiptsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListReceipts, Page<ReceiptView>>
{
    private const string GiftsOfReceipt = "SELECT 1 FROM receipt_gifts rg JOIN gifts g ON g.id = rg.gift_id WHERE rg.receipt_id = r.id";

    public async ValueTask<Page<ReceiptView>> Handle(ListReceipts query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var list = new KeysetQuery(ReceiptRow.Select, "r.id")
            .WhereIf(query.DonorId is not null, "r.donor_id = @donorId")
            .WhereIf(query.Year is not null, "r.year = @year")
            .WhereIf(query.ProgrammeId is not null,
                $"(r.programme_id = @programmeId OR (r.programme_id IS NULL AND EXISTS ({GiftsOfReceipt} AND g.programme_id = @programmeId)))")
            .InScope(scope, db.Dialect, programmeColumn: null, ownRows: "r.donor_id = @ownDonorId")
            .Parameters(new { donorId = query.DonorId, year = query.Year, programmeId = query.ProgrammeId });
        if (scope.Actor is not { Role: Roles.Donor } && scope.ProgrammeFilter is { } programmes)
        {
            // GetReceipt's rule in SQL: the receipt's programme is theirs, or it has none and no gift outside theirs.
            var theirs = db.Dialect.InList("r.programme_id", "scopeProgrammes");
            var giftOutside = $"{GiftsOfReceipt} AND NOT ({db.Dialect.InList("g.programme_id", "scopeProgrammes")})";
            list.Where($"({theirs} OR (r.programme_id IS NULL AND NOT EXISTS ({giftOutside})))")
                .Parameters(new { scopeProgrammes = db.Dialect.IdList(programmes) });
        }
        var page = Cursor.ToPage(await list.ReadAsync<ReceiptRow>(db, after, limit, ct), limit, r => r.Id);
        if (page.Items.Count == 0) return new Page<ReceiptView>([], null);

        var gifts = (await db.QueryAsync<ReceiptGift>($"""
                SELECT receipt_id AS ReceiptId, gift_id AS GiftId FROM receipt_gifts WHERE {db.Dialect.InList("receipt_id", "ids")} ORDER BY gift_id
                """, new { ids = db.Dialect.IdList(page.Items.Select(r => r.Id)) }, ct))
            .ToLookup(g => g.ReceiptId, g => g.GiftId);
        return new Page<ReceiptView>(page.Items.Select(r => r.ToView(gifts[r.Id].ToList())).ToList(), page.NextCursor);
    }

    private sealed class ReceiptGift
    {
        public required Guid ReceiptId { get; init; }
        public required Guid GiftId { get; init; }
    }
}
