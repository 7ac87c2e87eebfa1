using System.Globalization;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Gifts;

/// <summary>
/// Gifts filtered by programme, donor and received date (inclusive). A donor key sees only its own. Oldest first by
/// default; <c>sort</c> orders by received date or amount (<c>-</c> for descending), gifts with equal values by id.
/// </summary>
public sealed record ListGifts(Guid? ProgrammeId, Guid? DonorId, DateOnly? From, DateOnly? To, int? Limit, string? Cursor, string? Sort = null)
    : IQuery<Page<GiftView>>, IPagedQuery;

/// <summary>The orders a gift list can be read in besides the default (by id, i.e. as recorded).</summary>
public static class GiftSorts
{
    public static readonly IReadOnlyList<string> All = ["receivedOn", "-receivedOn", "amount", "-amount"];

    internal sealed record Sort(string Name, string Column, bool Descending, Func<GiftRow, string> ValueOf, Func<string, object?> Parse);

    /// <summary>The sort named <paramref name="name"/>; null for the default order (no sort given) and for an unknown name.</summary>
    internal static Sort? Find(string? name) => name switch
    {
        "receivedOn" or "-receivedOn" => new Sort(name, "g.received_on", name[0] == '-',
            g => g.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            v => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null),
        "amount" or "-amount" => new Sort(name, "g.amount", name[0] == '-',
            g => g.Amount.ToString(CultureInfo.InvariantCulture),
            v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : null),
        _ => null,
    };

    internal static bool IsKnown(string? name) => string.IsNullOrEmpty(name) || Find(name) is not null;

    /// <summary>Where a page starts for <paramref name="cursor"/> in <paramref name="sort"/>; false when the cursor belongs to another list or sort.</summary>
    internal static bool TryDecode(Sort sort, string? cursor, out KeysetPosition? after)
    {
        after = null;
        if (!SortCursor.TryDecode(cursor, sort.Name, out var position)) return false;
        if (position is not { } p) return true;
        if (sort.Parse(p.Value) is not { } value) return false;
        after = new KeysetPosition(value, p.Id);
        return true;
    }

    internal static bool CursorFits(string? sort, string? cursor) =>
        Find(sort) is { } s ? TryDecode(s, cursor, out _) : Common.Cursor.TryDecode(cursor, out _);
}

public sealed class ListGiftsValidator : AbstractValidator<ListGifts>
{
    public ListGiftsValidator()
    {
        // The paging rules of AddPagingRules, with the cursor checked against the sort it was made for.
        RuleFor(q => q.Limit).InclusiveBetween(1, Cursor.MaxLimit).When(q => q.Limit is not null)
            .WithMessage($"limit must be between 1 and {Cursor.MaxLimit}.");
        RuleFor(q => q.Sort).Must(GiftSorts.IsKnown).WithMessage($"sort must be one of {string.Join(", ", GiftSorts.All)}.");
        RuleFor(q => q.Cursor).Must((q, cursor) => GiftSorts.CursorFits(q.Sort, cursor)).When(q => GiftSorts.IsKnown(q.Sort))
            .WithMessage("cursor is not a cursor returned by this list.");
        RuleFor(q => q.To).GreaterThanOrEqualTo(q => q.From).When(q => q.From is not null && q.To is not null).WithMessage("to must not be before from.");
    }
}

internal sealed class ListGiftsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListGifts, Page<GiftView>>
{
    public async ValueTask<Page<GiftView>> Handle(ListGifts query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        var list = new KeysetQuery(GiftRow.Select, "g.id")
            .WhereIf(query.ProgrammeId is not null, "g.programme_id = @programmeId")
            .WhereIf(query.DonorId is not null, "g.donor_id = @donorId")
            .WhereIf(query.From is not null, "g.received_on >= @from")
            .WhereIf(query.To is not null, "g.received_on <= @to")
            .InScope(scope, db.Dialect, programmeColumn: "g.programme_id", ownRows: "g.donor_id = @ownDonorId")
            .Parameters(new { programmeId = query.ProgrammeId, donorId = query.DonorId, from = query.From, to = query.To });

        Page<GiftRow> page;
        if (GiftSorts.Find(query.Sort) is { } sort)
        {
            GiftSorts.TryDecode(sort, query.Cursor, out var after);
            var rows = await list.OrderBy(sort.Column, sort.Descending).ReadAsync<GiftRow>(db, after, limit, ct);
            page = Cursor.ToPage(rows, limit, (GiftRow r) => SortCursor.Encode(sort.Name, sort.ValueOf(r), r.Id));
        }
        else
        {
            Cursor.TryDecode(query.Cursor, out var after);
            page = Cursor.ToPage(await list.ReadAsync<GiftRow>(db, after, limit, ct), limit, r => r.Id);
        }
        return new Page<GiftView>(page.Items.Select(r => r.ToView(null)).ToList(), page.NextCursor);
    }
}
