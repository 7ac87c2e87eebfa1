using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Sponsorships;

public sealed record ListSponsorships(Guid? ProgrammeId, Guid? DonorId, Guid? StudentId, int? Limit, string? Cursor) : IQuery<Page<SponsorshipView>>, IPagedQuery;

public sealed class ListSponsorshipsValidator : AbstractValidator<ListSponsorships>
{
    public ListSponsorshipsValidator() => this.AddPagingRules();
}

internal sealed class ListSponsorshipsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListSponsorships, Page<SponsorshipView>>
{
    public async ValueTask<Page<SponsorshipView>> Handle(ListSponsorships query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        Cursor.TryDecode(query.Cursor, out var after);
        var rows = await new KeysetQuery(SponsorshipRow.Select, "sp.id")
            .WhereIf(query.ProgrammeId is not null, "sp.programme_id = @programmeId")
            .WhereIf(query.DonorId is not null, "sp.donor_id = @donorId")
            .WhereIf(query.StudentId is not null, "sp.student_id = @studentId")
            .InScope(scope, db.Dialect, programmeColumn: "sp.programme_id", ownRows: "sp.donor_id = @ownDonorId")
            .Parameters(new { programmeId = query.ProgrammeId, donorId = query.DonorId, studentId = query.StudentId })
            .ReadAsync<SponsorshipRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => r.Id);
        return new Page<SponsorshipView>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }
}

/// <summary>A sponsorship with its student's code, as lists and single reads show it.</summary>
internal sealed class SponsorshipRow
{
    public const string Select = """
        SELECT sp.id AS Id, sp.programme_id AS ProgrammeId, sp.donor_id AS DonorId, sp.student_id AS StudentId, s.code AS StudentCode,
               sp.from_year AS FromYear, sp.to_year AS ToYear, sp.annual_amount AS AnnualAmount, sp.created_at AS CreatedAt
        FROM sponsorships sp JOIN students s ON s.id = sp.student_id
        """;

    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required Guid DonorId { get; init; }
    public required Guid StudentId { get; init; }
    public required string StudentCode { get; init; }
    public required long FromYear { get; init; }
    public required long ToYear { get; init; }
    public required long AnnualAmount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public SponsorshipView ToView() =>
        new(Id, ProgrammeId, DonorId, StudentId, StudentCode, (int)FromYear, (int)ToYear, Money.Format(AnnualAmount), CreatedAt);
}
