using System.Globalization;
using System.Text;
using Aid.Application.Receipts;
using Aid.Application.Statements;
using Microsoft.Extensions.Logging;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// The receipt as a PDF: issuer, number, donor (or 匿名/Anonymous), each gift line, the total in figures and in
/// 大写, the verification code and a QR code of the verification link. Rendered from the snapshot alone.
/// </summary>
public sealed class ReceiptPdf(CjkFonts fonts, ReceiptSettings? settings, ILogger<ReceiptPdf> logger) : IReceiptRenderer
{
    /// <summary>Without issuer settings: no seal.</summary>
    public ReceiptPdf(CjkFonts fonts, ILogger<ReceiptPdf> logger) : this(fonts, null, logger) { }

    public bool Available => fonts.Available;

    public IReadOnlyList<string> Unprintable(string text) =>
        text.EnumerateRunes().Where(r => !Rune.IsControl(r) && !Rune.IsWhiteSpace(r) && fonts.FontFor(r.Value) < 0)
            .Select(r => r.ToString()).Distinct().ToList();

    public byte[] Render(ReceiptContent c, ReceiptMark mark, ReceiptVoidNote? voided = null)
    {
        var en = c.Language == "en";
        string L(string zh, string english) => en ? $"{zh} {english}" : zh;
        var metadata = new PdfMetadata($"捐赠收据 Donation receipt {c.Number}", c.Issuer.Name, "Donation receipt", c.IssuedAt, c.Number + "|" + c.VerificationCode);
        using var pdf = new PdfCanvas(fonts, metadata, codePoint => logger.LogWarning("No font has U+{CodePoint:X5}; a replacement was drawn", codePoint));

        if (mark != ReceiptMark.Original)
            pdf.DiagonalMark(mark == ReceiptMark.Copy ? "副本 COPY" : "已作废 VOID");
        pdf.Text("公益事业捐赠收据", 18, bold: true, TextAlign.Center);
        pdf.Text("Donation Receipt", 11, align: TextAlign.Center);
        pdf.Space(8);
        if (mark == ReceiptMark.Void) VoidBox(pdf, voided, L);
        pdf.Text($"{L("开具单位", "Issuer")}：{c.Issuer.Name}", 10);
        pdf.Text($"{L("统一社会信用代码", "Unified social credit code")}：{c.Issuer.Code}", 10);
        pdf.Text($"{L("地址", "Address")}：{c.Issuer.Address}", 10);
        pdf.Rule();
        pdf.Text($"{L("收据编号", "Receipt No.")}：{c.Number}", 11, bold: true);
        pdf.Text($"{L("开具日期", "Date of issue")}：{c.IssuedOn:yyyy-MM-dd}", 10);
        if (c.CoversYear is { } year) pdf.Text($"{L("捐赠年度", "Gifts received in")}：{year}{(en ? "" : " 年度")}", 10);
        pdf.Text($"{L("捐赠人", "Donor")}：{c.DonorName}", 11, bold: true);
        if (c.DonorCode is not null) pdf.Text($"{L("捐赠人统一社会信用代码", "Donor's unified social credit code")}：{c.DonorCode}", 10);
        if (c.Replaces is not null) pdf.Text($"{L("替代作废收据", "Replaces void receipt")}：{c.Replaces}", 10);
        pdf.Space(6);

        pdf.Table(
        [
            new TableColumn(L("收到日期", "Received"), 14),
            new TableColumn(L("项目", "Programme"), 26),
            new TableColumn(L("捐赠内容", "Gift"), 32),
            new TableColumn($"{L("金额", "Amount")} ({c.Currency})", 18, TextAlign.Right),
        ], c.Lines.Select(line => (IReadOnlyList<string>)
        [
            line.ReceivedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            line.ProgrammeName,
            Describe(line, en),
            Figures(line.Amount),
        ]));
        pdf.Space(6);
        pdf.Text($"{L("合计", "Total")}：{c.Currency} {Figures(c.Total)}", 12, bold: true);
        pdf.Text($"{L("金额大写", "Amount in words")}：{c.TotalInWords}", 12, bold: true);
        pdf.Text($"{L("备注", "Note")}：{c.Note ?? ""}", 10);
        pdf.Space(8);
        Signatures(pdf, c, L);

        const double qrSize = 96;
        pdf.EnsureSpace(qrSize + 10);
        var top = pdf.Y;
        pdf.Qr(c.VerifyUrl, pdf.Right - qrSize, top, qrSize);
        pdf.Text($"{L("验证码", "Verification code")}：{c.VerificationCode}", 11, bold: true, width: pdf.Width - qrSize - 12);
        pdf.Text(L("扫描二维码或访问以下地址核验本收据：", "Scan the QR code or open this address to verify the receipt:"), 9, width: pdf.Width - qrSize - 12);
        pdf.Text(c.VerifyUrl, 8, width: pdf.Width - qrSize - 12);
        pdf.Y = Math.Max(pdf.Y, top + qrSize) + 8;
        pdf.Text(L("感谢您对公益事业的支持！", "Thank you for supporting our programmes!"), 10, align: TextAlign.Center);
        return pdf.Finish(c.Number);
    }

    /// <summary>On a void receipt, before anything else: that it is void, since when, why, and what replaces it.</summary>
    private static void VoidBox(PdfCanvas pdf, ReceiptVoidNote? voided, Func<string, string, string> L)
    {
        pdf.Text(L("本收据已作废，不能作为捐赠凭证。", "This receipt is void and is no proof of a gift."), 12, bold: true);
        if (voided is null) return;
        pdf.Text($"{L("作废日期", "Voided on")}：{voided.VoidedOn:yyyy-MM-dd}", 10);
        pdf.Text($"{L("作废原因", "Reason")}：{voided.Reason}", 10);
        pdf.Text(voided.ReplacedBy is { } replacement
            ? $"{L("替代收据", "Replaced by")}：{replacement}"
            : L("替代收据：尚未重开", "Replaced by: none issued yet"), 10);
        pdf.Rule();
    }

    /// <summary>
    /// The line a paper receipt is signed and stamped on: 开具单位（盖章）with the configured seal over the issuer's name (or the
    /// space to stamp one), 经办人 who issued it, 复核人 as configured (or a line to sign).
    /// </summary>
    private void Signatures(PdfCanvas pdf, ReceiptContent c, Func<string, string, string> L)
    {
        const double seal = 96;
        pdf.EnsureSpace(seal + 8);
        var top = pdf.Y + seal / 2 - 12;
        var half = pdf.Width / 2;
        pdf.TextAt($"{L("开具单位（盖章）", "Issuer (seal)")}：", pdf.Left, top, 10);
        pdf.TextAt(c.Issuer.Name, pdf.Left, top + 16, 10, width: half - 10);
        if (settings?.SealPng is { } png) // centred on the issuer's name, as a stamp is
            pdf.Image(png, pdf.Left + Math.Min(pdf.Measure(c.Issuer.Name, 10), half - 10) / 2 - seal / 2, top + 21 - seal / 2, seal, seal);
        pdf.TextAt($"{L("经办人", "Issued by")}：{c.IssuedBy ?? "________"}", pdf.Left + half, top, 10, width: half);
        pdf.TextAt($"{L("复核人", "Reviewed by")}：{c.ReviewedBy ?? "________"}", pdf.Left + half, top + 16, 10, width: half);
        pdf.Y += seal + 8;
    }

    private static string Describe(ReceiptLine line, bool en)
    {
        if (line.Kind != "in_kind")
        {
            var method = StatementLabels.PaymentMethod(line.Method); // "银行转账 Bank transfer": the Chinese alone on a Chinese receipt
            return en ? method : method.Split(' ', 2)[0];
        }
        var basis = line.ValuationBasis switch
        {
            "invoice" => en ? "按发票 invoice" : "按发票计价",
            "fair_value" => en ? "公允价值 fair value" : "按公允价值",
            _ => en ? "未估值 not valued" : "未估值",
        };
        return $"{line.Description} {line.Quantity}{line.Unit}（{basis}）";
    }

    /// <summary>"12345.67" → "12,345.67".</summary>
    internal static string Figures(string amount)
    {
        var negative = amount.StartsWith('-');
        var body = negative ? amount[1..] : amount;
        var dot = body.IndexOf('.');
        var integer = long.Parse(body[..dot], CultureInfo.InvariantCulture);
        return (negative ? "-" : "") + integer.ToString("#,0", CultureInfo.InvariantCulture) + body[dot..];
    }
}
