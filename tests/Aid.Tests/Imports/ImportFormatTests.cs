using System.Globalization;
using Aid.Application.Imports;
using Aid.Infrastructure.Imports;
using Aid.Tests.Support;

namespace Aid.Tests.Imports;

/// <summary>
/// Every format and encoding through the API on every engine: what the API shows of each line is what the file says (to the
/// fen), each kind of line gets its outcome, the new lines are booked once, and the same file uploaded again is duplicates only.
/// </summary>
public sealed class ImportFormatTests(EngineApps apps) : IClassFixture<EngineApps>
{
    public static readonly IReadOnlyDictionary<string, (Func<byte[]> File, string Name, string Format, ColumnMapping? Mapping)> Fixtures =
        new Dictionary<string, (Func<byte[]>, string, string, ColumnMapping?)>
        {
            ["template-csv-utf8-bom"] = (ImportFixtures.SampleTemplateCsvUtf8Bom, "捐赠.csv", ImportFormats.AidTemplate, null),
            ["template-csv-gb18030"] = (ImportFixtures.SampleTemplateCsvGb18030, "捐赠-gbk.csv", ImportFormats.AidTemplate, null),
            ["template-xlsx"] = (ImportFixtures.SampleTemplateXlsx, "捐赠.xlsx", ImportFormats.AidTemplate, null),
            ["wechat-personal-csv-bom"] = (() => ImportFixtures.SampleWechatPersonalCsv(bom: true), "微信支付账单.csv", ImportFormats.WechatPersonal, null),
            ["wechat-personal-csv-no-bom"] = (() => ImportFixtures.SampleWechatPersonalCsv(bom: false), "微信支付账单.csv", ImportFormats.WechatPersonal, null),
            ["wechat-personal-xlsx-2025"] = (() => ImportFixtures.SampleWechatPersonalXlsx(layout2026: false), "微信支付账单流水文件.xlsx", ImportFormats.WechatPersonal, null),
            ["wechat-personal-xlsx-2026"] = (() => ImportFixtures.SampleWechatPersonalXlsx(layout2026: true), "微信支付账单流水文件.xlsx", ImportFormats.WechatPersonal, null),
            ["wechat-merchant-all"] = (() => ImportFixtures.WechatMerchantAll(ImportFixtures.SampleWechatMerchantRows), "trade_all.csv", ImportFormats.WechatMerchant, null),
            ["wechat-merchant-refund"] = (() => ImportFixtures.WechatMerchantRefund(ImportFixtures.SampleWechatMerchantRefundRows), "trade_refund.csv", ImportFormats.WechatMerchant, null),
            ["alipay-app"] = (BankFixtures.SampleAlipayApp, "alipay_record.csv", ImportFormats.AlipayApp, null),
            ["alipay-app-2021"] = (BankFixtures.SampleAlipayApp2021, "alipay_record_2021.csv", ImportFormats.AlipayApp, null),
            ["alipay-web"] = (BankFixtures.SampleAlipayWeb, "alipay_web.csv", ImportFormats.AlipayWeb, null),
            ["alipay-enterprise"] = (BankFixtures.SampleAlipayEnterprise, "账务明细.csv", ImportFormats.AlipayEnterprise, null),
            ["icbc-v2"] = (BankFixtures.SampleIcbcV2, "明细.csv", ImportFormats.IcbcPersonal, null),
            ["icbc-v1"] = (BankFixtures.SampleIcbcV1, "明细-v1.csv", ImportFormats.IcbcPersonal, null),
            ["ccb-xls"] = (BankFixtures.SampleCcbXls, "交易明细.xls", ImportFormats.CcbPersonal, null),
            ["corporate-mapping"] = (BankFixtures.SampleCorporate, "对公明细.csv", ImportFormats.BankMapping, BankFixtures.CorporateMapping),
            ["camt053-v02"] = (BankFixtures.SampleCamt053V02, "camt053.xml", ImportFormats.Camt053, null),
            ["camt053-v08"] = (BankFixtures.SampleCamt053V08, "camt053-v08.xml", ImportFormats.Camt053, null),
        };

