using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Aid.Api.Infrastructure;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Tests.Browser;
using Aid.Tests.Support;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MiniExcelLibs;
using static Microsoft.Playwright.Assertions;

namespace Aid.Tests.Pages;

/// <summary>Browser apps of their own for <see cref="AuditorAreaTests"/>: the test edits the database behind the service's back (and restores it).</summary>
public sealed class AuditorAreaApps : KestrelEngineApps;

/// <summary>
/// The auditor area (/audit) in Chromium (issue 15, "Must show"): an auditor finds their programme, downloads the 2022 statement in
/// all three formats and the audit pack (the same files as the API's), sees the chain valid, the receipt numbers reconciled and
/// the year's exceptions; every page and download is itself an audit record; after a gift's amount is changed in the database the
/// trail page names the broken record (number, action, subject, what failed) and the statement is refused; another programme is
/// not found and the console is forbidden. axe on every page (SQLite).
/// </summary>
public sealed class AuditorAreaTests(AuditorAreaApps apps, BrowserFixture browser) : IClassFixture<AuditorAreaApps>
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_auditor_downloads_the_2022_statement_and_pack_sees_the_chain_valid_then_the_broken_record_named(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(name: "青系镇坪，雏鹰伴翔（审计）")).Id();
        var elsewhere = (await admin.CreateProgramme(name: "别的项目")).Id();
        var donor = (await admin.CreateDonor("欧阳明轩")).Id();
        var receipted = (await admin.Give(MoneyScenario.Cash(programme, donor, "300.00", reference: "BANK-AUDITOR-1"))).Id();
        var reversed = (await admin.Give(MoneyScenario.Cash(programme, donor, "500.00", reference: "BANK-AUDITOR-2", receivedOn: "2022-10-01"))).Id();
        var tampered = (await admin.Give(MoneyScenario.Cash(programme, donor, "400.00", reference: "BANK-AUDITOR-3", receivedOn: "2022-11-11"))).Id();
        await admin.PostJson($"/api/v1/gifts/{reversed}/reverse", new { reason = "银行退票" }).Expect(HttpStatusCode.OK);
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = receipted }).Expect(HttpStatusCode.Created);
        await admin.PostJson($"/api/v1/receipts/{receipt.Str("number")}/void", new { reason = "捐赠人姓名有误", reissue = true }).Expect(HttpStatusCode.OK);
        var thisYear = BusinessToday.Year;
        var auditor = await app.PersonAsync("auditor", [programme]);
        await using var session = await browser.NewSessionAsync(app);
        var page = session.Page;
        var axe = engine == Engine.Sqlite;
        await page.SignInAsync(auditor.Login!);

        // The programme list: only the programme in scope.
        await page.GetByRole(AriaRole.Link, new() { Name = "审计查阅" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("审计查阅");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "别的项目" })).ToHaveCountAsync(0);
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "青系镇坪，雏鹰伴翔（审计）" }).ClickAsync();

        // The years, from the first gift's (2022) to this one; the 2022 statement downloads in all three formats, and the pack.
        await Expect(page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Rowheader)).ToHaveTextAsync(
            Enumerable.Range(2022, thisYear - 2021).Reverse().Select(y => y.ToString()).ToArray());
        if (axe) await page.AssertAccessibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "2022 年度报表 PDF" }).ClickAsync());
        var pdf = await File.ReadAllBytesAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(pdf, 0, 4));
        Assert.Contains("2022", Pdf.Text(pdf));
        var csv = await Body(page, "2022 年度报表 CSV（ZIP）", "application/zip");
        var xlsx = await Body(page, "2022 年度报表 Excel（XLSX）", Xlsx);
        var pack = await Body(page, "2022 审计包（ZIP）", "application/zip");
        // The same registers as the API's CSV ZIP (one file per register, the same rows).
        using (var mine = new ZipArchive(new MemoryStream(csv)))
        using (var api = new ZipArchive(new MemoryStream(await admin.Bytes($"/api/v1/programmes/{programme}/statements/2022.csv.zip", "application/zip"))))
        {
            Assert.Equal(api.Entries.Select(e => e.FullName).Order(), mine.Entries.Select(e => e.FullName).Order());
            var gifts = mine.Entries.Single(e => e.Name.Contains("gifts"));
            Assert.Equal(Read(api.Entries.Single(e => e.FullName == gifts.FullName)), Read(gifts));
            Assert.Contains("BANK-AUDITOR-3", Read(gifts));
        }
        Assert.Contains(MiniExcel.GetSheetNames(new MemoryStream(xlsx)), s => s.Contains("gifts", StringComparison.OrdinalIgnoreCase) || s.Contains("捐赠"));
        using (var zip = new ZipArchive(new MemoryStream(pack)))
        {
            Assert.Contains(zip.Entries, e => e.Name == "MANIFEST.txt");
            Assert.Contains(zip.Entries, e => e.Name.EndsWith(".pdf", StringComparison.Ordinal));
        }
        // Out of scope: neither the page nor a download of the other programme exists for this auditor.
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/audit/{elsewhere}?handler=Pdf&year=2022")).Status);

        // This year's trail: valid, and every download above is a record (who: the auditor; what; which year).
        await page.GotoAsync($"/audit/{programme}/{thisYear}/trail");
        await Expect(page.Locator(".audit-result .badge")).ToHaveTextAsync("有效");
        var mineRows = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "审计查阅" }).Filter(new() { HasText = "您本人（网页）" });
        foreach (var opened in new[] { "年度报表（PDF）", "年度报表（CSV，ZIP）", "年度报表（XLSX）", "审计包（ZIP）" })
            await Expect(mineRows.Filter(new() { HasText = $"打开了 2022 年的{opened}" })).ToHaveCountAsync(1);
        await Expect(mineRows.Filter(new() { HasText = "打开了项目审计首页" })).ToHaveCountAsync(1);
        if (axe) await page.AssertAccessibleAsync();

        // The receipt numbers of this year: two issued, one of them void, no gaps; the exceptions: the reversal and the void.
        await page.GetByRole(AriaRole.Link, new() { Name = $"{thisYear} 年收据编号核对" }).ClickAsync();
        await Expect(page.Locator(".audit-result")).ToContainTextAsync("共开具 2 张（其中作废 1 张），编号连续，没有缺号。");
        if (axe) await page.AssertAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = $"{thisYear} 年例外事项" }).ClickAsync();
        var exceptions = page.GetByRole(AriaRole.Table);
        await Expect(exceptions.GetByRole(AriaRole.Row).Filter(new() { HasText = "捐赠冲销" })).ToContainTextAsync("BANK-AUDITOR-2");
        await Expect(exceptions.GetByRole(AriaRole.Row).Filter(new() { HasText = "捐赠冲销" })).ToContainTextAsync("银行退票");
        await Expect(exceptions.GetByRole(AriaRole.Row).Filter(new() { HasText = "收据作废" })).ToContainTextAsync(receipt.Str("number"));
        await Expect(exceptions.GetByRole(AriaRole.Row).Filter(new() { HasText = "收据作废" })).ToContainTextAsync("捐赠人姓名有误");
        if (axe) await page.AssertAccessibleAsync();

        // Someone holding the database raises a gift: the trail page names the record that vouched for it, the statement is refused.
        var triggers = await TamperAsync(app, engine, tampered, 4_000_000);
        try
        {
            await page.GotoAsync($"/audit/{programme}/{thisYear}/trail");
            await Expect(page.Locator(".audit-result .badge")).ToHaveTextAsync("已损坏");
            var brokenRow = page.Locator("tr.audit-broken-row");
            await Expect(brokenRow).ToHaveCountAsync(1);
            await Expect(brokenRow).ToContainTextAsync("登记捐赠");
            var sequence = await brokenRow.GetAttributeAsync("data-sequence");
            await Expect(page.Locator(".audit-broken-sequence")).ToHaveTextAsync(sequence!);
            await Expect(page.Locator(".audit-broken-record")).ToContainTextAsync("登记捐赠");
            await Expect(page.Locator(".audit-broken-entity")).ToContainTextAsync($"捐赠 {tampered}");
            await Expect(page.Locator(".audit-broken-problem")).ToContainTextAsync(tampered.ToString());
            if (axe) await page.AssertAccessibleAsync();
            var refused = await page.APIRequest.GetAsync($"/audit/{programme}?handler=Pdf&year=2022");
            Assert.Equal(409, refused.Status);
            Assert.Contains("审计记录未通过验证", await refused.TextAsync());
        }
        finally
        {
            await RestoreAsync(app, engine, tampered, 40_000, triggers);
        }
        var verified = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());

        Assert.Empty(session.PageErrors);

        // Not in scope: 404; the console: forbidden.
        Assert.Equal(404, (await page.GotoAsync($"/audit/{elsewhere}"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/audit/{elsewhere}/{thisYear}/trail"))!.Status);
        Assert.Equal(403, (await page.GotoAsync("/console"))!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "您没有权限查看此页面" })).ToBeVisibleAsync();
    }

    /// <summary>A download link's file, fetched with the page's session (as the click would).</summary>
    private static async Task<byte[]> Body(Microsoft.Playwright.IPage page, string link, string contentType)
    {
        var href = await page.GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).GetAttributeAsync("href");
        var response = await page.APIRequest.GetAsync(href!);
        Assert.Equal(200, response.Status);
        Assert.StartsWith(contentType, response.Headers["content-type"]);
        return await response.BodyAsync();
    }

    private static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>Changes a gift's amount with its guard triggers out of the way; returns what is needed to put the triggers back.</summary>
    private static async Task<IReadOnlyList<string>> TamperAsync(AidApp app, Engine engine, Guid gift, long amount)
    {
        await using var db = await app.OpenDatabaseAsync();
        var triggers = engine == Engine.Sqlite
            ? (await db.QueryAsync<string>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'gifts'")).ToList()
            : [];
        await DatabaseGuards.DropAsync(engine, db, "gifts");
        Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = @amount WHERE id = @gift", new { amount, gift }));
        return triggers;
    }

    /// <summary>Puts the amount and the guard triggers back (the app is shared by this class's runs).</summary>
    private static async Task RestoreAsync(AidApp app, Engine engine, Guid gift, long amount, IReadOnlyList<string> triggers)
    {
        await using var db = await app.OpenDatabaseAsync();
        Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = @amount WHERE id = @gift", new { amount, gift }));
        if (engine == Engine.Postgres) await db.ExecuteAsync("ALTER TABLE gifts ENABLE TRIGGER USER");
        foreach (var trigger in triggers) await db.ExecuteAsync(trigger);
    }
}

