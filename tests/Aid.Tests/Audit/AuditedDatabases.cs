using System.Collections.Concurrent;
using Aid.Application.ApiKeys;
using Aid.Application.Auditing;
using Microsoft.Extensions.DependencyInjection;
using Aid.Tests.Support;

namespace Aid.Tests.Audit;

/// <summary>
/// What <see cref="AuditedDatabases"/> put into the populated database: one programme with cash and in-kind gifts, a pledge with a
/// gift against it, a receipt, a reversed gift and a disbursement requested, approved by a second manager and paid (the last two
/// records of the programme's chain), verified valid and then checkpointed by a statement download.
/// </summary>
public sealed record Populated(
    Guid Programme,
    Guid FundingGift,
    Guid PledgedGift,
    Guid Gift300,
    Guid ReceiptedGift,
    Guid UnreferencedGift,
    Guid InKindGift,
    Guid ReversedGift,
    Guid Pledge,
    Guid Receipt,
    string ReceiptNumber,
    string ReceiptCode,
    Guid Disbursement,
    long ApprovalRecord,
    long PaymentRecord,
    long ProgrammeChainLength,
    long CheckpointedPosition,
    long OrganisationCheckpointedPosition,
    int Records)
{
    public string ProgrammeChain => Programme.ToString("D");
}

/// <summary>One populated database per engine (made on first use), and a fresh copy of it with its key and checkpoint files per test.</summary>
public class AuditedDatabases : IAsyncLifetime
{
    public const string Year = "2022";

    private readonly ConcurrentDictionary<Engine, Lazy<Task<Source>>> _sources = new();

    private sealed record Source(TestDatabase Database, string KeyFolder, string AdminKey, Populated Data);

    /// <summary>The populated database's facts (populating it on first use).</summary>
    public async Task<Populated> DataAsync(Engine engine) => (await SourceAsync(engine)).Data;

