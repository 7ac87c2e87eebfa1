using Aid.Tests.Support;

namespace Aid.Tests.Api;

/// <summary>What a programme statement must not give away about donors who asked to be anonymous.</summary>
public sealed class StatementPrivacyTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Anonymous_pledges_sort_together_after_the_named_ones_so_no_row_s_place_gives_a_surname_away(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme()).Id();
        // By name the anonymous ones would sit between 张 (U+5F20) and 赵 (U+8D75): 王 U+738B, 艾 U+827E.
        foreach (var (name, anonymous) in new[] { ("王某某", true), ("赵六", false), ("艾某某", true), ("张三", false) })
        {
            var donor = (await admin.CreateDonor(name, anonymous: anonymous)).Id();
            await admin.PostJson("/api/v1/pledges", new
            {
                donorId = donor, programmeId = programme, total = "3000.00", frequency = "yearly", count = 3, firstDueDate = "2022-09-01",
            }).Expect(HttpStatusCode.Created);
        }

        var year = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Year;
        var files = await StatementFilesReader.Fetch(admin, programme, year);
        var donors = StatementFilesReader.Rows(files.Csv["pledges.csv"]).Skip(1).Select(r => r[0]).ToList();
        Assert.Equal(4, donors.Count);
        Assert.Equal(["张三", "赵六"], donors.Take(2).Order(StringComparer.Ordinal)); // the names in the engine's collation order
        Assert.All(donors.Skip(2), d => Assert.StartsWith("匿名", d));
        Assert.DoesNotContain("某", string.Concat(donors));
    }
}
