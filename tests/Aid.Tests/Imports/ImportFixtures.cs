using System.Globalization;
using System.IO.Compression;
using System.Text;
using ICSharpCode.SharpZipLib.Zip;
using MiniExcelLibs;

namespace Aid.Tests.Imports;

/// <summary>One line of a WeChat personal bill; the defaults make a received QR-code payment.</summary>
public sealed record WechatPersonalRow(
    DateTime At, string Payer, decimal Yuan, string Id, string Direction = "收入", string Status = "已收钱", string Type = "二维码收款",
    string Goods = "/", string Memo = "/");

/// <summary>One line of a WeChat merchant trade bill; the defaults make a SUCCESS payment.</summary>
public sealed record WechatMerchantRow(
    DateTime At, string OrderId, string OpenId, decimal Yuan, string Status = "SUCCESS", string RefundId = "", decimal RefundYuan = 0,
    string RefundStatus = "", string Goods = "助学捐款");

/// <summary>One line of Aid's template, as text the way a person types it.</summary>
public sealed record TemplateRow(
    string ReceivedOn, string Donor, string Amount, string Method, string Reference = "", string Memo = "", string Type = "",
    string Phone = "", string Email = "", string OrganisationCode = "");

/// <summary>
/// Synthetic files in the layouts of IMPORT-FORMATS.md §1 and Aid's template: real encodings (UTF-8 with and without BOM,
/// GB18030), real XLSX with number and date cells (MiniExcel), the traps (Excel re-save, HTML as .xls, a zip bomb, a
/// password-protected archive). Builders take the rows so a test can make a file of any size; Sample… gives the default.
/// All names, ids and numbers are invented.
/// </summary>
public static class ImportFixtures
{
    static ImportFixtures() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding(54936);

    // ---- Aid template -------------------------------------------------------------------------------------------------

    public static readonly string[] TemplateHeader = ["收到日期", "捐赠人", "金额", "方式", "参考号", "备注", "类型", "电话", "邮箱", "统一社会信用代码"];

    /// <summary>Five payments, one per method; one organisation with its code; one row without a reference.</summary>
    public static IReadOnlyList<TemplateRow> SampleTemplateRows =>
    [
        new("2025-03-01", "张三", "100.00", "银行转账", "BANKREF-0001", "助学捐款", "个人", "13800000000", "zhang@example.com"),
        new("2025/3/2", "测试科技有限公司", "20,000.00", "支票", "CHQ-000123", "", "单位", "", "", "91110000000000000X"),
        new("20250303", "李四", "50", "现金", "", "现场捐款"),
        new("2025-03-04", "王五", "200.00", "微信支付", "100004990125030200000000000001", "", "个人"),
        new("2025-03-05", "赵六", "0.01", "支付宝", "20250305200040011100000000000009"),
    ];

