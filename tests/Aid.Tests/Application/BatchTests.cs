using System.Text;
using System.Text.RegularExpressions;
using Aid.Api.Infrastructure;
using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Infrastructure.Database;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Application;

/// <summary>
/// Batches per school and term (issue 14), on the application's commands: the preview's amounts (the year's amount split over
/// the programme's terms by largest remainder) and who it leaves out, one batch per school, year and term (also when two
/// managers press at once), one live disbursement per student, year and term, four eyes by person on approve and pay, paying
/// with one payout reference all or nothing, and the bank CSV and signature sheet read back.
/// </summary>
public sealed class BatchTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Year = "2022-2023";
    private const string School = "镇坪县中学";
    private static readonly DateOnly RequestedOn = new(2022, 9, 1);
    private static readonly DateOnly PaidOn = new(2022, 9, 15);

    private sealed record Setup(AidApp App, HttpClient Admin, Guid Programme, Guid Donor, Actor Zhang, Actor Li, Actor Wang);

    private static async Task<Setup> Prepare(AidApp app, params string[] gifts)
    {
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        foreach (var amount in gifts.Length > 0 ? gifts : ["5000.00"])
            await admin.Give(MoneyScenario.Cash(programme, donor, amount, receivedOn: "2022-01-10"));
        async Task<Actor> Manager() => new(null, (await app.PersonAsync("manager", [programme])).Id, Roles.Manager, [programme], null);
        return new Setup(app, admin, programme, donor, await Manager(), await Manager(), await Manager());
    }

    /// <summary>A student of <paramref name="school"/>, sponsored by the setup's donor for 2021–2023 when <paramref name="annual"/> is given.</summary>
    private static async Task<(Guid Id, string Code)> Student(Setup s, string name, string? annual, string school = School, string grade = "高一")
    {
        var body = StudentScenario.Body(s.Programme, name);
        var json = JsonSerializer.SerializeToNode(body)!.AsObject();
        json["school"] = school;
        json["grade"] = grade;
        var student = await s.Admin.PostJson("/api/v1/students", json).Expect(HttpStatusCode.Created);
        if (annual is not null)
            await s.Admin.PostJson("/api/v1/sponsorships", new
            {
                programmeId = s.Programme, donorId = s.Donor, studentId = student.Id(), fromYear = 2021, toYear = 2023, annualAmount = annual,
            }).Expect(HttpStatusCode.Created);
        return (student.Id(), student.Str("code"));
    }

    /// <summary>Sends a message as <paramref name="actor"/>'s page session, with an idempotency key when one is given.</summary>
    private static async Task<T> Send<T>(Setup s, Actor? actor, IMessage message, string? idempotencyKey = null)
    {
        HttpActor.Override.Value = actor;
        try
        {
            await using var scope = s.App.Factory.Services.CreateAsyncScope();
            if (idempotencyKey is not null) scope.ServiceProvider.GetRequiredService<IdempotencyKey>().Set(idempotencyKey);
            return (T)(await scope.ServiceProvider.GetRequiredService<ISender>().Send((object)message, Ct))!;
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }

    private static CreateBatch Create(Setup s, string term = "秋季学期", string school = School) =>
        new(s.Programme, Year, term, school, DisbursementChannel.BankCard, RequestedOn);

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_preview_splits_the_year_over_the_programme_s_terms_and_leaves_out_students_already_requested(Engine engine)
    {
        var s = await Prepare(await apps.For(engine));
        var defaults = await Send<ProgrammeTermsView?>(s, s.Zhang, new GetProgrammeTerms(s.Programme));
        Assert.Equal(["秋季学期", "春季学期"], defaults!.Names);
        Assert.True(defaults.IsDefault);

        await Assert.ThrowsAsync<InputException>(() => Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季学期", "秋季学期"])));
        await Assert.ThrowsAsync<InputException>(() => Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["一", "二", "三", "四", "五", "六", "七"])));
        await Assert.ThrowsAsync<InputException>(() => Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季学期", " "])));
        await Assert.ThrowsAsync<InputException>(() => Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, [new string('学', 21)])));
        var set = await Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季学期", "春季学期", " 夏季学期 "]));
        Assert.Equal(["秋季学期", "春季学期", "夏季学期"], set.Names);
        Assert.Equal(set.Names, (await Send<ProgrammeTermsView?>(s, s.Li, new GetProgrammeTerms(s.Programme)))!.Names);

        var a = await Student(s, "蒋晟晖", "1000.00");
        var b = await Student(s, "欧阳娜娜", "500.00");
        var covered = await Student(s, "王小明", "1000.00");
        var rejectedBefore = await Student(s, "李小红", "900.00");
        await Student(s, "赵不资助", annual: null);                        // not sponsored
        await Student(s, "孙二中", "1000.00", school: "镇坪县第二中学");    // another school
        var withdrawn = await Student(s, "周退学", "1000.00");
        await s.Admin.PatchJson($"/api/v1/students/{withdrawn.Id}", new { status = "withdrawn", statusDate = "2022-08-01" }).Expect(HttpStatusCode.OK);
        await Send<DisbursementView>(s, s.Zhang, new RequestDisbursement(s.Programme, covered.Id, Year, "秋季学期", "助学金", 50000, DisbursementChannel.BankCard, null, RequestedOn));
        var rejected = await Send<DisbursementView>(s, s.Zhang, new RequestDisbursement(s.Programme, rejectedBefore.Id, Year, "秋季学期", "助学金", 30000, DisbursementChannel.BankCard, null, RequestedOn));
        await Send<DisbursementView>(s, s.Li, new RejectDisbursement(rejected.Id, "金额有误"));

        var autumn = (await Send<BatchPreview?>(s, s.Zhang, new PreviewBatch(s.Programme, Year, "秋季学期", School)))!;
        Assert.Equal(3, autumn.Lines.Count);
        Assert.Equal(["333.34", "166.67", "300.00"], OrderedAmounts(autumn, a.Code, b.Code, rejectedBefore.Code));
        Assert.Equal(["1000.00", "500.00", "900.00"], [.. new[] { a.Code, b.Code, rejectedBefore.Code }.Select(c => autumn.Lines.Single(l => l.StudentCode == c).AnnualAmount)]);
        Assert.Equal("800.01", autumn.Total);
        Assert.Equal(1, autumn.AlreadyCovered);
        Assert.Equal("5000.00", autumn.Available);
        Assert.False(autumn.ExceedsAvailable);
        Assert.Null(autumn.ExistingBatchId);
        Assert.Contains(autumn.Lines, l => l.StudentName == "蒋晟晖" && l.Grade == "高一");

        var summer = (await Send<BatchPreview?>(s, s.Zhang, new PreviewBatch(s.Programme, Year, "夏季学期", School)))!;
        // The third term gets the smaller parts; the student with an autumn request is in the summer batch.
        Assert.Equal(["333.33", "166.66", "300.00", "333.33"], OrderedAmounts(summer, a.Code, b.Code, rejectedBefore.Code, covered.Code));
        Assert.Equal(4, summer.Lines.Count);
        var standard = (await Send<BatchPreview?>(s, s.Zhang, new PreviewBatch(s.Programme, Year, "秋季学期", School, BatchAmountBasis.AnnualStandard)))!;
        Assert.All(standard.Lines, l => Assert.Equal("333.34", l.Amount));

        var noYear = await Assert.ThrowsAsync<InputException>(() => Send<BatchPreview?>(s, s.Zhang, new PreviewBatch(s.Programme, "2022-2024", "秋季学期", School)));
        Assert.Contains("academicYear", noYear.Errors.Keys);
        var noTerm = await Assert.ThrowsAsync<InputException>(() => Send<BatchPreview?>(s, s.Zhang, new PreviewBatch(s.Programme, Year, "冬季学期", School)));
        Assert.Contains("term", noTerm.Errors.Keys);
        Assert.Equal(["镇坪县中学", "镇坪县第二中学"], (await Send<IReadOnlyList<string>?>(s, s.Zhang, new ListSchools(s.Programme)))!);

        // Outside the caller's scope the programme does not exist.
        var stranger = new Actor(null, s.Zhang.UserId, Roles.Manager, [Guid.NewGuid()], null);
        Assert.Null(await Send<BatchPreview?>(s, stranger, new PreviewBatch(s.Programme, Year, "秋季学期", School)));
        Assert.Null(await Send<ProgrammeTermsView?>(s, stranger, new GetProgrammeTerms(s.Programme)));
    }

    private static List<string> OrderedAmounts(BatchPreview preview, params string[] codes) =>
        codes.Select(c => preview.Lines.Single(l => l.StudentCode == c).Amount).ToList();

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_batch_is_created_once_per_school_year_and_term_and_a_student_has_one_live_disbursement_per_term(Engine engine)
    {
        var s = await Prepare(await apps.For(engine));
        var a = await Student(s, "蒋晟晖", "1000.00");
        var b = await Student(s, "欧阳娜娜", "600.00");
        await Student(s, "孙二中", annual: null, school: "镇坪县第二中学");

        var batch = await Send<BatchView>(s, s.Zhang, Create(s), "create-1");
        Assert.Equal("requested", batch.Summary.Status);
        Assert.Equal((2, 2, "800.00"), (batch.Summary.Lines, batch.Summary.Requested, batch.Summary.Total));
        Assert.Equal([a.Code, b.Code], batch.Lines.Select(l => l.StudentCode).Order(StringComparer.Ordinal).ToList());
        Assert.All(batch.Lines, l => Assert.Equal("requested", l.Status));
        Assert.Equal(School, batch.Lines[0].School);
        var got = (await Send<BatchView?>(s, s.Li, new GetBatch(batch.Summary.Id)))!;
        Assert.Equal(batch.Lines.Select(l => l.DisbursementId), got.Lines.Select(l => l.DisbursementId));
        var single = (await Send<DisbursementView?>(s, s.Li, new GetDisbursement(batch.Lines[0].DisbursementId)))!;
        Assert.Equal(("秋季学期", Year, RequestedOn, "bank_card"), (single.Term, single.AcademicYear, single.RequestedOn, single.Channel));

        // The same key replays; another manager with another key is told the batch exists.
        Assert.Equal(batch.Summary.Id, (await Send<BatchView>(s, s.Zhang, Create(s), "create-1")).Summary.Id);
        var twice = await Assert.ThrowsAsync<ConflictException>(() => Send<BatchView>(s, s.Li, Create(s), "create-2"));
        Assert.Contains("already has a batch", twice.Message);
        var preview = (await Send<BatchPreview?>(s, s.Zhang, new PreviewBatch(s.Programme, Year, "秋季学期", School)))!;
        Assert.Equal(batch.Summary.Id, preview.ExistingBatchId);
        Assert.Empty(preview.Lines);
        Assert.Equal(2, preview.AlreadyCovered);

        // Nothing to pay at the other school: no empty batch.
        var empty = await Assert.ThrowsAsync<ConflictException>(() => Send<BatchView>(s, s.Zhang, Create(s, school: "镇坪县第二中学")));
        Assert.Contains("No student", empty.Message);

        // A single request for a student the batch already asks for is refused; a rejected line frees the term again.
        var again = new RequestDisbursement(s.Programme, a.Id, Year, "秋季学期", "助学金", 10000, DisbursementChannel.BankCard, null, RequestedOn);
        var duplicate = await Assert.ThrowsAsync<ConflictException>(() => Send<DisbursementView>(s, s.Zhang, again));
        Assert.Contains("already has a disbursement", duplicate.Message);
        await Send<DisbursementView>(s, s.Li, new RejectDisbursement(batch.Lines.Single(l => l.StudentCode == a.Code).DisbursementId, "重复申请"));
        Assert.Equal("requested", (await Send<DisbursementView>(s, s.Zhang, again)).Status);

        // The database holds the rule too: a second live row for the student, year and term is refused by the unique index.
        await using (var connection = await s.App.OpenDatabaseAsync())
        {
            var row = await connection.QuerySingleAsync<(string Id, string ProgrammeId)>(
                "SELECT CAST(id AS TEXT), CAST(programme_id AS TEXT) FROM disbursements WHERE status = 'requested' AND batch_id IS NOT NULL AND CAST(programme_id AS TEXT) = @p",
                new { p = s.Programme.ToString() });
            var copy = s.App.Engine == Engine.Postgres
                ? "INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, status, requested_at, requested_by) " +
                  "SELECT CAST(@id AS uuid), programme_id, student_id, academic_year, term, purpose, amount, channel, 'requested', requested_at, requested_by FROM disbursements WHERE id = CAST(@from AS uuid)"
                : "INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, status, requested_at, requested_by) " +
                  "SELECT @id, programme_id, student_id, academic_year, term, purpose, amount, channel, 'requested', requested_at, requested_by FROM disbursements WHERE id = @from";
            var violation = await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync(copy, new { id = Guid.NewGuid().ToString(), from = row.Id }));
            Assert.Contains("unique", violation.Message, StringComparison.OrdinalIgnoreCase);
        }

        // A term that standing disbursements use keeps its name (renamed, its students would look unpaid and be paid again);
        // an unused term may go.
        var rename = await Assert.ThrowsAsync<ConflictException>(() => Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季", "春季学期"])));
        Assert.Contains("cannot be renamed or removed", rename.Message);
        Assert.Equal(["秋季学期", "春季学期"], (await Send<ProgrammeTermsView?>(s, s.Zhang, new GetProgrammeTerms(s.Programme)))!.Names);
        Assert.Equal(["秋季学期"], (await Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季学期"]))).Names);
        await Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季学期", "春季学期"]));

        // The list: newest first, one page at a time, counted by status.
        await Student(s, "钱三中", "1000.00", school: "镇坪县第三中学");
        var third = await Send<BatchView>(s, s.Li, Create(s, school: "镇坪县第三中学"));
        var first = await Send<Page<BatchSummaryView>>(s, s.Zhang, new ListBatches(s.Programme, Limit: 1));
        Assert.Equal(third.Summary.Id, Assert.Single(first.Items).Id);
        var second = await Send<Page<BatchSummaryView>>(s, s.Zhang, new ListBatches(s.Programme, Limit: 1, Cursor: first.NextCursor));
        var listed = Assert.Single(second.Items);
        Assert.Equal(batch.Summary.Id, listed.Id);
        Assert.Equal((2, 1, 1, "300.00"), (listed.Lines, listed.Requested, listed.Rejected, listed.Total));
        Assert.Null(second.NextCursor);
        Assert.Equal([batch.Summary.Id], (await Send<Page<BatchSummaryView>>(s, s.Zhang, new ListBatches(s.Programme, School: School))).Items.Select(i => i.Id));
    }

    /// <summary>
    /// A database from before the rule may hold two live disbursements for one student, year and term: migration 0010 keeps
    /// them (the later one names the first in term_duplicate_of, outside the unique index) instead of refusing to start, and
    /// the rule holds for everything after. The migration's own statements, as shipped for the engine, are run again here.
    /// </summary>
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Migration_0010_keeps_live_duplicates_from_before_the_rule_and_enforces_it_afterwards(Engine engine)
    {
        var s = await Prepare(await apps.For(engine));
        var a = await Student(s, "蒋晟晖", "1000.00");
        Task<DisbursementView> Request(string term) => Send<DisbursementView>(s, s.Zhang,
            new RequestDisbursement(s.Programme, a.Id, Year, term, "助学金", 10000, DisbursementChannel.BankCard, null, RequestedOn));
        var first = await Request("秋季学期");
        var later = await Request("秋季学期补助");

        var folder = engine switch { Engine.Sqlite => "sqlite", Engine.Postgres => "postgres", _ => "sqlserver" };
        var script = MigrationRunner.Embedded(folder).Single(m => m.Id == "0010").Sql;
        var fill = Regex.Match(script, @"UPDATE disbursements SET term_duplicate_of[^;]+;").Value;
        var index = Regex.Match(script, @"CREATE UNIQUE INDEX ux_disbursements_live_term[^;]+;").Value;
        Assert.Contains("term_duplicate_of IS NULL", index);
        var id = engine == Engine.Postgres ? "CAST(@id AS uuid)" : "@id";
        await using (var connection = await s.App.OpenDatabaseAsync())
        {
            // The database as it was before the rule: the second request for the same term.
            await connection.ExecuteAsync("DROP INDEX ux_disbursements_live_term");
            await connection.ExecuteAsync($"UPDATE disbursements SET term = '秋季学期' WHERE id = {id}", new { id = later.Id.ToString() });
            Assert.True(await connection.ExecuteAsync(fill) >= 1);
            await connection.ExecuteAsync(index); // the index builds over the old rows
            var marks = (await connection.QueryAsync<(string Id, string? Of)>(
                "SELECT CAST(id AS TEXT), CAST(term_duplicate_of AS TEXT) FROM disbursements WHERE CAST(student_id AS TEXT) = @student",
                new { student = a.Id.ToString() })).ToDictionary(r => r.Id, r => r.Of);
            Assert.Null(marks[first.Id.ToString()]);
            Assert.Equal(first.Id.ToString(), marks[later.Id.ToString()]);

            // Put the row back as the service wrote it: the class's other tests verify the audit trail of this same database.
            await connection.ExecuteAsync($"UPDATE disbursements SET term = '秋季学期补助', term_duplicate_of = NULL WHERE id = {id}", new { id = later.Id.ToString() });
        }
        // The old records stand (the trail still verifies), and another for the term is refused.
        Assert.True((await s.Admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK)).GetProperty("valid").GetBoolean());
        Assert.Equal("requested", (await Send<DisbursementView?>(s, s.Li, new GetDisbursement(later.Id)))!.Status);
        var third = await Assert.ThrowsAsync<ConflictException>(() => Send<DisbursementView>(s, s.Zhang,
            new RequestDisbursement(s.Programme, a.Id, Year, "秋季学期", "助学金", 10000, DisbursementChannel.BankCard, null, RequestedOn)));
        Assert.Contains("already has a disbursement", third.Message);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Two_managers_creating_the_same_batch_at_the_same_moment_make_exactly_one(Engine engine)
    {
        var s = await Prepare(await apps.For(engine));
        for (var i = 0; i < 5; i++) await Student(s, $"学生{i}", "1000.00");

        async Task<Exception?> Attempt(Actor who, string key)
        {
            try
            {
                await Task.Yield();
                await Send<BatchView>(s, who, Create(s), key);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }

        var outcomes = await Task.WhenAll(Attempt(s.Zhang, "press-zhang"), Attempt(s.Li, "press-li"), Attempt(s.Wang, "press-wang"));
        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Contains("already has a batch", Assert.IsType<ConflictException>(o).Message));
        await using var connection = await s.App.OpenDatabaseAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM disbursement_batches WHERE CAST(programme_id AS TEXT) = @p",
            new { p = s.Programme.ToString() }));
        Assert.Equal(5L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM disbursements WHERE CAST(programme_id AS TEXT) = @p",
            new { p = s.Programme.ToString() }));

        // Two single requests for one student, year and term at the same moment: one is made, the other is told why not.
        var other = await Student(s, "孙二中", "1000.00", school: "镇坪县第二中学");
        async Task<Exception?> Request(Actor who, string key)
        {
            try
            {
                await Task.Yield();
                await Send<DisbursementView>(s, who, new RequestDisbursement(s.Programme, other.Id, Year, "春季学期", "助学金", 50000, DisbursementChannel.AidCard, null, RequestedOn), key);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }
        var requests = await Task.WhenAll(Request(s.Zhang, "single-zhang"), Request(s.Li, "single-li"));
        Assert.Single(requests, o => o is null);
        Assert.Contains("already has a disbursement", Assert.IsType<ConflictException>(requests.Single(o => o is not null)).Message);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_second_person_approves_the_batch_and_a_third_or_the_creator_pays_it_with_one_payout_reference(Engine engine)
    {
        var s = await Prepare(await apps.For(engine));
        await Send<ProgrammeTermsView>(s, s.Zhang, new SetProgrammeTerms(s.Programme, ["秋季学期", "春季学期", "夏季学期"]));
        var a = await Student(s, "蒋晟晖", "1000.00");
        var b = await Student(s, "=HYPERLINK(\"http://x\")", "1000.00", grade: "+初二");
        var c = await Student(s, "欧阳娜娜", "500.00");
        var batch = await Send<BatchView>(s, s.Zhang, Create(s));
        Assert.Equal("833.35", batch.Summary.Total);
        var before = await s.Admin.Balance(s.Programme);

        // Four eyes by person: the creator cannot approve, whichever session; another manager can.
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Send<BatchView>(s, s.Zhang, new ApproveBatch(batch.Summary.Id)));
        Assert.Contains("created a batch", refused.Message);
        await Send<DisbursementView>(s, s.Li, new RejectDisbursement(batch.Lines.Single(l => l.StudentCode == c.Code).DisbursementId, "材料不全"));
        var approved = await Send<BatchView>(s, s.Li, new ApproveBatch(batch.Summary.Id));
        Assert.Equal(("approved", 2, 1, "666.68"), (approved.Summary.Status, approved.Summary.Approved, approved.Summary.Rejected, approved.Summary.Total));
        Assert.All(approved.Lines.Where(l => l.Status == "approved"), l => Assert.Equal(People.SessionPrefix + s.Li.UserId, l.DecidedBy));
        Assert.Equal("666.68", (await s.Admin.Balance(s.Programme)).Str("committed"));
        await Assert.ThrowsAsync<ConflictException>(() => Send<BatchView>(s, s.Wang, new ApproveBatch(batch.Summary.Id)));

        // The approver cannot record the payment; the creator can.
        var payment = new PayBatch(batch.Summary.Id, "BOC-20220915-0001", PaidOn);
        Assert.Contains("approved a batch", (await Assert.ThrowsAsync<ForbiddenException>(() => Send<BatchView>(s, s.Li, payment))).Message);
        var paid = await Send<BatchView>(s, s.Zhang, payment);
        Assert.Equal(("paid", 2, 1), (paid.Summary.Status, paid.Summary.Paid, paid.Summary.Rejected));
        Assert.Equal(("BOC-20220915-0001", PaidOn), (paid.PayoutReference, paid.PaidOn));
        foreach (var line in paid.Lines.Where(l => l.Status == "paid"))
        {
            var d = (await Send<DisbursementView?>(s, s.Wang, new GetDisbursement(line.DisbursementId)))!;
            Assert.Equal(("BOC-20220915-0001", PaidOn), (d.PayoutReference, d.PaidOn));
            Assert.NotEmpty(d.FundedBy!);
        }
        await Assert.ThrowsAsync<ConflictException>(() => Send<BatchView>(s, s.Zhang, payment with { PayoutReference = "BOC-2" }));

        var after = await s.Admin.Balance(s.Programme);
        Assert.Equal(Money.Parse(before.Str("cashBalance")) - 66668, Money.Parse(after.Str("cashBalance")));
        Assert.Equal("666.68", after.Str("disbursed"));
        Assert.Equal("0.00", after.Str("committed"));
        await s.App.AssertBalancedAsync();

        // Every command is in the audit trail, with student codes only.
        await using (var connection = await s.App.OpenDatabaseAsync())
        {
            var summaries = (await connection.QueryAsync<string>("SELECT summary FROM audit_log WHERE entity = 'disbursement_batch' AND CAST(programme_id AS TEXT) = @p",
                new { p = s.Programme.ToString() })).ToList();
            Assert.True(summaries.Count >= 3);
            Assert.Contains(summaries, t => t.Contains(a.Code));
            Assert.DoesNotContain(summaries, t => t.Contains("蒋晟晖"));
        }
        var verified = await s.Admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());

        // The bank CSV: approved and paid lines only, formula-safe, amounts with two decimals.
        var csv = (await Send<BatchFile?>(s, s.Wang, new ExportBatchPaymentCsv(batch.Summary.Id)))!;
        Assert.EndsWith(".csv", csv.FileName);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv.Content.Take(3));
        var text = Encoding.UTF8.GetString(csv.Content, 3, csv.Content.Length - 3);
        var rows = text.Split("\r\n");
        Assert.Equal("", rows[^1]);
        Assert.Equal("序号,学生编号,姓名,学校,年级,金额,用途,批次", rows[0]);
        Assert.Equal(3, rows.Length - 1);
        Assert.Contains(rows, r => r.Contains($",{a.Code},蒋晟晖,{School},高一,333.34,助学金 {Year} 秋季学期,"));
        Assert.Contains(rows, r => r.Contains($",{b.Code},\"'=HYPERLINK(\"\"http://x\"\")\",{School},'+初二,333.34,"));
        Assert.DoesNotContain(rows, r => r.Contains(c.Code));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_batch_is_approved_or_paid_all_or_nothing_when_money_is_short(Engine engine)
    {
        var s = await Prepare(await apps.For(engine), "600.00", "400.00");
        await Student(s, "蒋晟晖", "1000.00");
        await Student(s, "欧阳娜娜", "1000.00");
        await Student(s, "王小明", "1000.00");
        var batch = await Send<BatchView>(s, s.Zhang, Create(s)); // 3 × 500.00 = 1500.00 > 1000.00
        var shortToApprove = await Assert.ThrowsAsync<ConflictException>(() => Send<BatchView>(s, s.Li, new ApproveBatch(batch.Summary.Id)));
        Assert.Contains("500.00 short", shortToApprove.Message);
        Assert.All((await Send<BatchView?>(s, s.Li, new GetBatch(batch.Summary.Id)))!.Lines, l => Assert.Equal("requested", l.Status));

        await Send<DisbursementView>(s, s.Li, new RejectDisbursement(batch.Lines[2].DisbursementId, "转学"));
        await Send<BatchView>(s, s.Li, new ApproveBatch(batch.Summary.Id)); // 1000.00 committed

        // A bounced gift leaves 600.00 for 1000.00 promised: paying the batch is refused, with the shortfall, and nothing is paid.
        var gifts = await s.Admin.Get($"/api/v1/gifts?programmeId={s.Programme}").Expect(HttpStatusCode.OK);
        var bounced = gifts.GetProperty("items").EnumerateArray().Single(g => g.Str("amount") == "400.00").Id();
        await s.Admin.PostJson($"/api/v1/gifts/{bounced}/reverse", new { reason = "银行退票", confirmShortfall = true }).Expect(HttpStatusCode.OK);
        var shortToPay = await Assert.ThrowsAsync<ConflictException>(() => Send<BatchView>(s, s.Zhang, new PayBatch(batch.Summary.Id, "BOC-1", PaidOn)));
        Assert.Contains("400.00 short", shortToPay.Message);
        Assert.Equal("400.00", shortToPay.Details["shortfall"]);
        var unchanged = (await Send<BatchView?>(s, s.Zhang, new GetBatch(batch.Summary.Id)))!;
        Assert.Equal((2, 0), (unchanged.Summary.Approved, unchanged.Summary.Paid));
        Assert.Equal("0.00", (await s.Admin.Balance(s.Programme)).Str("disbursed"));
        await s.App.AssertBalancedAsync();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_signature_sheet_lists_every_student_of_the_batch_on_numbered_pages_with_the_header_repeated(Engine engine)
    {
        var s = await Prepare(await apps.For(engine), "50000.00");
        var names = Enumerable.Range(0, 26).Select(i => $"学生{(char)('甲' + i)}{i}").ToList();
        names[3] = "欧阳䶮";
        var students = new List<(Guid Id, string Code)>();
        foreach (var name in names) students.Add(await Student(s, name, "1000.00"));
        var batch = await Send<BatchView>(s, s.Zhang, Create(s));

        var sheet = (await Send<BatchFile?>(s, s.Li, new GetBatchSignatureSheet(batch.Summary.Id)))!;
        Assert.Equal("application/pdf", sheet.ContentType);
        Assert.EndsWith(".pdf", sheet.FileName);
        var (pages, title, author) = Pdf.Info(sheet.Content);
        Assert.True(pages >= 2, $"{pages} page(s)");
        Assert.Contains("签领表", title);
        Assert.Equal("青系镇坪，雏鹰伴翔", author);
        var text = Pdf.Text(sheet.Content);
        Assert.Contains("学生/监护人签领表", text);
        Assert.Contains(School, text);
        Assert.Contains(Year, text);
        Assert.Contains("秋季学期", text);
        foreach (var (student, name) in students.Zip(names))
        {
            Assert.Contains(student.Code, text);
            Assert.Contains(name, text);
        }
        Assert.Contains("合计", text);
        Assert.Contains("13,000.00", text); // 26 × 500.00
        Assert.Equal(pages, CountOf(text, "签名日期")); // the header on every page
        Assert.Contains($"第1页/共{pages}页", text);
        Assert.Contains($"第{pages}页/共{pages}页", text);

        // The same batch renders the same bytes; another manager's scope that does not hold it sees nothing.
        Assert.Equal(sheet.Content, (await Send<BatchFile?>(s, s.Zhang, new GetBatchSignatureSheet(batch.Summary.Id)))!.Content);
        Assert.Null(await Send<BatchFile?>(s, new Actor(null, s.Li.UserId, Roles.Manager, [Guid.NewGuid()], null), new GetBatchSignatureSheet(batch.Summary.Id)));
        Assert.Null(await Send<BatchView?>(s, new Actor(null, s.Li.UserId, Roles.Manager, [Guid.NewGuid()], null), new GetBatch(batch.Summary.Id)));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
