using System.IO.Compression;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using UglyToad.PdfPig;

namespace Aid.Tests.Api;

/// <summary>
/// What a receipt says beyond its gifts (issue 17): business dates for receipts, voids and reversals (validated), the void
/// receipt's PDF naming why, when and what replaces it (also when the replacement comes later), and the fields of a
/// 公益事业捐赠票据 — donor's 统一社会信用代码, the year an annual receipt covers, 备注, 经办人.
/// Each test keeps to its own years: receipts of one year must be issued in date order, and the tests share one database.
/// </summary>
public sealed class ReceiptDocumentTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_back_dated_reversal_voids_the_receipt_on_its_date_and_the_void_pdf_says_why_when_and_what_replaces_it(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var donor = (await admin.PostJson("/api/v1/donors", new
        {
            kind = "organisation", name = "安康富硒茶业有限公司", organisationCode = "91610900MA70XXXX1Y", language = "zh-CN",
        }).Expect(HttpStatusCode.Created)).Id();
        var bounced = await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", receivedOn: "2022-03-01"));
        await admin.Give(MoneyScenario.Cash(programme, donor, "500.00", receivedOn: "2022-05-10"));

        // Dates a receipt cannot have: before its gifts, in the future.
        Assert.Contains("issuedOn", (await admin.PostJson("/api/v1/receipts", new { donorId = donor, year = 2022, issuedOn = "2022-04-01" })
            .Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("issuedOn", (await admin.PostJson("/api/v1/receipts", new { donorId = donor, year = 2022, issuedOn = "2099-01-01" })
            .Expect(HttpStatusCode.BadRequest)).ErrorFields());

        var receipt = await admin.PostJson("/api/v1/receipts", new { donorId = donor, year = 2022, issuedOn = "2022-12-30", note = "2022年度定向助学捐赠" })
            .Expect(HttpStatusCode.Created);
        var number = receipt.Str("number");
        Assert.StartsWith("AID-2022-", number);
        Assert.Equal("2022-12-30", receipt.Str("issuedOn"));
        var text = Pdf.Text(await admin.Bytes($"/api/v1/receipts/{number}/pdf"));
        Assert.Contains("开具日期：2022-12-30", text);
        Assert.Contains("捐赠年度：2022", text);
        Assert.Contains("捐赠人统一社会信用代码：91610900MA70XXXX1Y", text);
        Assert.Contains("备注：2022年度定向助学捐赠", text);
        Assert.Contains("经办人：", text);
        Assert.DoesNotContain("经办人：________", text); // the admin's name, not the blank line of the system's own work
        Assert.Contains("复核人：________", text);     // no reviewer configured: a line to sign
        Assert.Contains("开具单位（盖章）", text);

        // A reversal cannot be dated before the gift or in the future; dated in January 2023 it voids the receipt then and reissues
        // the receipt for the other gift on the same day, in 2023's series.
        var reverse = $"/api/v1/gifts/{bounced.Id()}/reverse";
        Assert.Contains("reversedOn", (await admin.PostJson(reverse, new { reason = "银行退票", reversedOn = "2022-02-28" }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("reversedOn", (await admin.PostJson(reverse, new { reason = "银行退票", reversedOn = "2099-02-28" }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        var reversed = await admin.PostJson(reverse, new { reason = "银行退票：账户信息有误", reversedOn = "2023-01-05" }).Expect(HttpStatusCode.OK);
        Assert.Equal("2023-01-05", reversed.GetProperty("reversal").Str("reversedOn"));

        var voided = await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK);
        Assert.Equal("void", voided.Str("status"));
        Assert.Equal("2023-01-05", voided.Str("voidedOn"));
        var replacement = voided.Str("replacedBy");
        Assert.StartsWith("AID-2023-", replacement);
        var reissued = await admin.Get($"/api/v1/receipts/{replacement}").Expect(HttpStatusCode.OK);
        Assert.Equal("2023-01-05", reissued.Str("issuedOn"));
        Assert.Equal("500.00", reissued.Str("total"));
        Assert.Contains("捐赠年度：2022", Pdf.Text(await admin.Bytes($"/api/v1/receipts/{replacement}/pdf"))); // still the 2022 gifts

        var voidText = Pdf.Text(await admin.Bytes($"/api/v1/receipts/{number}/pdf"));
        Assert.Contains("已作废VOID", voidText);
        Assert.Contains("本收据已作废", voidText);
        Assert.Contains("作废日期：2023-01-05", voidText);
        Assert.Contains("作废原因：捐赠已冲销Giftreversed:银行退票：账户信息有误", voidText);
        Assert.Contains($"替代收据：{replacement}", voidText);

        // As of 31 December 2022 the receipt was valid and nothing replaced it; 2023's register has its replacement.
        var files2022 = await StatementFilesReader.Fetch(admin, programme, 2022);
        var row = Assert.Single(StatementFilesReader.Rows(files2022.Csv["receipts.csv"]).Skip(1), r => r[0] == number);
        Assert.Equal("有效 valid", row[4]);
        Assert.Equal("", row[6]);
        Assert.Equal("0", StatementFilesReader.Rows(files2022.Csv["summary.csv"]).Single(r => r[0] == "作废收据 Void")[1]);
        var files2023 = await StatementFilesReader.Fetch(admin, programme, 2023);
        Assert.Equal(number, Assert.Single(StatementFilesReader.Rows(files2023.Csv["receipts.csv"]).Skip(1), r => r[0] == replacement)[5]);
        await app.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_receipt_voided_without_reissue_is_replaced_by_the_next_receipt_for_its_gifts_and_dates_run_in_number_order(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("𠮷野家䶮");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "300.00", receivedOn: "2021-10-01"));
        var other = await admin.Give(MoneyScenario.Cash(programme, donor, "200.00", receivedOn: "2021-10-02"));

        var first = (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id(), issuedOn = "2021-10-05" }).Expect(HttpStatusCode.Created)).Str("number");
        var voidUrl = $"/api/v1/receipts/{first}/void";
        Assert.Contains("voidedOn", (await admin.PostJson(voidUrl, new { reason = "姓名有误", voidedOn = "2021-10-04" }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("voidedOn", (await admin.PostJson(voidUrl, new { reason = "姓名有误", voidedOn = "2099-10-04" }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        var voided = await admin.PostJson(voidUrl, new { reason = "姓名有误", voidedOn = "2021-11-01" }).Expect(HttpStatusCode.OK);
        Assert.Equal("2021-11-01", voided.Str("voidedOn"));
        var pending = Pdf.Text(await admin.Bytes($"/api/v1/receipts/{first}/pdf"));
        Assert.Contains("作废日期：2021-11-01", pending);
        Assert.Contains("作废原因：姓名有误", pending);
        Assert.Contains("替代收据：尚未重开", pending);

        // Issued again a month later, without any reference to the void one: the link is made all the same (never dated before that void).
        Assert.Contains("issuedOn", (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id(), issuedOn = "2021-10-20" })
            .Expect(HttpStatusCode.BadRequest)).ErrorFields());
        var second = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id(), issuedOn = "2021-12-01" }).Expect(HttpStatusCode.Created);
        Assert.Equal(first, second.Str("replaces"));
        Assert.Equal(second.Str("number"), (await admin.Get($"/api/v1/receipts/{first}").Expect(HttpStatusCode.OK)).Str("replacedBy"));
        Assert.Contains($"替代收据：{second.Str("number")}", Pdf.Text(await admin.Bytes($"/api/v1/receipts/{first}/pdf")));
        Assert.Contains($"替代作废收据：{first}", Pdf.Text(await admin.Bytes($"/api/v1/receipts/{second.Str("number")}/pdf")));

        // 2021's last receipt is dated 2021-12-01: a later number cannot carry an earlier date.
        Assert.Contains("issuedOn", (await admin.PostJson("/api/v1/receipts", new { giftId = other.Id(), issuedOn = "2021-11-20" })
            .Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(0, await app.CountAsync("receipts WHERE replaces_id IS NULL AND total = 20000"));
        var third = await admin.PostJson("/api/v1/receipts", new { giftId = other.Id(), issuedOn = "2021-12-01" }).Expect(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, third.GetProperty("replaces").ValueKind);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_name_no_font_can_print_is_reported_when_it_is_entered(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        const string unprintable = "\U0002EBF0"; // CJK Extension I (Unicode 15.1): no installed font has it yet
        var created = await admin.CreateDonor($"王{unprintable}明");
        Assert.Equal([unprintable], created.GetProperty("unprintableCharacters").EnumerateArray().Select(e => e.GetString()));
        var fine = await admin.CreateDonor("𠮷野家䶮");
        Assert.False(fine.TryGetProperty("unprintableCharacters", out _)); // Extension A and B print (fallback fonts)
        var renamed = await admin.PatchJson($"/api/v1/donors/{fine.Id()}", new { name = $"𠮷{unprintable}" }).Expect(HttpStatusCode.OK);
        Assert.Equal([unprintable], renamed.GetProperty("unprintableCharacters").EnumerateArray().Select(e => e.GetString()));
        Assert.False((await admin.Get($"/api/v1/donors/{fine.Id()}").Expect(HttpStatusCode.OK)).TryGetProperty("unprintableCharacters", out _));
    }
}

/// <summary>A configured issuer with a reviewer and a seal image.</summary>
public sealed class SealedIssuerApps : EngineApps
{
    public static readonly string SealPath = Path.Combine(Directory.CreateTempSubdirectory("aid-seal-").FullName, "seal.png");

    protected override void Configure(IWebHostBuilder builder)
    {
        File.WriteAllBytes(SealPath, TestPng.Ring(120, 0xD0, 0x10, 0x10));
        builder.UseSetting("Aid:Issuer:Name", "共青团安康市汉滨区委员会");
        builder.UseSetting("Aid:Issuer:Code", "11610902MB2950112X");
        builder.UseSetting("Aid:Issuer:Address", "陕西省安康市汉滨区");
        builder.UseSetting("Aid:Issuer:Reviewer", "王复核");
        builder.UseSetting("Aid:Issuer:SealPng", SealPath);
    }
}

public sealed class SealedReceiptTests(SealedIssuerApps apps) : IClassFixture<SealedIssuerApps>
{
    [Fact]
    public async Task The_issuer_seal_is_printed_over_the_issuer_line_and_the_reviewer_is_named()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "88.00"));
        var number = (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created)).Str("number");
        var pdf = await admin.Bytes($"/api/v1/receipts/{number}/pdf");
        Assert.Contains("复核人：王复核", Pdf.Text(pdf));
        using var document = PdfDocument.Open(pdf);
        var page = document.GetPage(1);
        var image = Assert.Single(page.GetImages());
        var issuerLine = page.GetWords().Last(w => w.Text.Contains("共青团安康市汉滨区委员会")); // the signature line, not the header
        // The seal overlaps the issuer's name, as a stamp does.
        Assert.True(image.BoundingBox.Left <= issuerLine.BoundingBox.Right && image.BoundingBox.Right >= issuerLine.BoundingBox.Left
            && image.BoundingBox.Bottom <= issuerLine.BoundingBox.Top && image.BoundingBox.Top >= issuerLine.BoundingBox.Bottom,
            $"seal {image.BoundingBox} vs issuer {issuerLine.BoundingBox}");
    }
}

/// <summary>Writes small real PNG files (RGBA, zlib-compressed rows, CRC-checked chunks) for tests that need an image.</summary>
public static class TestPng
{
    /// <summary>A ring (a round seal's outline) of the colour on a transparent square.</summary>
    public static byte[] Ring(int size, byte r, byte g, byte b)
    {
        var raw = new MemoryStream();
        var centre = (size - 1) / 2.0;
        for (var y = 0; y < size; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < size; x++)
            {
                var distance = Math.Sqrt((x - centre) * (x - centre) + (y - centre) * (y - centre));
                var inked = distance <= centre && distance >= centre - size / 12.0 || distance <= size / 8.0;
                raw.Write([r, g, b, (byte)(inked ? 255 : 0)]);
            }
        }
        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, size);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), size);
        header[8] = 8; header[9] = 6; // 8 bits, RGBA
        Chunk(png, "IHDR", header);
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zlib);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