    public static byte[] TemplateCsv(IEnumerable<TemplateRow> rows, Encoding encoding, bool bom, IReadOnlyList<string>? header = null)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', (header ?? TemplateHeader).Select(Quote))).Append("\r\n");
        foreach (var r in rows)
            text.Append(string.Join(',', new[] { r.ReceivedOn, r.Donor, r.Amount, r.Method, r.Reference, r.Memo, r.Type, r.Phone, r.Email, r.OrganisationCode }
                .Select(Quote))).Append("\r\n");
        return bom ? [.. encoding.GetPreamble(), .. encoding.GetBytes(text.ToString())] : encoding.GetBytes(text.ToString());
    }

    public static byte[] SampleTemplateCsvUtf8Bom() => TemplateCsv(SampleTemplateRows, new UTF8Encoding(true), bom: true);

    public static byte[] SampleTemplateCsvGb18030() => TemplateCsv(SampleTemplateRows, Gb18030, bom: false);

    /// <summary>The template as a person fills it in Excel: the date a date cell, the amount a number cell.</summary>
    public static byte[] TemplateXlsx(IEnumerable<(DateTime On, string Donor, decimal Yuan, string Method, string Reference)> rows)
    {
        var sheet = rows.Select(r => new Dictionary<string, object?>
        {
            ["收到日期"] = r.On, ["捐赠人"] = r.Donor, ["金额"] = r.Yuan, ["方式"] = r.Method, ["参考号"] = r.Reference, ["备注"] = null,
        }).ToList();
        return Xlsx(sheet, printHeader: true);
    }

    public static IReadOnlyList<(DateTime On, string Donor, decimal Yuan, string Method, string Reference)> SampleTemplateXlsxRows =>
    [
        (new DateTime(2025, 3, 1), "张三", 100.00m, "银行转账", "BANKREF-0001"),
        (new DateTime(2025, 3, 2), "李四", 1234.56m, "现金", ""),
        (new DateTime(2025, 3, 3), "王五", 0.1m, "cheque", "CHQ-1"),
    ];

    public static byte[] SampleTemplateXlsx() => TemplateXlsx(SampleTemplateXlsxRows);

    // ---- WeChat personal bill -----------------------------------------------------------------------------------------

    public static readonly string[] WechatPersonalHeader =
        ["交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式", "当前状态", "交易单号", "商户单号", "备注"];

    public static string WechatId(int n) => $"1000049901250302{n:D14}";

    /// <summary>
    /// Three payments (one 1,234.56, one payer with an emoji), one outgoing, one neutral, one full refund, one partial
    /// refund (an error), one unclaimed (skipped).
    /// </summary>
    public static IReadOnlyList<WechatPersonalRow> SampleWechatPersonalRows =>
    [
        new(new DateTime(2025, 3, 2, 10, 15, 1), "测试捐赠人甲", 200.00m, WechatId(1), Memo: "助学捐款"),
        new(new DateTime(2025, 3, 5, 20, 40, 33), "测试捐赠人乙", 1234.56m, WechatId(2), Type: "转账", Goods: "转账备注:助学"),
        new(new DateTime(2025, 3, 9, 8, 2, 10), "测试捐赠人丙🌸", 100.00m, WechatId(3), Status: "已存入零钱", Type: "微信红包"),
        new(new DateTime(2025, 3, 10, 12, 0, 0), "测试商户", 28.16m, WechatId(4), Direction: "支出", Status: "支付成功", Type: "商户消费"),
        new(new DateTime(2025, 3, 11, 9, 30, 0), "招商银行(1234)", 500.00m, WechatId(5), Direction: "/", Status: "提现已到账", Type: "零钱提现"),
        new(new DateTime(2025, 3, 12, 14, 0, 0), "测试捐赠人丁", 50.00m, WechatId(6), Status: "已全额退款"),
        new(new DateTime(2025, 3, 13, 15, 0, 0), "测试捐赠人戊", 80.00m, WechatId(7), Status: "已退款(￥20.00)"),
        new(new DateTime(2025, 3, 14, 16, 0, 0), "测试捐赠人己", 66.00m, WechatId(8), Status: "朋友未领取", Type: "微信红包"),
    ];

    public static IEnumerable<WechatPersonalRow> Payments(IEnumerable<(DateTime At, string Payer, decimal Yuan, string Id)> rows) =>
        rows.Select(r => new WechatPersonalRow(r.At, r.Payer, r.Yuan, r.Id));

    /// <summary>The legacy CSV (to mid-2025): UTF-8, optional BOM, 16 comma-padded preamble lines, "¥200.00", ids ending in TAB.</summary>
    public static byte[] WechatPersonalCsv(IEnumerable<WechatPersonalRow> rows, bool bom)
    {
        var text = new StringBuilder();
        foreach (var line in WechatPreamble(notes2026: false)) text.Append(line).Append(',', 10).Append("\r\n");
        text.Append(string.Join(',', WechatPersonalHeader)).Append("\r\n");
        foreach (var r in rows)
            text.Append(string.Join(',', WechatCells(r, amountAsText: true).Select(c => Quote(Convert.ToString(c, CultureInfo.InvariantCulture)!))))
                .Append("\r\n");
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return bom ? [.. Encoding.UTF8.GetPreamble(), .. bytes] : bytes;
    }

    public static byte[] WechatPersonalCsv(IEnumerable<(DateTime At, string Payer, decimal Yuan, string Id)> rows, bool bom) =>
        WechatPersonalCsv(Payments(rows), bom);

    public static byte[] SampleWechatPersonalCsv(bool bom = true) => WechatPersonalCsv(SampleWechatPersonalRows, bom);

    /// <summary>
    /// The XLSX bill: 2025 has 16 preamble rows and the amount as text "¥200.00"; 2026 adds note 4 (17 rows, header on
    /// row 18) and writes the amount as a number cell.
    /// </summary>
    public static byte[] WechatPersonalXlsx(IEnumerable<WechatPersonalRow> rows, bool layout2026)
    {
        var sheet = new List<Dictionary<string, object?>>();
        foreach (var line in WechatPreamble(layout2026)) sheet.Add(Row([line]));
        sheet.Add(Row(WechatPersonalHeader));
        foreach (var r in rows) sheet.Add(Row(WechatCells(r, amountAsText: !layout2026)));
        return Xlsx(sheet, printHeader: false);
    }

    public static byte[] SampleWechatPersonalXlsx(bool layout2026) => WechatPersonalXlsx(SampleWechatPersonalRows, layout2026);

    /// <summary>
    /// What Excel makes of the legacy CSV when someone opens and saves it: GB18030 ("ANSI"), no BOM, ids as 1.00005E+29,
    /// times without seconds, unquoted amounts over 999 split at the thousands separator. Each damage can be chosen alone.
    /// </summary>
    public static byte[] WechatPersonalExcelResaved(IEnumerable<WechatPersonalRow> rows, bool scientificIds = true, bool dropSeconds = true,
        bool splitThousands = true)
    {
        var text = new StringBuilder();
        foreach (var line in WechatPreamble(notes2026: false)) text.Append(line).Append(',', 10).Append("\r\n");
        text.Append(string.Join(',', WechatPersonalHeader)).Append("\r\n");
        foreach (var r in rows)
        {
            var amount = splitThousands ? r.Yuan.ToString("#,##0.00", CultureInfo.InvariantCulture) : r.Yuan.ToString("0.00", CultureInfo.InvariantCulture);
            text.Append(string.Join(',',
                dropSeconds ? r.At.ToString("yyyy/M/d H:mm", CultureInfo.InvariantCulture) : r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                r.Type, r.Payer, r.Goods, r.Direction, "¥" + amount, "/", r.Status,
                scientificIds ? "1.00005E+29" : r.Id, "/", r.Memo)).Append("\r\n");
        }
        return Gb18030.GetBytes(text.ToString());
    }

    private static IEnumerable<string> WechatPreamble(bool notes2026)
    {
        yield return "微信支付账单明细";
        yield return "微信昵称：[测试机构]";
        yield return "起始时间：[2025-03-01 00:00:00] 终止时间：[2025-03-31 23:59:59]";
        yield return "导出类型：[全部]";
        yield return "导出时间：[2025-04-01 09:00:00]";
        yield return "";
        yield return "共8笔记录";
        yield return "收入：6笔 1730.56元";
        yield return "支出：1笔 28.16元";
        yield return "中性交易：1笔 500.00元";
        yield return "注：";
        yield return "1. 充值/提现/理财通购买/零钱通存取/信用卡还款等交易，将计入中性交易";
        yield return "2. 本明细仅展示当前账单中的交易，不包括已删除的记录";
        yield return "3. 本明细仅供个人对账使用";
        if (notes2026) yield return "4. 本账单中所有时间均为UTC+08:00时间";
        yield return "";
        yield return "----------------------微信支付账单明细列表--------------------";
    }

    private static object[] WechatCells(WechatPersonalRow r, bool amountAsText) =>
    [
        r.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), r.Type, r.Payer, r.Goods, r.Direction,
        amountAsText ? "¥" + r.Yuan.ToString("0.00", CultureInfo.InvariantCulture) : r.Yuan, "/", r.Status, r.Id + "\t", "/\t", r.Memo,
    ];

    // ---- WeChat merchant trade bill -----------------------------------------------------------------------------------

    public static readonly string[] WechatMerchantAllHeader =
    [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类",
        "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
        "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ];

    public static readonly string[] WechatMerchantRefundHeader =
    [
        "交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类",
        "应结订单金额", "代金券金额", "退款申请时间", "退款成功时间", "微信退款单号", "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态",
        "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注",
    ];

    public static string MerchantOrder(int n) => $"42000000002025030200000{n:D5}";

    /// <summary>Two payments, a refund of the second, a revoked order.</summary>
    public static IReadOnlyList<WechatMerchantRow> SampleWechatMerchantRows =>
    [
        new(new DateTime(2025, 3, 2, 10, 15, 1), MerchantOrder(1), "oTEST_openid_aaaaaaaaaaaaaaaa", 200.00m),
        new(new DateTime(2025, 3, 2, 11, 20, 45), MerchantOrder(2), "oTEST_openid_bbbbbbbbbbbbbbbb", 50.00m),
        new(new DateTime(2025, 3, 3, 9, 0, 0), MerchantOrder(2), "oTEST_openid_bbbbbbbbbbbbbbbb", 50.00m, "REFUND",
            "50300000002025030300000000001", 50.00m, "SUCCESS"),
        new(new DateTime(2025, 3, 4, 9, 0, 0), MerchantOrder(4), "oTEST_openid_cccccccccccccccc", 10.00m, "REVOKED"),
    ];

    /// <summary>The ALL bill: no preamble, every field prefixed with `, a summary after 总交易单数. Old merchants say 总金额/企业红包金额.</summary>
    public static byte[] WechatMerchantAll(IEnumerable<WechatMerchantRow> rows, bool oldNames = false)
    {
        var header = WechatMerchantAllHeader.Select(h => oldNames ? h switch { "应结订单金额" => "总金额", "代金券金额" => "企业红包金额", _ => h } : h);
        return WechatMerchant(header.ToArray(), rows, r =>
        [
            Time(r.At), "wx00000000000test1", "1900000001", "0", "", r.OrderId, "AID-" + r.OrderId[^6..], r.OpenId, "NATIVE", r.Status, "OTHERS",
            "CNY", Yuan(r.Yuan), "0.00", r.RefundId, r.RefundId == "" ? "" : "R" + r.RefundId[^6..], Yuan(r.RefundYuan), "0.00",
            r.RefundId == "" ? "" : "ORIGINAL", r.RefundStatus, r.Goods, "", "0.00", "0.60%", Yuan(r.Yuan), Yuan(r.RefundYuan), "",
        ]);
    }

    /// <summary>The REFUND bill: only refund rows, with 退款申请时间 and 退款成功时间.</summary>
    public static byte[] WechatMerchantRefund(IEnumerable<WechatMerchantRow> rows) =>
        WechatMerchant(WechatMerchantRefundHeader, rows, r =>
        [
            Time(r.At.AddDays(-1)), "wx00000000000test1", "1900000001", "0", "", r.OrderId, "AID-" + r.OrderId[^6..], r.OpenId, "NATIVE",
            r.Status, "OTHERS", "CNY", Yuan(r.Yuan), "0.00", Time(r.At.AddMinutes(-5)), Time(r.At), r.RefundId, "R" + r.RefundId[^6..],
            Yuan(r.RefundYuan), "0.00", "ORIGINAL", r.RefundStatus, r.Goods, "", "0.00", "0.60%", Yuan(r.Yuan), Yuan(r.RefundYuan), "",
        ]);

    public static IReadOnlyList<WechatMerchantRow> SampleWechatMerchantRefundRows =>
    [
        new(new DateTime(2025, 3, 3, 9, 0, 0), MerchantOrder(2), "oTEST_openid_bbbbbbbbbbbbbbbb", 50.00m, "REFUND",
            "50300000002025030300000000001", 50.00m, "SUCCESS"),
        new(new DateTime(2025, 3, 4, 9, 30, 15), MerchantOrder(5), "oTEST_openid_dddddddddddddddd", 300.00m, "REFUND",
            "50300000002025030400000000002", 120.50m, "SUCCESS"),
        new(new DateTime(2025, 3, 5, 9, 0, 0), MerchantOrder(6), "oTEST_openid_eeeeeeeeeeeeeeee", 30.00m, "REFUND",
            "50300000002025030500000000003", 30.00m, "PROCESSING"),
    ];

    private static byte[] WechatMerchant(string[] header, IEnumerable<WechatMerchantRow> rows, Func<WechatMerchantRow, string[]> cells)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', header)).Append("\r\n");
        int count = 0;
        long total = 0, refunded = 0;
        foreach (var r in rows)
        {
            count++;
            total += (long)(r.Yuan * 100);
            refunded += (long)(r.RefundYuan * 100);
            text.Append(string.Join(',', cells(r).Select(c => "`" + c))).Append("\r\n");
        }
        text.Append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n");
        text.Append(string.Join(',', new[] { count.ToString(CultureInfo.InvariantCulture), Yuan(total / 100m), Yuan(refunded / 100m), "0.00", "0.00",
            Yuan(total / 100m), Yuan(refunded / 100m) }.Select(c => "`" + c))).Append("\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    // ---- Files that must be refused -----------------------------------------------------------------------------------

    /// <summary>An Alipay "账务组合查询.xls" as web downloads really are: an HTML table in GB18030.</summary>
    public static byte[] HtmlXls() => Gb18030.GetBytes(
        "\r\n  <HTML><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>" +
        "<table border=\"1\"><tr><td>账务流水号</td><td>发生时间</td><td>收入金额（+元）</td></tr>" +
        "<tr><td>20250303200040011100000000000001</td><td>2025-03-03 12:00:08</td><td>500.00</td></tr></table></body></HTML>");

    /// <summary>A real workbook with one more part that unpacks to <paramref name="padBytes"/> zeros (compresses to almost nothing).</summary>
    public static byte[] XlsxBomb(int padBytes)
    {
        using var output = new MemoryStream();
        output.Write(SampleTemplateXlsx());
        using (var zip = new ZipArchive(output, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.CreateEntry("xl/media/padding.bin", CompressionLevel.Optimal);
            using var pad = entry.Open();
            var zeros = new byte[64 * 1024];
            for (var written = 0; written < padBytes; written += zeros.Length) pad.Write(zeros, 0, Math.Min(zeros.Length, padBytes - written));
        }
        return output.ToArray();
    }

    /// <summary>The e-mailed WeChat bill archive with its password kept (ZipCrypto).</summary>
    public static byte[] PasswordZip()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipOutputStream(output) { IsStreamOwner = false, Password = "123456" })
        {
            zip.PutNextEntry(new ZipEntry("微信支付账单流水文件.xlsx"));
            zip.Write(SampleWechatPersonalXlsx(layout2026: true));
            zip.CloseEntry();
        }
        return output.ToArray();
    }

    /// <summary>
    /// The shape of an .xlsx saved with a password: an OLE2 compound file holding EncryptionInfo and EncryptedPackage
    /// (the contents are placeholders; only the container matters to the reader).
    /// </summary>
    public static byte[] PasswordXlsx()
    {
        var fs = new NPOI.POIFS.FileSystem.POIFSFileSystem();
        fs.CreateDocument(new MemoryStream(new byte[248]), "EncryptionInfo");
        fs.CreateDocument(new MemoryStream(SampleTemplateXlsx()), "EncryptedPackage");
        using var output = new MemoryStream();
        fs.WriteFileSystem(output);
        return output.ToArray();
    }

    public static byte[] UnknownCsv() => Encoding.UTF8.GetBytes("name,score,city\r\nalpha,1,Beijing\r\nbeta,2,Shanghai\r\n");

    // ---- helpers ------------------------------------------------------------------------------------------------------

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Yuan(decimal yuan) => yuan.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Quote(string cell) =>
        cell.Contains(',') || cell.Contains('"') || cell.Contains('\n') ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

    /// <summary>A sheet row with positional columns (MiniExcel takes the first row's keys as the columns).</summary>
    private static Dictionary<string, object?> Row(IReadOnlyList<object?> cells)
    {
        var row = new Dictionary<string, object?>();
        for (var i = 0; i < WechatPersonalHeader.Length; i++) row["c" + i] = i < cells.Count ? cells[i] : null;
        return row;
    }

    private static byte[] Xlsx(List<Dictionary<string, object?>> rows, bool printHeader)
    {
        using var output = new MemoryStream();
        output.SaveAs(rows, printHeader: printHeader, excelType: ExcelType.XLSX);
        return output.ToArray();
    }
}
