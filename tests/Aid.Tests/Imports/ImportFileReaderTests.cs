using System.Text;
using Aid.Application.Gifts;
using Aid.Application.Imports;
using Aid.Infrastructure.Imports;

namespace Aid.Tests.Imports;

public sealed class ImportFileReaderTests
{
    private static readonly ImportFileReader Reader = ImportFileReader.Create();

    private static (ImportFile File, List<ImportedRow> Rows) Read(byte[] bytes, string? format = null, ImportFileReader? reader = null)
    {
        var file = (reader ?? Reader).Read(new MemoryStream(bytes), "upload", format, null);
        return (file, file.Rows.ToList());
    }

    private static string Refusal(byte[] bytes, ImportFileReader? reader = null, string? format = null) =>
        Assert.Throws<ImportRefusedException>(() => Read(bytes, format, reader)).Message;

    private static int Count(List<ImportedRow> rows, ImportedRowKind kind) => rows.Count(r => r.Kind == kind);

    // ---- Aid template -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(true, "utf-8-bom")]
    [InlineData(false, "gb18030")]
    public void Template_csv_reads_every_method_to_the_fen(bool utf8Bom, string encoding)
    {
        var (file, rows) = Read(utf8Bom ? ImportFixtures.SampleTemplateCsvUtf8Bom() : ImportFixtures.SampleTemplateCsvGb18030());

        Assert.Equal(ImportFormats.AidTemplate, file.Format);
        Assert.Equal(encoding, file.Encoding);
        Assert.Equal(5, Count(rows, ImportedRowKind.Payment));
        Assert.Equal([10000L, 2000000L, 5000L, 20000L, 1L], rows.Select(r => r.Amount));
        Assert.Equal(["bank", "cheque", "aid", "wechat", "alipay"], rows.Select(r => r.Source));
        Assert.Equal([PaymentMethod.BankTransfer, PaymentMethod.Cheque, PaymentMethod.Cash, PaymentMethod.WechatPay, PaymentMethod.Alipay],
            rows.Select(r => r.Method));
        Assert.Equal([new DateOnly(2025, 3, 1), new DateOnly(2025, 3, 2), new DateOnly(2025, 3, 3), new DateOnly(2025, 3, 4), new DateOnly(2025, 3, 5)],
            rows.Select(r => r.ReceivedOn!.Value));
        Assert.Equal([2, 3, 4, 5, 6], rows.Select(r => r.Line));
        Assert.Equal("张三", rows[0].PayerName);
        Assert.Equal(new ImportedDonor("person", "13800000000", "zhang@example.com", null), rows[0].Donor);
        Assert.Equal(new ImportedDonor("organisation", null, null, "91110000000000000X"), rows[1].Donor);
        // Cash without a reference: a key made of the line's values, so the same file uploaded again is recognised.
        Assert.Equal("2025-03-03|5000|李四|现金|现场捐款", rows[2].ExternalRef);
        Assert.True(rows[2].ComposedReference);
        Assert.False(rows[3].ComposedReference);
        Assert.Equal("100004990125030200000000000001", rows[3].ExternalRef);
        Assert.Equal("助学捐款", rows[0].Memo);
    }

    [Fact]
    public void Template_accepts_english_headers()
    {
        string[] english = ["receivedOn", "donor", "amount", "method", "reference", "memo", "type", "phone", "email", "organisationCode"];
        var bytes = ImportFixtures.TemplateCsv([new("2025-03-01", "Jane Doe", "12.30", "bank_transfer", "R1", Type: "person")],
            new UTF8Encoding(false), bom: false, english);

        var (file, rows) = Read(bytes);

        Assert.Equal(ImportFormats.AidTemplate, file.Format);
        Assert.Equal("utf-8", file.Encoding);
        var row = Assert.Single(rows);
        Assert.Equal((ImportedRowKind.Payment, 1230L, "bank", "R1", "person"), (row.Kind, row.Amount, row.Source, row.ExternalRef, row.Donor!.Kind));
    }

    [Fact]
    public void Template_xlsx_reads_number_and_date_cells()
    {
        var (file, rows) = Read(ImportFixtures.SampleTemplateXlsx());

        Assert.Equal(ImportFormats.AidTemplate, file.Format);
        Assert.Equal("xlsx", file.Encoding);
        Assert.All(rows, r => Assert.Equal(ImportedRowKind.Payment, r.Kind));
        Assert.Equal([10000L, 123456L, 10L], rows.Select(r => r.Amount));
        Assert.Equal([new DateOnly(2025, 3, 1), new DateOnly(2025, 3, 2), new DateOnly(2025, 3, 3)], rows.Select(r => r.ReceivedOn!.Value));
        // A line without a reference has a key made of its values, in Aid's own namespace ("aid"), whatever its method.
        Assert.Equal(["bank", "aid", "cheque"], rows.Select(r => r.Source));
        Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
    }

