using System.Globalization;
using System.Security;
using System.Text;
using Aid.Application.Imports;

namespace Aid.Tests.Imports;

/// <summary>
/// Synthetic Alipay, Chinese bank and camt.053 exports as the real files are shaped (IMPORT-FORMATS.md §2–4): real
/// encodings, padding, trailing TABs and commas, preambles and footers, a real BIFF .xls. Builders take the rows so a test
/// can make a large file; Sample… gives the default rows. All names and numbers are invented.
/// </summary>
public static class BankFixtures
{
    static BankFixtures() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Gb18030 => Encoding.GetEncoding(54936);
    public static Encoding Gbk => Encoding.GetEncoding(936);

    // ---- Alipay app, 2023+ layout -------------------------------------------------------------------------------------

    public static readonly string[] AlipayAppHeader =
        ["交易时间", "交易分类", "交易对方", "对方账号", "商品说明", "收/支", "金额", "收/付款方式", "交易状态", "交易订单号", "商家订单号", "备注"];

    /// <summary>Rows in <see cref="AlipayAppHeader"/> order: 3 payments, 1 outgoing, 1 neutral, 1 refund, 1 closed income.</summary>
    public static IReadOnlyList<string[]> SampleAlipayAppRows =>
    [
        ["2025-03-03 12:00:08", "转账红包", "测试捐赠人丁", "d***@example.com", "转账", "收入", "500.00", "余额", "交易成功", "20250303200040011100000000000001", "", ""],
        ["2025-03-04 18:30:00", "收入", "测试捐赠人戊", "/", "收钱码收款", "收入", "300.00", "", "交易成功", "20250304200040011100000000000002", "", "助学"],
        ["2025-03-06 07:45:12", "收入", "测试捐赠人己", "/", "收钱码收款", "收入", "60.00", "", "交易成功", "20250306200040011100000000000003", "", ""],
        ["2025-03-07 09:00:00", "日用百货", "测试商户", "shop***@example.com", "文具", "支出", "20.00", "余额", "交易成功", "20250307200040011100000000000004", "M0004", ""],
        ["2025-03-08 10:00:00", "投资理财", "余额宝", "/", "转入", "不计收支", "100.00", "余额", "交易成功", "20250308200040011100000000000005", "", ""],
        ["2025-03-09 11:11:11", "退款", "测试捐赠人戊", "/", "退款-收钱码收款", "不计收支", "300.00", "余额", "退款成功", "20250304200040011100000000000002_R1", "", ""],
        ["2025-03-10 12:00:00", "收入", "测试捐赠人庚", "/", "收钱码收款", "收入", "80.00", "", "交易关闭", "20250310200040011100000000000007", "", ""],
    ];

    /// <summary>The 2023+ app statement in GB18030: 84-dash line, preamble, the Oct-2025 separator, padded cells, TAB after ids.</summary>
    public static byte[] AlipayApp(IEnumerable<string[]> rows, bool oct2025Separator = true, bool june2026 = false)
    {
        var text = new StringBuilder();
        AlipayPreamble(text, oct2025Separator, june2026);
        AlipayLine(text, AlipayAppHeader, []);
        foreach (var row in rows) AlipayLine(text, row, [9, 10]);
        return Gb18030.GetBytes(text.ToString());
    }

    public static byte[] SampleAlipayApp() => AlipayApp(SampleAlipayAppRows);

    /// <summary>The 2021–22 app layout: same preamble (old separator), reordered columns.</summary>
    public static readonly string[] AlipayApp2021Header =
        ["收/支", "交易对方", "对方账号", "商品说明", "收/付款方式", "金额", "交易状态", "交易分类", "交易订单号", "商家订单号", "交易时间"];

    public static IReadOnlyList<string[]> SampleAlipayApp2021Rows =>
    [
        ["收入", "测试捐赠人丁", "d***@example.com", "转账", "余额", "500.00", "交易成功", "转账红包", "20210303200040011100000000000001", "", "2021-03-03 12:00:08"],
        ["支出", "测试商户", "/", "文具", "余额", "20.00", "交易成功", "日用百货", "20210304200040011100000000000002", "", "2021-03-04 09:00:00"],
        ["收入", "测试捐赠人戊", "/", "收钱码收款", "", "1234.56", "交易成功", "收入", "20210305200040011100000000000003", "", "2021-03-05 18:30:00"],
    ];