/// <summary>
/// The auditor area's queries without a browser: the receipt-number reconciliation finds a gap in the middle of a series and at its
/// end (numbers the counter gave out that no receipt carries); the exceptions of a year list a pledge cancelled and one written
/// off with what was still outstanding; and a person of another programme gets nothing (null, the pages' 404).
/// </summary>
public sealed class AuditorAreaQueryTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Receipt_number_gaps_and_closed_pledges_are_reported_for_the_year(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor("司马静怡");
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        var year = BusinessToday.Year;
        var first = await admin.PostJson("/api/v1/receipts", new { giftId = (await admin.Give(MoneyScenario.Cash(programme, donor, "100.00"))).Id() })
            .Expect(HttpStatusCode.Created);
        Assert.True(ReceiptNumberParts(first.Str("number"), out var prefix, out var start));
        // Numbers taken without a receipt (as a lost write would leave them): three in the middle, then two at the end.
        await BumpAsync(app, prefix, year, 3);
        var second = await admin.PostJson("/api/v1/receipts", new { giftId = (await admin.Give(MoneyScenario.Cash(programme, donor, "200.00"))).Id() })
            .Expect(HttpStatusCode.Created);
        await BumpAsync(app, prefix, year, 2);

        var reconciliation = (await app.SendAsync(new ReconcileReceiptNumbers(programme, year)))!;
        var series = Assert.Single(reconciliation.Series, s => s.Prefix == prefix);
        Assert.Equal(start + 4, long.Parse(second.Str("number")[^6..]));
        Assert.Equal(5, series.Missing);
        Assert.Equal(
            [(Number(prefix, year, start + 1), Number(prefix, year, start + 3), 3L), (Number(prefix, year, start + 5), Number(prefix, year, start + 6), 2L)],
            series.Gaps.Select(g => (g.From, g.To, g.Count)));
        Assert.Equal(Number(prefix, year, start + 6), series.Last);
        Assert.Equal(2, series.ProgrammeIssued);

        var cancelled = await admin.PostJson("/api/v1/pledges", new { donorId = donor, programmeId = programme, total = "3000.00", frequency = "yearly", count = 3, firstDueDate = "2022-09-01" })
            .Expect(HttpStatusCode.Created);
        await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", cancelled.Id(), receivedOn: "2022-09-10"));
        await admin.PostJson($"/api/v1/pledges/{cancelled.Id()}/cancel", new { reason = "捐赠人出国" }).Expect(HttpStatusCode.OK);
        var writtenOff = await admin.PostJson("/api/v1/pledges", new { donorId = donor, programmeId = programme, total = "600.00", frequency = "yearly", count = 1, firstDueDate = "2022-09-01" })
            .Expect(HttpStatusCode.Created);
        await admin.PostJson($"/api/v1/pledges/{writtenOff.Id()}/write-off", new { reason = "多次联系未果" }).Expect(HttpStatusCode.OK);

        var exceptions = (await app.SendAsync(new ListYearExceptions(programme, year)))!;
        Assert.Contains(exceptions, e => e is { Kind: YearExceptionKinds.PledgeCancelled, Subject: "司马静怡", Amount: "2000.00", Reason: "捐赠人出国" });
        Assert.Contains(exceptions, e => e is { Kind: YearExceptionKinds.PledgeWrittenOff, Amount: "600.00", Reason: "多次联系未果" });
        Assert.Empty((await app.SendAsync(new ListYearExceptions(programme, year - 1)))!);

        // A person of the other programme gets nothing of this one.
        var outsider = new Actor(null, Guid.CreateVersion7(), "auditor", [other], null);
        Assert.Null(await app.SendAsync(new ReconcileReceiptNumbers(programme, year), outsider));
        Assert.Null(await app.SendAsync(new ListYearExceptions(programme, year), outsider));
        Assert.Null(await app.SendAsync(new ListProgrammeAuditRecords(programme, year, null, null), outsider));
        Assert.Null(await app.SendAsync(new GetProgrammeYears(programme), outsider));
        Assert.NotNull(await app.SendAsync(new GetProgrammeYears(other), outsider));
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsync(new RecordAuditorAccess(programme, AuditorAccess.StatementPdf, 2022), outsider));
    }

    private static string Number(string prefix, int year, long sequence) => $"{prefix}-{year}-{sequence:000000}";

    private static bool ReceiptNumberParts(string number, out string prefix, out long sequence)
    {
        var parts = number.Split('-');
        prefix = parts[0];
        return long.TryParse(parts[2], out sequence);
    }

    private static async Task BumpAsync(AidApp app, string prefix, int year, int by)
    {
        await using var db = await app.OpenDatabaseAsync();
        Assert.Equal(1, await db.ExecuteAsync("UPDATE receipt_sequences SET last_number = last_number + @by WHERE prefix = @prefix AND year = @year", new { by, prefix, year }));
    }

}