    /// <summary>The service started on a new copy of the populated database, with the same key file and a copy of the checkpoint file.</summary>
    public async Task<AuditCopy> CopyAsync(Engine engine)
    {
        var source = await SourceAsync(engine);
        var copy = await DatabaseCopy.CreateAsync(engine, source.Database.ConnectionString, source.KeyFolder);
        try
        {
            return new AuditCopy(copy, new AppOnDatabase(engine, copy.ConnectionString, copy.KeyFolder, source.AdminKey).Start(), source.Data);
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    private Task<Source> SourceAsync(Engine engine)
    {
        Engines.SkipUnlessAvailable(engine);
        return _sources.GetOrAdd(engine, e => new Lazy<Task<Source>>(() => PopulateAsync(e))).Value;
    }

    private static async Task<Source> PopulateAsync(Engine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        var keyFolder = Directory.CreateTempSubdirectory("aid-audit-keys-").FullName;
        var adminKey = ApiKeyToken.Generate();
        try
        {
            await using var app = new AppOnDatabase(engine, database.ConnectionString, keyFolder, adminKey).Start();
            var data = await PopulateAsync(app);
            return new Source(database, keyFolder, adminKey, data);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    private static async Task<Populated> PopulateAsync(AppOnDatabase app)
    {
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var person = (await admin.CreateDonor("蒋晟晖")).Id();
        var company = (await admin.CreateDonor("镇坪县医药公司", "organisation")).Id();
        var requester = app.Client(await admin.CreateKey("manager", [programme]));
        var approver = app.Client(await admin.CreateKey("manager", [programme]));

        // The oldest gift: it alone funds the disbursement (payouts draw on the oldest gifts first).
        var funding = await admin.Give(MoneyScenario.Cash(programme, person, "5000.00", receivedOn: "2022-01-05"));
        var pledge = await admin.PostJson("/api/v1/pledges", new
        {
            donorId = person, programmeId = programme, total = "1200.00", frequency = "yearly", count = 2, firstDueDate = "2022-01-01",
        }).Expect(HttpStatusCode.Created);
        var pledged = await admin.Give(MoneyScenario.Cash(programme, person, "600.00", pledge.Id(), receivedOn: "2022-02-05"));
        Assert.NotEmpty(pledged.GetProperty("pledgeAllocations").EnumerateArray());
        var gift300 = await admin.Give(MoneyScenario.Cash(programme, person, "300.00", receivedOn: "2022-03-05"));
        var receipted = await admin.Give(MoneyScenario.Cash(programme, person, "520.00", receivedOn: "2022-04-05"));
        var receipt = await admin.PostJson("/api/v1/receipts", new { giftId = receipted.Id() }).Expect(HttpStatusCode.Created);
        var unreferenced = await admin.Give(MoneyScenario.Cash(programme, company, "150.00", receivedOn: "2022-05-05"));
        var inKind = await admin.Give(new
        {
            programmeId = programme, donorId = company, receivedOn = "2022-05-10", kind = "in_kind", description = "一次性医用口罩",
            quantity = 5000, unit = "只", valuationBasis = "invoice", value = "2500.00", reference = "INV-2022-0510",
        });
        var reversed = await admin.Give(MoneyScenario.Cash(programme, company, "80.00", receivedOn: "2022-06-05"));
        await admin.PostJson($"/api/v1/gifts/{reversed.Id()}/reverse", new { reason = "银行退票" }).Expect(HttpStatusCode.OK);

        var student = await requester.Register(programme);
        var disbursement = await requester.PostJson("/api/v1/disbursements", new
        {
            programmeId = programme, studentId = student.Id(), academicYear = "2022-2023", term = "秋季学期", purpose = "助学金", amount = "500.00",
            channel = "bank_card", reference = "ZP-2022-AUTUMN", requestedOn = "2022-09-01",
        }).Expect(HttpStatusCode.Created);
        await approver.PostJson($"/api/v1/disbursements/{disbursement.Id()}/approve", new { }).Expect(HttpStatusCode.OK);
        var paid = await requester.PostJson($"/api/v1/disbursements/{disbursement.Id()}/pay",
            new { payoutReference = "BOC-20220915-0001", evidenceReference = "签收单-2022-秋-01", paidOn = "2022-09-15" }).Expect(HttpStatusCode.OK);
        Assert.Equal(funding.Id(), Assert.Single(paid.GetProperty("fundedBy").EnumerateArray()).GetProperty("giftId").GetGuid());

        var verified = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());
        // The statement checkpoints the programme's chain and the organisation chain.
        await admin.Bytes($"/api/v1/programmes/{programme}/statements/{Year}.pdf");

        var records = (await admin.Get("/api/v1/audit?limit=500").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        var chain = programme.ToString("D");
        var programmeRecords = records.Where(r => r.Str("chain") == chain).OrderBy(r => r.GetProperty("position").GetInt64()).ToList();
        var (approval, payment) = (programmeRecords[^2], programmeRecords[^1]);
        Assert.Equal(disbursement.Id().ToString(), approval.Str("entityId"));
        Assert.Equal("PayDisbursement", payment.Str("action"));

        var checkpointed = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(checkpointed.GetProperty("valid").GetBoolean(), checkpointed.GetRawText());
        var chains = checkpointed.GetProperty("chains").EnumerateArray().ToDictionary(c => c.Str("chain"));
        long Checkpointed(string name) => chains[name].GetProperty("checkpointedPosition").GetInt64();
        Assert.Equal(programmeRecords.Count, chains[chain].GetProperty("length").GetInt64());
        Assert.Equal(programmeRecords.Count, Checkpointed(chain)); // the checkpoint covers the approval and the payment
        Assert.True(File.Exists(app.CheckpointFile), $"no checkpoint file at {app.CheckpointFile}");

        return new Populated(programme, funding.Id(), pledged.Id(), gift300.Id(), receipted.Id(), unreferenced.Id(), inKind.Id(), reversed.Id(),
            pledge.Id(), receipt.Id(), receipt.Str("number"), receipt.Str("verificationCode"), disbursement.Id(),
            approval.GetProperty("sequence").GetInt64(), payment.GetProperty("sequence").GetInt64(), programmeRecords.Count,
            Checkpointed(chain), Checkpointed("org"), records.Count);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values.Where(s => s.IsValueCreated).Select(s => s.Value))
        {
            Source started;
            try { started = await source; }
            catch { continue; }
            await started.Database.DisposeAsync();
            try { Directory.Delete(started.KeyFolder, recursive: true); } catch (IOException) { }
        }
        _sources.Clear();
    }
}

/// <summary>A copy of the populated database with the service running on it; disposing stops the service and removes the copy.</summary>
public sealed class AuditCopy(DatabaseCopy copy, AppOnDatabase app, Populated data) : IAsyncDisposable
{
    public AppOnDatabase App => app;
    public Populated Data => data;
    public Engine Engine => app.Engine;

    public HttpClient Admin() => app.Admin();

    /// <summary>Opens a connection and removes the guard triggers of <paramref name="tables"/>, as someone holding the database would.</summary>
    public async Task<System.Data.Common.DbConnection> TamperAsync(params string[] tables)
    {
        var connection = await app.OpenDatabaseAsync();
        await DatabaseGuards.DropAsync(app.Engine, connection, tables);
        return connection;
    }

    public Task<JsonElement> VerifyAsync() => app.Admin().Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);

    /// <summary>The verification as the service computes it, with what the answer leaves out (which pass decided).</summary>
    public async Task<AuditVerification> VerifyInProcessAsync()
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(new VerifyAuditTrail());
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        await copy.DisposeAsync();
    }
}
