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
        var where = new List<string>();
        if (after is not null) where.Add("g.id > @after");
        if (query.ProgrammeId is not null) where.Add("g.programme_id = @programmeId");
        if (query.DonorId is not null) where.Add("g.donor_id = @donorId");
        if (query.From is not null) where.Add("g.received_on >= @from");
        if (query.To is not null) where.Add("g.received_on <= @to");
        if (scope.Actor is { Role: Roles.Donor } donor) where.Add(donor.DonorId is null ? "1 = 0" : "g.donor_id = @ownDonorId");
        else if (scope.ProgrammeFilter is not null) where.Add(db.Dialect.InList("g.programme_id", "filter"));

        var sql = $"{GiftRow.Select} {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY g.id LIMIT @take";
        var rows = await db.QueryAsync<GiftRow>(sql, new
        {
            after, programmeId = query.ProgrammeId, donorId = query.DonorId, from = query.From, to = query.To, ownDonorId = scope.Actor?.DonorId,
            filter = scope.ProgrammeFilter is { } f ? db.Dialect.IdList(f) : null, take = limit + 1,
        }, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<GiftView>(page.Items.Select(r => r.ToView(null)).ToList(), page.NextCursor);
    }
}
