using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Students;
using Aid.Tests.Support;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>
/// <see cref="ListStudents"/> with a search (the console's student list and sponsorship form): a code or a part of it, or a part
/// of the name for those who see names. Auditors and donors search by code only: a name search tells them nothing they are not
/// shown. LIKE wildcards typed by a person are plain characters.
/// </summary>
public sealed class StudentSearchTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_student_is_found_by_code_or_name_and_only_by_code_where_names_are_not_shown(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(Scenario.UniqueCode("ZP"))).Id();
        var jiang = (await admin.Register(programme, "蒋晟晖")).Id();
        var ouyang = (await admin.Register(programme, "欧阳娜娜")).Id();
        var donor = (await admin.CreateDonor("爱心人士")).Id();
        await admin.PostJson("/api/v1/sponsorships", new { programmeId = programme, donorId = donor, studentId = jiang, fromYear = 2024, toYear = 2024, annualAmount = "500.00" })
            .Expect(HttpStatusCode.Created);

        var manager = new Actor(null, Guid.NewGuid(), Roles.Manager, [programme], null);
        Assert.Equal([jiang], await FindAsync(app, manager, programme, "晟"));
        Assert.Equal([ouyang], await FindAsync(app, manager, programme, "0002"));
        Assert.Equal([ouyang], await FindAsync(app, manager, programme, "zp-0002")); // the code in any case
        Assert.Equal([jiang, ouyang], await FindAsync(app, manager, programme, "ZP-"));
        Assert.Empty(await FindAsync(app, manager, programme, "%"));
        Assert.Empty(await FindAsync(app, manager, programme, "_"));
        Assert.Equal([jiang, ouyang], await FindAsync(app, manager, programme, null));

        var auditor = new Actor(null, Guid.NewGuid(), Roles.Auditor, [programme], null);
        Assert.Empty(await FindAsync(app, auditor, programme, "晟"));
        Assert.Equal([jiang], await FindAsync(app, auditor, programme, "0001"));

        var donorActor = new Actor(null, Guid.NewGuid(), Roles.Donor, [], donor);
        Assert.Empty(await FindAsync(app, donorActor, null, "晟"));
        Assert.Equal([jiang], await FindAsync(app, donorActor, null, "0001"));
        Assert.Empty(await FindAsync(app, donorActor, null, "0002")); // not their student
    }

    private static async Task<Guid[]> FindAsync(AidApp app, Actor actor, Guid? programme, string? q)
    {
        HttpActor.Override.Value = actor;
        try
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            var page = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ListStudents(programme, null, null, 100, null, q),
                TestContext.Current.CancellationToken);
            return page.Items.Select(s => s.Id).ToArray();
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }
}
