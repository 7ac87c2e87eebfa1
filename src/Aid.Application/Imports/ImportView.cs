using Aid.Application.Common;

namespace Aid.Application.Imports;

/// <summary>The outcome codes of an import's rows, and the filter "needs_donor" (new rows without a donor yet).</summary>
public static class ImportOutcomes
{
    public const string New = "new";
    public const string Duplicate = "duplicate";
    public const string Skipped = "skipped";
    public const string Refund = "refund";
    public const string Error = "error";
    public const string Excluded = "excluded";
    public const string Booked = "booked";
    public const string Reversed = "reversed";
    public const string NeedsDonor = "needs_donor";

    public static readonly IReadOnlyList<string> All = [New, Duplicate, Skipped, Refund, Error, Excluded, Booked, Reversed];

    /// <summary>What <c>?outcome=</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Filters = [.. All, NeedsDonor];
}

public static class ImportStatuses
{
    public const string Previewed = "previewed";
    public const string Committing = "committing";
    public const string Committed = "committed";
    public const string Failed = "failed";
}

/// <summary>
/// An uploaded file and what Aid made of it. <see cref="Rows"/> counts rows by outcome (plus <c>needs_donor</c>: new rows
/// without a donor, which a commit leaves alone); <see cref="TotalToBook"/> is the sum of the new rows that have a donor;
/// <see cref="Progress"/> is the commit's: booked of all that were ready when it started.
/// </summary>
public sealed record ImportView
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required string Status { get; init; }
    public required string Format { get; init; }
    public required string Encoding { get; init; }
    public string? MappingName { get; init; }
    public required ImportFileView File { get; init; }
    public required long TotalRows { get; init; }
    public required IReadOnlyDictionary<string, long> Rows { get; init; }
    /// <summary>The sum of every new row, with or without a donor yet.</summary>
    public required string TotalNew { get; init; }

    public required string TotalToBook { get; init; }
    public required string TotalBooked { get; init; }
    public required string Currency { get; init; }
    public required long Duplicates { get; init; }
    public required long Errors { get; init; }
    public required ImportProgressView Progress { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? CommittedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>The original file as uploaded, kept for the audit pack.</summary>
public sealed record ImportFileView(string Name, long Size, string Sha256);

/// <summary>Rows booked of those ready (new with a donor, or booked); <see cref="Percent"/> 0–100.</summary>
public sealed record ImportProgressView(long Booked, long Ready, int Percent);

/// <summary>One row of the file: where it is, what it says, and what Aid will do with it.</summary>
public sealed record ImportRowView
{
    public required int Row { get; init; }
    public required int Line { get; init; }
    public required string Outcome { get; init; }
    public string? Message { get; init; }
    public DateOnly? ReceivedOn { get; init; }
    public string? ReceivedAt { get; init; }
    public required string Amount { get; init; }
    public required string Currency { get; init; }
    public required string Method { get; init; }
    public required string Source { get; init; }
    public string? ExternalRef { get; init; }

    /// <summary>The file has no id for the line: <see cref="ExternalRef"/> is made of its values (it is not printed on the gift).</summary>
    public bool ReferenceComposed { get; init; }

    public ImportPayerView? Payer { get; init; }
    public string? Memo { get; init; }
    public string? RefundOf { get; init; }
    public ImportDonorView? Donor { get; init; }
    public ImportDonorView? SuggestedDonor { get; init; }
    public bool NeedsDonor { get; init; }

    /// <summary>For a duplicate: the gift already recorded; for a refund: the gift it gives back.</summary>
    public Guid? RecordedGiftId { get; init; }

    /// <summary>For a booked row: the gift it became.</summary>
    public Guid? GiftId { get; init; }
}

public sealed record ImportPayerView(string? Name, string? Account, bool AccountMasked, string? Id);

/// <summary>A donor of a row: <see cref="Match"/> says how (identity, code, email, assigned, created, anonymous, suggested).</summary>
public sealed record ImportDonorView(Guid Id, string Name, bool Anonymous, string Match);

/// <summary>The imports row.</summary>
internal sealed class ImportRecord
{
    public required Guid Id { get; init; }
    public required Guid ProgrammeId { get; init; }
    public required string Format { get; init; }
    public required string Encoding { get; init; }
    public required string FileName { get; init; }
    public required string FileSha256 { get; init; }
    public required long FileSize { get; init; }
    public string? MappingName { get; init; }
    public required string Status { get; init; }
    public required long TotalRows { get; init; }
    public string? CommitActor { get; init; }
    public DateTimeOffset? CommittedAt { get; init; }
    public string? CommittedBy { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string CreatedBy { get; init; }

    public const string Columns = """
        id AS Id, programme_id AS ProgrammeId, format AS Format, encoding AS Encoding, file_name AS FileName, file_sha256 AS FileSha256,
        file_size AS FileSize, mapping_name AS MappingName, status AS Status, total_rows AS TotalRows, commit_actor AS CommitActor,
        committed_at AS CommittedAt, committed_by AS CommittedBy, finished_at AS FinishedAt, last_error AS LastError,
        created_at AS CreatedAt, created_by AS CreatedBy
        """;

    public static Task<ImportRecord?> FindAsync(IDbSession db, Guid id, CancellationToken ct, RowLock? lockMode = null) =>
        db.QuerySingleOrDefaultAsync<ImportRecord>(
            lockMode is { } mode ? db.Dialect.LockingSelect(Columns, "imports", "id = @id", mode) : $"SELECT {Columns} FROM imports WHERE id = @id",
            new { id }, ct);

    /// <summary>The import if the caller may see its programme, else 404.</summary>
    public static async Task<ImportRecord> FindVisibleAsync(IDbSession db, AccessScope scope, Guid id, CancellationToken ct, RowLock? lockMode = null)
    {
        var record = await FindAsync(db, id, ct, lockMode);
        if (record is null || !scope.CanSeeProgramme(record.ProgrammeId)) throw new NotFoundException("Import", id);
        return record;
    }

    /// <summary>The original file as uploaded, from its parts.</summary>
    public async Task<byte[]> ReadFileAsync(IDbSession db, CancellationToken ct)
    {
        var parts = await db.QueryAsync<byte[]>("SELECT bytes FROM import_files WHERE import_id = @id ORDER BY part", new { id = Id }, ct);
        return parts.SelectMany(p => p).ToArray();
    }

    /// <summary>
    /// The view: counts by outcome and the sums, read in one statement. Grouped by outcome alone, the order of the index it
    /// reads (<c>ix_import_rows_outcome</c>), so nothing is sorted: grouped by whether a line has a donor as well, SQLite sorted
    /// every line, spilling to a temporary file, at each poll of a committing import (100k lines: 108 → 65 ms). Since migration
    /// 0017 that index also holds donor_id and amount, so the statement reads the index alone (100k lines, sqlite3: 113 → 17 ms).
    /// </summary>
    /// <param name="currency">The programme's currency when the caller has it (a list reads it once, not per import).</param>
    public async Task<ImportView> ToViewAsync(IDbSession db, CancellationToken ct, string? currency = null)
    {
        var counts = await db.QueryAsync<(string Outcome, long Rows, long Amount, long WithDonor, long WithDonorAmount)>("""
            SELECT outcome, COUNT(*), COALESCE(SUM(amount), 0), COUNT(donor_id), COALESCE(SUM(CASE WHEN donor_id IS NULL THEN 0 ELSE amount END), 0)
            FROM import_rows WHERE import_id = @id
            GROUP BY outcome
            """, new { id = Id }, ct);
        currency ??= await db.QuerySingleAsync<string>("SELECT currency FROM programmes WHERE id = @id", new { id = ProgrammeId }, ct);
        var rows = ImportOutcomes.Filters.ToDictionary(o => o, _ => 0L);
        long toBook = 0, booked = 0, ready = 0, bookedRows = 0, fresh = 0;
        foreach (var c in counts)
        {
            rows[c.Outcome] += c.Rows;
            if (c.Outcome == ImportOutcomes.New)
            {
                fresh += c.Amount;
                rows[ImportOutcomes.NeedsDonor] += c.Rows - c.WithDonor;
                toBook += c.WithDonorAmount;
                ready += c.WithDonor;
            }
            if (c.Outcome == ImportOutcomes.Booked) { booked += c.Amount; bookedRows += c.Rows; }
        }
        ready += bookedRows;
        return new ImportView
        {
            Id = Id, ProgrammeId = ProgrammeId, Status = Status, Format = Format, Encoding = Encoding, MappingName = MappingName,
            File = new ImportFileView(FileName, FileSize, FileSha256), TotalRows = TotalRows, Rows = rows,
            TotalNew = Money.Format(fresh), TotalToBook = Money.Format(toBook), TotalBooked = Money.Format(booked), Currency = currency,
            Duplicates = rows[ImportOutcomes.Duplicate], Errors = rows[ImportOutcomes.Error],
            Progress = new ImportProgressView(bookedRows, ready, ready == 0 ? (Status == ImportStatuses.Committed ? 100 : 0) : (int)(bookedRows * 100 / ready)),
            LastError = LastError, CreatedAt = CreatedAt, CreatedBy = CreatedBy, CommittedAt = CommittedAt, FinishedAt = FinishedAt,
        };
    }
}

/// <summary>The import_rows row, with the names of its donors joined in.</summary>
internal sealed class ImportRowRecord
{
    public required Guid ImportId { get; init; }
    public required long RowNo { get; init; }
    public required long Line { get; init; }
    public required string Kind { get; init; }
    public required string Outcome { get; init; }
    public string? Message { get; init; }
    public required string Source { get; init; }
    public string? ExternalRef { get; init; }
    public required bool ReferenceComposed { get; init; }
    public DateOnly? ReceivedOn { get; init; }
    public string? ReceivedAt { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Method { get; init; }
    public string? PayerName { get; init; }
    public string? PayerAccount { get; init; }
    public required bool PayerAccountMasked { get; init; }
    public string? PayerId { get; init; }
    public string? Memo { get; init; }
    public string? RefundOf { get; init; }
    public string? DonorKind { get; init; }
    public string? DonorPhone { get; init; }
    public string? DonorEmail { get; init; }
    public string? DonorOrgCode { get; init; }
    public Guid? DonorId { get; init; }
    public string? DonorMatch { get; init; }
    public Guid? SuggestedDonorId { get; init; }
    public Guid? DuplicateGiftId { get; init; }
    public Guid? GiftId { get; init; }
    public string? DonorName { get; init; }
    public bool? DonorAnonymous { get; init; }
    public string? SuggestedName { get; init; }
    public bool? SuggestedAnonymous { get; init; }

    public const string Select = """
        SELECT r.import_id AS ImportId, r.row_no AS RowNo, r.line AS Line, r.kind AS Kind, r.outcome AS Outcome, r.message AS Message,
               r.source AS Source, r.external_ref AS ExternalRef, r.reference_composed AS ReferenceComposed, r.received_on AS ReceivedOn, r.received_at AS ReceivedAt, r.amount AS Amount,
               r.currency AS Currency, r.method AS Method, r.payer_name AS PayerName, r.payer_account AS PayerAccount,
               r.payer_account_masked AS PayerAccountMasked, r.payer_id AS PayerId, r.memo AS Memo, r.refund_of AS RefundOf,
               r.donor_kind AS DonorKind, r.donor_phone AS DonorPhone, r.donor_email AS DonorEmail, r.donor_org_code AS DonorOrgCode,
               r.donor_id AS DonorId, r.donor_match AS DonorMatch, r.suggested_donor_id AS SuggestedDonorId,
               r.duplicate_gift_id AS DuplicateGiftId, r.gift_id AS GiftId,
               d.name AS DonorName, d.anonymous AS DonorAnonymous, s.name AS SuggestedName, s.anonymous AS SuggestedAnonymous
        FROM import_rows r
        LEFT JOIN donors d ON d.id = r.donor_id
        LEFT JOIN donors s ON s.id = r.suggested_donor_id
        """;

    public static Task<ImportRowRecord?> FindAsync(IDbSession db, Guid importId, int rowNo, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<ImportRowRecord>($"{Select} WHERE r.import_id = @importId AND r.row_no = @rowNo", new { importId, rowNo }, ct);

    public ImportRowView ToView() => new()
    {
        Row = (int)RowNo, Line = (int)Line, Outcome = Outcome, Message = Message, ReceivedOn = ReceivedOn, ReceivedAt = ReceivedAt,
        Amount = Money.Format(Amount), Currency = Currency, Method = Method, Source = Source, ExternalRef = ExternalRef,
        ReferenceComposed = ReferenceComposed,
        Payer = PayerName is null && PayerAccount is null && PayerId is null ? null : new ImportPayerView(PayerName, PayerAccount, PayerAccountMasked, PayerId),
        Memo = Memo, RefundOf = RefundOf,
        Donor = DonorId is { } donorId ? new ImportDonorView(donorId, DonorName ?? "", DonorAnonymous ?? false, DonorMatch ?? "assigned") : null,
        SuggestedDonor = SuggestedDonorId is { } suggestedId && DonorId is null
            ? new ImportDonorView(suggestedId, SuggestedName ?? "", SuggestedAnonymous ?? false, "suggested") : null,
        NeedsDonor = Outcome == ImportOutcomes.New && DonorId is null,
        RecordedGiftId = DuplicateGiftId, GiftId = GiftId,
    };
}
