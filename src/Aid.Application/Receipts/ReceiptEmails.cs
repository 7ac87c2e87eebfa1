using Aid.Application.Common;
using Aid.Application.Email;

namespace Aid.Application.Receipts;

/// <summary>
/// The messages that announce receipts to their donor, written to the outbox in the issuing transaction: a new receipt
/// with its PDF (the original: the e-mail is the donor's copy of record, so the receipt is marked original_via = 'email');
/// a void, with the replacement attached when there is one. Sent only to a donor with an e-mail address who has not
/// turned e-mail receipts off; otherwise nothing is queued and the receipt's original stays for the donor's first download.
/// </summary>
public sealed class ReceiptEmails(IDbSession db, BusinessClock clock, EmailOutbox outbox)
{
    /// <summary>A receipt was issued (pdf: its original rendering); <paramref name="replaced"/> is the void one it replaces.</summary>
    internal async Task IssuedAsync(Guid receiptId, Guid donorId, ReceiptContent receipt, byte[] pdf, VoidNotice? replaced, CancellationToken ct)
    {
        if (await AddresseeAsync(donorId, ct) is not { Email: { } to }) return;
        var zh = receipt.Language != "en";
        var (subject, body) = replaced is null ? IssuedText(receipt, zh) : ReplacedText(replaced, receipt, zh);
        await outbox.EnqueueAsync(new OutgoingEmail(replaced is null ? EmailKinds.Receipt : EmailKinds.ReceiptVoid, to, receipt.Language, subject, body,
            $"{receipt.Number}.pdf", pdf, receiptId, donorId), ct);
        await db.ExecuteAsync("UPDATE receipts SET original_via = 'email', original_at = @now WHERE id = @receiptId AND original_via IS NULL",
            new { receiptId, now = clock.UtcNow() }, ct);
    }

    /// <summary>A receipt was voided and nothing replaces it (yet).</summary>
    internal async Task VoidedAsync(Guid receiptId, Guid donorId, ReceiptContent receipt, string reason, CancellationToken ct)
    {
        if (await AddresseeAsync(donorId, ct) is not { Email: { } to }) return;
        var zh = receipt.Language != "en";
        var subject = zh ? $"收据 {receipt.Number} 已作废" : $"Receipt {receipt.Number} is void";
        var body = zh
            ? $"""
               {Greeting(receipt, zh)}

               您的捐赠收据 {receipt.Number}（金额 {Amount(receipt)}，开具日期 {receipt.IssuedOn:yyyy-MM-dd}）已作废，不能再作为捐赠凭证使用。
               作废原因：{reason}

               如有疑问，请联系 {receipt.Issuer.Name}。

               {receipt.Issuer.Name}
               """
            : $"""
               {Greeting(receipt, zh)}

               Your donation receipt {receipt.Number} ({Amount(receipt)}, issued {receipt.IssuedOn:yyyy-MM-dd}) has been voided and can no longer be used as proof of your gift.
               Reason: {reason}

               If you have questions, please contact {receipt.Issuer.Name}.

               {receipt.Issuer.Name}
               """;
        await outbox.EnqueueAsync(new OutgoingEmail(EmailKinds.ReceiptVoid, to, receipt.Language, subject, body, ReceiptId: receiptId, DonorId: donorId), ct);
    }

    private static (string Subject, string Body) IssuedText(ReceiptContent r, bool zh) => zh
        ? ($"捐赠收据 {r.Number}（{r.Issuer.Name}）", $"""
            {Greeting(r, zh)}

            感谢您的捐赠。附件是您的{(r.Kind == "annual" ? "年度" : "")}捐赠收据 {r.Number}（PDF 原件）：
            金额：{Amount(r)}（{r.TotalInWords}）
            开具日期：{r.IssuedOn:yyyy-MM-dd}

            您或税务机关可扫描收据上的二维码，或打开以下链接核验此收据：
            {r.VerifyUrl}

            {r.Issuer.Name}
            """)
        : ($"Donation receipt {r.Number} from {r.Issuer.Name}", $"""
            {Greeting(r, zh)}

            Thank you for your gift. Attached is your {(r.Kind == "annual" ? "annual " : "")}donation receipt {r.Number} (the original, as a PDF):
            Amount: {Amount(r)}
            Issued on: {r.IssuedOn:yyyy-MM-dd}

            You or a tax officer can check this receipt by scanning its QR code or opening:
            {r.VerifyUrl}

            {r.Issuer.Name}
            """);

    private static (string Subject, string Body) ReplacedText(VoidNotice old, ReceiptContent r, bool zh) => zh
        ? ($"收据 {old.Number} 已作废，新收据 {r.Number}", $"""
            {Greeting(r, zh)}

            您的捐赠收据 {old.Number} 已作废（原因：{old.Reason}），由附件中的新收据 {r.Number} 代替：
            金额：{Amount(r)}（{r.TotalInWords}）
            开具日期：{r.IssuedOn:yyyy-MM-dd}

            请以新收据为准。核验链接：
            {r.VerifyUrl}

            {r.Issuer.Name}
            """)
        : ($"Receipt {old.Number} is void: replaced by {r.Number}", $"""
            {Greeting(r, zh)}

            Your donation receipt {old.Number} has been voided (reason: {old.Reason}) and is replaced by the attached receipt {r.Number}:
            Amount: {Amount(r)}
            Issued on: {r.IssuedOn:yyyy-MM-dd}

            Please keep the new receipt. Check it at:
            {r.VerifyUrl}

            {r.Issuer.Name}
            """);

    private static string Greeting(ReceiptContent r, bool zh) => zh ? $"尊敬的{r.DonorName}：" : $"Dear {r.DonorName},";

    private static string Amount(ReceiptContent r) => r.Currency == "CNY" ? $"¥{r.Total}" : $"{r.Currency} {r.Total}";

    private async Task<Addressee?> AddresseeAsync(Guid donorId, CancellationToken ct)
    {
        var donor = await db.QuerySingleOrDefaultAsync<Addressee>(
            "SELECT email AS Email, email_receipts AS EmailReceipts FROM donors WHERE id = @donorId", new { donorId }, ct);
        return donor is { EmailReceipts: true, Email: { } email } && !string.IsNullOrWhiteSpace(email) ? donor : null;
    }

    private sealed class Addressee
    {
        public string? Email { get; init; }
        public required bool EmailReceipts { get; init; }
    }
}

/// <summary>What the donor is told about the receipt a new one replaces.</summary>
internal sealed record VoidNotice(string Number, string Reason);
