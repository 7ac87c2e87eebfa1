using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>A programme's imports, newest first.</summary>
public sealed record ListImports(Guid ProgrammeId, int? Limit, string? Cursor) : IQuery<Page<ImportView>>, IPagedQuery;

public sealed class ListImportsValidator : AbstractValidator<ListImports>
{
    public ListImportsValidator() => this.AddPagingRules();
}

internal sealed class ListImportsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListImports, Page<ImportView>>
{
    public async ValueTask<Page<ImportView>> Handle(ListImports query, CancellationToken ct)
    {
        scope.EnsureProgramme(query.ProgrammeId);
        Cursor.TryDecode(query.Cursor, out var before);
        var limit = query.Limit ?? Cursor.DefaultLimit;
        var records = await db.QueryAsync<ImportRecord>($"""
            SELECT {ImportRecord.Columns} FROM imports
            WHERE programme_id = @programmeId {(before is null ? "" : "AND id < @before")}
            ORDER BY id DESC {db.Dialect.Limit("@take")}
            """, new { programmeId = query.ProgrammeId, before, take = limit + 1 }, ct);
        var currency = await db.QuerySingleOrDefaultAsync<string>("SELECT currency FROM programmes WHERE id = @id", new { id = query.ProgrammeId }, ct);
        var views = new List<ImportView>(records.Count);
        foreach (var record in records) views.Add(await record.ToViewAsync(db, ct, currency));
        return Cursor.ToPage(views, limit, v => v.Id);
    }
}
