using System.Globalization;
using System.Text;
using Aid.Application.Gifts;
using Aid.Application.Imports;
using MiniExcelLibs;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// Aid's own import template (CSV or XLSX, Chinese or English headers) for gifts no export covers: cash, cheques,
/// transfers typed in by hand. The source is the payment's channel, not "aid", so a row carrying a WeChat 交易单号 is the
/// same payment as that line of the WeChat bill and is not booked twice. The optional donor columns travel with the row.
/// </summary>
internal sealed class AidTemplateLayout : ITabularLayout
{
    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyy-M-d", "yyyy/M/d", "yyyy/MM/dd", "yyyyMMdd", "yyyy-MM-dd HH:mm:ss", "yyyy/M/d H:mm:ss", "yyyy/M/d H:mm"];

    public string Format => ImportFormats.AidTemplate;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping)
    {
        for (var i = 0; i < firstRows.Count; i++)
        {
            var row = firstRows[i];
            if (Cells.Index(row, TemplateColumns.ReceivedOn) >= 0 && Cells.Index(row, TemplateColumns.Donor) >= 0
                && Cells.Index(row, TemplateColumns.Amount) >= 0 && Cells.Index(row, TemplateColumns.Method) >= 0)
                return i;
        }
        return -1;
    }

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var date = Cells.Index(header, TemplateColumns.ReceivedOn);
        var donor = Cells.Index(header, TemplateColumns.Donor);
        var amount = Cells.Index(header, TemplateColumns.Amount);
        var method = Cells.Index(header, TemplateColumns.Method);
        var reference = Cells.Index(header, TemplateColumns.Reference);
        var memo = Cells.Index(header, TemplateColumns.Memo);
        var type = Cells.Index(header, TemplateColumns.Type);
        var phone = Cells.Index(header, TemplateColumns.Phone);
        var email = Cells.Index(header, TemplateColumns.Email);
        var code = Cells.Index(header, TemplateColumns.OrganisationCode);
        var seen = new Occurrences();

        foreach (var row in rows)
        {
            if (row.IsBlank) continue;
            var rawMethod = Cells.Clean(row.Cell(method));
            var channel = Channel(rawMethod);
            var rawType = Cells.Clean(row.Cell(type));
            var kind = DonorKind(rawType);
            var rawDate = row.Cell(date);
            var rawAmount = row.Cell(amount);
            var fen = Cells.Fen(rawAmount, out _);
            var externalRef = Cells.Clean(row.Cell(reference));
            var parsedOn = ParseDate(rawDate);
            var payer = Cells.Clean(row.Cell(donor));
            var memoText = Cells.Clean(row.Cell(memo));
            // Cash often has no reference: the line's own values recognise it when the same file comes again.
            var composed = externalRef is null && parsedOn is not null && fen is > 0
                ? seen.Next($"{parsedOn:yyyy-MM-dd}|{fen}|{payer}|{rawMethod}|{memoText}")
                : null;
            var line = new ImportedRow
            {
                Line = row.Line,
                Kind = ImportedRowKind.Payment,
                Source = composed is not null ? "aid" : channel?.Source ?? "aid",
                ExternalRef = externalRef ?? composed,
                ComposedReference = composed is not null,
                ReceivedOn = parsedOn,
                Amount = fen ?? 0,
                Method = channel?.Method ?? PaymentMethod.BankTransfer,
                PayerName = payer,
                Memo = memoText,
                Donor = new ImportedDonor(kind, Cells.Clean(row.Cell(phone)), Cells.Clean(row.Cell(email)), Cells.Clean(row.Cell(code))),
            };

            var error =
                Cells.Clean(rawDate) is null ? ImportMessages.Empty(Header(header, date))
                : line.ReceivedOn is null ? ImportMessages.NotADate(Header(header, date), rawDate)
                : line.PayerName is null ? ImportMessages.Empty(Header(header, donor))
                : fen is not > 0 ? ImportMessages.NotAnAmount(Header(header, amount), rawAmount)
                : rawMethod is null ? ImportMessages.Empty(Header(header, method))
                : channel is null ? ImportMessages.NotAllowed(Header(header, method), rawMethod)
                : rawType is not null && kind is null ? ImportMessages.NotAllowed(Header(header, type), rawType)
                : Cells.LooksLikeExcelNumber(externalRef) ? ImportMessages.ExcelDamage(Header(header, reference), externalRef)
                : null;
            yield return error is null ? line : line with { Kind = ImportedRowKind.Error, Message = error };
        }
    }

    private static DateOnly? ParseDate(string raw) =>
        Cells.Clean(raw) is { } text && DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? DateOnly.FromDateTime(at)
            : null;

    private static (string Source, PaymentMethod Method)? Channel(string? method) => method?.ToLowerInvariant() switch
    {
        "银行转账" or "bank_transfer" => ("bank", PaymentMethod.BankTransfer),
        "现金" or "cash" => ("cash", PaymentMethod.Cash),
        "微信支付" or "wechat_pay" => ("wechat", PaymentMethod.WechatPay),
        "支付宝" or "alipay" => ("alipay", PaymentMethod.Alipay),
        "支票" or "cheque" => ("cheque", PaymentMethod.Cheque),
        _ => null,
    };

    private static string? DonorKind(string? type) => type?.ToLowerInvariant() switch
    {
        "个人" or "person" => "person",
        "单位" or "机构" or "organisation" => "organisation",
        _ => null,
    };

    private static string Header(SheetRow header, int index) => Cells.Clean(header.Cell(index)) ?? $"#{index + 1}";
}

/// <summary>The template's columns: the Chinese name first (written in the template), the English one also accepted.</summary>
internal static class TemplateColumns
{
    public static readonly string[] ReceivedOn = ["收到日期", "receivedOn"];
    public static readonly string[] Donor = ["捐赠人", "donor"];
    public static readonly string[] Amount = ["金额", "amount"];
    public static readonly string[] Method = ["方式", "method"];
    public static readonly string[] Reference = ["参考号", "reference"];
    public static readonly string[] Memo = ["备注", "memo"];
    public static readonly string[] Type = ["类型", "type"];
    public static readonly string[] Phone = ["电话", "phone"];
    public static readonly string[] Email = ["邮箱", "email"];
    public static readonly string[] OrganisationCode = ["统一社会信用代码", "organisationCode"];

    public static IReadOnlyList<string> Header =>
        [ReceivedOn[0], Donor[0], Amount[0], Method[0], Reference[0], Memo[0], Type[0], Phone[0], Email[0], OrganisationCode[0]];
}

/// <summary>The downloadable template: a header and one example row, as a UTF-8 (BOM) CSV for Excel and as an XLSX.</summary>
internal static class ImportTemplate
{
    private static readonly string[] Example = ["2025-03-01", "张三", "100.00", "银行转账", "", "助学捐款", "个人", "", "", ""];

    public static byte[] Csv()
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', TemplateColumns.Header)).Append("\r\n");
        text.Append(string.Join(',', Example)).Append("\r\n");
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static byte[] Xlsx()
    {
        var row = new Dictionary<string, object>();
        for (var i = 0; i < TemplateColumns.Header.Count; i++) row[TemplateColumns.Header[i]] = Example[i];
        using var output = new MemoryStream();
        MiniExcel.SaveAs(output, new[] { row }, sheetName: "捐赠", excelType: ExcelType.XLSX);
        return output.ToArray();
    }
}
