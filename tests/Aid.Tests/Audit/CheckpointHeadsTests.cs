using Aid.Application.Auditing;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Audit;

/// <summary>
/// Checkpoints sign each chain's head (<see cref="AuditCheckpoints.TakeAsync"/>), found chain by chain through the seals' key:
/// a statement's two chains always, the schedule's every chain whose head moved since its last checkpoint.
/// </summary>
public sealed class CheckpointHeadsTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Checkpoints_sign_the_head_of_each_chain_asked_for_and_the_schedule_every_head_that_moved(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "12.34")).Expect(HttpStatusCode.Created);
        var chains = new[] { AuditChains.Of(programme), AuditChains.Organisation };

        await using var scope = app.Factory.Services.CreateAsyncScope();
        var checkpoints = scope.ServiceProvider.GetRequiredService<AuditCheckpoints>();
        var asked = await checkpoints.TakeAsync(chains, "statement", Ct);
        Assert.Equal(chains.Order(), asked.Select(c => c.Chain).Order());
        var heads = await HeadsAsync(app);
        foreach (var c in asked)
        {
            Assert.Equal(heads[c.Chain].Position, c.Position);
            Assert.Equal(heads[c.Chain].Hash, c.Hash);
        }
        // Nothing moved: the statement's chains are signed again, the schedule signs nothing of them.
        Assert.Equal(2, (await checkpoints.TakeAsync(chains, "statement", Ct)).Count);
        Assert.DoesNotContain(await checkpoints.TakeAsync(null, "schedule", Ct), c => chains.Contains(c.Chain));

        await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, "5.00")).Expect(HttpStatusCode.Created);
        var scheduled = await checkpoints.TakeAsync(null, "schedule", Ct);
        // Every chain's newest checkpoint (this one's or the service's own schedule's) is its head now.
        heads = await HeadsAsync(app);
        Assert.True(heads[chains[0]].Position > asked.Single(c => c.Chain == chains[0]).Position, "the gift moved its programme's chain");
        await using var db = await app.OpenDatabaseAsync();
        foreach (var (chain, head) in heads)
            Assert.Equal(head.Position, await db.ExecuteScalarAsync<long>("SELECT MAX(position) FROM audit_checkpoints WHERE chain = @chain", new { chain }));
        Assert.All(scheduled, c => Assert.Equal(heads[c.Chain].Position, c.Position));
    }

    private static async Task<Dictionary<string, (long Position, string Hash)>> HeadsAsync(AidApp app)
    {
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AuditSealer>().SealCommittedAsync(TimeSpan.FromSeconds(5), Ct);
        await using var db = await app.OpenDatabaseAsync();
        var rows = await db.QueryAsync<(string Chain, long Position, string Hash)>("""
            SELECT s.chain, s.position, s.hash FROM audit_seals s
            WHERE s.position = (SELECT MAX(x.position) FROM audit_seals x WHERE x.chain = s.chain)
            """);
        return rows.ToDictionary(r => r.Chain, r => (r.Position, r.Hash));
    }
}
