using System.Data.Common;
using System.Globalization;
using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Users;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>
/// People's accounts over the JSON API: admins create people (with a one-time password link), list, disable, enable and scope
/// them and give them keys; everyone sees their own account and keys. Four eyes compares people, through any mix of keys and
/// page sessions. And a database from before accounts (migration 0008) keeps every key, record and four-eyes pair.
/// </summary>
public sealed class UserApiTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly object Payment = new { payoutReference = "BOC-20220915-0001", evidenceReference = "签收单-2022-秋-01", paidOn = "2022-09-15" };

    private static object Request(Guid programme, Guid student, string term = "秋季学期") => new
    {
        programmeId = programme, studentId = student, academicYear = "2022-2023", term, purpose = "助学金", amount = "500.00",
        channel = "bank_card", reference = "ZP-2022-AUTUMN", requestedOn = "2022-09-01",
    };

    private static string NewLogin(string who) => $"{who}.{Guid.NewGuid():N}@example.cn";

    private static object NewUser(string role, Guid[]? programmes = null, Guid? donor = null, string? login = null, string name = "李复核") =>
        new { login = login ?? NewLogin(role), displayName = name, role, programmeIds = programmes ?? [], donorId = donor, language = "zh-CN" };

    private static async Task<JsonElement> CreateUser(HttpClient admin, string role, Guid[]? programmes = null, Guid? donor = null, string name = "李复核") =>
        (await admin.PostJson("/api/v1/users", NewUser(role, programmes, donor, name: name)).Expect(HttpStatusCode.Created)).GetProperty("user");

    /// <summary>Another key for the person: POST /users/{id}/keys, which says whose key it is.</summary>
    private static async Task<(Guid Id, string Key)> GiveKey(HttpClient admin, Guid user, string name = "对账脚本")
    {
        var created = await admin.PostJson($"/api/v1/users/{user}/keys", new { name }).Expect(HttpStatusCode.Created);
        Assert.Equal(user, created.GetProperty("userId").GetGuid());
        Assert.StartsWith(ApiKeyToken.Prefix, created.Str("key"));
        return (created.Id(), created.Str("key"));
    }

    /// <summary>Sends a message as <paramref name="actor"/> (null: the system), as a page session does: no key, the person's own id.</summary>
    private static async Task<T> SendAs<T>(AidApp app, Actor? actor, IMessage message)
    {
        HttpActor.Override.Value = actor;
        try
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            return (T)(await scope.ServiceProvider.GetRequiredService<ISender>().Send((object)message, Ct))!;
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }

    private static async Task<(Guid Programme, Guid Donor)> FundedProgramme(HttpClient admin)
    {
        var (programme, donor) = await admin.ProgrammeAndDonor();
        await admin.Give(MoneyScenario.Cash(programme, donor, "3000.00", receivedOn: "2022-01-10"));
        return (programme, donor);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Four_eyes_compares_people_the_requesters_second_key_cannot_decide_and_the_approver_cannot_pay(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, _) = await FundedProgramme(admin);
        var zhang = (await CreateUser(admin, "manager", [programme], name: "张经理")).Id();
        var (_, zhangKey) = await GiveKey(admin, zhang, "张经理的密钥");
        var (_, zhangSecondKey) = await GiveKey(admin, zhang, "张经理的第二把密钥");
        var li = (await CreateUser(admin, "manager", [programme], name: "李复核")).Id();
        var (_, liKey) = await GiveKey(admin, li);
        var (first, second, other) = (app.Client(zhangKey), app.Client(zhangSecondKey), app.Client(liKey));

        var student = (await first.Register(programme)).Id();
        var d = (await first.PostJson("/api/v1/disbursements", Request(programme, student)).Expect(HttpStatusCode.Created)).Id();
        var approve = await second.PostJson($"/api/v1/disbursements/{d}/approve", new { }).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("Four-eyes rule: the person who requested a disbursement cannot approve it.", approve.Str("detail"));
        var reject = await second.PostJson($"/api/v1/disbursements/{d}/reject", new { reason = "材料不全" }).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("Four-eyes rule: the person who requested a disbursement cannot reject it; another manager decides.", reject.Str("detail"));
        var unchanged = await second.Get($"/api/v1/disbursements/{d}").Expect(HttpStatusCode.OK);
        Assert.Equal("requested", unchanged.Str("status"));
        Assert.Equal("0.00", (await admin.Balance(programme)).Str("committed"));

        var approved = await other.PostJson($"/api/v1/disbursements/{d}/approve", new { }).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", approved.Str("status"));
        var pay = await other.PostJson($"/api/v1/disbursements/{d}/pay", Payment).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("Four-eyes rule: the person who approved a disbursement cannot also record its payment.", pay.Str("detail"));
        Assert.Equal("0.00", (await admin.Balance(programme)).Str("disbursed"));
        var paid = await second.PostJson($"/api/v1/disbursements/{d}/pay", Payment).Expect(HttpStatusCode.OK); // the requester may pay
        Assert.Equal("paid", paid.Str("status"));
        Assert.Equal("500.00", (await admin.Balance(programme)).Str("disbursed"));

        // Keys made by POST /api/v1/api-keys are a new person each: they decide on each other's requests as before accounts existed.
        var a = await admin.PostJson("/api/v1/api-keys", new { name = "经理甲", role = "manager", programmeIds = new[] { programme } }).Expect(HttpStatusCode.Created);
        var b = await admin.PostJson("/api/v1/api-keys", new { name = "经理乙", role = "manager", programmeIds = new[] { programme } }).Expect(HttpStatusCode.Created);
        Assert.NotEqual(a.GetProperty("userId").GetGuid(), b.GetProperty("userId").GetGuid());
        var (byA, byB) = (app.Client(a.Str("key")), app.Client(b.Str("key")));
        var fromA = (await byA.PostJson("/api/v1/disbursements", Request(programme, student, "春季学期")).Expect(HttpStatusCode.Created)).Id();
        var fromB = (await byB.PostJson("/api/v1/disbursements", Request(programme, student, "第三期")).Expect(HttpStatusCode.Created)).Id();
        Assert.Equal("approved", (await byB.PostJson($"/api/v1/disbursements/{fromA}/approve", new { }).Expect(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("rejected", (await byA.PostJson($"/api/v1/disbursements/{fromB}/reject", new { reason = "重复申请" }).Expect(HttpStatusCode.OK)).Str("status"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_page_session_is_the_same_person_as_their_keys_for_four_eyes(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, _) = await FundedProgramme(admin);
        var zhang = (await CreateUser(admin, "manager", [programme], name: "张经理")).Id();
        var (_, zhangKey) = await GiveKey(admin, zhang);
        var li = (await CreateUser(admin, "manager", [programme], name: "李复核")).Id();
        var student = (await app.Client(zhangKey).Register(programme)).Id();
        var d = (await app.Client(zhangKey).PostJson("/api/v1/disbursements", Request(programme, student)).Expect(HttpStatusCode.Created)).Id();

        // Zhang signed in on the pages: no key, his own person; his key asked, so he may neither approve nor reject.
        var zhangSession = new Actor(null, zhang, Roles.Manager, [programme], null);
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => SendAs<DisbursementView>(app, zhangSession, new ApproveDisbursement(d)));
        Assert.Equal("Four-eyes rule: the person who requested a disbursement cannot approve it.", refused.Message);
        await Assert.ThrowsAsync<ForbiddenException>(() => SendAs<DisbursementView>(app, zhangSession, new RejectDisbursement(d, "材料不全")));
        Assert.Equal("requested", (await admin.Get($"/api/v1/disbursements/{d}").Expect(HttpStatusCode.OK)).Str("status"));

        // Li's session approves; it is recorded under his session's name, and his key (the same person) cannot pay.
        var approved = await SendAs<DisbursementView>(app, new Actor(null, li, Roles.Manager, [programme], null), new ApproveDisbursement(d));
        Assert.Equal("approved", approved.Status);
        Assert.Equal($"user:{li}", approved.DecidedBy);
        var (_, liKey) = await GiveKey(admin, li);
        await app.Client(liKey).PostJson($"/api/v1/disbursements/{d}/pay", Payment).Expect(HttpStatusCode.Forbidden);
        var paid = await SendAs<DisbursementView>(app, zhangSession, new PayDisbursement(d, "BOC-20220915-0002", "签收单-2022-秋-02", new DateOnly(2022, 9, 15)));
        Assert.Equal("paid", paid.Status);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_admin_creates_a_person_with_a_one_time_password_link_and_bad_or_duplicate_input_writes_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var login = NewLogin("Li.FuHe");

        var before = DateTimeOffset.UtcNow;
        var response = await admin.PostJson("/api/v1/users", NewUser("manager", [programme], login: $"  {login.ToUpperInvariant()} "));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Json();
        var user = created.GetProperty("user");
        var id = user.Id();
        Assert.Equal($"/api/v1/users/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(login.ToLowerInvariant(), user.Str("login"));
        Assert.Equal("李复核", user.Str("displayName"));
        Assert.Equal("manager", user.Str("role"));
        Assert.Equal([programme], user.GetProperty("programmeIds").EnumerateArray().Select(p => p.GetGuid()));
        Assert.False(user.GetProperty("hasPassword").GetBoolean());
        Assert.False(user.GetProperty("disabled").GetBoolean());

        // The link: absolute, to the page that takes it, valid three days, and the token nowhere else in the answer.
        var link = created.GetProperty("passwordLink");
        var url = new Uri(link.Str("url"));
        Assert.True(url.IsAbsoluteUri);
        Assert.Equal("http://localhost", url.GetLeftPart(UriPartial.Authority));
        Assert.StartsWith("/signin/link/", url.AbsolutePath);
        var token = url.AbsolutePath["/signin/link/".Length..];
        Assert.True(token.Length >= 40, token);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(created.GetRawText(), System.Text.RegularExpressions.Regex.Escape(token)));
        var expiresAt = link.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before + LinkLifetimes.Password - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow + LinkLifetimes.Password);
        await using (var connection = await app.OpenDatabaseAsync())
        {
            var stored = await connection.QuerySingleAsync<string>("SELECT token_hash FROM user_links WHERE user_id = @id", new { id = Key(engine, id) });
            Assert.Equal(ApiKeyToken.Hash(token), stored); // only the hash is kept
        }
        var described = await SendAs<UserLinkView?>(app, null, new DescribeUserLink(token));
        Assert.Equal(("李复核", LinkPurpose.Password, false), (described!.DisplayName, described.Purpose, described.NeedsLogin));

        // Read back, one and in the list.
        var read = await admin.GetAsync($"/api/v1/users/{id}", Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(login.ToLowerInvariant(), (await read.Json()).Str("login"));
        Assert.NotNull(read.Headers.ETag);
        var page = await admin.Get("/api/v1/users?limit=500").Expect(HttpStatusCode.OK);
        Assert.Contains(id, page.GetProperty("items").EnumerateArray().Select(u => u.Id()));
        var first = await admin.Get("/api/v1/users?limit=1").Expect(HttpStatusCode.OK);
        Assert.Single(first.GetProperty("items").EnumerateArray());
        Assert.StartsWith("/api/v1/users?limit=1&cursor=", first.Str("next"));
        await admin.Get($"/api/v1/users/{Guid.CreateVersion7()}").Expect(HttpStatusCode.NotFound);

        // A taken login (in any case), a bad e-mail, role or scope: refused with the field named, and nothing written.
        var (users, links) = (await app.CountAsync("users"), await app.CountAsync("user_links"));
        var duplicate = await admin.PostJson("/api/v1/users", NewUser("auditor", [programme], login: login.ToUpperInvariant())).Expect(HttpStatusCode.Conflict);
        Assert.Equal("A person with this login already exists.", duplicate.Str("detail"));
        foreach (var (body, fields) in new (object Body, string[] Fields)[]
                 {
                     (NewUser("manager", [programme], login: "li.fuhe at example.cn"), ["login"]),
                     (NewUser("boss"), ["role"]),
                     (new { login = NewLogin("x"), displayName = "", role = "manager", programmeIds = Array.Empty<Guid>() }, ["displayName", "programmeIds"]),
                     (NewUser("admin", [programme]), ["programmeIds"]),
                     (NewUser("donor"), ["donorId"]),
                     (NewUser("manager", [programme], donor), ["donorId"]),
                     (NewUser("manager", [Guid.CreateVersion7()]), ["programmeIds"]), // well-formed but unknown: the handler's check
                     (new { login = NewLogin("x"), displayName = "王五", role = "auditor", programmeIds = new[] { programme }, language = "fr" }, ["language"]),
                 })
        {
            var problem = await admin.PostJson("/api/v1/users", body).Expect(HttpStatusCode.BadRequest);
            Assert.Equal(fields.Order(), problem.ErrorFields().Order());
        }
        var chinese = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(NewUser("donor")) };
        chinese.Headers.AcceptLanguage.ParseAdd("zh-CN");
        var inChinese = await admin.SendAsync(chinese, Ct).Expect(HttpStatusCode.BadRequest);
        Assert.Equal("捐赠人用户需要填写其捐赠人记录的 donorId。", inChinese.GetProperty("errors").GetProperty("donorId")[0].GetString());
        Assert.Equal((users, links), (await app.CountAsync("users"), await app.CountAsync("user_links")));

        // A donor's account: the donor record it is.
        var donorUser = await CreateUser(admin, "donor", donor: donor, name: "蒋晟晖");
        Assert.Equal(donor, donorUser.GetProperty("donorId").GetGuid());
        Assert.Empty(donorUser.GetProperty("programmeIds").EnumerateArray());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Disabling_stops_a_persons_keys_at_once_enabling_restores_them_and_a_new_scope_applies_at_the_next_request(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (one, _) = await admin.ProgrammeAndDonor();
        var two = (await admin.CreateProgramme()).Id();
        var id = (await CreateUser(admin, "manager", [one])).Id();
        var (_, key) = await GiveKey(admin, id);
        var person = app.Client(key);
        await person.Get($"/api/v1/programmes/{one}").Expect(HttpStatusCode.OK);
        await person.Get($"/api/v1/programmes/{two}").Expect(HttpStatusCode.NotFound);

        var scoped = await admin.PutJson($"/api/v1/users/{id}/scope", new { role = "manager", programmeIds = new[] { two, one } }).Expect(HttpStatusCode.OK);
        Assert.Equal(new[] { one, two }.Order(), scoped.GetProperty("programmeIds").EnumerateArray().Select(p => p.GetGuid()).Order());
        await person.Get($"/api/v1/programmes/{two}").Expect(HttpStatusCode.OK);

        await admin.PutJson($"/api/v1/users/{id}/scope", new { role = "auditor", programmeIds = new[] { two } }).Expect(HttpStatusCode.OK);
        await person.Get($"/api/v1/programmes/{one}").Expect(HttpStatusCode.NotFound);
        await person.Get($"/api/v1/programmes/{two}").Expect(HttpStatusCode.OK);
        await person.PostJson("/api/v1/donors", new { kind = "person", name = "王芳", anonymous = false }).Expect(HttpStatusCode.Forbidden);

        var bad = await admin.PutJson($"/api/v1/users/{id}/scope", new { role = "donor", programmeIds = new[] { two } }).Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["donorId", "programmeIds"], bad.ErrorFields().Order());
        var still = await admin.Get($"/api/v1/users/{id}").Expect(HttpStatusCode.OK);
        Assert.Equal(("auditor", two), (still.Str("role"), Assert.Single(still.GetProperty("programmeIds").EnumerateArray()).GetGuid()));

        var disabled = await admin.PostJson($"/api/v1/users/{id}/disable", new { }).Expect(HttpStatusCode.OK);
        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        await person.Get($"/api/v1/programmes/{two}").Expect(HttpStatusCode.Unauthorized);
        await person.Get("/api/v1/users/me").Expect(HttpStatusCode.Unauthorized);
        var noKey = await admin.PostJson($"/api/v1/users/{id}/keys", new { name = "x" }).Expect(HttpStatusCode.Conflict);
        Assert.Equal("The user is disabled: enable them before giving them a key.", noKey.Str("detail"));
        await admin.PostJson($"/api/v1/users/{id}/password-reset", new { }).Expect(HttpStatusCode.Conflict);
        Assert.True((await admin.PostJson($"/api/v1/users/{id}/disable", new { }).Expect(HttpStatusCode.OK)).GetProperty("disabled").GetBoolean()); // again: no change

        var enabled = await admin.PostJson($"/api/v1/users/{id}/enable", new { }).Expect(HttpStatusCode.OK);
        Assert.False(enabled.GetProperty("disabled").GetBoolean());
        await person.Get($"/api/v1/programmes/{two}").Expect(HttpStatusCode.OK);

        // A password reset: a new one-time link each time, only its hash stored.
        var reset = await admin.PostJson($"/api/v1/users/{id}/password-reset", new { }).Expect(HttpStatusCode.OK);
        var resetUrl = new Uri(reset.Str("url"));
        Assert.True(resetUrl.IsAbsoluteUri);
        Assert.StartsWith("/signin/link/", resetUrl.AbsolutePath);
        Assert.True(reset.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow + LinkLifetimes.Password - TimeSpan.FromMinutes(5));
        await using var connection = await app.OpenDatabaseAsync();
        var hashes = (await connection.QueryAsync<string>("SELECT token_hash FROM user_links WHERE user_id = @id", new { id = Key(engine, id) })).ToList();
        Assert.Equal(2, hashes.Count); // the invitation's and the reset's
        Assert.Contains(ApiKeyToken.Hash(resetUrl.AbsolutePath["/signin/link/".Length..]), hashes);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Only_admins_manage_people_and_the_last_admin_who_can_get_in_stays(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, _) = await admin.ProgrammeAndDonor();
        var id = (await CreateUser(admin, "manager", [programme])).Id();
        var (_, key) = await GiveKey(admin, id);
        var manager = app.Client(key);
        var users = await app.CountAsync("users");
        foreach (var refused in new[]
                 {
                     manager.Get("/api/v1/users"), manager.Get($"/api/v1/users/{id}"), manager.PostJson("/api/v1/users", NewUser("admin")),
                     manager.PostJson($"/api/v1/users/{id}/disable", new { }), manager.PostJson($"/api/v1/users/{id}/enable", new { }),
                     manager.PutJson($"/api/v1/users/{id}/scope", new { role = "admin" }), manager.PostJson($"/api/v1/users/{id}/password-reset", new { }),
                     manager.PostJson($"/api/v1/users/{id}/keys", new { name = "第二把" }), manager.Get("/api/v1/security-policy"),
                     manager.PutJson("/api/v1/security-policy", new { staffTotpRequired = false }),
                 })
            await refused.Expect(HttpStatusCode.Forbidden);
        Assert.Equal(users, await app.CountAsync("users"));
        Assert.Equal(("manager", 1), ((await admin.Get($"/api/v1/users/{id}").Expect(HttpStatusCode.OK)).Str("role"),
            (await manager.Get("/api/v1/users/me/keys").Expect(HttpStatusCode.OK)).GetProperty("items").GetArrayLength()));

        // The bootstrap admin is the only admin who can get in: not by disabling or demoting themself, nor by the system.
        var me = await admin.Get("/api/v1/users/me").Expect(HttpStatusCode.OK);
        Assert.Equal("admin", me.Str("role"));
        var self = await admin.PostJson($"/api/v1/users/{me.Id()}/disable", new { }).Expect(HttpStatusCode.Conflict);
        Assert.Equal("You cannot disable yourself; ask another admin.", self.Str("detail"));
        var demote = await admin.PutJson($"/api/v1/users/{me.Id()}/scope", new { role = "manager", programmeIds = new[] { programme } }).Expect(HttpStatusCode.Conflict);
        Assert.Equal("You cannot take away your own admin role; ask another admin.", demote.Str("detail"));
        await CreateUser(admin, "admin", name: "新管理员"); // invited, but with neither a password nor a key yet: no way in
        var last = await Assert.ThrowsAsync<ConflictException>(() => SendAs<UserView>(app, null, new DisableUser(me.Id())));
        Assert.Equal("This is the only enabled admin: make another person admin first.", last.Message);
        Assert.False((await admin.Get("/api/v1/users/me").Expect(HttpStatusCode.OK)).GetProperty("disabled").GetBoolean());

        // The organisation's sign-in rule.
        Assert.False((await admin.Get("/api/v1/security-policy").Expect(HttpStatusCode.OK)).GetProperty("staffTotpRequired").GetBoolean());
        Assert.True((await admin.PutJson("/api/v1/security-policy", new { staffTotpRequired = true }).Expect(HttpStatusCode.OK)).GetProperty("staffTotpRequired").GetBoolean());
        Assert.True((await admin.Get("/api/v1/security-policy").Expect(HttpStatusCode.OK)).GetProperty("staffTotpRequired").GetBoolean());
        Assert.Equal(["staffTotpRequired"], (await admin.PutJson("/api/v1/security-policy", new { }).Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.False((await admin.PutJson("/api/v1/security-policy", new { staffTotpRequired = false }).Expect(HttpStatusCode.OK)).GetProperty("staffTotpRequired").GetBoolean());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Everyone_reads_their_own_account_and_revokes_their_own_keys_but_not_anyone_elses(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var id = (await CreateUser(admin, "manager", [programme], name: "张经理")).Id();
        var (firstId, firstKey) = await GiveKey(admin, id, "办公室电脑");
        var (secondId, secondKey) = await GiveKey(admin, id, "对账脚本");
        var manager = app.Client(firstKey);

        var me = await manager.Get("/api/v1/users/me").Expect(HttpStatusCode.OK);
        Assert.Equal((id, "张经理", "manager"), (me.Id(), me.Str("displayName"), me.Str("role")));
        Assert.Equal([programme], me.GetProperty("programmeIds").EnumerateArray().Select(p => p.GetGuid()));
        var keys = await manager.Get("/api/v1/users/me/keys").Expect(HttpStatusCode.OK);
        Assert.Equal([firstId, secondId], keys.GetProperty("items").EnumerateArray().Select(k => k.Id()).Order());
        Assert.Equal(["办公室电脑", "对账脚本"], keys.GetProperty("items").EnumerateArray().Select(k => k.Str("name")).Order());
        Assert.All(keys.GetProperty("items").EnumerateArray(), k =>
        {
            Assert.False(k.TryGetProperty("key", out _));
            Assert.Equal(JsonValueKind.Null, k.GetProperty("revokedAt").ValueKind);
        });
        Assert.Equal(JsonValueKind.Null, keys.GetProperty("nextCursor").ValueKind);

        // Someone else's key reads as not found, and keeps working.
        var other = (await CreateUser(admin, "manager", [programme], name: "李复核")).Id();
        var (otherKeyId, otherKey) = await GiveKey(admin, other);
        await manager.Send(HttpMethod.Delete, $"/api/v1/users/me/keys/{otherKeyId}").Expect(HttpStatusCode.NotFound);
        await manager.Send(HttpMethod.Delete, $"/api/v1/users/me/keys/{Guid.CreateVersion7()}").Expect(HttpStatusCode.NotFound);
        Assert.Equal(other, (await app.Client(otherKey).Get("/api/v1/users/me").Expect(HttpStatusCode.OK)).Id());

        // One's own: revoked at once, and again is no change.
        await manager.Send(HttpMethod.Delete, $"/api/v1/users/me/keys/{secondId}").Expect(HttpStatusCode.NoContent);
        await manager.Send(HttpMethod.Delete, $"/api/v1/users/me/keys/{secondId}").Expect(HttpStatusCode.NoContent);
        await app.Client(secondKey).Get("/api/v1/users/me").Expect(HttpStatusCode.Unauthorized);
        var after = (await manager.Get("/api/v1/users/me/keys").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, after.Single(k => k.Id() == firstId).GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, after.Single(k => k.Id() == secondId).GetProperty("revokedAt").ValueKind);
        await manager.Get($"/api/v1/programmes/{programme}").Expect(HttpStatusCode.OK);

        // A donor has an account too.
        var donorId = (await CreateUser(admin, "donor", donor: donor, name: "蒋晟晖")).Id();
        var (_, donorKey) = await GiveKey(admin, donorId);
        var donorMe = await app.Client(donorKey).Get("/api/v1/users/me").Expect(HttpStatusCode.OK);
        Assert.Equal(("donor", donor), (donorMe.Str("role"), donorMe.GetProperty("donorId").GetGuid()));
        await app.Client(donorKey).Get("/api/v1/users").Expect(HttpStatusCode.Forbidden);
        await app.Client().Get("/api/v1/users/me").Expect(HttpStatusCode.Unauthorized);
    }

    /// <summary>
    /// The schema before accounts: a database made by this service through its API (two managers deciding on each other's
    /// requests, an auditor, a revoked key), then without what 0009 adds — checked equal to a
    /// database migrated with every migration but 0009 — so the start that applies 0009 meets what <c>main</c> left behind.
    /// </summary>
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_database_from_before_accounts_keeps_every_key_record_and_four_eyes_pair_after_the_upgrade(Engine engine)
    {
        if (engine == Engine.SqlServer) Assert.Skip("The upgrade is tested on SQLite and PostgreSQL (the engines of databases made before accounts).");
        DapperTypeHandlers.Register();
        await using var database = await TestDatabase.CreateAsync(engine);
        var keys = Directory.CreateTempSubdirectory("aid-upgrade-users-").FullName;
        var adminKey = ApiKeyToken.Generate();
        try
        {
            Guid programme, student, d1, d2, d3, d4;
            (Guid Id, string Key) a, b, auditor, gone;
            await using (var app = new AppOnDatabase(engine, database.ConnectionString, keys, adminKey).Start())
            {
                var admin = app.Admin();
                (programme, _) = await FundedProgramme(admin);
                async Task<(Guid, string)> NewKey(string name, string role)
                {
                    var created = await admin.PostJson("/api/v1/api-keys", new { name, role, programmeIds = new[] { programme } }).Expect(HttpStatusCode.Created);
                    return (created.Id(), created.Str("key"));
                }
                (a, b, auditor, gone) = (await NewKey("经理甲", "manager"), await NewKey("经理乙", "manager"), await NewKey("审计员", "auditor"), await NewKey("离职经理", "manager"));
                await admin.Send(HttpMethod.Delete, $"/api/v1/api-keys/{gone.Id}").Expect(HttpStatusCode.NoContent);
                var (byA, byB) = (app.Client(a.Key), app.Client(b.Key));
                student = (await byA.Register(programme)).Id();
                d1 = (await byA.PostJson("/api/v1/disbursements", Request(programme, student, "第一期")).Expect(HttpStatusCode.Created)).Id();
                d2 = (await byA.PostJson("/api/v1/disbursements", Request(programme, student, "第二期")).Expect(HttpStatusCode.Created)).Id();
                d3 = (await byB.PostJson("/api/v1/disbursements", Request(programme, student, "第三期")).Expect(HttpStatusCode.Created)).Id();
                d4 = (await byA.PostJson("/api/v1/disbursements", Request(programme, student, "第四期")).Expect(HttpStatusCode.Created)).Id();
                await byB.PostJson($"/api/v1/disbursements/{d1}/approve", new { }).Expect(HttpStatusCode.OK);
                await byB.PostJson($"/api/v1/disbursements/{d4}/reject", new { reason = "材料不全" }).Expect(HttpStatusCode.OK);
                Assert.True((await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK)).GetProperty("valid").GetBoolean());
            }

            List<string> records, decisions;
            await using (var connection = database.NewConnection())
            {
                await connection.OpenAsync(Ct);
                foreach (var statement in UndoUsersMigration) await connection.ExecuteAsync(statement);
                records = await RowsAsync(connection, "SELECT * FROM audit_log ORDER BY sequence");
                decisions = await RowsAsync(connection, "SELECT id, status, requested_by, decided_by FROM disbursements ORDER BY id");
                await using var without0009 = await TestDatabase.CreateAsync(engine);
                await using var fresh = await MigratedWithout0009Async(without0009);
                Assert.Equal(await SchemaAsync(engine, fresh), await SchemaAsync(engine, connection));
            }
            Assert.Contains(decisions, d => d.Contains($"requested_by={a.Id}") && d.Contains($"decided_by={b.Id}") && d.Contains("status=approved"));
            Assert.Contains(decisions, d => d.Contains("status=rejected") && d.Contains($"decided_by={b.Id}"));

            await using (var app = new AppOnDatabase(engine, database.ConnectionString, keys, adminKey).Start())
            {
                var admin = app.Admin();
                var (byA, byB, byAuditor) = (app.Client(a.Key), app.Client(b.Key), app.Client(auditor.Key));

                // Every live key works as before: one person each, named after the key, with its id, role and scope.
                foreach (var (key, name, role) in new[] { (a, "经理甲", "manager"), (b, "经理乙", "manager"), (auditor, "审计员", "auditor") })
                {
                    var me = await app.Client(key.Key).Get("/api/v1/users/me").Expect(HttpStatusCode.OK);
                    Assert.Equal((key.Id, name, role, false), (me.Id(), me.Str("displayName"), me.Str("role"), me.GetProperty("disabled").GetBoolean()));
                    Assert.Equal([programme], me.GetProperty("programmeIds").EnumerateArray().Select(p => p.GetGuid()));
                    Assert.Equal(JsonValueKind.Null, me.GetProperty("login").ValueKind);
                    await app.Client(key.Key).Get($"/api/v1/disbursements/{d1}").Expect(HttpStatusCode.OK);
                }
                Assert.Equal("admin", (await admin.Get("/api/v1/users/me").Expect(HttpStatusCode.OK)).Str("role"));
                await byAuditor.PostJson("/api/v1/donors", new { kind = "person", name = "王芳", anonymous = false }).Expect(HttpStatusCode.Forbidden);
                await app.Client(gone.Key).Get("/api/v1/users/me").Expect(HttpStatusCode.Unauthorized);
                var goneUser = await admin.Get($"/api/v1/users/{gone.Id}").Expect(HttpStatusCode.OK);
                Assert.Equal(("离职经理", true), (goneUser.Str("displayName"), goneUser.GetProperty("disabled").GetBoolean()));
                var people = (await admin.Get("/api/v1/users?limit=500").Expect(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(u => u.Id()).ToList();
                Assert.Equal(5, people.Count); // the bootstrap admin and the four keys
                Assert.Contains(a.Id, people);

                // The two managers are two people: each approves the other's request, not their own; the approver does not pay.
                await byA.PostJson($"/api/v1/disbursements/{d2}/approve", new { }).Expect(HttpStatusCode.Forbidden);
                await byB.PostJson($"/api/v1/disbursements/{d2}/approve", new { }).Expect(HttpStatusCode.OK);
                await byA.PostJson($"/api/v1/disbursements/{d3}/approve", new { }).Expect(HttpStatusCode.OK);
                await byB.PostJson($"/api/v1/disbursements/{d2}/pay", Payment).Expect(HttpStatusCode.Forbidden);
                await byA.PostJson($"/api/v1/disbursements/{d1}/pay", Payment).Expect(HttpStatusCode.OK); // approved by B before the upgrade

                // Records, requests and decisions keep the key ids they were written with; the trail verifies.
                await using var connection = await app.OpenDatabaseAsync();
                Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_keys WHERE user_id IS NULL OR user_id <> id"));
                Assert.Equal(records, (await RowsAsync(connection, "SELECT * FROM audit_log ORDER BY sequence")).Take(records.Count));
                var now = await RowsAsync(connection, "SELECT id, status, requested_by, decided_by FROM disbursements ORDER BY id");
                Assert.Equal(decisions.Where(d => !d.StartsWith($"id={d2}") && !d.StartsWith($"id={d3}") && !d.StartsWith($"id={d1}")),
                    now.Where(d => !d.StartsWith($"id={d2}") && !d.StartsWith($"id={d3}") && !d.StartsWith($"id={d1}")));
                Assert.Contains($"id={d1}|status=paid|requested_by={a.Id}|decided_by={b.Id}", now);
                Assert.Contains($"id={d2}|status=approved|requested_by={a.Id}|decided_by={b.Id}", now);
                Assert.Contains($"id={d3}|status=approved|requested_by={b.Id}|decided_by={a.Id}", now);
                var verified = await admin.Get("/api/v1/audit/verify").Expect(HttpStatusCode.OK);
                Assert.True(verified.GetProperty("valid").GetBoolean(), verified.GetRawText());
            }
        }
        finally
        {
            try { Directory.Delete(keys, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>What migration 0009 adds, removed again (in SQLite a column that is indexed cannot be dropped: the index first).</summary>
    private static readonly string[] UndoUsersMigration =
    [
        // 0012 (e-mail) refers to users: undone first, and applied again with 0009 on the next start.
        "DROP TABLE email_outbox",
        "ALTER TABLE receipts DROP COLUMN original_via",
        "ALTER TABLE receipts DROP COLUMN original_at",
        "ALTER TABLE donors DROP COLUMN email_receipts",
        "DELETE FROM schema_migrations WHERE id = '0012'",
        "DROP INDEX ix_api_keys_user",
        "ALTER TABLE api_keys DROP COLUMN user_id",
        "DROP TABLE user_links",
        "DROP TABLE user_programmes",
        "DROP TABLE security_policy",
        "DROP TABLE users",
        "DELETE FROM schema_migrations WHERE id = '0009'",
    ];

    /// <summary>
    /// Every migration but 0009 and 0012 (which refers to users): the schema a database made before accounts has once the later
    /// migrations that do not depend on 0009 are applied too, so undoing those two stays comparable as migrations are added.
    /// </summary>
    private static async Task<DbConnection> MigratedWithout0009Async(TestDatabase database)
    {
        var engine = DatabaseEngines.Create(database.Options);
        var connection = database.NewConnection();
        await connection.OpenAsync(Ct);
        await connection.ExecuteAsync(engine.JournalDdl);
        foreach (var migration in MigrationRunner.Embedded(engine.Name).Where(m => m.Id is not ("0009" or "0012")))
        {
            await connection.ExecuteAsync(migration.Sql);
            await connection.ExecuteAsync(MigrationRunner.JournalInsertSql, new { migration.Id, migration.Name, appliedAt = DateTimeOffset.UtcNow });
        }
        return connection;
    }

    /// <summary>Tables with their columns, indexes, triggers and constraints, and the journal's ids: what a schema is made of.</summary>
    private static async Task<List<string>> SchemaAsync(Engine engine, DbConnection connection)
    {
        var queries = engine == Engine.Sqlite
            ? new[]
            {
                "SELECT type || ' ' || name || ' on ' || tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
                "SELECT m.name || '.' || p.name || ' ' || p.type || ' notnull=' || p.\"notnull\" || ' pk=' || p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
                "SELECT m.name || ' references ' || f.\"table\" || '(' || f.\"to\" || ') from ' || f.\"from\" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
                "SELECT 'migration ' || id FROM schema_migrations",
            }
            : new[]
            {
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
                "SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'",
                "SELECT 'trigger ' || trigger_name || ' ' || event_manipulation || ' on ' || event_object_table FROM information_schema.triggers WHERE trigger_schema = 'public'",
                "SELECT 'constraint ' || conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace",
                "SELECT 'migration ' || id FROM schema_migrations",
            };
        var schema = new List<string>();
        foreach (var query in queries) schema.AddRange(await connection.QueryAsync<string>(query));
        schema.Sort(StringComparer.Ordinal);
        return schema;
    }

    /// <summary>Each row as "column=value|…", values in invariant text: what the row says, compared across starts.</summary>
    private static async Task<List<string>> RowsAsync(DbConnection connection, string sql) =>
        (await connection.QueryAsync(sql)).Cast<IDictionary<string, object?>>()
            .Select(row => string.Join("|", row.Select(c => $"{c.Key}={Text(c.Value)}"))).ToList();

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTime t => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object Key(Engine engine, Guid id) => engine == Engine.Sqlite ? id.ToString() : id;
}
