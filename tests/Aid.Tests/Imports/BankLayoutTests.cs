using System.Globalization;
using System.Text;
using Aid.Application.Gifts;
using Aid.Application.Imports;
using Aid.Infrastructure.Imports;
using ExcelDataReader;

namespace Aid.Tests.Imports;

/// <summary>
/// The Alipay, bank and camt.053 layouts fed directly with the rows of their fixture files, decoded here as the import
/// reader would (GB18030, GBK, UTF-8; the CCB .xls through ExcelDataReader): header found by names, what becomes a
/// payment, to the fen, with the keys that make a second upload of an overlapping file idempotent.
/// </summary>
public sealed class BankLayoutTests
{
    private static readonly DateOnly March3 = new(2025, 3, 3);

    static BankLayoutTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [Theory]
    [InlineData(true, false, 26)]
    [InlineData(false, false, 26)]
    [InlineData(true, true, 25)]
    public void Alipay_app_finds_its_header_whatever_the_separator_and_preamble(bool oct2025, bool june2026, int firstLine)
    {
        var bytes = BankFixtures.AlipayApp(BankFixtures.SampleAlipayAppRows, oct2025, june2026);
        var rows = Read(new AlipayAppLayout(), Csv(bytes, BankFixtures.Gb18030));

        Assert.Equal(firstLine, rows[0].Line);
        Assert.Equal([50000L, 30000L, 6000L], Amounts(rows, ImportedRowKind.Payment));
        Assert.Equal(3, rows.Count(r => r.Kind == ImportedRowKind.Skipped));
        Assert.Single(rows, r => r.Kind == ImportedRowKind.Refund);
        Assert.DoesNotContain(rows, r => r.Kind == ImportedRowKind.Error);
        Assert.Equal(ImportFormats.AlipayApp, new AlipayAppLayout().Format);
    }

    [Fact]
    public void Alipay_app_lines_carry_payer_keys_and_refund_target()
    {
        var rows = Read(new AlipayAppLayout(), Csv(BankFixtures.SampleAlipayApp(), BankFixtures.Gb18030));

        var first = rows[0];
        Assert.Equal(ImportedRowKind.Payment, first.Kind);
        Assert.Equal("alipay", first.Source);
        Assert.Equal(PaymentMethod.Alipay, first.Method);
        Assert.Equal("20250303200040011100000000000001", first.ExternalRef);
        Assert.Equal(March3, first.ReceivedOn);
        Assert.Equal("12:00:08", first.ReceivedAt);
        Assert.Equal("测试捐赠人丁", first.PayerName);
        Assert.Equal("d***@example.com", first.PayerAccount);
        Assert.True(first.PayerAccountMasked);
        Assert.Equal("转账", first.Memo);

        Assert.Null(rows[1].PayerAccount); // "/" is empty
        Assert.Equal("收钱码收款 / 助学", rows[1].Memo);

        Assert.Equal(ImportMessages.Outgoing, rows[3].Message);
        Assert.Equal(ImportMessages.Neutral, rows[4].Message);
        var refund = rows[5];
        Assert.Equal(ImportedRowKind.Refund, refund.Kind);
        Assert.Equal("20250304200040011100000000000002_R1", refund.ExternalRef);
        Assert.Equal("20250304200040011100000000000002", refund.RefundOf);
        Assert.Equal(30000, refund.Amount);
        Assert.Equal(ImportMessages.NotCompleted("交易关闭"), rows[6].Message);
    }

    [Fact]
    public void Alipay_app_2021_reordered_header_reads_by_name()
    {
        var rows = Read(new AlipayAppLayout(), Csv(BankFixtures.SampleAlipayApp2021(), BankFixtures.Gb18030));

        Assert.Equal([50000L, 123456L], Amounts(rows, ImportedRowKind.Payment));
        Assert.Equal(ImportMessages.Outgoing, rows[1].Message);
        Assert.Equal(new DateOnly(2021, 3, 5), rows[2].ReceivedOn);
        Assert.Equal("18:30:00", rows[2].ReceivedAt);
        Assert.Equal("20210305200040011100000000000003", rows[2].ExternalRef);
    }