    [Fact]
    public void Template_lines_that_cannot_be_read_say_which_column_and_value()
    {
        var bytes = ImportFixtures.TemplateCsv(
        [
            new("2025-03-01", "甲", "0", "现金"),
            new("2025-03-01", "乙", "-5.00", "现金"),
            new("2025-03-01", "丙", "12.345", "现金"),
            new("2025-13-01", "丁", "1.00", "现金"),
            new("2025-03-01", "", "1.00", "现金"),
            new("2025-03-01", "戊", "1.00", "比特币"),
            new("2025-03-01", "己", "1.00", "现金", Type: "团体"),
            new("2025-03-01", "庚", "1.00", "支付宝", "2.02503E+31"),
            new("2025-03-01", "辛", "1.00", "现金"),
        ], new UTF8Encoding(false), bom: true);

        var (_, rows) = Read(bytes);

        Assert.Equal(
        [
            ImportMessages.NotAnAmount("金额", "0"),
            ImportMessages.NotAnAmount("金额", "-5.00"),
            ImportMessages.NotAnAmount("金额", "12.345"),
            ImportMessages.NotADate("收到日期", "2025-13-01"),
            ImportMessages.Empty("捐赠人"),
            ImportMessages.NotAllowed("方式", "比特币"),
            ImportMessages.NotAllowed("类型", "团体"),
            ImportMessages.ExcelDamage("参考号", "2.02503E+31"),
            null,
        ], rows.Select(r => r.Message));
        Assert.Equal(8, Count(rows, ImportedRowKind.Error));
        Assert.Equal(ImportedRowKind.Payment, rows[^1].Kind);
    }

    [Fact]
    public void Csv_quotes_doubled_quotes_and_quoted_newlines_keep_line_numbers()
    {
        var bytes = ImportFixtures.TemplateCsv(
        [
            new("2025-03-01", "甲", "1,000.00", "现金", Memo: "第一行\r\n第二行, 还有 \"引号\""),
            new("2025-03-02", "乙", "2.00", "现金"),
        ], new UTF8Encoding(false), bom: true);

        var (_, rows) = Read(bytes);

        Assert.Equal([2, 4], rows.Select(r => r.Line));
        Assert.Equal("第一行\r\n第二行, 还有 \"引号\"", rows[0].Memo);
        Assert.Equal([100000L, 200L], rows.Select(r => r.Amount));
    }

    [Fact]
    public void Downloadable_template_is_read_back_as_one_payment()
    {
        var csv = ImportTemplate.Csv();
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        Assert.Contains("\r\n", Encoding.UTF8.GetString(csv));

        foreach (var (bytes, encoding) in new[] { (csv, "utf-8-bom"), (ImportTemplate.Xlsx(), "xlsx") })
        {
            var (file, rows) = Read(bytes);
            Assert.Equal((ImportFormats.AidTemplate, encoding), (file.Format, file.Encoding));
            var row = Assert.Single(rows);
            Assert.Equal((ImportedRowKind.Payment, 10000L, "张三", new DateOnly(2025, 3, 1), PaymentMethod.BankTransfer),
                (row.Kind, row.Amount, row.PayerName, row.ReceivedOn!.Value, row.Method));
        }
    }

    // ---- WeChat personal ----------------------------------------------------------------------------------------------

    public static TheoryData<string, string> WechatPersonalVariants => new()
    {
        { "csv-bom", "utf-8-bom" }, { "csv", "utf-8" }, { "xlsx-2025", "xlsx" }, { "xlsx-2026", "xlsx" },
    };

    private static byte[] WechatPersonal(string variant) => variant switch
    {
        "csv-bom" => ImportFixtures.SampleWechatPersonalCsv(bom: true),
        "csv" => ImportFixtures.SampleWechatPersonalCsv(bom: false),
        "xlsx-2025" => ImportFixtures.SampleWechatPersonalXlsx(layout2026: false),
        _ => ImportFixtures.SampleWechatPersonalXlsx(layout2026: true),
    };

