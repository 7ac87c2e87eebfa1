using System.Security.Cryptography;
using Aid.Application.Receipts;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

public sealed class ReceiptApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static string Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow,
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).DateTime).ToString("yyyy-MM-dd");

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_gift_receipt_pdf_shows_every_fact_as_text_and_reissues_identically(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("刘䶮");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "107000.53", receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var number = receipt.Str("number");
        Assert.Matches(@"^AID-\d{4}-\d{6}$", number);
        Assert.Equal("人民币壹拾万柒仟元零伍角叁分", receipt.Str("totalInWords"));
        Assert.Equal("107000.53", receipt.Str("total"));

        // A manager's download first: a copy — the original is the donor's (this donor has no e-mail address: nothing was sent).
        Assert.Contains("副本COPY", Pdf.Text(await admin.Bytes($"/api/v1/receipts/{number}/pdf")));
        var donorClient = app.Client(await admin.CreateKey("donor", donorId: donor));
        var original = await donorClient.Bytes($"/api/v1/receipts/{number}/pdf");
        var text = Pdf.Text(original);
        Assert.Contains("刘䶮", text);
        Assert.Contains("青系镇坪，雏鹰伴翔", text);
        Assert.Contains("107,000.53", text);
        Assert.Contains("人民币壹拾万柒仟元零伍角叁分", text);
        Assert.Contains(number, text);
        Assert.Contains(receipt.Str("verificationCode"), text);
        Assert.Contains("银行转账", text);
        Assert.DoesNotContain("副本", text);
        var info = Pdf.Info(original);
        Assert.Contains(number, info.Title);
        Assert.False(string.IsNullOrEmpty(info.Author));
        // The stored hash is of the original; re-rendering the snapshot gives the same bytes.
        Assert.Equal(receipt.Str("pdfSha256"), Convert.ToHexStringLower(SHA256.HashData(original)));

        var copy = await donorClient.Bytes($"/api/v1/receipts/{number}/pdf");
        Assert.Contains("副本COPY", Pdf.Text(copy));
        Assert.Equal(3, (await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK)).GetProperty("downloads").GetInt64());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Six_concurrent_first_downloads_by_the_donor_give_one_original_and_each_is_audited(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("欧阳原件");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "66.00", receivedOn: Today));
        var number = (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created)).Str("number");
        var donorClient = app.Client(await admin.CreateKey("donor", donorId: donor));

        var texts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ => Pdf.Text(await donorClient.Bytes($"/api/v1/receipts/{number}/pdf"))));
        Assert.Equal(1, texts.Count(t => !t.Contains("副本")));
        Assert.Equal(5, texts.Count(t => t.Contains("副本COPY")));
        await using var connection = await app.OpenDatabaseAsync();
        var marks = (await connection.QueryAsync<string>(
            "SELECT a.summary FROM audit_log a JOIN receipts r ON CAST(r.id AS TEXT) = a.entity_id WHERE r.number = @number AND a.summary LIKE '%downloaded%'",
            new { number })).ToList();
        Assert.Equal(6, marks.Count);
        Assert.Single(marks, m => m.Contains("\"mark\":\"original\""));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_receipt_for_a_donor_with_an_address_is_emailed_as_the_original_so_every_download_is_a_copy(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme();
        var donor = (await admin.PostJson("/api/v1/donors", new { kind = "person", name = "邮寄原件", email = "yuanjian@example.cn", language = "zh-CN" })
            .Expect(HttpStatusCode.Created)).Id();
        var gift = await admin.Give(MoneyScenario.Cash(programme.Id(), donor, "88.00", receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var number = receipt.Str("number");

        await using (var connection = await app.OpenDatabaseAsync())
        {
            var queued = Assert.Single(await connection.QueryAsync<(string Kind, string To, string Subject, byte[] Attachment)>(
                "SELECT o.kind, o.to_address, o.subject, o.attachment FROM email_outbox o JOIN receipts r ON r.id = o.receipt_id WHERE r.number = @number",
                new { number }));
            Assert.Equal(("receipt", "yuanjian@example.cn"), (queued.Kind, queued.To));
            Assert.Contains("捐赠收据", queued.Subject);
            Assert.Equal(receipt.Str("pdfSha256"), Convert.ToHexStringLower(SHA256.HashData(queued.Attachment))); // the original itself
            Assert.DoesNotContain("副本", Pdf.Text(queued.Attachment));
        }
        var donorClient = app.Client(await admin.CreateKey("donor", donorId: donor));
        Assert.Contains("副本COPY", Pdf.Text(await donorClient.Bytes($"/api/v1/receipts/{number}/pdf")));

        // Void with reissue: one message announces both, with the new receipt attached.
        var reissued = (await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "抬头有误", reissue = true }).Expect(HttpStatusCode.OK))
            .Str("replacedBy");
        await using (var connection = await app.OpenDatabaseAsync())
        {
            var notice = Assert.Single(await connection.QueryAsync<(string Kind, string Subject, string Body)>(
                "SELECT o.kind, o.subject, o.body FROM email_outbox o JOIN receipts r ON r.id = o.receipt_id WHERE r.number = @reissued", new { reissued }));
            Assert.Equal("receipt-void", notice.Kind);
            Assert.Contains(number, notice.Subject);
            Assert.Contains(reissued, notice.Subject);
            Assert.Contains("抬头有误", notice.Body);
        }
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_one_gift_receipt_stays_under_80_KB(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("蒋晟晖");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var pdf = await admin.Bytes($"/api/v1/receipts/{receipt.Str("number")}/pdf");
        Assert.True(pdf.Length <= 80 * 1024, $"{pdf.Length} bytes");
        Assert.Contains("人民币壹仟元整", Pdf.Text(pdf));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Anonymous_donors_appear_as_匿名_and_in_kind_lines_show_item_quantity_and_basis(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme();
        var donor = await admin.CreateDonor("不愿透露姓名的企业", "organisation", anonymous: true);
        await admin.Give(new
        {
            programmeId = programme.Id(), donorId = donor.Id(), receivedOn = Today, kind = "in_kind", description = "一次性医用口罩",
            quantity = 5000, unit = "只", valuationBasis = "fair_value", value = "2500.00",
        });
        await admin.Give(MoneyScenario.Cash(programme.Id(), donor.Id(), "500.00", receivedOn: Today, method: "wechat_pay"));
        var receipt = await admin.PostJson("/api/v1/receipts", new { donorId = donor.Id(), year = int.Parse(Today[..4]) }).Expect(HttpStatusCode.Created);
        Assert.Equal("annual", receipt.Str("kind"));
        Assert.Equal(2, receipt.GetProperty("giftIds").GetArrayLength());
        Assert.Equal("3000.00", receipt.Str("total"));
        var text = Pdf.Text(await admin.Bytes($"/api/v1/receipts/{receipt.Str("number")}/pdf"));
        Assert.Contains("匿名", text);
        Assert.DoesNotContain("不愿透露姓名的企业", text);
        Assert.Contains("一次性医用口罩5000只", text);
        Assert.Contains("公允价值", text);
        Assert.Contains("微信支付", text);
        Assert.Contains("人民币叁仟元整", text);
        // Nothing left to receipt this year.
        await admin.PostJson("/api/v1/receipts", new { donorId = donor.Id(), year = int.Parse(Today[..4]) }).Expect(HttpStatusCode.Conflict);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task No_receipt_for_a_reversed_gift_goods_not_valued_or_a_gift_already_receipted(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var reversed = await admin.Give(MoneyScenario.Cash(programme, donor, "10.00", receivedOn: Today));
        await admin.PostJson($"/api/v1/gifts/{reversed.Id()}/reverse", new { reason = "退回" }).Expect(HttpStatusCode.OK);
        await admin.PostJson("/api/v1/receipts", new { giftId = reversed.Id() }).Expect(HttpStatusCode.Conflict);

        var books = await admin.Give(new
        {
            programmeId = programme, donorId = donor, receivedOn = Today, kind = "in_kind", description = "图书", quantity = 3, unit = "箱",
            valuationBasis = "not_valued",
        });
        await admin.PostJson("/api/v1/receipts", new { giftId = books.Id() }).Expect(HttpStatusCode.Conflict);

        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "10.00", receivedOn: Today));
        var first = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var again = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Conflict);
        Assert.Equal(first.Str("number"), again.Str("receiptNumber"));
        await admin.PostJson("/api/v1/receipts", new { giftId = Guid.CreateVersion7() }).Expect(HttpStatusCode.NotFound);
        Assert.Contains("giftId", (await admin.PostJson("/api/v1/receipts", new { }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("donorId", (await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id(), donorId = donor }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Void_keeps_the_number_reissue_takes_the_next_and_both_link(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "88.00", receivedOn: Today));
        var original = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var number = original.Str("number");

        var voided = await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "捐赠人姓名有误", reissue = true }).Expect(HttpStatusCode.OK);
        Assert.Equal("void", voided.Str("status"));
        Assert.Equal("捐赠人姓名有误", voided.Str("voidReason"));
        var replacement = voided.Str("replacedBy");
        Assert.NotEqual(number, replacement);
        var reissued = await admin.Get($"/api/v1/receipts/{replacement}").Expect(HttpStatusCode.OK);
        Assert.Equal(number, reissued.Str("replaces"));
        Assert.Equal("valid", reissued.Str("status"));
        Assert.Equal([gift.Id()], reissued.GetProperty("giftIds").EnumerateArray().Select(g => g.GetGuid()).ToArray());
        Assert.Contains("已作废VOID", Pdf.Text(await admin.Bytes($"/api/v1/receipts/{number}/pdf")));
        Assert.Contains(number, Pdf.Text(await admin.Bytes($"/api/v1/receipts/{replacement}/pdf")));
        await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "again" }).Expect(HttpStatusCode.Conflict);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Reversing_a_gift_voids_its_receipt(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "66.00", receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        await admin.PostJson($"/api/v1/gifts/{gift.Id()}/reverse", new { reason = "银行退票" }).Expect(HttpStatusCode.OK);
        var after = await admin.Get($"/api/v1/receipts/{receipt.Str("number")}").Expect(HttpStatusCode.OK);
        Assert.Equal("void", after.Str("status"));
        Assert.Contains("银行退票", after.Str("voidReason"));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("replacedBy").ValueKind);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Verification_says_valid_void_unknown_or_invalid_and_nothing_more(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("王秘密");
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "520.00", receivedOn: Today));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var number = receipt.Str("number");
        var code = receipt.Str("verificationCode");
        Assert.EndsWith($"/verify/{number}?code={code}", receipt.Str("verifyUrl"));

        var anonymous = app.Client();
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var valid = await anonymous.Get($"/verify/{number}?code={code}").Expect(HttpStatusCode.OK);
        Assert.Equal("valid", valid.Str("status"));
        Assert.Equal("520.00", valid.Str("total"));
        Assert.Equal(receipt.Str("issuedOn"), valid.Str("issuedOn"));
        Assert.DoesNotContain("王秘密", valid.GetRawText());

        var tampered = await anonymous.Get($"/verify/{number}?code={(code[0] == 'A' ? 'B' : 'A')}{code[1..]}").Expect(HttpStatusCode.OK);
        Assert.Equal("invalid", tampered.Str("status"));
        Assert.Equal(JsonValueKind.Null, tampered.GetProperty("total").ValueKind);
        Assert.Equal("invalid", (await anonymous.Get($"/verify/{number}").Expect(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("invalid", (await anonymous.Get($"/verify/AID-1999-999999?code={code}").Expect(HttpStatusCode.OK)).Str("status")); // never issued
        Assert.Equal("unknown", (await anonymous.Get("/verify/%3Cscript%3E").Expect(HttpStatusCode.OK)).Str("status"));

        await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "作废测试" }).Expect(HttpStatusCode.OK);
        Assert.Equal("void", (await anonymous.Get($"/verify/{number}?code={code}").Expect(HttpStatusCode.OK)).Str("status"));

        var browser = app.Client();
        var page = await browser.GetAsync($"/verify/{number}?code={code}", TestContext.Current.CancellationToken);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("已作废", await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_hundred_concurrent_issues_take_consecutive_numbers_without_gaps_or_duplicates(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gifts = new List<Guid>();
        for (var i = 0; i < 100; i++)
            gifts.Add((await admin.Give(MoneyScenario.Cash(programme, donor, $"{i + 1}.00", receivedOn: Today))).Id());
        var numbersBefore = await NumbersAsync(app);

        var responses = await Task.WhenAll(gifts.Select(g => admin.PostJson("/api/v1/receipts", new { giftId = g })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var numbers = (await NumbersAsync(app)).Except(numbersBefore).ToList();
        Assert.Equal(100, numbers.Count);
        var sequences = numbers.Select(n => long.Parse(n[^6..])).Order().ToList();
        Assert.Equal(Enumerable.Range((int)sequences[0], 100).Select(i => (long)i), sequences);
        await AssertNoGapsAsync(app);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_rolled_back_issue_leaves_no_hole_in_the_numbers(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var gift = await admin.Give(MoneyScenario.Cash(programme, donor, "9.00", receivedOn: Today));
        var next = await admin.Give(MoneyScenario.Cash(programme, donor, "9.00", receivedOn: Today));

        // Issue inside a transaction that is then rolled back, as a failing command would be.
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Aid.Application.Common.IDbSession>();
            var issuer = scope.ServiceProvider.GetRequiredService<ReceiptIssuer>();
            await using var transaction = await db.BeginTransactionAsync(TestContext.Current.CancellationToken);
            await issuer.LockDonorAsync(donor, TestContext.Current.CancellationToken);
            var doomed = await issuer.IssueAsync(donor, [gift.Id()], "gift", null, null, IssueTerms.Today, TestContext.Current.CancellationToken);
            Assert.NotNull(doomed.Number);
            // no commit: disposing rolls back
        }

        await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        await admin.PostJson("/api/v1/receipts", new { giftId = next.Id() }).Expect(HttpStatusCode.Created);
        await AssertNoGapsAsync(app);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Donors_download_their_own_receipts_only(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var other = await admin.CreateDonor("旁人");
        var mine = await admin.PostJson("/api/v1/receipts", new { giftId = (await admin.Give(MoneyScenario.Cash(programme, donor, "1.00", receivedOn: Today))).Id() })
            .Expect(HttpStatusCode.Created);
        var theirs = await admin.PostJson("/api/v1/receipts", new { giftId = (await admin.Give(MoneyScenario.Cash(programme, other.Id(), "1.00", receivedOn: Today))).Id() })
            .Expect(HttpStatusCode.Created);
        var client = app.Client(await admin.CreateKey("donor", donorId: donor));
        await client.Bytes($"/api/v1/receipts/{mine.Str("number")}/pdf");
        await client.Get($"/api/v1/receipts/{theirs.Str("number")}/pdf").Expect(HttpStatusCode.NotFound);
        await client.PostJson($"/api/v1/receipts/{mine.Str("number")}/void", new { reason = "x" }).Expect(HttpStatusCode.Forbidden);
    }

    private static async Task<List<string>> NumbersAsync(AidApp app)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return (await connection.QueryAsync<string>("SELECT number FROM receipts")).ToList();
    }

    /// <summary>Per prefix and year the sequences are exactly 1..n (void ones included) and the counter agrees.</summary>
    private static async Task AssertNoGapsAsync(AidApp app)
    {
        await using var connection = await app.OpenDatabaseAsync();
        var rows = (await connection.QueryAsync<(string Prefix, long Year, long Sequence)>("SELECT prefix, CAST(year AS BIGINT), sequence FROM receipts")).ToList();
        foreach (var group in rows.GroupBy(r => (r.Prefix, r.Year)))
        {
            var sequences = group.Select(r => r.Sequence).Order().ToList();
            Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
            var counter = await connection.ExecuteScalarAsync<long>("SELECT last_number FROM receipt_sequences WHERE prefix = @p AND year = @y",
                new { p = group.Key.Prefix, y = (int)group.Key.Year });
            Assert.Equal(sequences.Count, counter);
        }
    }
}
