using System.Globalization;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>
/// The signed-in donor's gifts, newest received first, each with its programme and its current receipt (number and status; a
/// voided receipt shows until its replacement exists). Only the donor's own gifts, whatever the request says.
/// </summary>
public sealed record ListMyGifts(int? Limit, string? Cursor) : IQuery<Page<MyGift>>, IPagedQuery;

public sealed record MyGift(
    Guid Id, DateOnly ReceivedOn, string Programme, string Kind, string Currency, string Amount, string? Method, string? Description,
    bool NotValued, bool Reversed, string? ReceiptNumber);

public sealed class ListMyGiftsValidator : AbstractValidator<ListMyGifts>
{
    public ListMyGiftsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, Cursor.MaxLimit).When(q => q.Limit is not null).WithMessage($"limit must be between 1 and {Cursor.MaxLimit}.");
        RuleFor(q => q.Cursor).Must(c => c is null || SortCursor.TryDecode(c, ListMyGiftsHandler.Sort, out _))
            .WithMessage("cursor is not a cursor returned by this list.");
    }
}

internal sealed class ListMyGiftsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListMyGifts, Page<MyGift>>
{
    public const string Sort = "-receivedOn";

    public async ValueTask<Page<MyGift>> Handle(ListMyGifts query, CancellationToken ct)
    {
        var donorId = MyDonor.Id(scope);
        var limit = query.Limit ?? Cursor.DefaultLimit;
        KeysetPosition? after = null;
        if (SortCursor.TryDecode(query.Cursor, Sort, out var position) && position is { } p
            && DateOnly.TryParseExact(p.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            after = new KeysetPosition(date, p.Id);
        // The receipt a gift has now (voiding removes it from current_gift_receipts; a reissue adds the new one).
        const string select = """
            SELECT g.id AS Id, g.received_on AS ReceivedOn, pr.name AS Programme, g.kind AS Kind, g.currency AS Currency, g.amount AS Amount,
                   g.method AS Method, g.description AS Description, g.valuation_basis AS ValuationBasis,
                   CASE WHEN EXISTS (SELECT 1 FROM gift_reversals x WHERE x.gift_id = g.id) THEN 1 ELSE 0 END AS Reversed,
                   r.number AS ReceiptNumber
            FROM gifts g JOIN programmes pr ON pr.id = g.programme_id
            LEFT JOIN current_gift_receipts c ON c.gift_id = g.id LEFT JOIN receipts r ON r.id = c.receipt_id
            """;
        var rows = await new KeysetQuery(select, "g.id")
            .Where("g.donor_id = @donorId").Parameters(new { donorId })
            .OrderBy("g.received_on", descending: true)
            .ReadAsync<Row>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, (Row r) => SortCursor.Encode(Sort, r.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Id));
        return new Page<MyGift>(page.Items.Select(r => new MyGift(r.Id, r.ReceivedOn, r.Programme, r.Kind, r.Currency, Money.Format(r.Amount), r.Method,
            r.Description, r.ValuationBasis == "not_valued", r.Reversed == 1, r.ReceiptNumber)).ToList(), page.NextCursor);
    }

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required DateOnly ReceivedOn { get; init; }
        public required string Programme { get; init; }
        public required string Kind { get; init; }
        public required string Currency { get; init; }
        public required long Amount { get; init; }
        public string? Method { get; init; }
        public string? Description { get; init; }
        public string? ValuationBasis { get; init; }
        public required long Reversed { get; init; }
        public string? ReceiptNumber { get; init; }
    }
}