    [Theory]
    [InlineData(6, "5OO.00", "金额")]
    [InlineData(0, "2025-13-03 12:00:08", "交易时间")]
    public void A_bad_cell_is_an_error_line_naming_column_and_value(int column, string value, string header)
    {
        var bad = BankFixtures.SampleAlipayAppRows[0].ToArray();
        bad[column] = value;
        var rows = Read(new AlipayAppLayout(), Csv(BankFixtures.AlipayApp([bad, BankFixtures.SampleAlipayAppRows[1]]), BankFixtures.Gb18030));

        Assert.Equal(ImportedRowKind.Error, rows[0].Kind);
        Assert.Equal(column == 6 ? ImportMessages.NotAnAmount(header, value) : ImportMessages.NotADate(header, value), rows[0].Message);
        Assert.Equal(ImportedRowKind.Payment, rows[1].Kind);
    }

    [Fact]
    public void A_time_without_seconds_is_reported_as_excel_damage()
    {
        var bad = BankFixtures.SampleAlipayAppRows[0].ToArray();
        bad[0] = "2025/3/3 12:00";
        var rows = Read(new AlipayAppLayout(), Csv(BankFixtures.AlipayApp([bad]), BankFixtures.Gb18030));

        Assert.Equal(ImportMessages.ExcelDamage("交易时间", "2025/3/3 12:00"), Assert.Single(rows).Message);
    }

    [Fact]
    public void An_id_excel_turned_into_a_number_refuses_the_file()
    {
        var resaved = BankFixtures.SampleAlipayAppRows.Select(r => r.ToArray()).ToList();
        resaved[2][9] = "2.02503E+31";
        var csv = Csv(BankFixtures.AlipayApp(resaved), BankFixtures.Gb18030);

        var refused = Assert.Throws<ImportRefusedException>(() => Read(new AlipayAppLayout(), csv));
        Assert.Equal(ImportMessages.ExcelResaved, refused.Message);

        var corporate = BankFixtures.SampleCorporateRows.Select(r => r.ToArray()).ToList();
        corporate[1][7] = "6.217E+15";
        var bank = Csv(BankFixtures.Corporate(corporate), BankFixtures.Gbk);
        Assert.Throws<ImportRefusedException>(() => Read(new BankMappingLayout(), bank, BankFixtures.CorporateMapping));
    }

    [Fact]
    public void Alipay_web_legacy_keys_by_trade_number_and_stops_at_the_footer()
    {
        var rows = Read(new AlipayWebLayout(), Csv(BankFixtures.SampleAlipayWeb(), BankFixtures.Gb18030));

        Assert.Equal(5, rows.Count);
        Assert.Equal([50000L, 30000L, 6000L], Amounts(rows, ImportedRowKind.Payment));
        Assert.Equal("2020030322001400000000000001", rows[0].ExternalRef);
        Assert.Equal("12:00:09", rows[0].ReceivedAt); // 付款时间
        Assert.Equal("07:45:12", rows[2].ReceivedAt); // never paid: 交易创建时间
        Assert.Equal("测试捐赠人己", rows[2].PayerName);
        Assert.Equal("收钱码收款 / 助学", rows[2].Memo);
        Assert.Equal(ImportMessages.Outgoing, rows[3].Message);
        Assert.Equal(ImportMessages.NotCompleted("交易关闭"), rows[4].Message);
        Assert.Equal(ImportFormats.AlipayWeb, new AlipayWebLayout().Format);
    }

