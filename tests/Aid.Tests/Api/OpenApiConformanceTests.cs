using System.Diagnostics;
using System.Text;
using Aid.Tests.Support;

namespace Aid.Tests.Api;

/// <summary>
/// The OpenAPI document is a contract: a scenario calls every operation it lists with a successful answer (and provokes a few
/// errors), records every exchange as the client saw it, and checks each against the documented response for its status.
/// </summary>
public sealed class OpenApiConformanceTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static string Today => BusinessToday.Text; // read when used: a run can cross midnight in Beijing (16:00 UTC)
    private static int ThisYear => int.Parse(Today[..4]);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Every_operation_answers_as_the_OpenAPI_document_says(Engine engine)
    {
        var app = await apps.For(engine);
        var document = await app.Client().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        var contract = new OpenApiContract(await document.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        // The checker itself must refuse what the document does not allow (a validator that resolves nothing passes everything):
        // a programme whose id is no uuid (a format, through the $ref) and whose code is a number, a PDF sent as text, an undocumented status.
        var programmeId = Guid.CreateVersion7();
        var wrongProgramme = new Exchange("GET", $"/api/v1/programmes/{programmeId}", 200, "application/json", """{"id":"not-a-uuid","code":5}"""u8.ToArray());
        var found = contract.Check(Operation(wrongProgramme), wrongProgramme);
        Assert.True(found.Any(f => f.StartsWith("/id ", StringComparison.Ordinal)) && found.Any(f => f.StartsWith("/code ", StringComparison.Ordinal)),
            $"The checker missed a wrong id or code: {string.Join("; ", found)}");
        foreach (var wrong in new Exchange[]
        {
            new("GET", $"/api/v1/programmes/{programmeId}/statements/2022.pdf", 200, "text/plain", "PDF"u8.ToArray()),
            new("GET", "/api/v1/programmes", 299, "application/json", "{}"u8.ToArray()),
        })
            Assert.NotEmpty(contract.Check(Operation(wrong), wrong));
        var recorder = new ExchangeRecorder();

        Exception? stopped = null; // a step that fails still leaves its exchanges to check, and both are reported
        try { await RunScenario(app, recorder, contract); }
        catch (Exception e) when (e is not OperationCanceledException) { stopped = e; }

        var mismatches = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var covered = new HashSet<OpenApiContract.Operation>();
        var exchanges = recorder.Exchanges;
        foreach (var exchange in exchanges)
        {
            var operation = contract.Find(exchange);
            if (operation is null)
            {
                Add($"{exchange.Method} {exchange.Path} → {exchange.Status}", "no operation in the document matches this method and path");
                continue;
            }
            if (exchange.Status is >= 200 and < 300) covered.Add(operation);
            foreach (var problem in contract.Check(operation, exchange))
                Add($"{operation} → {exchange.Status} {exchange.ContentType ?? "(no body)"}", problem);
        }
        var uncovered = contract.Operations.Where(o => !o.Template.StartsWith("/health", StringComparison.Ordinal) && !covered.Contains(o))
            .Select(o => o.ToString()).ToList();

        var report = new StringBuilder();
        if (stopped is not null) report.AppendLine($"The scenario stopped early: {stopped}");
        report.AppendLine($"{exchanges.Count} exchanges checked against {contract.Operations.Count} documented operations.");
        if (mismatches.Count > 0)
        {
            report.AppendLine($"Answers that do not match the document ({mismatches.Count}):");
            foreach (var (answer, problems) in mismatches)
            {
                report.AppendLine($"- {answer}");
                foreach (var problem in problems) report.AppendLine($"    {problem}");
            }
        }
        if (uncovered.Count > 0)
            report.AppendLine($"Operations without a successful (2xx) exchange ({uncovered.Count}): {string.Join("; ", uncovered)}");
        TestContext.Current.SendDiagnosticMessage(report.ToString());
        Assert.True(stopped is null && mismatches.Count == 0 && uncovered.Count == 0, report.ToString());

        OpenApiContract.Operation Operation(Exchange exchange) => contract.Find(exchange) ?? throw new InvalidOperationException($"No operation for {exchange}.");

        void Add(string answer, string problem)
        {
            if (!mismatches.TryGetValue(answer, out var problems)) mismatches[answer] = problems = new SortedSet<string>(StringComparer.Ordinal);
            problems.Add(problem);
        }
    }

    private static async Task RunScenario(AidApp app, ExchangeRecorder recorder, OpenApiContract contract)
    {
        var admin = recorder.Client(app, app.AdminKey);

        // Programmes
        var programme = await admin.PostJson("/api/v1/programmes", Scenario.ProgrammeBody(), Guid.NewGuid().ToString()).Expect(HttpStatusCode.Created);
        var p = programme.Id();
        await admin.Get($"/api/v1/programmes/{p}").Expect(HttpStatusCode.OK);
        await admin.Get("/api/v1/programmes?limit=10").Expect(HttpStatusCode.OK);
        await admin.PatchJson($"/api/v1/programmes/{p}", new { status = "active", partner = "镇坪县教育体育和科技局" }).Expect(HttpStatusCode.OK);

        // Donors
        var d = (await admin.CreateDonor("蒋晟晖")).Id();
        var company = (await admin.CreateDonor("镇坪县医药公司", "organisation")).Id();
        var other = (await admin.CreateDonor("李四")).Id();
        await admin.Get($"/api/v1/donors/{d}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/donors?q={Uri.EscapeDataString("晟晖")}").Expect(HttpStatusCode.OK);
        await admin.PatchJson($"/api/v1/donors/{d}", new { anonymous = false, language = "en" }).Expect(HttpStatusCode.OK);

        // API keys: two managers (four eyes), an auditor, and one revoked at once
        var requester = recorder.Client(app, await admin.CreateKey("manager", [p]));
        var approver = recorder.Client(app, await admin.CreateKey("manager", [p]));
        var auditor = recorder.Client(app, await admin.CreateKey("auditor", [p]));
        var spare = await admin.PostJson("/api/v1/api-keys", new { name = "临时审计", role = "auditor", programmeIds = new[] { p } }).Expect(HttpStatusCode.Created);
        await admin.Get("/api/v1/api-keys").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/api-keys/{spare.Id()}").Expect(HttpStatusCode.OK);
        await admin.Send(HttpMethod.Delete, $"/api/v1/api-keys/{spare.Id()}").Expect(HttpStatusCode.NoContent);

        // Users: a person invited with a one-time link, scoped, given a key, reset, disabled and enabled; their own account and keys
        var login = $"li.fuhe.{Guid.NewGuid():N}@example.cn";
        var invited = await admin.PostJson("/api/v1/users", new { login, displayName = "李复核", role = "manager", programmeIds = new[] { p }, language = "zh-CN" })
            .Expect(HttpStatusCode.Created);
        var u = invited.GetProperty("user").Id();
        await admin.Get("/api/v1/users?limit=10").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/users/{u}").Expect(HttpStatusCode.OK);
        await admin.PutJson($"/api/v1/users/{u}/scope", new { role = "auditor", programmeIds = new[] { p } }).Expect(HttpStatusCode.OK);
        var personKey = await admin.PostJson($"/api/v1/users/{u}/keys", new { name = "李复核的密钥" }).Expect(HttpStatusCode.Created);
        await admin.PostJson($"/api/v1/users/{u}/password-reset", new { }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/users/{u}/disable", new { }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/users/{u}/enable", new { }).Expect(HttpStatusCode.OK);
        var person = recorder.Client(app, personKey.Str("key"));
        await person.Get("/api/v1/users/me").Expect(HttpStatusCode.OK);
        await person.Get("/api/v1/users/me/keys").Expect(HttpStatusCode.OK);
        await person.Send(HttpMethod.Delete, $"/api/v1/users/me/keys/{personKey.Id()}").Expect(HttpStatusCode.NoContent);
        await admin.Get("/api/v1/security-policy").Expect(HttpStatusCode.OK);
        await admin.PutJson("/api/v1/security-policy", new { staffTotpRequired = false }).Expect(HttpStatusCode.OK);
        await admin.PostJson("/api/v1/users", new { login = login.ToUpperInvariant(), displayName = "李复核", role = "auditor", programmeIds = new[] { p } })
            .Expect(HttpStatusCode.Conflict);
        await admin.PostJson("/api/v1/users", new { login = "not an e-mail", displayName = "李复核", role = "donor" }).Expect(HttpStatusCode.BadRequest);
        await person.Get("/api/v1/users/me").Expect(HttpStatusCode.Unauthorized);
        await auditor.Get("/api/v1/users").Expect(HttpStatusCode.Forbidden);

        // Pledges
        object Pledge(string total, int count) => new { donorId = d, programmeId = p, total, frequency = "yearly", count, firstDueDate = Today };
        var pledge = await admin.PostJson("/api/v1/pledges", Pledge("3000.00", 3)).Expect(HttpStatusCode.Created);
        var toCancel = await admin.PostJson("/api/v1/pledges", Pledge("500.00", 1)).Expect(HttpStatusCode.Created);
        var toWriteOff = await admin.PostJson("/api/v1/pledges", Pledge("800.00", 2)).Expect(HttpStatusCode.Created);
        await admin.PostJson($"/api/v1/pledges/{toCancel.Id()}/cancel", new { reason = "捐赠人撤回" }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/pledges/{toWriteOff.Id()}/write-off", new { reason = "无法联系捐赠人" }).Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/pledges/{pledge.Id()}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/pledges?programmeId={p}").Expect(HttpStatusCode.OK);

        // Gifts: cash, cash against the pledge, one to reverse, goods in kind, and two for the receipt run
        var gift = await admin.Give(MoneyScenario.Cash(p, d, "5000.00", receivedOn: Today));
        await admin.Give(MoneyScenario.Cash(p, d, "1000.00", pledge.Id(), receivedOn: Today));
        var bounced = await admin.Give(MoneyScenario.Cash(p, d, "200.00", receivedOn: Today));
        var masks = await admin.Give(new
        {
            programmeId = p, donorId = company, receivedOn = Today, kind = "in_kind", description = "一次性医用口罩", quantity = 3000, unit = "只",
            valuationBasis = "invoice", value = "1000.00",
        });
        await admin.Give(MoneyScenario.Cash(p, other, "300.00", receivedOn: Today, method: "wechat_pay"));
        await admin.Give(MoneyScenario.Cash(p, other, "400.00", receivedOn: Today, method: "alipay"));
        await admin.Get($"/api/v1/gifts/{gift.Id()}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/gifts/{masks.Id()}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/gifts?programmeId={p}&from={Today}&to={Today}").Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/gifts/{bounced.Id()}/reverse", new { reason = "银行退票" }).Expect(HttpStatusCode.OK);
        var distribution = await admin.PostJson("/api/v1/goods-distributions", new { giftId = masks.Id(), quantity = 1000, recipient = "镇坪县中学", distributedOn = Today, reference = "签收单-001" })
            .Expect(HttpStatusCode.Created);
        await admin.Get($"/api/v1/goods-distributions/{distribution.Id()}").Expect(HttpStatusCode.OK);

        // Receipts: one gift, an annual one, void with reissue, and the public check
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = gift.Id() }).Expect(HttpStatusCode.Created);
        var number = receipt.Str("number");
        await admin.PostJson("/api/v1/receipts", new { donorId = d, year = ThisYear }).Expect(HttpStatusCode.Created);
        await admin.Get($"/api/v1/receipts/{number}").Expect(HttpStatusCode.OK);
        await admin.File($"/api/v1/receipts/{number}/pdf");
        var voided = await admin.PostJson($"/api/v1/receipts/{number}/void", new { reason = "捐赠人姓名有误", reissue = true }).Expect(HttpStatusCode.OK);
        var reissued = await admin.Get($"/api/v1/receipts/{voided.Str("replacedBy")}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/receipts?donorId={d}").Expect(HttpStatusCode.OK);
        var anonymous = recorder.Client(app, accept: "application/json");
        await anonymous.Get($"/verify/{reissued.Str("number")}?code={reissued.Str("verificationCode")}").Expect(HttpStatusCode.OK);
        await anonymous.Get($"/verify/{number}?code={receipt.Str("verificationCode")}").Expect(HttpStatusCode.OK);
        await recorder.Client(app).File($"/verify/{number}?code={receipt.Str("verificationCode")}"); // a person's browser: the HTML page

        // A receipt run over what is left (the goods and the other donor's gifts), polled until it completes
        var run = await admin.PostJson("/api/v1/receipt-runs", new { programmeId = p, year = ThisYear, kind = "per-gift" }).Expect(HttpStatusCode.Created);
        var clock = Stopwatch.StartNew();
        while ((await admin.Get($"/api/v1/receipt-runs/{run.Id()}").Expect(HttpStatusCode.OK)).Str("status") != "completed")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "The receipt run did not complete within 60 s.");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        await admin.File($"/api/v1/receipt-runs/{run.Id()}/receipts.zip");

        // An import: the templates, a file previewed, a line given its donor, committed (polled), the original file, a mapping
        await admin.File("/api/v1/imports/template.csv");
        await admin.File("/api/v1/imports/template.xlsx");
        var import = await Imports.ImportApiTests.Upload(admin, p,
            Imports.ImportApiTests.Template((Today, "测试捐赠人甲", "12.34", "微信支付", $"WX-{Guid.NewGuid():N}", "助学")), "捐赠.csv").Expect(HttpStatusCode.Created);
        await admin.Get($"/api/v1/imports?programmeId={p}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/imports/{import.Id()}/rows?outcome=needs_donor").Expect(HttpStatusCode.OK);
        await admin.PatchJson($"/api/v1/imports/{import.Id()}/rows/1", new { donorId = d }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/imports/{import.Id()}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await Imports.ImportApiTests.WaitFor(admin, import.Id(), i => i.Str("status") == "committed");
        await admin.File($"/api/v1/imports/{import.Id()}/file");
        (await admin.PutAsJsonAsync($"/api/v1/programmes/{p}/import-mappings/工行对公",
            new { date = "交易日期", credit = "贷方发生额", payerName = "对方户名", reference = "交易流水号" }, TestContext.Current.CancellationToken))
            .EnsureSuccessStatusCode();
        await admin.Get($"/api/v1/programmes/{p}/import-mappings").Expect(HttpStatusCode.OK);

        // Students and sponsorships
        var student = await requester.Register(p);
        var s = student.Id();
        await requester.Get($"/api/v1/students/{s}").Expect(HttpStatusCode.OK);
        await requester.Get($"/api/v1/students?programmeId={p}").Expect(HttpStatusCode.OK);
        await requester.PatchJson($"/api/v1/students/{s}", new { grade = "高二", school = "镇坪县中学" }).Expect(HttpStatusCode.OK);
        await requester.Get($"/api/v1/students/{s}?reveal=idNumber").Expect(HttpStatusCode.OK);
        var sponsorship = await requester.PostJson("/api/v1/sponsorships",
            new { programmeId = p, donorId = d, studentId = s, fromYear = 2021, toYear = 2023, annualAmount = "600.00" }).Expect(HttpStatusCode.Created);
        await requester.Get($"/api/v1/sponsorships?studentId={s}").Expect(HttpStatusCode.OK);
        await requester.Get($"/api/v1/sponsorships/{sponsorship.Id()}").Expect(HttpStatusCode.OK);

        // Disbursements: requested, approved by a second manager, paid, reversed; one rejected; one paid and kept
        object Request(string amount, string term) => new
        {
            programmeId = p, studentId = s, academicYear = "2022-2023", term, purpose = "助学金", amount, channel = "bank_card", reference = "ZP-2022-AUTUMN",
            requestedOn = Today,
        };
        var payment = new { payoutReference = "BOC-20220915-0001", evidenceReference = "签收单-2022-秋-01", paidOn = Today };
        var reversed = (await requester.PostJson("/api/v1/disbursements", Request("500.00", "秋季学期")).Expect(HttpStatusCode.Created)).Id();
        var rejected = (await requester.PostJson("/api/v1/disbursements", Request("300.00", "春季学期")).Expect(HttpStatusCode.Created)).Id();
        var kept = (await requester.PostJson("/api/v1/disbursements", Request("200.00", "第三期")).Expect(HttpStatusCode.Created)).Id();
        await approver.PostJson($"/api/v1/disbursements/{reversed}/approve", new { }).Expect(HttpStatusCode.OK);
        await requester.PostJson($"/api/v1/disbursements/{reversed}/pay", payment).Expect(HttpStatusCode.OK);
        await approver.PostJson($"/api/v1/disbursements/{reversed}/reverse", new { reason = "卡号错误，资金退回" }).Expect(HttpStatusCode.OK);
        await approver.PostJson($"/api/v1/disbursements/{rejected}/reject", new { reason = "材料不全" }).Expect(HttpStatusCode.OK);
        await approver.PostJson($"/api/v1/disbursements/{kept}/approve", new { }).Expect(HttpStatusCode.OK);
        await requester.PostJson($"/api/v1/disbursements/{kept}/pay", payment).Expect(HttpStatusCode.OK);
        await requester.Get($"/api/v1/disbursements/{kept}").Expect(HttpStatusCode.OK);
        await requester.Get($"/api/v1/disbursements/{reversed}").Expect(HttpStatusCode.OK);
        await requester.Get($"/api/v1/disbursements?programmeId={p}").Expect(HttpStatusCode.OK);
        await admin.Get($"/api/v1/programmes/{p}/balance").Expect(HttpStatusCode.OK);

        // Statements, the audit pack and the audit trail
        await auditor.File($"/api/v1/programmes/{p}/statements/{ThisYear}.pdf");
        await auditor.File($"/api/v1/programmes/{p}/statements/{ThisYear}.csv");
        await auditor.File($"/api/v1/programmes/{p}/statements/{ThisYear}.csv.zip");
        await auditor.File($"/api/v1/programmes/{p}/statements/{ThisYear}.xlsx");
        await auditor.File($"/api/v1/programmes/{p}/audit-pack/{ThisYear}.zip");
        await admin.File($"/api/v1/donors/{d}/statements/{ThisYear}.pdf");
        await auditor.Get("/api/v1/audit?limit=20").Expect(HttpStatusCode.OK);
        var verified = await auditor.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());
        var keys = await recorder.Client(app, accept: "application/json").Get("/.well-known/aid-audit-key").Expect(HttpStatusCode.OK);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", keys.GetProperty("keys")[0].Str("publicKeyPem"));

        // Error answers must match the documented error responses too
        Assert.Contains("amount", (await requester.PostJson("/api/v1/disbursements", Request("0", "冬季")).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        await admin.Get($"/api/v1/students/{s}?reveal=guardianPhone").Expect(HttpStatusCode.BadRequest);
        foreach (var unknown in new[] { "programmes/{0}", "programmes/{0}/balance", "donors/{0}", "pledges/{0}", "gifts/{0}", "receipts/AID-1999-999999",
                     "receipt-runs/{0}", "students/{0}", "disbursements/{0}", "users/{0}" })
            await admin.Get("/api/v1/" + string.Format(unknown, Guid.CreateVersion7())).Expect(HttpStatusCode.NotFound);
        await admin.File($"/api/v1/receipt-runs/{Guid.CreateVersion7()}/receipts.zip", HttpStatusCode.NotFound);
        await admin.PostJson($"/api/v1/gifts/{Guid.CreateVersion7()}/reverse", new { reason = "x" }).Expect(HttpStatusCode.NotFound);
        await admin.File($"/api/v1/receipts/AID-1999-999999/pdf", HttpStatusCode.NotFound);
        await admin.PostJson($"/api/v1/gifts/{bounced.Id()}/reverse", new { reason = "again" }).Expect(HttpStatusCode.Conflict);
        await recorder.Client(app).Get("/api/v1/programmes").Expect(HttpStatusCode.Unauthorized);
        await recorder.Client(app, "aid_not-a-key").Get($"/api/v1/donors/{d}").Expect(HttpStatusCode.Unauthorized);
        await auditor.PostJson("/api/v1/donors", new { kind = "person", name = "x" }).Expect(HttpStatusCode.Forbidden);
    }
}

internal static class ConformanceHttp
{
    public static Task<HttpResponseMessage> Send(this HttpClient client, HttpMethod method, string url) =>
        client.SendAsync(new HttpRequestMessage(method, url), TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PutJson(this HttpClient client, string url, object body) =>
        client.PutAsJsonAsync(url, body, TestContext.Current.CancellationToken);

    /// <summary>Downloads a file and checks the status only: its content type and body are checked against the document.</summary>
    public static async Task File(this HttpClient client, string url, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == status,
            $"{url}: expected {(int)status} but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }
}