    [Theory]
    [MemberData(nameof(WechatPersonalVariants))]
    public void Wechat_personal_bill_in_every_variant(string variant, string encoding)
    {
        var (file, rows) = Read(WechatPersonal(variant));

        Assert.Equal(ImportFormats.WechatPersonal, file.Format);
        Assert.Equal(encoding, file.Encoding);
        Assert.Equal((3, 1, 3, 1),
            (Count(rows, ImportedRowKind.Payment), Count(rows, ImportedRowKind.Refund), Count(rows, ImportedRowKind.Skipped), Count(rows, ImportedRowKind.Error)));
        Assert.Equal([20000L, 123456L, 10000L, 2816L, 50000L, 5000L, 8000L, 6600L], rows.Select(r => r.Amount));
        Assert.All(rows, r => Assert.Equal("wechat", r.Source));
        Assert.All(rows, r => Assert.Equal(PaymentMethod.WechatPay, r.Method));
        Assert.All(rows, r => Assert.DoesNotMatch("[\t`]", r.ExternalRef!));

        var first = rows[0];
        Assert.Equal(ImportFixtures.WechatId(1), first.ExternalRef);
        Assert.Equal((new DateOnly(2025, 3, 2), "10:15:01"), (first.ReceivedOn!.Value, first.ReceivedAt));
        Assert.Equal(("测试捐赠人甲", "助学捐款"), (first.PayerName, first.Memo));
        Assert.Equal("转账备注:助学", rows[1].Memo);
        Assert.Equal("测试捐赠人丙🌸", rows[2].PayerName);

        Assert.Equal([ImportMessages.Outgoing, ImportMessages.Neutral, ImportMessages.NotCompleted("朋友未领取")],
            rows.Where(r => r.Kind == ImportedRowKind.Skipped).Select(r => r.Message));
        var refund = rows.Single(r => r.Kind == ImportedRowKind.Refund);
        Assert.Equal((ImportFixtures.WechatId(6), ImportFixtures.WechatId(6) + "#refund"), (refund.RefundOf, refund.ExternalRef));
        Assert.Equal(ImportMessages.NotCompleted("已退款(￥20.00)"), rows.Single(r => r.Kind == ImportedRowKind.Error).Message);

        var headerLine = variant switch { "xlsx-2026" => 18, _ => 17 };
        Assert.Equal(headerLine + 1, first.Line);
    }