    public static TheoryData<Engine, string> Cases
    {
        get
        {
            var rows = new TheoryData<Engine, string>();
            foreach (var engine in new EngineMatrix())
                foreach (var name in Fixtures.Keys)
                    rows.Add(new TheoryDataRow<Engine, string>(engine.Data, name) { Skip = engine.Skip });
            return rows;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task Each_line_shows_what_the_file_says_the_new_ones_are_booked_once_and_a_second_upload_is_duplicates(Engine engine, string fixture)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        // Programme dates wide enough for every fixture (the legacy Alipay web export is from 2020).
        var programme = (await admin.PostJson("/api/v1/programmes", new
        {
            code = Scenario.UniqueCode(), name = "导入测试", region = "镇坪县", partner = "教育局", startDate = "2020-09-01", endDate = Scenario.DefaultEndDate,
            annualStandard = "1000.00",
        }).Expect(HttpStatusCode.Created)).Id();
        var donor = (await admin.CreateDonor("测试捐赠人")).Id();
        var (file, name, format, mapping) = Fixtures[fixture];
        var bytes = file();
        var expected = ImportFileReader.Create().Read(new MemoryStream(bytes), name, null, mapping).Rows.ToList();

        var import = await ImportApiTests.Upload(admin, programme, bytes, name, mapping: mapping).Expect(HttpStatusCode.Created);
        Assert.Equal(format, import.Str("format"));
        Assert.Equal(expected.Count, import.GetProperty("totalRows").GetInt32());
        var rows = await Rows(admin, import.Id());
        Assert.Equal(expected.Select(e => e.Line), rows.Select(r => r.GetProperty("line").GetInt32()));
        foreach (var (line, row) in expected.Zip(rows))
        {
            Assert.Equal(Money(line.Amount), row.Str("amount"));
            var outcome = row.Str("outcome");
            var allowed = line.Kind switch
            {
                ImportedRowKind.Payment => new[] { "new", "duplicate", "error", "skipped" }, // error: date/currency; skipped: refunded in the file
                ImportedRowKind.Refund => ["refund", "skipped"],
                ImportedRowKind.Skipped => ["skipped"],
                _ => ["error"],
            };
            Assert.Contains(outcome, allowed);
            if (line.Kind == ImportedRowKind.Payment && outcome == "new") Assert.Equal(line.ReceivedOn, DateOnly.Parse(row.Str("receivedOn")));
        }

        var fresh = rows.Where(r => r.Str("outcome") == "new").ToList();
        foreach (var row in fresh)
            await admin.PatchJson($"/api/v1/imports/{import.Id()}/rows/{row.GetProperty("row").GetInt32()}", new { donorId = donor }).Expect(HttpStatusCode.OK);
        if (fresh.Count > 0)
        {
            await admin.PostJson($"/api/v1/imports/{import.Id()}/commit", new { }).Expect(HttpStatusCode.Accepted);
            var done = await ImportApiTests.WaitFor(admin, import.Id(), i => i.Str("status") == "committed");
            Assert.Equal(fresh.Count, done.GetProperty("rows").GetProperty("booked").GetInt32());
            Assert.Equal(Money(fresh.Sum(r => Fen(r.Str("amount")))), done.Str("totalBooked"));
        }

        var again = await ImportApiTests.Upload(admin, programme, bytes, name, mapping: mapping).Expect(HttpStatusCode.Created);
        Assert.Equal(0, again.GetProperty("rows").GetProperty("new").GetInt32());
        var before = rows.Count(r => r.Str("outcome") is "new" or "duplicate");
        Assert.Equal(before, again.GetProperty("rows").GetProperty("duplicate").GetInt32());
        await app.AssertBalancedAsync();
    }

    private static async Task<List<JsonElement>> Rows(HttpClient client, Guid import)
    {
        var rows = new List<JsonElement>();
        string? next = $"/api/v1/imports/{import}/rows?limit=500";
        while (next is not null)
        {
            var page = await client.Get(next).Expect(HttpStatusCode.OK);
            rows.AddRange(page.GetProperty("items").EnumerateArray());
            next = page.TryGetProperty("next", out var n) ? n.GetString() : null;
        }
        return rows;
    }

    private static string Money(long fen) => $"{fen / 100}.{fen % 100:00}";

    private static long Fen(string amount) => long.Parse(amount.Replace(".", ""), CultureInfo.InvariantCulture);
}