    [Fact]
    public void Alipay_enterprise_ledger_skips_comment_lines()
    {
        var rows = Read(new AlipayEnterpriseLayout(), Csv(BankFixtures.SampleAlipayEnterprise(), BankFixtures.Gb18030));

        Assert.Equal(3, rows.Count);
        Assert.Equal([50000L, 200000L], Amounts(rows, ImportedRowKind.Payment));
        Assert.Equal("20250303100000000000000000000001", rows[0].ExternalRef);
        Assert.True(rows[0].PayerAccountMasked);
        Assert.Equal("company@example.com", rows[1].PayerAccount);
        Assert.False(rows[1].PayerAccountMasked);
        Assert.Equal(new DateOnly(2025, 3, 4), rows[1].ReceivedOn);
        Assert.Equal(ImportedRowKind.Skipped, rows[2].Kind);
        Assert.Equal(ImportMessages.Outgoing, rows[2].Message);
        Assert.Equal(150, rows[2].Amount);
        Assert.Equal(ImportFormats.AlipayEnterprise, new AlipayEnterpriseLayout().Format);
    }

    [Fact]
    public void Icbc_v2_keys_lines_by_date_amount_balance_and_counterparty_counting_repeats()
    {
        var rows = Read(new IcbcPersonalLayout(), Csv(BankFixtures.SampleIcbcV2(), Encoding.UTF8));

        Assert.Equal(7, rows.Count); // 人民币合计 is not a line
        Assert.Equal(6, rows[0].Line);
        Assert.Equal([100000L, 20000L, 5000L, 1000L, 1000L], Amounts(rows, ImportedRowKind.Payment));
        Assert.Equal(2, rows.Count(r => r.Kind == ImportedRowKind.Skipped && r.Message == ImportMessages.Outgoing));
        var first = rows[0];
        Assert.Equal("bank:icbc", first.Source);
        Assert.Equal("2025-03-03|100000|1100000|6217****1111|测试捐赠人庚", first.ExternalRef);
        Assert.Equal(March3, first.ReceivedOn);
        Assert.Null(first.ReceivedAt);
        Assert.Equal("测试捐赠人庚", first.PayerName);
        Assert.Equal("6217****1111", first.PayerAccount);
        Assert.True(first.PayerAccountMasked);
        Assert.Equal("CNY", first.Currency);
        Assert.Equal("网转 / 助学捐款", rows[1].Memo);
        Assert.Equal("2025-03-07|1000|1123000|6217****4444|测试捐赠人癸", rows[4].ExternalRef);
        Assert.Equal("2025-03-07|1000|1123000|6217****4444|测试捐赠人癸#2", rows[6].ExternalRef);
        Assert.Equal(ImportFormats.IcbcPersonal, new IcbcPersonalLayout().Format);
    }

    [Fact]
    public void Icbc_v1_without_counterparty_account()
    {
        var rows = Read(new IcbcPersonalLayout(), Csv(BankFixtures.SampleIcbcV1(), Encoding.UTF8));

        Assert.Equal(2, rows.Count);
        Assert.Equal([80000L], Amounts(rows, ImportedRowKind.Payment));
        Assert.Null(rows[0].PayerAccount);
        Assert.Equal("2024-12-01|80000|580000||测试捐赠人子", rows[0].ExternalRef);
        Assert.Equal(1230, rows[1].Amount);
        Assert.Equal(ImportMessages.Outgoing, rows[1].Message);
    }

    [Fact]
    public void Ccb_xls_reads_number_cells_and_padded_headers()
    {
        var rows = Read(new CcbPersonalLayout(), Sheet(BankFixtures.SampleCcbXls()));

        Assert.Equal(3, rows.Count); // the 以上数据仅供参考 footer is not a line
        Assert.Equal(7, rows[0].Line);
        Assert.Equal([123450L, 8800L], Amounts(rows, ImportedRowKind.Payment));
        var first = rows[0];
        Assert.Equal("bank:ccb", first.Source);
        Assert.Equal(March3, first.ReceivedOn);
        Assert.Equal("09:12:44", first.ReceivedAt);
        Assert.Equal("2025-03-03|09:12:44|123450|2123450|6217****5555|测试捐赠人丑", first.ExternalRef);
        Assert.Equal("测试捐赠人丑", first.PayerName);
        Assert.True(first.PayerAccountMasked);
        Assert.Equal(ImportMessages.Outgoing, rows[1].Message);
        Assert.Equal(2580, rows[1].Amount);
        Assert.Equal(new DateOnly(2025, 3, 5), rows[2].ReceivedOn); // 交易日期, not 记账日
        Assert.Equal(ImportFormats.CcbPersonal, new CcbPersonalLayout().Format);
    }

