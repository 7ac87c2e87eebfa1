using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>
/// The donor search by pinyin initials (<c>zsm</c> finds 张三明), in the database: the key stored with the donor
/// (<c>donors.name_initials</c>), written on create and rename, filled in for donors from before migration 0011 at start.
/// </summary>
public sealed class DonorSearchTests(EngineApps apps) : IClassFixture<EngineApps>
{
    /// <summary>Letters no other donor's initials start with, so a search can be exact in a database the tests share.</summary>
    private static string Tag() => new(Enumerable.Range(0, 4).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());

    private static async Task<List<Guid>> Search(HttpClient client, string q, int? limit = null, string? cursor = null)
    {
        var url = $"/api/v1/donors?q={Uri.EscapeDataString(q)}" + (limit is null ? "" : $"&limit={limit}") + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
        var page = await client.Get(url).Expect(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().Select(d => d.Id()).ToList();
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Initials_find_a_Chinese_name_beside_the_substring_match(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var zhang = (await admin.CreateDonor("张三明")).Id();
        var li = (await admin.CreateDonor("李四")).Id();
        var zeng = (await admin.CreateDonor("曾小贤")).Id();
        var shan = (await admin.CreateDonor("单田芳")).Id();
        var english = (await admin.CreateDonor("Global Zsm Ltd", kind: "organisation")).Id();

        foreach (var q in new[] { "zsm", "ZSM", "Zs" })
        {
            var found = await Search(admin, q);
            Assert.Contains(zhang, found);
            Assert.DoesNotContain(li, found);
        }
        Assert.Contains(english, await Search(admin, "zsm")); // the substring match still applies to letters
        Assert.Contains(zeng, await Search(admin, "zxx")); // 曾 as a surname is zēng
        Assert.Contains(shan, await Search(admin, "stf")); // 单 as a surname is shàn
        Assert.DoesNotContain(zhang, await Search(admin, "sm")); // a prefix of the initials, not any part
        Assert.DoesNotContain(zhang, await Search(admin, "zhang")); // initials only, not full pinyin
        Assert.DoesNotContain(zhang, await Search(admin, "zsmx"));
        Assert.Contains(zhang, await Search(admin, "张三")); // the Chinese substring as before

        // A rename gives the new name's initials.
        await admin.PatchJson($"/api/v1/donors/{li}", new { name = "周思敏" }).Expect(HttpStatusCode.OK);
        Assert.Contains(li, await Search(admin, "zsm"));
        Assert.DoesNotContain(li, await Search(admin, "ls"));

        // A donor still sees only itself, whatever the search.
        var donorKey = await admin.CreateKey("donor", donorId: zhang);
        Assert.Equal([zhang], await Search(app.Client(donorKey), "zsm"));
        Assert.Empty(await Search(app.Client(donorKey), "zxx"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Pages_of_an_initials_search_follow_the_cursor(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var tag = Tag();
        var expected = new List<Guid>();
        foreach (var name in new[] { "张三明", "周思敏", "李四", "郑素梅", "朱世民" })
        {
            var id = (await admin.CreateDonor(name + tag)).Id();
            if (name != "李四") expected.Add(id);
        }

        var first = await admin.Get($"/api/v1/donors?q=zsm{tag}&limit=3").Expect(HttpStatusCode.OK);
        var cursor = first.GetProperty("nextCursor").GetString();
        Assert.NotNull(cursor);
        var second = await Search(admin, "ZSM" + tag.ToUpperInvariant(), limit: 3, cursor);
        var all = first.GetProperty("items").EnumerateArray().Select(d => d.Id()).Concat(second).ToList();
        // In key order (ids are UUIDv7, ordered as text), each once, 李四 in between left out.
        Assert.Equal(expected.OrderBy(id => id.ToString(), StringComparer.Ordinal), all);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Donors_from_before_the_migration_are_found_after_the_next_start(Engine engine)
    {
        var app = await apps.For(engine);
        var tag = Tag();
        var names = new Dictionary<string, (string Kind, string Initials)>
        {
            ["张三明" + tag] = ("person", "zsm" + tag),
            ["曾小贤" + tag] = ("person", "zxx" + tag),
            ["单田芳" + tag] = ("person", "stf" + tag),
            ["ABC公司" + tag] = ("organisation", "abcgs" + tag),
            ["单位" + tag] = ("organisation", "dw" + tag),
        };
        var ids = await InsertAsBeforeAsync(app, names.Keys.Select(n => (n, names[n].Kind)));
        Assert.Empty(await Search(app.Admin(), "zsm" + tag)); // no key yet

        await app.RestartAsync(); // the start fills the missing keys in

        Assert.Equal([ids[0]], await Search(app.Admin(), "zsm" + tag));
        Assert.Equal([ids[3]], await Search(app.Admin(), "ABCGS" + tag.ToUpperInvariant()));
        await using (var connection = await app.OpenDatabaseAsync())
        {
            var stored = (await connection.QueryAsync<(string Name, string? Initials)>(
                "SELECT name, name_initials FROM donors WHERE name LIKE @pattern", new { pattern = "%" + tag })).ToDictionary(r => r.Name, r => r.Initials);
            Assert.Equal(names.ToDictionary(n => n.Key, n => (string?)n.Value.Initials), stored);
        }

        // Two instances filling at once set each row once; a run with nothing to do sets nothing.
        var more = await InsertAsBeforeAsync(app, Enumerable.Range(0, 7).Select(i => ($"李{i}{tag}", "person")));
        var filled = await Task.WhenAll(FillAsync(app, batch: 3), FillAsync(app, batch: 3));
        Assert.Equal(more.Count, filled.Sum());
        Assert.Equal(0, await FillAsync(app, batch: 3));
        await using (var connection = await app.OpenDatabaseAsync())
        {
            var keys = (await connection.QueryAsync<string?>("SELECT name_initials FROM donors WHERE name LIKE @pattern ORDER BY name", new { pattern = "李%" + tag })).ToList();
            Assert.Equal(Enumerable.Range(0, 7).Select(i => (string?)$"l{i}{tag}"), keys);
        }
    }

    private static async Task<int> FillAsync(AidApp app, int batch)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return await DonorNameInitials.FillMissingAsync(scope.ServiceProvider.GetRequiredService<IDbSession>(), TestContext.Current.CancellationToken, batch);
    }

    /// <summary>Donor rows as the service before migration 0011 wrote them: no name_initials.</summary>
    private static async Task<List<Guid>> InsertAsBeforeAsync(AidApp app, IEnumerable<(string Name, string Kind)> donors)
    {
        DapperTypeHandlers.Register();
        await using var connection = await app.OpenDatabaseAsync();
        var ids = new List<Guid>();
        foreach (var (name, kind) in donors)
        {
            var id = Guid.CreateVersion7();
            await connection.ExecuteAsync("""
                INSERT INTO donors (id, kind, name, anonymous, language, email, phone, address, organisation_code, created_at, created_by)
                VALUES (@id, @kind, @name, @no, 'zh-CN', NULL, NULL, NULL, NULL, @now, 'legacy')
                """, new { id, kind, name, no = false, now = DateTimeOffset.UtcNow });
            ids.Add(id);
        }
        return ids;
    }
}
