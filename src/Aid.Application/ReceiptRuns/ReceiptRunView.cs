namespace Aid.Application.ReceiptRuns;

public static class ReceiptRunKinds
{
    public const string PerGift = "per-gift";
    public const string Annual = "annual";
}

/// <summary>A batch run and its progress: done of total, receipts per second, errors.</summary>
public sealed class ReceiptRunView
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
    public double? ReceiptsPerSecond { get; set; }

    internal const string Columns = """
        id AS Id, programme_id AS ProgrammeId, year AS Year, kind AS Kind, status AS Status, total AS Total, done AS Done, errors AS Errors,
        last_error AS LastError, created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt
        """;

    internal ReceiptRunView WithRate(DateTimeOffset now)
    {
        if (StartedAt is { } started && Done > 0)
        {
            var seconds = ((FinishedAt ?? now) - started).TotalSeconds;
            ReceiptsPerSecond = seconds > 0 ? Math.Round(Done / seconds, 1) : null;
        }
        return this;
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

    public sealed class PendingGift
    {
        public required Guid GiftId { get; init; }
        public required Guid DonorId { get; init; }
    }
}
