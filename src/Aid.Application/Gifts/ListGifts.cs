using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Gifts;

/// <summary>Gifts oldest first, filtered by programme, donor and received date (inclusive). A donor key sees only its own.</summary>
public sealed record ListGifts(Guid? ProgrammeId, Guid? DonorId, DateOnly? From, DateOnly? To, int? Limit, string? Cursor)
    : IQuery<Page<GiftView>>, IPagedQuery;

public sealed class ListGiftsValidator : AbstractValidator<ListGifts>
{
    public ListGiftsValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null).WithMessage("to must not be before from.");
    }
}

internal sealed class ListGiftsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListGifts, Page<GiftView>>
{
    public async ValueTask<Page<GiftView>> Handle(ListGifts query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var rows = await new KeysetQuery(GiftRow.Select, "g.id")
            .WhereIf(query.ProgrammeId is not null, "g.programme_id = @programmeId")
            .WhereIf(query.DonorId is not null, "g.donor_id = @donorId")
            .WhereIf(query.From is not null, "g.received_on >= @from")
            .WhereIf(query.To is not null, "g.received_on <= @to")
            .InScope(scope, db.Dialect, programmeColumn: "g.programme_id", ownRows: "g.donor_id = @ownDonorId")
            .Parameters(new { programmeId = query.ProgrammeId, donorId = query.DonorId, from = query.From, to = query.To })
            .ReadAsync<GiftRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<GiftView>(page.Items.Select(r => r.ToView(null)).ToList(), page.NextCursor);
    }
}
