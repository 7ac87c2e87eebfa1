using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Batches;

/// <summary>
/// A programme's batches, newest first, each with its lines counted by status; filters by academic year, term and school
/// (exact). Paged by cursor like every list. A programme out of scope reads as not found.
/// </summary>
public sealed record ListBatches(Guid ProgrammeId, string? AcademicYear = null, string? Term = null, string? School = null, int? Limit = null,
    string? Cursor = null) : IQuery<Page<BatchSummaryView>>, IPagedQuery;

public sealed class ListBatchesValidator : AbstractValidator<ListBatches>
{
    public ListBatchesValidator() => this.AddPagingRules();
}

internal sealed class ListBatchesHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListBatches, Page<BatchSummaryView>>
{
    public async ValueTask<Page<BatchSummaryView>> Handle(ListBatches query, CancellationToken ct)
    {
        scope.EnsureProgramme(query.ProgrammeId);
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        // Newest first: ids are UUIDv7, which sort by creation on every engine (the key alone, so no ORDER BY repeats a column).
        var where = new List<string> { "b.programme_id = @programmeId" };
        if (!string.IsNullOrEmpty(query.AcademicYear)) where.Add("b.academic_year = @academicYear");
        if (!string.IsNullOrEmpty(query.Term)) where.Add("b.term = @term");
        if (!string.IsNullOrEmpty(query.School)) where.Add("b.school = @school");
        if (after is not null) where.Add("b.id < @after");
        var rows = await db.QueryAsync<BatchRow>(
            $"{BatchRow.Select} WHERE {string.Join(" AND ", where)} ORDER BY b.id DESC {db.Dialect.Limit("@take")}",
            new { programmeId = query.ProgrammeId, academicYear = query.AcademicYear, term = query.Term, school = query.School?.Trim(), after, take = limit + 1 }, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        if (page.Items.Count == 0) return new Page<BatchSummaryView>([], page.NextCursor);

        var lines = await db.QueryAsync<LineCount>($"""
            SELECT batch_id AS BatchId, status AS Status, COUNT(*) AS Lines, CAST(SUM(amount) AS BIGINT) AS Amount
            FROM disbursements WHERE {db.Dialect.InList("batch_id", "ids")}
            GROUP BY batch_id, status
            """, new { ids = db.Dialect.IdList(page.Items.Select(b => b.Id)) }, ct);
        var byBatch = lines.ToLookup(l => l.BatchId, l => new StatusCount(l.Status, (int)l.Lines, l.Amount));
        return new Page<BatchSummaryView>(page.Items.Select(b => b.ToSummary(byBatch[b.Id].ToList())).ToList(), page.NextCursor);
    }

    private sealed class LineCount
    {
        public required Guid BatchId { get; init; }
        public required string Status { get; init; }
        public required long Lines { get; init; }
        public required long Amount { get; init; }
    }
}