    public static byte[] AlipayApp2021(IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        AlipayPreamble(text, oct2025Separator: false, june2026: false);
        AlipayLine(text, AlipayApp2021Header, []);
        foreach (var row in rows) AlipayLine(text, row, [8, 9]);
        return Gb18030.GetBytes(text.ToString());
    }

    public static byte[] SampleAlipayApp2021() => AlipayApp2021(SampleAlipayApp2021Rows);

    // ---- Alipay web, legacy ------------------------------------------------------------------------------------------

    public static readonly string[] AlipayWebHeader =
    [
        "交易号", "商家订单号", "交易创建时间", "付款时间", "最近修改时间", "交易来源地", "类型", "交易对方", "商品名称", "金额（元）", "收/支",
        "交易状态", "服务费（元）", "成功退款（元）", "备注", "资金状态",
    ];

    /// <summary>3 payments (the last never "paid": dated by 交易创建时间), 1 outgoing, 1 closed income.</summary>
    public static IReadOnlyList<string[]> SampleAlipayWebRows =>
    [
        ["2020030322001400000000000001", "", "2020-03-03 12:00:08", "2020-03-03 12:00:09", "2020-03-03 12:00:09", "其他（包括阿里巴巴和外部商家）", "即时到账交易", "测试捐赠人丁", "转账", "500.00", "收入", "交易成功", "0.00", "0.00", "", "已收入"],
        ["2020030422001400000000000002", "", "2020-03-04 18:30:00", "2020-03-04 18:30:01", "2020-03-04 18:30:01", "其他（包括阿里巴巴和外部商家）", "即时到账交易", "测试捐赠人戊", "收钱码收款", "300.00", "收入", "交易成功", "0.00", "0.00", "", "已收入"],
        ["2020030622001400000000000003", "", "2020-03-06 07:45:12", "", "2020-03-06 07:45:12", "其他（包括阿里巴巴和外部商家）", "即时到账交易", "测试捐赠人己", "收钱码收款", "60.00", "收入", "交易成功", "0.00", "0.00", "助学", "已收入"],
        ["2020030722001400000000000004", "T0004", "2020-03-07 09:00:00", "2020-03-07 09:00:01", "2020-03-07 09:00:01", "淘宝", "即时到账交易", "测试商户", "文具", "20.00", "支出", "交易成功", "0.00", "0.00", "", "已支出"],
        ["2020030822001400000000000005", "", "2020-03-08 10:00:00", "", "2020-03-08 10:30:00", "其他（包括阿里巴巴和外部商家）", "即时到账交易", "测试捐赠人庚", "转账", "80.00", "收入", "交易关闭", "0.00", "0.00", "", ""],
    ];

    public static byte[] AlipayWeb(IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.Append("支付宝交易记录明细查询\r\n账号:[test***@example.com]\r\n起始日期:[2020-03-01 00:00:00]    终止日期:[2020-04-01 00:00:00]\r\n");
        text.Append("---------------------------------交易记录明细列表------------------------------------\r\n");
        AlipayLine(text, AlipayWebHeader, []);
        foreach (var row in rows) AlipayLine(text, row, [0, 1]);
        text.Append("------------------------------------------------------------------------------------\r\n");
        text.Append("共5笔记录\r\n已收入:3笔,860.00元\r\n待收入:0笔,0.00元\r\n已支出:1笔,20.00元\r\n待支出:0笔,0.00元\r\n");
        text.Append("导出时间:[2020-04-01 10:00:00]    用户:test***@example.com\r\n");
        return Gb18030.GetBytes(text.ToString());
    }

    public static byte[] SampleAlipayWeb() => AlipayWeb(SampleAlipayWebRows);

    // ---- Alipay enterprise ledger ------------------------------------------------------------------------------------

    public static readonly string[] AlipayEnterpriseHeader =
        ["账务流水号", "业务流水号", "商户订单号", "商品名称", "发生时间", "对方账号", "收入金额（+元）", "支出金额（-元）", "账户余额（元）", "交易渠道", "业务类型", "备注"];

    /// <summary>2 payments (one "+2,000.00"), 1 outgoing fee.</summary>
    public static IReadOnlyList<string[]> SampleAlipayEnterpriseRows =>
    [
        ["20250303100000000000000000000001", "2025030322001400000000000001", "", "助学捐款", "2025-03-03 12:00:08", "d***@example.com", "+500.00", "", "10500.00", "支付宝", "在线支付", "助学"],
        ["20250304100000000000000000000002", "2025030422001400000000000002", "", "捐款", "2025-03-04 18:30:00", "company@example.com", "+2,000.00", "", "12500.00", "支付宝", "转账", ""],
        ["20250305100000000000000000000003", "2025030522001400000000000003", "", "服务费", "2025-03-05 00:00:01", "", "", "-1.50", "12498.50", "支付宝", "收费", ""],
    ];

