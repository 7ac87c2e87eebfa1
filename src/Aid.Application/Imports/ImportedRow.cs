using Aid.Application.Gifts;

namespace Aid.Application.Imports;

/// <summary>What a parser makes of one line of a bank or payment-app file, before Aid matches it against its records.</summary>
public enum ImportedRowKind
{
    /// <summary>Money in, in a success state: a gift to book once a donor is known.</summary>
    Payment,
    /// <summary>Money given back for an earlier payment (<see cref="ImportedRow.RefundOf"/> names it).</summary>
    Refund,
    /// <summary>Not a gift: outgoing, neutral, failed or pending (<see cref="ImportedRow.Message"/> says which).</summary>
    Skipped,
    /// <summary>The line cannot be read (<see cref="ImportedRow.Message"/> names the column and the value).</summary>
    Error,
}

/// <summary>
/// One line of an import file, normalised. <see cref="Line"/> is where a person finds it in the file (1-based line of a
/// CSV, row of a sheet, entry number of a camt statement). <see cref="Source"/> and <see cref="ExternalRef"/> identify the
/// payment across files: the same payment in an overlapping second file has the same pair.
/// </summary>
public sealed record ImportedRow
{
    public required int Line { get; init; }
    public required ImportedRowKind Kind { get; init; }

    /// <summary>Why a line is skipped or in error, in English (the console translates through ChineseMessages).</summary>
    public string? Message { get; init; }

    /// <summary>The channel the payment came through, the namespace of <see cref="ExternalRef"/>: "wechat", "alipay", "bank:…", "camt:…", "aid".</summary>
    public required string Source { get; init; }

    /// <summary>The payment's id in its channel (交易单号, 交易订单号, 交易流水号, AcctSvcrRef…) or a composite key where the file has none.</summary>
    public string? ExternalRef { get; init; }

    /// <summary>
    /// The file has no id for the line: <see cref="ExternalRef"/> is composed of its values (date, amount, balance, payer…).
    /// It recognises the same line in another file, but it is not a reference to print on the gift.
    /// </summary>
    public bool ComposedReference { get; init; }

    /// <summary>The business date (Beijing time; the files carry no offset).</summary>
    public DateOnly? ReceivedOn { get; init; }

    /// <summary>The time of day as written in the file ("10:15:01"), when it has one.</summary>
    public string? ReceivedAt { get; init; }

    /// <summary>Minor units (fen). Positive for payments and refunds alike.</summary>
    public long Amount { get; init; }

    public string Currency { get; init; } = "CNY";
    public PaymentMethod Method { get; init; } = PaymentMethod.BankTransfer;

    /// <summary>The payer as the file names them: a real name (banks), a nickname (WeChat personal), absent (merchant bill).</summary>
    public string? PayerName { get; init; }

    /// <summary>The payer's account as printed; <see cref="PayerAccountMasked"/> when it hides digits (6217****1111, d***@x.com).</summary>
    public string? PayerAccount { get; init; }

    public bool PayerAccountMasked { get; init; }

    /// <summary>A stable payer id with no name (WeChat merchant 用户标识 openid).</summary>
    public string? PayerId { get; init; }

    public string? Memo { get; init; }

    /// <summary>For a refund: the <see cref="ExternalRef"/> of the payment it gives back.</summary>
    public string? RefundOf { get; init; }

    /// <summary>Aid's own template only: what the file says about the donor.</summary>
    public ImportedDonor? Donor { get; init; }
}

/// <summary>The optional donor columns of Aid's template (类型, 电话, 邮箱, 统一社会信用代码).</summary>
public sealed record ImportedDonor(string? Kind, string? Phone, string? Email, string? OrganisationCode);

/// <summary>A file that was recognised: its layout, how it was decoded, and its lines (read lazily, once).</summary>
public sealed record ImportFile(string Format, string Encoding, IEnumerable<ImportedRow> Rows);

/// <summary>
/// A corporate bank export's columns, by header name (the header row is found by these names). Amounts: either one
/// signed column, or a credit (money in) and a debit column. A saved mapping is stored per programme by name.
/// </summary>
public sealed record ColumnMapping
{
    public required string Date { get; init; }
    public string? Time { get; init; }
    public string? Credit { get; init; }
    public string? Debit { get; init; }
    public string? Amount { get; init; }
    public string? PayerName { get; init; }
    public string? PayerAccount { get; init; }
    public string? Reference { get; init; }
    public string? Memo { get; init; }
    public string? Balance { get; init; }

    /// <summary>The date's .NET format ("yyyy-MM-dd", "yyyyMMdd", "yyyy/MM/dd"); null tries the common ones.</summary>
    public string? DateFormat { get; init; }

    /// <summary>The same mapping with blank names as absent (an empty name would match an empty header cell).</summary>
    public ColumnMapping Normalized()
    {
        static string? N(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        return new ColumnMapping
        {
            Date = N(Date) ?? "", Time = N(Time), Credit = N(Credit), Debit = N(Debit), Amount = N(Amount), PayerName = N(PayerName),
            PayerAccount = N(PayerAccount), Reference = N(Reference), Memo = N(Memo), Balance = N(Balance), DateFormat = N(DateFormat),
        };
    }
}

/// <summary>Reads an uploaded file: detects its layout by content and streams its lines.</summary>
public interface IImportFileReader
{
    /// <summary>
    /// Detects the layout (or uses <paramref name="format"/>) and returns the file's lines. Throws
    /// <see cref="ImportRefusedException"/> for a file it cannot take: unknown layout, HTML saved as .xls, re-saved by Excel,
    /// too large when unpacked. <paramref name="file"/> must be seekable; it is read during enumeration of the rows.
    /// </summary>
    ImportFile Read(Stream file, string? fileName, string? format, ColumnMapping? mapping);
}

/// <summary>A file refused as a whole: the message says what to do instead (in English; ChineseMessages has the zh).</summary>
public sealed class ImportRefusedException(string message) : Exception(message);

/// <summary>The layouts Aid reads (the <c>format</c> of an import).</summary>
public static class ImportFormats
{
    public const string AidTemplate = "aid-template";
    public const string WechatPersonal = "wechat-personal";
    public const string WechatMerchant = "wechat-merchant";
    public const string AlipayApp = "alipay-app";
    public const string AlipayWeb = "alipay-web";
    public const string AlipayEnterprise = "alipay-enterprise";
    public const string IcbcPersonal = "icbc-personal";
    public const string CcbPersonal = "ccb-personal";
    public const string BankMapping = "bank-mapping";
    public const string Camt053 = "camt053";

    public static readonly IReadOnlyList<string> All =
        [AidTemplate, WechatPersonal, WechatMerchant, AlipayApp, AlipayWeb, AlipayEnterprise, IcbcPersonal, CcbPersonal, BankMapping, Camt053];
}
