using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>
/// An import's rows in file order, optionally only one outcome (<see cref="ImportOutcomes.Filters"/>: <c>needs_donor</c> is
/// the new rows without a donor). Null when the import is missing or outside the caller's programmes.
/// </summary>
public sealed record ListImportRows(Guid ImportId, string? Outcome, int? Limit, string? Cursor) : IQuery<Page<ImportRowView>?>, IPagedQuery;

public sealed class ListImportRowsValidator : AbstractValidator<ListImportRows>
{
    public ListImportRowsValidator()
    {
        this.AddPagingRules(sequenceCursor: true);
        RuleFor(q => q.Outcome).Must(o => o is null || ImportOutcomes.Filters.Contains(o))
            .WithMessage($"outcome must be one of: {string.Join(", ", ImportOutcomes.Filters)}.");
    }
}

internal sealed class ListImportRowsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListImportRows, Page<ImportRowView>?>
{
    public async ValueTask<Page<ImportRowView>?> Handle(ListImportRows query, CancellationToken ct)
    {
        var record = await ImportRecord.FindAsync(db, query.ImportId, ct);
        if (record is null || !scope.CanSeeProgramme(record.ProgrammeId)) return null;
        SequenceCursor.TryDecode(query.Cursor, out var after);
        var limit = query.Limit ?? Cursor.DefaultLimit;
        var filter = query.Outcome switch
        {
            null => "",
            ImportOutcomes.NeedsDonor => "AND r.outcome = 'new' AND r.donor_id IS NULL",
            _ => "AND r.outcome = @outcome",
        };
        var rows = await db.QueryAsync<ImportRowRecord>($"""
            {ImportRowRecord.Select}
            WHERE r.import_id = @importId {filter} AND r.row_no > @after
            ORDER BY r.row_no {db.Dialect.Limit("@take")}
            """, new { importId = query.ImportId, outcome = query.Outcome, after = after ?? 0, take = limit + 1 }, ct);
        return Cursor.ToPage(rows.Select(r => r.ToView()).ToList(), limit, (ImportRowView r) => SequenceCursor.Encode(r.Row));
    }
}
