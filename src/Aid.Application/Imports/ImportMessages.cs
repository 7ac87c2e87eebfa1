namespace Aid.Application.Imports;

/// <summary>
/// Every message an import gives about a line or a file, in English; ChineseMessages (Aid.Api) has a template for each
/// shape, so the console shows them in Chinese. Parsers build messages only through these.
/// </summary>
public static class ImportMessages
{
    // Lines that cannot be read.
    public static string NotAnAmount(string column, string? value) => $"Column {column}: \"{value}\" is not an amount.";
    public static string NotADate(string column, string? value) => $"Column {column}: \"{value}\" is not a date.";
    public static string Empty(string column) => $"Column {column} is empty.";
    public static string NotAllowed(string column, string? value) => $"Column {column}: \"{value}\" is not one of the allowed values.";
    public static string ExcelDamage(string column, string? value) =>
        $"Column {column}: \"{value}\" was changed by Excel; export the file again from its source and upload it unopened.";
    public static string SameReferenceTwice(string reference, int otherLine) =>
        $"The reference {reference} appears twice in this file (also line {otherLine}); check the file.";

    public static string OtherCurrency(string currency, string programmeCurrency) =>
        $"The amount is in {currency}; this programme keeps {programmeCurrency}.";
    public static string InFuture(DateOnly date) => $"The date {date:yyyy-MM-dd} is in the future.";
    public static string OutsideProgramme(DateOnly date, DateOnly earliest, DateOnly latest) =>
        $"The date {date:yyyy-MM-dd} is outside this programme (it takes {earliest:yyyy-MM-dd} to {latest:yyyy-MM-dd}).";
    public const string NotPositive = "The amount must be greater than zero.";
    public static string Stripped(string column) => $"Column {column}: control characters were removed.";
    public static string Shortened(string column, int length) => $"Column {column}: cut to its first {length} characters.";

    // Lines that are not gifts.
    public const string Outgoing = "Money paid out, not a gift.";
    public const string Neutral = "Neither income nor expense (a transfer between own accounts), not a gift.";
    public static string NotCompleted(string status) => $"Status \"{status}\": not a completed payment.";
    public const string RefundedInFile = "Refunded in this file: neither the payment nor its refund is booked.";
    public const string RefundOfUnknownPayment = "A refund of a payment Aid has no record of: nothing to reverse.";
    public const string NotBooked = "Not a booked entry (pending or information only).";
    public const string AlreadyReversed = "A refund of a gift that is already reversed.";
    public const string PartialRefund =
        "A partial refund: reverse the gift on its page and record the amount kept as a new gift.";

    // Whole files.
    public const string UnknownLayout =
        "The file's layout is not one Aid reads. Upload the original export from WeChat Pay, Alipay, ICBC, CCB or a camt.053 " +
        "statement, use Aid's import template, or choose a saved column mapping for your bank's export.";
    public const string HtmlPretendingToBeXls =
        "This .xls file is really a web page (HTML). Open it in Excel and save it as .xlsx, or download the CSV export instead.";
    public const string ExcelResaved =
        "The file was opened and saved again in Excel, which changed long ids into numbers like 4.2E+27, dropped seconds or " +
        "added thousands separators. Export it again from its source and upload it without opening it.";
    public const string TooLargeUnpacked = "The spreadsheet unpacks to more than the allowed size; split it into smaller files.";
    public const string EmptyFile = "The file is empty.";
    public const string Damaged = "The file is damaged or incomplete (it could not be read to the end); export it again and upload the new file.";
    public const string AmountTooLarge = "The amount is larger than Aid takes from a file (100,000,000,000.00); record it by hand.";
    public static string PartialRefundInFile(int refundLine) =>
        $"Line {refundLine} of this file refunds part of this payment: record the amount kept by hand.";
    public static string RefundOfLineInError(int paymentLine) => $"A refund of line {paymentLine}, which is in error: nothing is booked for either.";
    public const string BatchEntry = "A batch entry (several payments in one): record its payments by hand.";
    public static string TooManyRows(int max) => $"The file has more than {max:N0} rows; split it into smaller files.";
    public const string Encrypted = "The file is password-protected; save it without a password and upload it again.";
}
