using Aid.Application.Common;
using Aid.Application.Receipts;

namespace Aid.Application.Statements;

/// <summary>
/// Movement of the restricted fund over a period: every figure is a sum of ledger postings (fen). The lines are
/// signed so that opening plus every movement line equals the closing balance.
/// </summary>
public sealed record FundMovement(long Opening, long CashFromPersons, long CashFromOrganisations, long Goods, long Disbursed, long GoodsDistributed,
    long Reversals, long Closing)
{
    public IEnumerable<(string Label, long Amount)> Lines() =>
    [
        ("期初余额 Opening balance", Opening),
        ("个人现金捐赠 Cash gifts from persons", CashFromPersons),
        ("单位现金捐赠 Cash gifts from organisations", CashFromOrganisations),
        ("物资捐赠（按价值） Goods at value", Goods),
        ("资助发放 Disbursements", -Disbursed),
        ("物资发放 Goods distributed", -GoodsDistributed),
        ("冲销 Reversals", Reversals),
        ("期末余额 Closing balance", Closing),
    ];
}

public sealed record PledgeLine(string Donor, long Promised, long Received, long Outstanding, string Status);

/// <summary>The issuer's receipt numbers of the year: no number may be missing.</summary>
public sealed record ReceiptReconciliation(string? First, string? Last, long Issued, long Void, long Gaps, long ForProgramme);

/// <summary>One register of the statement: headers, which columns are money (fen), and its rows streamed from the database.</summary>
public sealed class StatementRegister(string file, string title, IReadOnlyList<string> columns, IReadOnlyList<int> moneyColumns, Func<IAsyncEnumerable<StatementCell[]>> rows)
{
    public string File { get; } = file;
    public string Title { get; } = title;
    public IReadOnlyList<string> Columns { get; } = columns;
    public IReadOnlyList<int> MoneyColumns { get; } = moneyColumns;
    /// <summary>Each call reads the rows again (the PDF reads a long register twice: totals, then the CSV hash).</summary>
    public IAsyncEnumerable<StatementCell[]> Rows() => rows();
}

/// <summary>A cell: text, or money in fen (written as "1234.56" in CSV, a number in XLSX, "1,234.56" in the PDF).</summary>
public readonly record struct StatementCell(string? Text, long? Fen)
{
    public static implicit operator StatementCell(string? text) => new(text ?? "", null);
    public static StatementCell Money(long fen) => new(null, fen);
    public override string ToString() => Fen is { } f ? Common.Money.Format(f) : Text ?? "";
}

/// <summary>Everything an annual programme statement shows; the long registers stream.</summary>
public sealed record ProgrammeStatement
{
    public required ReceiptIssuerInfo Issuer { get; init; }
    public required Programmes.ProgrammeView Programme { get; init; }
    public required int Year { get; init; }
    public required string Basis { get; init; }
    public required FundMovement ForYear { get; init; }
    public required FundMovement Cumulative { get; init; }
    public required IReadOnlyList<PledgeLine> Pledges { get; init; }
    public required ReceiptReconciliation Receipts { get; init; }
    /// <summary>The length of the programme's audit chain when the statement was made (its head is checkpointed then).</summary>
    public required long AuditRecords { get; init; }
    public required string AuditHeadHash { get; init; }
    /// <summary>The same for the organisation chain (donors, keys): the other chain a programme's records refer to.</summary>
    public required long OrganisationAuditRecords { get; init; }
    public required string OrganisationAuditHeadHash { get; init; }
    /// <summary>The verification the statement was made after (valid: a statement is never made otherwise); the audit pack prints it.</summary>
    public required Auditing.AuditVerification Verification { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }
    public required IReadOnlyList<StatementRegister> Registers { get; init; }

    public string FileStem => $"statement-{Programme.Code}-{Year}";
}
