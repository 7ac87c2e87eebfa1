using Aid.Application.Auditing;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Audit;

/// <summary>
/// The quick pass checks the chains of several programmes whose seals were appended interleaved (on SQLite seal by seal in
/// the order they were appended, <see cref="QuickSealCheck"/>), and lists them as the detailed pass reads them: by name.
/// </summary>
public sealed class QuickPassChainsTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Chains_sealed_interleaved_are_proved_by_the_quick_pass_and_listed_by_name(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var donor = (await admin.CreateDonor()).Id();
        var programmes = new List<Guid>();
        for (var p = 0; p < 3; p++) programmes.Add((await admin.CreateProgramme(name: $"交错封存 {p}")).Id());
        // Round and round: each gift's seal goes to its own programme's chain, so the chains' seals alternate in the table.
        for (var round = 0; round < 4; round++)
            foreach (var programme in programmes)
            {
                await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, $"{round + 1}.00")).Expect(HttpStatusCode.Created);
                await using var scope = app.Factory.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditSealer>().SealCommittedAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
            }

        AuditVerification verification;
        await using (var scope = app.Factory.Services.CreateAsyncScope())
            verification = await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(new VerifyAuditTrail(), TestContext.Current.CancellationToken);
        Assert.True(verification.Valid, verification.Problem);
        Assert.False(verification.CheckedInDetail, $"{engine} checked in detail");

        await using var db = await app.OpenDatabaseAsync();
        var lengths = (await db.QueryAsync<(string Chain, long Length)>("SELECT chain, MAX(position) FROM audit_seals GROUP BY chain"))
            .ToDictionary(c => c.Chain, c => c.Length);
        foreach (var programme in programmes) Assert.True(lengths[AuditChains.Of(programme)] >= 4);
        Assert.Equal(lengths.Keys.Order(StringComparer.Ordinal), verification.Chains.Select(c => c.Chain));
        Assert.All(verification.Chains, c => Assert.Equal(lengths[c.Chain], c.Length));
    }
}