    public static byte[] AlipayEnterprise(IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.Append("#支付宝账务明细查询\r\n#账号：[20880000000000000156]\r\n#起始日期：[2025年03月01日 00:00:00]   终止日期：[2025年04月01日 00:00:00]\r\n");
        text.Append("#-----------------------------------------账务明细列表----------------------------------------\r\n");
        text.Append(string.Join(",", AlipayEnterpriseHeader)).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(",", row.Select((c, i) => i < 3 && c != "" ? c + "\t" : Quote(c)))).Append("\r\n");
        text.Append("#-----------------------------------------账务明细列表结束------------------------------------\r\n");
        text.Append("#收入合计：2笔，共2500.00元\r\n#支出合计：1笔，共1.50元\r\n#导出时间：[2025年04月01日 10:00:00]\r\n");
        return Gb18030.GetBytes(text.ToString());
    }

    public static byte[] SampleAlipayEnterprise() => AlipayEnterprise(SampleAlipayEnterpriseRows);

    // ---- ICBC personal, v2 and v1 ------------------------------------------------------------------------------------

    public static readonly string[] IcbcV2Header =
    [
        "交易日期", "摘要", "交易详情", "交易场所", "交易国家或地区简称", "钞/汇", "交易金额(收入)", "交易金额(支出)", "交易币种", "记账金额(收入)",
        "记账金额(支出)", "记账币种", "余额", "对方户名", "对方账户",
    ];

    /// <summary>
    /// 3 payments ("1,000.00"), 1 outgoing, and two byte-identical payments (same date, amount, balance and payer, as
    /// when a reversal and re-credit bring the balance back) that must get distinct keys.
    /// </summary>
    public static IReadOnlyList<string[]> SampleIcbcV2Rows =>
    [
        ["2025-03-03", "他行汇入", "", "", "CHN", "钞", "1,000.00", "-", "人民币", "1,000.00", "", "人民币", "11,000.00", "测试捐赠人庚", "6217****1111"],
        ["2025-03-04", "网转", "助学捐款", "", "CHN", "钞", "200.00", "-", "人民币", "200.00", "", "人民币", "11,200.00", "测试捐赠人辛", "6228****2222"],
        ["2025-03-05", "他行汇入", "", "", "CHN", "钞", "50.00", "-", "人民币", "50.00", "", "人民币", "11,250.00", "测试捐赠人壬", "6230****3333"],
        ["2025-03-06", "消费", "文具", "某文具店", "CHN", "钞", "-", "30.00", "人民币", "", "30.00", "人民币", "11,220.00", "某文具店", "-"],
        ["2025-03-07", "他行汇入", "", "", "CHN", "钞", "10.00", "-", "人民币", "10.00", "", "人民币", "11,230.00", "测试捐赠人癸", "6217****4444"],
        ["2025-03-07", "冲正", "", "", "CHN", "钞", "-", "10.00", "人民币", "", "10.00", "人民币", "11,220.00", "测试捐赠人癸", "6217****4444"],
        ["2025-03-07", "他行汇入", "", "", "CHN", "钞", "10.00", "-", "人民币", "10.00", "", "人民币", "11,230.00", "测试捐赠人癸", "6217****4444"],
    ];

    /// <summary>ICBC v2 in UTF-8 without BOM: date padded + TAB, every other cell quoted, padded and ending in TAB.</summary>
    public static byte[] IcbcV2(IEnumerable<string[]> rows) => Icbc(IcbcV2Header, rows);

    public static byte[] SampleIcbcV2() => IcbcV2(SampleIcbcV2Rows);

    public static readonly string[] IcbcV1Header =
    [
        "交易日期", "摘要", "交易场所", "交易国家或地区简称", "钞/汇", "交易金额(收入)", "交易金额(支出)", "交易币种", "记账金额(收入)", "记账金额(支出)",
        "记账币种", "余额", "对方户名",
    ];

    public static IReadOnlyList<string[]> SampleIcbcV1Rows =>
    [
        ["2024-12-01", "他行汇入", "", "CHN", "钞", "800.00", "-", "人民币", "800.00", "", "人民币", "5,800.00", "测试捐赠人子"],
        ["2024-12-02", "消费", "某超市", "CHN", "钞", "-", "12.30", "人民币", "", "12.30", "人民币", "5,787.70", "某超市"],
    ];

    public static byte[] IcbcV1(IEnumerable<string[]> rows) => Icbc(IcbcV1Header, rows);

    public static byte[] SampleIcbcV1() => IcbcV1(SampleIcbcV1Rows);

    private static byte[] Icbc(string[] header, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.Append("明细查询文件下载,\r\n卡号: 6222****0000,\r\n子账户序号: 00000,\r\n\r\n");
        text.Append(string.Join(",", header)).Append("\r\n");
        foreach (var row in rows)
        {
            var cells = row.Select((c, i) => i == 0 ? c.PadRight(15) + "\t" : "\"" + c.PadRight(c.Length + 3) + "\t\"");
            text.Append(string.Join(",", cells)).Append(",\r\n");
        }
        text.Append("人民币合计,\"1,270.00\t\",\"40.00\t\",\r\n");
        return new UTF8Encoding(false).GetBytes(text.ToString());
    }

    // ---- CCB personal, real BIFF .xls --------------------------------------------------------------------------------

    public sealed record CcbRow(
        string BookedOn, string Date, string Time, decimal? Out, decimal? In, decimal Balance, string Summary, string Account, string Name,
        string Place = "", string Currency = "人民币");

    public static readonly string[] CcbHeader = ["记账日", "交易日期", "交易时间", "支出", "收入", "账户余额", "币种", "摘要", "对方账号", "对方户名", "交易地点"];

    /// <summary>2 payments (one 1234.5 as a number cell), 1 outgoing.</summary>
    public static IReadOnlyList<CcbRow> SampleCcbRows =>
    [
        new("20250303", "20250303", "09:12:44", null, 1234.5m, 21234.5m, "转账存入", "6217****5555", "测试捐赠人丑"),
        new("20250304", "20250304", "14:05:10", 25.8m, null, 21208.7m, "消费", "", "某商户", "某地"),
        new("20250306", "20250305", "23:59:59", null, 88m, 21296.7m, "跨行转入", "6228****6666", "测试捐赠人寅"),
    ];

    /// <summary>A BIFF8 workbook: five preamble rows, space-padded headers, numeric amount cells, the 以上数据仅供参考 footer.</summary>
    public static byte[] CcbXls(IEnumerable<CcbRow> rows)
    {
        var book = new NPOI.HSSF.UserModel.HSSFWorkbook();
        var sheet = book.CreateSheet("交易明细");
        var r = 0;
        foreach (var line in new[] { "China Construction Bank", "开户机构：中国建设银行某某支行", "币　　种：人民币", "账　　号：6217********0000", "" })
            sheet.CreateRow(r++).CreateCell(0).SetCellValue(line);
        var head = sheet.CreateRow(r++);
        for (var i = 0; i < CcbHeader.Length; i++) head.CreateCell(i).SetCellValue("  " + CcbHeader[i] + "  ");
        foreach (var row in rows)
        {
            var line = sheet.CreateRow(r++);
            line.CreateCell(0).SetCellValue(row.BookedOn);
            line.CreateCell(1).SetCellValue(row.Date);
            line.CreateCell(2).SetCellValue(row.Time);
            if (row.Out is { } o) line.CreateCell(3).SetCellValue((double)o);
            if (row.In is { } n) line.CreateCell(4).SetCellValue((double)n);
            line.CreateCell(5).SetCellValue((double)row.Balance);
            line.CreateCell(6).SetCellValue(row.Currency);
            line.CreateCell(7).SetCellValue(row.Summary);
            line.CreateCell(8).SetCellValue(row.Account);
            line.CreateCell(9).SetCellValue(row.Name);
            line.CreateCell(10).SetCellValue(row.Place);
        }
        sheet.CreateRow(r).CreateCell(0).SetCellValue("以上数据仅供参考|具体内容请以柜台为准");
        using var output = new MemoryStream();
        book.Write(output);
        return output.ToArray();
    }

    public static byte[] SampleCcbXls() => CcbXls(SampleCcbRows);

    // ---- Corporate, read through a column mapping (illustrative, GBK) ------------------------------------------------

    public static readonly string[] CorporateHeader =
        ["交易日期", "交易时间", "凭证种类", "凭证号", "摘要", "用途", "对方户名", "对方账号", "对方开户行", "借方发生额", "贷方发生额", "余额", "交易流水号"];

    public static IReadOnlyList<string[]> SampleCorporateRows =>
    [
        ["2025-03-03", "09:12:44", "", "", "跨行汇款", "助学捐款", "测试科技有限公司", "3100000000000000001", "测试银行某某支行", "", "20,000.00", "120,000.00", "XN2025030300000001"],
        ["2025-03-04", "14:05:10", "", "", "转账", "捐款 张三", "测试捐赠人癸", "6217000000000004", "某银行某支行", "", "500.00", "120,500.00", "XN2025030400000002"],
        ["2025-03-05", "16:30:00", "", "", "手续费", "", "", "", "", "12.00", "", "120,488.00", "XN2025030500000003"],
    ];

    /// <summary>The mapping a programme manager would save for <see cref="Corporate"/>.</summary>
    public static ColumnMapping CorporateMapping => new()
    {
        Date = "交易日期", Time = "交易时间", Credit = "贷方发生额", Debit = "借方发生额", PayerName = "对方户名", PayerAccount = "对方账号",
        Reference = "交易流水号", Memo = "用途", Balance = "余额", DateFormat = "yyyy-MM-dd",
    };

    /// <summary>The corporate export in GBK: account lines, the table with quoted thousands, a 合计 footer.</summary>
    public static byte[] Corporate(IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        text.Append("账号：1100000000000000000\r\n户名：某某助学基金会\r\n起止日期：2025-03-01 至 2025-03-31\r\n");
        text.Append(string.Join(",", CorporateHeader)).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(",", row.Select(Quote))).Append("\r\n");
        text.Append("合计,,,,,,,,,12.00,\"20,500.00\",,\r\n");
        return Gbk.GetBytes(text.ToString());
    }

    public static byte[] SampleCorporate() => Corporate(SampleCorporateRows);

    // ---- camt.053 ----------------------------------------------------------------------------------------------------

    public sealed record CamtEntry(
        string? AcctSvcrRef, decimal Amount, string Ccy, string CdtDbt, string Status, string BookedOn, string? DebtorName = null,
        string? DebtorIban = null, string? Remittance = null, string? EndToEndId = null, decimal? InstructedAmount = null,
        string? InstructedCcy = null, string? DebtorOtherId = null);

    /// <summary>2 booked credits (the second instructed in EUR, booked in CNY), 1 DBIT, 1 PDNG credit, 1 without AcctSvcrRef.</summary>
    public static IReadOnlyList<CamtEntry> SampleCamtEntries =>
    [
        new("TESTBANKREF0001", 500.00m, "CNY", "CRDT", "BOOK", "2025-03-03", "Test Donor Alpha", "DE00000000000000000001", "Student aid donation", "E2E-0001"),
        new("TESTBANKREF0002", 7102.50m, "CNY", "CRDT", "BOOK", "2025-03-10", "Test Donor Beta", "FR0000000000000000000002", "Bourse", "E2E-0002", 900.00m, "EUR"),
        new("TESTBANKREF0003", 35.00m, "CNY", "DBIT", "BOOK", "2025-03-11", Remittance: "Bank fee"),
        new("TESTBANKREF0004", 100.00m, "CNY", "CRDT", "PDNG", "2025-03-12", "Test Donor Gamma", "GB00000000000000000003"),
        new(null, 66.60m, "CNY", "CRDT", "BOOK", "2025-03-13", "测试捐赠人卯", null, "助学 一", "E2E-0005", DebtorOtherId: "6222000000000005"),
    ];

    public static byte[] Camt053V02(IEnumerable<CamtEntry> entries, string iban = "CN0000000000000000000001") =>
        Camt(entries, "02", $"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>CNY</Ccy></Acct>");

    public static byte[] Camt053V08(IEnumerable<CamtEntry> entries, string otherId = "1100000000000000000") =>
        Camt(entries, "08", $"<Acct><Id><Othr><Id>{otherId}</Id></Othr></Id><Ccy>CNY</Ccy></Acct>");

    public static byte[] SampleCamt053V02() => Camt053V02(SampleCamtEntries);

    public static byte[] SampleCamt053V08() => Camt053V08(SampleCamtEntries);

    private static byte[] Camt(IEnumerable<CamtEntry> entries, string version, string account)
    {
        var v08 = version == "08";
        var x = new StringBuilder();
        x.Append($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}\" ");
        x.Append("xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n<BkToCstmrStmt>\n");
        x.Append("  <GrpHdr><MsgId>TESTMSG-20250331</MsgId><CreDtTm>2025-03-31T23:00:00+08:00</CreDtTm></GrpHdr>\n");
        x.Append($"  <Stmt><Id>TESTSTMT-202503</Id><ElctrncSeqNb>3</ElctrncSeqNb><CreDtTm>2025-03-31T23:00:00+08:00</CreDtTm>\n    {account}\n");
        x.Append("    <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"CNY\">10000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-01</Dt></Dt></Bal>\n");
        foreach (var e in entries)
        {
            x.Append("    <Ntry>");
            x.Append(CultureInfo.InvariantCulture, $"<Amt Ccy=\"{e.Ccy}\">{e.Amount:0.00}</Amt><CdtDbtInd>{e.CdtDbt}</CdtDbtInd>");
            x.Append(v08 ? $"<Sts><Cd>{e.Status}</Cd></Sts>" : $"<Sts>{e.Status}</Sts>");
            x.Append($"<BookgDt><Dt>{e.BookedOn}</Dt></BookgDt><ValDt><Dt>{e.BookedOn}</Dt></ValDt>");
            if (e.AcctSvcrRef is not null) x.Append($"<AcctSvcrRef>{e.AcctSvcrRef}</AcctSvcrRef>");
            x.Append("<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>");
            x.Append("\n      <NtryDtls><TxDtls>");
            if (e.EndToEndId is not null) x.Append($"<Refs><EndToEndId>{e.EndToEndId}</EndToEndId></Refs>");
            if (e.InstructedAmount is { } instructed)
                x.Append(CultureInfo.InvariantCulture, $"<AmtDtls><InstdAmt><Amt Ccy=\"{e.InstructedCcy}\">{instructed:0.00}</Amt></InstdAmt></AmtDtls>");
            if (e.DebtorName is not null || e.DebtorIban is not null || e.DebtorOtherId is not null)
            {
                x.Append("<RltdPties>");
                if (e.DebtorName is not null)
                {
                    var name = SecurityElement.Escape(e.DebtorName);
                    x.Append(v08 ? $"<Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr>" : $"<Dbtr><Nm>{name}</Nm></Dbtr>");
                }
                if (e.DebtorIban is not null) x.Append($"<DbtrAcct><Id><IBAN>{e.DebtorIban}</IBAN></Id></DbtrAcct>");
                else if (e.DebtorOtherId is not null) x.Append($"<DbtrAcct><Id><Othr><Id>{e.DebtorOtherId}</Id></Othr></Id></DbtrAcct>");
                x.Append("<Cdtr><Nm>某某助学基金会</Nm></Cdtr></RltdPties>");
            }
            if (e.Remittance is not null) x.Append($"<RmtInf><Ustrd>{SecurityElement.Escape(e.Remittance)}</Ustrd></RmtInf>");
            x.Append("</TxDtls></NtryDtls>\n    </Ntry>\n");
        }
        x.Append("  </Stmt>\n</BkToCstmrStmt>\n</Document>\n");
        return new UTF8Encoding(false).GetBytes(x.ToString());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private static void AlipayPreamble(StringBuilder text, bool oct2025Separator, bool june2026)
    {
        text.Append(new string('-', 84)).Append("\r\n");
        text.Append("导出信息：\r\n姓名：测试用户\r\n支付宝账户：test***@example.com\r\n");
        text.Append("起始时间：[2025-03-01 00:00:00]    终止时间：[2025-03-31 23:59:59]\r\n导出交易类型：[全部]\r\n导出时间：[2025-04-01 10:00:00]\r\n");
        text.Append("共7笔记录\r\n收入：5笔 940.00元\r\n支出：1笔 20.00元\r\n不计收支：2笔 400.00元\r\n\r\n特别提示：\r\n");
        var notes = june2026 ? 8 : 9;
        for (var i = 1; i <= notes; i++) text.Append(CultureInfo.InvariantCulture, $"{i}. 测试提示第{i}条，内容省略。\r\n");
        text.Append("\r\n");
        var company = oct2025Separator ? "支付宝支付科技有限公司" : "支付宝（中国）网络技术有限公司";
        text.Append($"------------------------{company}  电子客户回单------------------------\r\n");
    }

    /// <summary>Alipay's shape: every cell right-padded, ids followed by a TAB, a trailing comma.</summary>
    private static void AlipayLine(StringBuilder text, string[] cells, int[] ids)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = ids.Contains(i) ? cells[i] + "\t" : cells[i];
            text.Append(Quote(cell.PadRight(Math.Max(cell.Length, 12)))).Append(',');
        }
        text.Append("\r\n");
    }

    private static string Quote(string cell) => cell.Contains(',') || cell.Contains('"') ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