    [Fact]
    public void Wechat_personal_csv_builder_takes_rows()
    {
        var bytes = ImportFixtures.WechatPersonalCsv([(new DateTime(2025, 5, 6, 7, 8, 9), "某人", 9876.54m, ImportFixtures.WechatId(42))], bom: false);

        var row = Assert.Single(Read(bytes).Rows);

        Assert.Equal((ImportedRowKind.Payment, 987654L, "07:08:09"), (row.Kind, row.Amount, row.ReceivedAt));
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    public void Wechat_bill_resaved_by_excel_is_refused(bool scientificIds, bool dropSeconds, bool splitThousands)
    {
        var bytes = ImportFixtures.WechatPersonalExcelResaved(ImportFixtures.SampleWechatPersonalRows.Take(3), scientificIds, dropSeconds, splitThousands);

        var file = Reader.Read(new MemoryStream(bytes), "bill.csv", null, null);

        Assert.Equal((ImportFormats.WechatPersonal, "gb18030"), (file.Format, file.Encoding));
        Assert.Equal(ImportMessages.ExcelResaved, Assert.Throws<ImportRefusedException>(() => file.Rows.ToList()).Message);
    }

    [Fact]
    public void Wechat_bill_through_excel_without_damage_is_read()
    {
        // The same GB18030 file with ids, seconds and amounts intact: nothing to refuse.
        var bytes = ImportFixtures.WechatPersonalExcelResaved(ImportFixtures.SampleWechatPersonalRows.Take(3), false, false, false);

        var (_, rows) = Read(bytes);

        Assert.Equal([20000L, 123456L, 10000L], rows.Select(r => r.Amount));
    }

    // ---- WeChat merchant ----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wechat_merchant_all_bill(bool oldNames)
    {
        var (file, rows) = Read(ImportFixtures.WechatMerchantAll(ImportFixtures.SampleWechatMerchantRows, oldNames));

        Assert.Equal((ImportFormats.WechatMerchant, "utf-8"), (file.Format, file.Encoding));
        Assert.Equal(4, rows.Count); // the summary after 总交易单数 is not a line
        Assert.Equal((2, 1, 1),
            (Count(rows, ImportedRowKind.Payment), Count(rows, ImportedRowKind.Refund), Count(rows, ImportedRowKind.Skipped)));
        Assert.Equal([20000L, 5000L, 5000L, 1000L], rows.Select(r => r.Amount));
        var payment = rows[0];
        Assert.Equal((ImportFixtures.MerchantOrder(1), "oTEST_openid_aaaaaaaaaaaaaaaa", null, "助学捐款"),
            (payment.ExternalRef, payment.PayerId, payment.PayerName, payment.Memo));
        Assert.Equal((new DateOnly(2025, 3, 2), "10:15:01"), (payment.ReceivedOn!.Value, payment.ReceivedAt));
        var refund = rows[2];
        Assert.Equal((ImportedRowKind.Refund, "50300000002025030300000000001", ImportFixtures.MerchantOrder(2)),
            (refund.Kind, refund.ExternalRef, refund.RefundOf));
        Assert.Equal(ImportMessages.NotCompleted("REVOKED"), rows[3].Message);
        Assert.All(rows, r => Assert.DoesNotMatch("[\t`]", r.ExternalRef!));
        Assert.All(rows, r => Assert.Equal(("wechat", PaymentMethod.WechatPay), (r.Source, r.Method)));
    }

    [Fact]
    public void Wechat_merchant_refund_bill()
    {
        var (file, rows) = Read(ImportFixtures.WechatMerchantRefund(ImportFixtures.SampleWechatMerchantRefundRows));

        Assert.Equal(ImportFormats.WechatMerchant, file.Format);
        Assert.Equal([ImportedRowKind.Refund, ImportedRowKind.Refund, ImportedRowKind.Skipped], rows.Select(r => r.Kind));
        Assert.Equal([5000L, 12050L], rows.Take(2).Select(r => r.Amount));
        Assert.Equal([ImportFixtures.MerchantOrder(2), ImportFixtures.MerchantOrder(5)], rows.Take(2).Select(r => r.RefundOf));
        Assert.Equal((new DateOnly(2025, 3, 4), "09:30:15"), (rows[1].ReceivedOn!.Value, rows[1].ReceivedAt));
        Assert.Equal(ImportMessages.NotCompleted("PROCESSING"), rows[2].Message);
    }

    [Fact]
    public void Csv_with_lf_or_cr_endings_trailing_commas_and_ragged_rows()
    {
        var bytes = Encoding.UTF8.GetBytes(
            "收到日期,捐赠人,金额,方式,\n2025-03-01,甲,1.00,现金,,,,,,,,\n2025-03-02,乙,2.00,现金\r2025-03-03, \"丙\" ,\"3.00\",现金\n\n");

        var (file, rows) = Read(bytes);

        Assert.Equal("utf-8", file.Encoding);
        Assert.Equal([(2, 100L, "甲"), (3, 200L, "乙"), (4, 300L, "丙")], rows.Select(r => (r.Line, r.Amount, r.PayerName!)));
        Assert.All(rows, r => Assert.Equal(ImportedRowKind.Payment, r.Kind));
    }

    // ---- choosing the layout ------------------------------------------------------------------------------------------

    /// <summary>A layout that claims any file at a fixed row, to see which one the reader asks first.</summary>
    private sealed class Claims(string format) : ITabularLayout
    {
        public string Format => format;
        public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping) => 0;
        public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping) => [];
    }

    [Fact]
    public void A_mapping_puts_the_bank_mapping_layout_first_and_a_format_names_the_layout()
    {
        var reader = new ImportFileReader([new Claims(ImportFormats.AidTemplate), new Claims(ImportFormats.BankMapping)], 1024 * 1024);
        var mapping = new ColumnMapping { Date = "交易日期", Credit = "贷方发生额" };
        var bytes = ImportFixtures.UnknownCsv();

        Assert.Equal(ImportFormats.AidTemplate, reader.Read(new MemoryStream(bytes), null, null, null).Format);
        Assert.Equal(ImportFormats.BankMapping, reader.Read(new MemoryStream(bytes), null, null, mapping).Format);
        Assert.Equal(ImportFormats.BankMapping, reader.Read(new MemoryStream(bytes), null, ImportFormats.BankMapping, null).Format);
        Assert.Equal(ImportMessages.UnknownLayout,
            Assert.Throws<ImportRefusedException>(() => reader.Read(new MemoryStream(bytes), null, ImportFormats.WechatMerchant, null)).Message);
    }

    [Fact]
    public void The_header_is_looked_for_in_the_first_60_rows_only()
    {
        var lines = string.Concat(Enumerable.Repeat("说明,,,\r\n", 59)) + "收到日期,捐赠人,金额,方式\r\n2025-03-01,甲,1.00,现金\r\n";
        Assert.Equal(ImportFormats.AidTemplate, Read(Encoding.UTF8.GetBytes(lines)).File.Format);

        Assert.Equal(ImportMessages.UnknownLayout, Refusal(Encoding.UTF8.GetBytes("说明,,,\r\n" + lines)));
    }

    [Fact]
    public void A_named_format_reads_only_that_layout()
    {
        var bill = ImportFixtures.SampleWechatPersonalCsv();

        Assert.Equal(ImportFormats.WechatPersonal, Read(bill, ImportFormats.WechatPersonal).File.Format);
        Assert.Equal(ImportMessages.UnknownLayout, Refusal(bill, format: ImportFormats.WechatMerchant));
        Assert.Equal(ImportMessages.UnknownLayout, Refusal(bill, format: ImportFormats.Camt053));
    }

    // ---- refusals -----------------------------------------------------------------------------------------------------

    [Fact]
    public void Html_saved_as_xls_is_refused() => Assert.Equal(ImportMessages.HtmlPretendingToBeXls, Refusal(ImportFixtures.HtmlXls()));

    [Fact]
    public void Workbook_that_unpacks_past_the_cap_is_refused()
    {
        var capped = new ImportFileReader(
            [new AidTemplateLayout(), new WechatPersonalLayout(), new WechatMerchantLayout()], maxUnpackedBytes: 1024 * 1024);
        var bomb = ImportFixtures.XlsxBomb(5 * 1024 * 1024);

        Assert.True(bomb.Length < 200 * 1024);
        Assert.Equal(ImportMessages.TooLargeUnpacked, Refusal(bomb, capped));
        Assert.Equal(3, Read(bomb).Rows.Count); // the default cap (256 MiB) lets the same workbook through
    }

    [Fact]
    public void Password_protected_archive_is_refused() => Assert.Equal(ImportMessages.Encrypted, Refusal(ImportFixtures.PasswordZip()));

    [Fact]
    public void Password_protected_workbook_is_refused()
    {
        var bytes = ImportFixtures.PasswordXlsx();

        Assert.Equal([0xD0, 0xCF, 0x11, 0xE0], bytes[..4]);
        Assert.Equal(ImportMessages.Encrypted, Refusal(bytes));
    }

    [Fact]
    public void Unknown_layout_is_refused() => Assert.Equal(ImportMessages.UnknownLayout, Refusal(ImportFixtures.UnknownCsv()));

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x0D, 0x0A })]
    [InlineData(new byte[] { 0x2C, 0x2C, 0x0D, 0x0A, 0x0D, 0x0A })]
    public void Empty_file_is_refused(byte[] bytes) => Assert.Equal(ImportMessages.EmptyFile, Refusal(bytes));

    // ---- streaming ----------------------------------------------------------------------------------------------------

    private static IEnumerable<(DateTime, string, decimal, string)> ManyPayments(int count) =>
        Enumerable.Range(1, count).Select(i => (new DateTime(2025, 1, 1).AddSeconds(i * 7), "捐赠人" + i, 1m + i % 1000, ImportFixtures.WechatId(i)));

    [Fact]
    public void A_100k_line_bill_streams()
    {
        var bytes = ImportFixtures.WechatPersonalCsv(ManyPayments(100_000), bom: false);
        var file = Reader.Read(new MemoryStream(bytes), "bill.csv", null, null);

        var count = 0;
        ImportedRow? last = null;
        foreach (var row in file.Rows)
        {
            count++;
            last = row;
        }

        Assert.Equal(100_000, count);
        Assert.Equal((ImportedRowKind.Payment, ImportFixtures.WechatId(100_000), 100_000 + 17, 1L),
            (last!.Kind, last.ExternalRef, last.Line, last.Amount / 100));
    }

    [Fact]
    public void Rows_are_read_from_the_stream_only_as_they_are_asked_for()
    {
        var bytes = ImportFixtures.WechatPersonalCsv(ManyPayments(100_000), bom: true);
        var stream = new MemoryStream(bytes);
        var file = Reader.Read(stream, "bill.csv", null, null);

        var first = file.Rows.First();

        Assert.Equal(ImportFixtures.WechatId(1), first.ExternalRef);
        Assert.InRange(stream.Position, 1, bytes.Length / 10);
    }

    // ---- sheet cells --------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1234.56, "1234.56")]
    [InlineData(200.0, "200")]
    [InlineData(0.30000000000000004, "0.3")]
    [InlineData(-12.5, "-12.5")]
    [InlineData(4.2e27, "4.2E+27")]
    [InlineData(4.00123e27, "4.00123E+27")]
    [InlineData(0.1234, "0.1234")]
    public void Number_cells_print_exactly_or_visibly_damaged(double value, string text) =>
        Assert.Equal(text, ImportFileReader.CellText(value));
}
