namespace Aid.Application.ReceiptRuns;

public static class ReceiptRunKinds
{
    public const string PerGift = "per-gift";
    public const string Annual = "annual";
}

/// <summary>A batch run and its progress: done of total, receipts per second, errors.</summary>
public sealed record ReceiptRunView
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required long Year { get; init; }
    public required string Kind { get; init; }
    public required string Status { get; init; }
    public required long Total { get; init; }
    public required long Done { get; init; }
    public required long Errors { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public double? ReceiptsPerSecond { get; init; }
}

/// <summary>The receipt_runs row.</summary>
internal sealed class ReceiptRunRow
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required long Year { get; init; }
    public required string Kind { get; init; }
    public required string Status { get; init; }
    public required long Total { get; init; }
    public required long Done { get; init; }
    public required long Errors { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    public const string Columns = """
        id AS Id, programme_id AS ProgrammeId, year AS Year, kind AS Kind, status AS Status, total AS Total, done AS Done, errors AS Errors,
        last_error AS LastError, created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt
        """;

    /// <summary>The view, with the rate so far (until <paramref name="now"/> while the run is unfinished).</summary>
    public ReceiptRunView ToView(DateTimeOffset now)
    {
        double? rate = null;
        if (StartedAt is { } started && Done > 0)
        {
            var seconds = ((FinishedAt ?? now) - started).TotalSeconds;
            rate = seconds > 0 ? Math.Round(Done / seconds, 1) : null;
        }
        return new()
        {
            Id = Id, ProgrammeId = ProgrammeId, Year = Year, Kind = Kind, Status = Status, Total = Total, Done = Done, Errors = Errors,
            LastError = LastError, CreatedAt = CreatedAt, StartedAt = StartedAt, FinishedAt = FinishedAt, ReceiptsPerSecond = rate,
        };
    }
}

/// <summary>What a run still has to do, recomputed from the data each time: this is what makes a run resumable without duplicates.</summary>
internal static class ReceiptRunWork
{
    public static string PendingGiftsSql(string kind) => kind == ReceiptRunKinds.PerGift
        ? $"""
          SELECT g.id AS GiftId, g.donor_id AS DonorId FROM gifts g
          WHERE g.programme_id = @programmeId AND g.received_on >= @from AND g.received_on <= @to AND {Receipts.ReceiptIssuer.EligibleGiftsWhere}
          ORDER BY g.id
          """
        : $"""
          SELECT g.id AS GiftId, g.donor_id AS DonorId FROM gifts g
          WHERE g.programme_id = @programmeId AND g.received_on >= @from AND g.received_on <= @to AND {Receipts.ReceiptIssuer.EligibleGiftsWhere}
          ORDER BY g.donor_id, g.id
          """;

    internal sealed class PendingGiftRow
    {
        public required Guid GiftId { get; init; }
        public required Guid DonorId { get; init; }
    }
}
