using Aid.Application.Auditing;
using Aid.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Audit;

/// <summary>
/// Verification reads records and rows in snapshots (the quick pass) while commands keep committing: it must never call an
/// intact trail broken because a gift committed between two of its reads.
/// </summary>
public sealed class VerifyWhileWritingTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Verifications_during_a_stream_of_gifts_all_find_the_trail_intact(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        int written;
        await using (var gifts = GiftStream.Start(admin, programme, donor, clients: 3, referencePrefix: "W"))
        {
            await gifts.WaitUntilAsync(() => gifts.Recorded >= 3);
            var before = gifts.Recorded;
            for (var round = 0; round < 6; round++)
            {
                var verify = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
                Assert.True(verify.GetProperty("valid").GetBoolean(), verify.GetRawText());
            }
            // Gifts kept committing while it read: the check ran against a moving database, not a quiet one.
            Assert.True(gifts.Recorded > before, "no gift committed while the trail was verified");
            written = gifts.Recorded;
        }
        await app.AssertBalancedAsync();
        var last = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
        Assert.True(last.GetProperty("valid").GetBoolean(), last.GetRawText());
        Assert.True(last.GetProperty("records").GetInt64() > written, "every gift has its record");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Checkpoints_filed_while_the_quick_pass_reads_do_not_send_it_to_the_detailed_pass(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        // A gift, then a checkpoint of the chains it moved (as a statement takes one right after its check), over and over.
        var taken = 0;
        await using (var gifts = GiftStream.Start(admin, programme, donor, clients: 1, referencePrefix: "CP", afterEach: async () =>
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            if ((await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().TakeAsync(null, "test", CancellationToken.None)).Count > 0)
                Interlocked.Increment(ref taken);
        }))
        {
            await gifts.WaitUntilAsync(() => Volatile.Read(ref taken) >= 2);
            var overlapped = 0;
            for (var round = 0; round < 20; round++)
            {
                var before = Volatile.Read(ref taken);
                await using var scope = app.Factory.Services.CreateAsyncScope();
                var verification = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new VerifyAuditTrail(), TestContext.Current.CancellationToken);
                if (Volatile.Read(ref taken) > before) overlapped++;
                Assert.True(verification.Valid, verification.Problem);
                // A checkpoint filed during the check is in the database the check reads: the file is read before its snapshot.
                Assert.False(verification.CheckedInDetail, $"round {round}: the quick pass doubted, the detailed pass found nothing");
            }
            Assert.True(overlapped > 0, "no checkpoint was taken while the trail was verified");
        }
    }
}