    [Fact]
    public void Corporate_export_through_a_mapping_uses_the_bank_reference()
    {
        var csv = Csv(BankFixtures.SampleCorporate(), BankFixtures.Gbk);
        Assert.Equal(-1, new BankMappingLayout().FindHeader(csv, null));

        var rows = Read(new BankMappingLayout(), csv, BankFixtures.CorporateMapping);

        Assert.Equal(3, rows.Count); // 合计 is not a line
        Assert.Equal([2000000L, 50000L], Amounts(rows, ImportedRowKind.Payment));
        var first = rows[0];
        Assert.Equal("bank", first.Source);
        Assert.Equal("XN2025030300000001", first.ExternalRef);
        Assert.Equal("测试科技有限公司", first.PayerName);
        Assert.Equal("3100000000000000001", first.PayerAccount);
        Assert.False(first.PayerAccountMasked);
        Assert.Equal(March3, first.ReceivedOn);
        Assert.Equal("09:12:44", first.ReceivedAt);
        Assert.Equal("助学捐款", first.Memo);
        Assert.Equal(ImportMessages.Outgoing, rows[2].Message);
        Assert.Equal(1200, rows[2].Amount);
    }

    [Fact]
    public void A_signed_amount_mapping_without_reference_builds_a_composite_key()
    {
        var mapping = new ColumnMapping { Date = "交易日期", Time = "交易时间", Amount = "交易金额", Balance = "本次余额", PayerName = "对方户名", DateFormat = "yyyyMMdd" };
        var csv = new List<SheetRow>
        {
            new(1, ["交易日期", "交易时间", "交易摘要", "交易金额", "本次余额", "对方户名"]),
            new(2, ["20250303", "091244", "转存", "+10000.00", "10000.00", "测试捐赠人辰"]),
            new(3, ["20250304", "", "消费", "-10.00", "9990.00", "某店"]),
            new(4, ["2025-3-5", "", "转存", "+1.00", "9991.00", "测试捐赠人巳"]),
        };

        var rows = Read(new BankMappingLayout(), csv, mapping);

        Assert.Equal(ImportedRowKind.Payment, rows[0].Kind);
        Assert.Equal(1000000, rows[0].Amount);
        Assert.Equal("2025-03-03|09:12:44|1000000|1000000||测试捐赠人辰", rows[0].ExternalRef);
        Assert.Equal(ImportMessages.Outgoing, rows[1].Message);
        Assert.Equal(1000, rows[1].Amount);
        Assert.Equal(ImportMessages.NotADate("交易日期", "2025-3-5"), rows[2].Message);
    }

