using Aid.Application.Common;

namespace Aid.Application.Programmes;

public static class ProgrammeStatus
{
    public const string Planned = "planned";
    public const string Active = "active";
    public const string Closed = "closed";
    public static readonly IReadOnlyList<string> All = [Planned, Active, Closed];
}

/// <summary>A programme as the API shows it (amounts as two-decimal strings).</summary>
public sealed record ProgrammeView(
    Guid Id, string Code, string Name, string? Region, string? Partner, string Currency,
    DateOnly StartDate, DateOnly EndDate, string AnnualStandard, string? Target, string Status, DateTimeOffset CreatedAt);

/// <summary>The programmes row; shared by the programme use cases.</summary>
internal sealed class ProgrammeRow
{
    public required Guid Id { get; init; }
    public required string Code { get; init; }
    public required string Name { get; init; }
    public string? Region { get; init; }
    public string? Partner { get; init; }
    public required string Currency { get; init; }
    public required DateOnly StartDate { get; init; }
    public required DateOnly EndDate { get; init; }
    public required long AnnualStandard { get; init; }
    public long? Target { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    public const string Columns = """
        id AS Id, code AS Code, name AS Name, region AS Region, partner AS Partner, currency AS Currency,
        start_date AS StartDate, end_date AS EndDate, annual_standard AS AnnualStandard, target AS Target,
        status AS Status, created_at AS CreatedAt
        """;

    public ProgrammeView ToView() => new(Id, Code, Name, Region, Partner, Currency, StartDate, EndDate,
        Money.Format(AnnualStandard), Target is { } t ? Money.Format(t) : null, Status, CreatedAt);

    public static Task<ProgrammeRow?> FindAsync(IDbSession db, Guid id, CancellationToken ct, bool forUpdate = false, bool forShare = false) =>
        db.QuerySingleOrDefaultAsync<ProgrammeRow>(
            forUpdate || forShare
                ? db.Dialect.LockingSelect(Columns, "programmes", "id = @id", forUpdate ? RowLock.Update : RowLock.Share)
                : $"SELECT {Columns} FROM programmes WHERE id = @id", new { id }, ct);
}
