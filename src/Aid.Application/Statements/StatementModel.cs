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

/// <summary>
/// One register of the statement: headers, which columns are money (fen), which hold codes (<see cref="StatementCell.Coded"/>:
/// the CSV keeps the code, the PDF prints its words, the XLSX has both), and its rows. The statement's registers are read once
/// (<see cref="ReadOnceAsync"/>, by the query, in its scope) into a temporary copy that every file of the statement reads; a
/// register made from a stream (the audit-trail export) reads its source at each <see cref="Rows"/>.
/// </summary>
public sealed class StatementRegister : IDisposable
{
    private readonly Func<IAsyncEnumerable<StatementCell[]>> _rows;
    private readonly RegisterSpill? _spill;

    public StatementRegister(string file, string title, IReadOnlyList<string> columns, IReadOnlyList<int> moneyColumns,
        Func<IAsyncEnumerable<StatementCell[]>> rows, IReadOnlyList<int>? codeColumns = null)
    {
        File = file;
        Title = title;
        Columns = columns;
        MoneyColumns = moneyColumns;
        CodeColumns = codeColumns ?? [];
        _rows = rows;
    }

    private StatementRegister(string file, string title, IReadOnlyList<string> columns, IReadOnlyList<int> moneyColumns, RegisterSpill spill,
        IReadOnlyList<int>? codeColumns)
        : this(file, title, columns, moneyColumns, spill.ReadAsync, codeColumns) => _spill = spill;

    /// <summary>Reads <paramref name="rows"/> to their end now, into a temporary copy (not into memory): the register is then read from it.</summary>
    public static async Task<StatementRegister> ReadOnceAsync(string file, string title, IReadOnlyList<string> columns, IReadOnlyList<int> moneyColumns,
        IAsyncEnumerable<StatementCell[]> rows, CancellationToken ct, IReadOnlyList<int>? codeColumns = null) =>
        new(file, title, columns, moneyColumns, await RegisterSpill.WriteAsync(rows, columns, moneyColumns, ct), codeColumns);

    public string File { get; }
    public string Title { get; }
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<int> MoneyColumns { get; }
    public IReadOnlyList<int> CodeColumns { get; }
    /// <summary>The rows, from their start at each call.</summary>
    public IAsyncEnumerable<StatementCell[]> Rows() => _rows();

    /// <summary>
    /// The row count, money totals and CSV digest: of a register read once, as computed while it was read (nothing is read again);
    /// otherwise by reading the rows.
    /// </summary>
    public async Task<RegisterDigest> DigestAsync(CancellationToken ct) => _spill?.Digest ?? await CsvText.WriteAsync(this, Stream.Null, ct);

    /// <summary>The register as CSV (<see cref="CsvText"/>): of a register read once, the bytes written while it was read.</summary>
    public Task WriteCsvAsync(Stream output, CancellationToken ct) =>
        _spill is { } spill ? spill.CopyCsvToAsync(output, ct) : CsvText.WriteAsync(this, output, ct);

    /// <summary>Deletes the temporary copy of a register read once.</summary>
    public void Dispose() => _spill?.Dispose();

    /// <summary>Deletes the temporary copies of <paramref name="registers"/>.</summary>
    public static void DisposeAll(IEnumerable<StatementRegister> registers)
    {
        foreach (var register in registers) register.Dispose();
    }
}

/// <summary>
/// A cell: text, or money in fen (written as "1234.56" in CSV, a number in XLSX, "1,234.56" in the PDF), or a code with its
/// words (<see cref="Label"/>: what a person reads; the CSV keeps the code).
/// </summary>
public readonly record struct StatementCell(string? Text, long? Fen, string? Label = null)
{
    public static implicit operator StatementCell(string? text) => new(text ?? "", null);
    public static StatementCell Money(long fen) => new(null, fen);
    public static StatementCell Coded(string? code, string label) => new(code ?? "", null, label);
    /// <summary>What a person reads: the words of a code, the text otherwise (money is formatted by the document).</summary>
    public string Words => Label ?? Text ?? "";
    public override string ToString() => Fen is { } f ? Common.Money.Format(f) : Text ?? "";
}

/// <summary>
/// The statements' words for the codes kept in the database and the CSV, Chinese then English as the statements are bilingual,
/// so no reader of a PDF needs a code table. An unknown code is printed as it is (never dropped).
/// </summary>
public static class StatementLabels
{
    public static string PaymentMethod(string? code) => code switch
    {
        "bank_transfer" => "银行转账 Bank transfer",
        "cash" => "现金 Cash",
        "wechat_pay" => "微信支付 WeChat Pay",
        "alipay" => "支付宝 Alipay",
        "cheque" => "支票 Cheque",
        _ => code ?? "",
    };

    public static string GiftKind(string? code) => code switch
    {
        "cash" => "现金 Cash",
        "in_kind" => "物资 Goods",
        _ => code ?? "",
    };

    public static string ValuationBasis(string? code) => code switch
    {
        "invoice" => "按发票 Invoice",
        "fair_value" => "公允价值 Fair value",
        "not_valued" => "未估值 Not valued",
        _ => code ?? "",
    };

    public static string DisbursementChannel(string? code) => code switch
    {
        "bank_card" => "银行卡 Bank card",
        "aid_card" => "资助卡 Aid card",
        "school_account" => "学校账户 School account",
        _ => code ?? "",
    };

    public static string DisbursementStatus(string? code) => code switch
    {
        "requested" => "待审批 Requested",
        "approved" => "已批准 Approved",
        "rejected" => "已驳回 Rejected",
        "paid" => "已支付 Paid",
        "reversed" => "已冲销 Reversed",
        _ => code ?? "",
    };

    public static string PledgeStatus(string? code) => code switch
    {
        "open" => "履行中 Open",
        "fulfilled" => "已履行 Fulfilled",
        "cancelled" => "已取消 Cancelled",
        "written_off" => "已核销 Written off",
        _ => code ?? "",
    };
}

/// <summary>
/// Everything an annual programme statement shows; the registers are temporary copies (files, not memory), deleted when the
/// statement is disposed.
/// </summary>
public sealed record ProgrammeStatement : IDisposable
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

    public void Dispose() => StatementRegister.DisposeAll(Registers);
}