    [Fact]
    public void Camt053_v02_and_v08_read_booked_credits_only()
    {
        foreach (var (bytes, source) in new[]
                 {
                     (BankFixtures.SampleCamt053V02(), "camt:CN0000000000000000000001"),
                     (BankFixtures.SampleCamt053V08(), "camt:1100000000000000000"),
                 })
        {
            Assert.True(Camt053Reader.IsCamt053(bytes.AsSpan(0, 300)));
            var rows = Camt053Reader.Read(new MemoryStream(bytes)).ToList();

            Assert.Equal([1, 2, 3, 4, 5], rows.Select(r => r.Line));
            Assert.Equal([50000L, 710250L, 6660L], Amounts(rows, ImportedRowKind.Payment));
            Assert.All(rows, r => Assert.Equal(source, r.Source));
            var first = rows[0];
            Assert.Equal("TESTBANKREF0001", first.ExternalRef);
            Assert.Equal("Test Donor Alpha", first.PayerName);
            Assert.Equal("DE00000000000000000001", first.PayerAccount);
            Assert.False(first.PayerAccountMasked);
            Assert.Equal("Student aid donation", first.Memo);
            Assert.Equal(March3, first.ReceivedOn);
            Assert.Equal("CNY", rows[1].Currency); // instructed in EUR, booked in CNY
            Assert.Equal(ImportMessages.Outgoing, rows[2].Message);
            Assert.Equal(ImportMessages.NotBooked, rows[3].Message);
            Assert.Equal("E2E-0005", rows[4].ExternalRef);
            Assert.Equal("6222000000000005", rows[4].PayerAccount);
            Assert.Equal("测试捐赠人卯", rows[4].PayerName);
        }
    }

    [Fact]
    public void Camt053_reports_a_foreign_booked_currency_and_a_reversal()
    {
        var bytes = BankFixtures.Camt053V08([new("REF-EUR", 12.34m, "EUR", "CRDT", "BOOK", "2025-03-03", "Test Donor")]);
        var eur = Assert.Single(Camt053Reader.Read(new MemoryStream(bytes)));
        Assert.Equal(("EUR", 1234L, ImportedRowKind.Payment), (eur.Currency, eur.Amount, eur.Kind));

        var reversed = Encoding.UTF8.GetString(bytes).Replace("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>");
        var row = Assert.Single(Camt053Reader.Read(new MemoryStream(Encoding.UTF8.GetBytes(reversed))));
        Assert.Equal(ImportMessages.NotCompleted("reversal"), row.Message);
    }

