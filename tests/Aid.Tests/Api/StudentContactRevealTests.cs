using Aid.Application.Common;
using Aid.Application.Students;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Dapper;

namespace Aid.Tests.Api;

/// <summary>
/// <see cref="RevealStudentContact"/>: the console shows a student's guardian phone and address masked; a manager of the
/// programme may look at them in full, and every look is in the audit trail without the values. Auditors are refused, as
/// for the ID number; a manager of another programme does not find the student.
/// </summary>
public sealed class StudentContactRevealTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_manager_sees_the_contact_details_once_audited_and_an_auditor_or_another_programme_does_not(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        var other = (await admin.CreateProgramme(name: "别的项目")).Id();
        var student = (await admin.Register(programme, "蒋晟晖")).Id();
        var manager = await app.PersonAsync("manager", [programme]);
        var managerActor = new Actor(null, manager.Id, Roles.Manager, [programme], null);
        var auditor = new Actor(null, (await app.PersonAsync("auditor", [programme])).Id, Roles.Auditor, [programme], null);
        var stranger = new Actor(null, (await app.PersonAsync("manager", [other])).Id, Roles.Manager, [other], null);

        var before = await app.CountAsync("audit_log");
        await Assert.ThrowsAsync<ForbiddenException>(() => app.SendAsync(new RevealStudentContact(student), auditor));
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsync(new RevealStudentContact(student), stranger));
        await Assert.ThrowsAsync<NotFoundException>(() => app.SendAsync(new RevealStudentContact(Guid.NewGuid()), managerActor));
        Assert.Equal(before, await app.CountAsync("audit_log")); // a refusal writes nothing

        var seen = await app.SendAsync(new RevealStudentContact(student), managerActor);
        Assert.Equal("13912345678", seen.GuardianPhone);
        Assert.Equal("镇坪县城关镇新华街1号", seen.Address);
        Assert.Null(seen.IdNumber); // the ID number has a reveal of its own

        await using var connection = await app.OpenDatabaseAsync();
        var records = (await connection.QueryAsync<(string Action, string Actor, string Summary)>(
            "SELECT action, actor, summary FROM audit_log WHERE entity_id = @id ORDER BY sequence", new { id = student.ToString() })).ToList();
        var look = records[^1];
        Assert.Equal("RevealStudentContact", look.Action);
        Assert.Equal($"user:{manager.Id}", look.Actor);
        Assert.Contains("guardianPhone,address", look.Summary);
        Assert.DoesNotContain("13912345678", look.Summary);
        Assert.DoesNotContain("城关镇", look.Summary);
        Assert.Equal(before + 1, await app.CountAsync("audit_log"));
    }
}