    [Fact]
    public void Camt053_is_recognised_by_namespace_only()
    {
        Assert.False(Camt053Reader.IsCamt053(Encoding.UTF8.GetBytes("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.08\">")));
        Assert.False(Camt053Reader.IsCamt053(BankFixtures.SampleAlipayApp()));
        Assert.True(Camt053Reader.IsCamt053(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(
            "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">")).ToArray()));
    }

    [Theory]
    [InlineData("alipay-app")]
    [InlineData("alipay-app-2021")]
    [InlineData("alipay-web")]
    [InlineData("alipay-enterprise")]
    [InlineData("icbc-v2")]
    [InlineData("icbc-v1")]
    [InlineData("ccb")]
    [InlineData("corporate")]
    public void Each_fixture_is_claimed_by_its_own_layout_only(string fixture)
    {
        var (rows, expected) = fixture switch
        {
            "alipay-app" => (Csv(BankFixtures.SampleAlipayApp(), BankFixtures.Gb18030), ImportFormats.AlipayApp),
            "alipay-app-2021" => (Csv(BankFixtures.SampleAlipayApp2021(), BankFixtures.Gb18030), ImportFormats.AlipayApp),
            "alipay-web" => (Csv(BankFixtures.SampleAlipayWeb(), BankFixtures.Gb18030), ImportFormats.AlipayWeb),
            "alipay-enterprise" => (Csv(BankFixtures.SampleAlipayEnterprise(), BankFixtures.Gb18030), ImportFormats.AlipayEnterprise),
            "icbc-v2" => (Csv(BankFixtures.SampleIcbcV2(), Encoding.UTF8), ImportFormats.IcbcPersonal),
            "icbc-v1" => (Csv(BankFixtures.SampleIcbcV1(), Encoding.UTF8), ImportFormats.IcbcPersonal),
            "ccb" => (Sheet(BankFixtures.SampleCcbXls()), ImportFormats.CcbPersonal),
            _ => (Csv(BankFixtures.SampleCorporate(), BankFixtures.Gbk), ImportFormats.BankMapping),
        };
        ITabularLayout[] layouts =
            [new AlipayAppLayout(), new AlipayWebLayout(), new AlipayEnterpriseLayout(), new IcbcPersonalLayout(), new CcbPersonalLayout(), new BankMappingLayout()];

        var claimed = layouts.Where(l => l.FindHeader([.. rows.Take(60)], BankFixtures.CorporateMapping) >= 0).Select(l => l.Format);

        Assert.Equal([expected], claimed);
    }

    [Fact]
    public void A_large_file_streams_with_distinct_keys()
    {
        var rows = Enumerable.Range(0, 20_000).Select(i => new[]
        {
            "2025-03-03", "他行汇入", "", "", "CHN", "钞", "1.00", "-", "人民币", "1.00", "", "人民币", (i + 1).ToString("#,##0.00", CultureInfo.InvariantCulture),
            "测试捐赠人", "6217****0000",
        });

        var read = Read(new IcbcPersonalLayout(), Csv(BankFixtures.IcbcV2(rows), Encoding.UTF8));

        Assert.Equal(20_000, read.Count(r => r.Kind == ImportedRowKind.Payment));
        Assert.Equal(20_000, read.Select(r => r.ExternalRef).Distinct().Count());
    }

    // ---- helpers: a header found in the first 60 rows, then the rest streamed -----------------------------------------

    private static List<ImportedRow> Read(ITabularLayout layout, IReadOnlyList<SheetRow> rows, ColumnMapping? mapping = null)
    {
        var header = layout.FindHeader([.. rows.Take(60)], mapping);
        Assert.True(header >= 0, $"{layout.Format} did not find its header");
        return layout.Read(rows[header], rows.Skip(header + 1), mapping).ToList();
    }

    private static long[] Amounts(IEnumerable<ImportedRow> rows, ImportedRowKind kind) =>
        rows.Where(r => r.Kind == kind).Select(r => r.Amount).ToArray();

    /// <summary>A minimal RFC 4180 split (quotes, doubled quotes, CRLF), enough for the fixtures.</summary>
    private static List<SheetRow> Csv(byte[] bytes, Encoding encoding)
    {
        var text = encoding.GetString(bytes).TrimStart('\uFEFF');
        var rows = new List<SheetRow>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n')
            {
                cells.Add(cell.ToString());
                cell.Clear();
                rows.Add(new SheetRow(line++, [.. cells]));
                cells.Clear();
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0) { cells.Add(cell.ToString()); rows.Add(new SheetRow(line, [.. cells])); }
        return rows;
    }

    /// <summary>A worksheet as the import reader shows it: numbers in invariant decimal text, dates as yyyy-MM-dd HH:mm:ss.</summary>
    private static List<SheetRow> Sheet(byte[] bytes)
    {
        using var reader = ExcelReaderFactory.CreateReader(new MemoryStream(bytes));
        var rows = new List<SheetRow>();
        var line = 0;
        while (reader.Read())
        {
            line++;
            var cells = new string[reader.FieldCount];
            for (var i = 0; i < cells.Length; i++)
                cells[i] = reader.GetValue(i) switch
                {
                    null => "",
                    double d => decimal.Round((decimal)d, 2).ToString(CultureInfo.InvariantCulture),
                    DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    var o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? "",
                };
            rows.Add(new SheetRow(line, cells));
        }
        return rows;
    }
}

/// <summary>
/// Each fixture through the whole reader, named "upload.bin" so only content can tell: the container, the encoding and
/// the layout are detected, and the lines come out as the layout tests expect.
/// </summary>
public sealed class BankImportEndToEndTests
{
    [Theory]
    [InlineData("alipay-app", ImportFormats.AlipayApp, "gb18030", 3, 3, 1)]
    [InlineData("alipay-app-2026", ImportFormats.AlipayApp, "gb18030", 3, 3, 1)]
    [InlineData("alipay-app-2021", ImportFormats.AlipayApp, "gb18030", 2, 1, 0)]
    [InlineData("alipay-web", ImportFormats.AlipayWeb, "gb18030", 3, 2, 0)]
    [InlineData("alipay-enterprise", ImportFormats.AlipayEnterprise, "gb18030", 2, 1, 0)]
    [InlineData("icbc-v2", ImportFormats.IcbcPersonal, "utf-8", 5, 2, 0)]
    [InlineData("icbc-v1", ImportFormats.IcbcPersonal, "utf-8", 1, 1, 0)]
    [InlineData("ccb", ImportFormats.CcbPersonal, "xls", 2, 1, 0)]
    [InlineData("corporate", ImportFormats.BankMapping, "gb18030", 2, 1, 0)]
    [InlineData("camt-v02", ImportFormats.Camt053, "xml", 3, 2, 0)]
    [InlineData("camt-v08", ImportFormats.Camt053, "xml", 3, 2, 0)]
    public void Detected_by_content(string fixture, string format, string encoding, int payments, int skipped, int refunds)
    {
        var (bytes, mapping) = fixture switch
        {
            "alipay-app" => (BankFixtures.SampleAlipayApp(), null),
            "alipay-app-2026" => (BankFixtures.AlipayApp(BankFixtures.SampleAlipayAppRows, oct2025Separator: true, june2026: true), null),
            "alipay-app-2021" => (BankFixtures.SampleAlipayApp2021(), null),
            "alipay-web" => (BankFixtures.SampleAlipayWeb(), null),
            "alipay-enterprise" => (BankFixtures.SampleAlipayEnterprise(), null),
            "icbc-v2" => (BankFixtures.SampleIcbcV2(), null),
            "icbc-v1" => (BankFixtures.SampleIcbcV1(), null),
            "ccb" => (BankFixtures.SampleCcbXls(), null),
            "corporate" => (BankFixtures.SampleCorporate(), BankFixtures.CorporateMapping),
            "camt-v02" => (BankFixtures.SampleCamt053V02(), null),
            _ => (BankFixtures.SampleCamt053V08(), (ColumnMapping?)null),
        };

        var file = ImportFileReader.Create().Read(new MemoryStream(bytes), "upload.bin", null, mapping);
        var rows = file.Rows.ToList();

        Assert.Equal(format, file.Format);
        Assert.Equal(encoding, file.Encoding);
        Assert.Equal(payments, rows.Count(r => r.Kind == ImportedRowKind.Payment));
        Assert.Equal(skipped, rows.Count(r => r.Kind == ImportedRowKind.Skipped));
        Assert.Equal(refunds, rows.Count(r => r.Kind == ImportedRowKind.Refund));
        Assert.DoesNotContain(rows, r => r.Kind == ImportedRowKind.Error);
        Assert.All(rows.Where(r => r.Kind == ImportedRowKind.Payment), r => Assert.True(r.Amount > 0 && r.ExternalRef is not null && r.ReceivedOn is not null));
    }

    [Fact]
    public void Ccb_xls_amounts_survive_the_reader_to_the_fen()
    {
        var rows = ImportFileReader.Create().Read(new MemoryStream(BankFixtures.SampleCcbXls()), "交易明细.xls", null, null).Rows.ToList();

        Assert.Equal([123450L, 2580L, 8800L], rows.Select(r => r.Amount));
        Assert.Equal("2025-03-03|09:12:44|123450|2123450|6217****5555|测试捐赠人丑", rows[0].ExternalRef);
    }

    [Fact]
    public void A_corporate_export_without_a_mapping_is_refused_as_unknown()
    {
        var refused = Assert.Throws<ImportRefusedException>(() =>
            ImportFileReader.Create().Read(new MemoryStream(BankFixtures.SampleCorporate()), "bank.csv", null, null));
        Assert.Equal(ImportMessages.UnknownLayout, refused.Message);
    }
}
