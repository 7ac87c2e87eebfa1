using System.Globalization;
using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Pledges;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using Aid.Application.Sponsorships;
using Aid.Application.Students;
using Aid.Application.Users;
using Mediator;

namespace Aid.Api.Demo;

/// <summary>
/// <c>Aid.Api seed-demo</c>: the model campaign "青系镇坪，雏鹰伴翔" in an empty database, deterministic (fixed seed):
/// 120 students in six schools, 300 donors, pledges and gifts over three academic years, masks received in kind,
/// per-term grants requested, approved by a second manager and paid, annual receipts, and one gift reversed with its
/// receipt voided and reissued. Everything goes through the same commands as the API.
/// </summary>
internal sealed class DemoSeeder(IServiceProvider services, ILogger<DemoSeeder> logger)
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "蒋", "欧阳"];
    private static readonly string[] Given = ["晟晖", "雨桐", "子涵", "浩然", "思远", "欣怡", "梓萱", "宇航", "一诺", "佳怡", "俊杰", "诗涵", "明轩", "嘉怡", "博文", "雅琪", "天佑", "若曦", "志强", "丽华", "建国", "秀英", "伟", "芳", "娜", "敏", "静", "磊", "洋", "䶮"];
    private static readonly string[] Companies = ["安康市汉滨区爱心企业协会", "陕西秦巴山水旅游有限公司", "安康富硒茶业有限公司", "镇坪县医药有限责任公司", "汉滨区青年企业家协会",
        "西安科创软件有限公司", "安康市建设工程有限公司", "陕西绿源农业科技有限公司", "镇坪县腊肉食品厂", "安康市供销合作社", "汉江银行安康分行青年团支部", "陕西华秦物流有限公司"];
    private static readonly string[] Schools = ["镇坪县中学", "镇坪县城关中学", "曾家镇中学", "牛头店镇九年制学校", "钟宝镇中学", "华坪镇中心学校"];
    private static readonly PaymentMethod[] Methods = [PaymentMethod.BankTransfer, PaymentMethod.WechatPay, PaymentMethod.Alipay, PaymentMethod.BankTransfer, PaymentMethod.Cash];

    /// <summary>What <c>seed-demo</c> says about a database that already has programmes.</summary>
    public const string NotEmpty = "the database is not empty: seed-demo loads the demo into an empty database only (this one has "
        + "programmes already). Start fresh with a new database, e.g. ConnectionStrings__Aid=\"Data Source=data/demo.db\" ./scripts/run.sh seed-demo "
        + "(then run the service with the same setting).";

    /// <summary>True while the database has no programme: the demo loads into an empty database only.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var existing = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ListProgrammes(null, null, 1, null), ct);
        return existing.Items.Count == 0;
    }

    public async Task<string> SeedAsync(CancellationToken ct)
    {
        var random = new Random(2021);
        if (!await IsEmptyAsync(ct))
            throw new InvalidOperationException(NotEmpty);

        // The programme, then two manager keys: one requests, the other approves (four eyes).
        var programme = await Send(null, new CreateProgramme("ZP-2021", "青系镇坪，雏鹰伴翔", "陕西省安康市镇坪县", "镇坪县教育体育和科技局", "CNY",
            new DateOnly(2021, 9, 1), new DateOnly(2024, 8, 31), Money.Parse("1000.00"), Money.Parse("360000.00")), ct);
        await Send(null, new UpdateProgramme(programme.Id, null, null, null, null, null, null, null, null, ProgrammeState.Active), ct);
        var requesterKey = await Send(null, new CreateUserKey(await Person("manager1@demo.aid", "张经理（演示）", Role.Manager, [programme.Id], null, ct), "张经理的密钥"), ct);
        var approverKey = await Send(null, new CreateUserKey(await Person("manager2@demo.aid", "李复核（演示）", Role.Manager, [programme.Id], null, ct), "李复核的密钥"), ct);
        await Person("auditor@demo.aid", "王审计（演示）", Role.Auditor, [programme.Id], null, ct);
        var requester = new Actor(requesterKey.Id, requesterKey.UserId, Roles.Manager, [programme.Id], null);
        var approver = new Actor(approverKey.Id, approverKey.UserId, Roles.Manager, [programme.Id], null);

        var students = new List<StudentView>();
        for (var i = 0; i < 120; i++)
        {
            var birth = new DateOnly(2004 + random.Next(0, 6), 1 + random.Next(0, 12), 1 + random.Next(0, 28));
            students.Add(await Send(requester, new RegisterStudent(programme.Id, Name(random), random.Next(2) == 0 ? Gender.Female : Gender.Male, birth,
                IdNumber(birth, i), Schools[i % Schools.Length], Grade(birth), "镇坪县", true, Name(random), $"139{random.Next(10000000, 99999999)}",
                $"镇坪县{Schools[i % Schools.Length][..3]}村{random.Next(1, 9)}组", new DateOnly(2021, 8, 20), $"监护人同意书-2021-{i + 1:000}"), ct));
        }

        var donors = new List<DonorView>();
        for (var i = 0; i < 300; i++)
        {
            var organisation = i % 10 == 9;
            donors.Add(await Send(requester, new CreateDonor(organisation ? DonorKind.Organisation : DonorKind.Person,
                organisation ? Companies[(i / 10) % Companies.Length] + (i >= 120 ? $"（{i / 120 + 1}）" : "") : Name(random),
                i % 13 == 5, i % 17 == 3 ? "en" : "zh-CN", null, null, null, null), ct));
        }

        await Person("donor1@demo.aid", donors[0].Name, Role.Donor, [], donors[0].Id, ct);
        await Person("donor2@demo.aid", donors[9].Name, Role.Donor, [], donors[9].Id, ct);

        // 结对: one donor per student for the three years.
        for (var i = 0; i < 100; i++)
            await Send(requester, new CreateSponsorship(programme.Id, donors[i].Id, students[i].Id, 2021, 2023, Money.Parse("1000.00")), ct);

        // Pledges of the sponsors (3,000.00 over three years), paid by yearly gifts; the others give freely (Zipf-like counts).
        var gifts = new List<GiftView>();
        var reference = 0;
        for (var i = 0; i < 100; i++)
        {
            var pledge = await Send(requester, new CreatePledge(donors[i].Id, programme.Id, Money.Parse("3000.00"), null,
                new RegularSchedule(PledgeFrequency.Yearly, 3, new DateOnly(2021, 9, 1)), null), ct);
            foreach (var year in new[] { 2021, 2022, 2023 })
            {
                if (i % 25 == 7 && year == 2023) continue; // a few pledges are still open
                gifts.Add(await Send(requester, Cash(programme.Id, donors[i].Id, pledge.Id, new DateOnly(year, 9, 10 + i % 15), "1000.00", random, ++reference), ct));
            }
        }
        for (var i = 100; i < 300; i++)
        {
            var count = Math.Max(1, (int)(6 / Math.Pow(1 + random.Next(0, 12), 0.8)));
            for (var k = 0; k < count; k++)
            {
                var day = new DateOnly(2021, 9, 1).AddDays(random.Next(0, 1030));
                var amount = donors[i].Kind == DonorKinds.Organisation ? random.Next(2, 20) * 500 : random.Next(5, 200) * 10;
                gifts.Add(await Send(requester, Cash(programme.Id, donors[i].Id, null, day, amount.ToString("0.00", CultureInfo.InvariantCulture), random, ++reference), ct));
            }
        }
        var masks = await Send(requester, new RecordGift(programme.Id, donors[9].Id, new DateOnly(2022, 2, 15), "MASK-INV-2022-0215", null,
            Cash: null, InKind: new InKindGift("一次性医用口罩（发放各校）", 5000m, "只", ValuationBasis.Invoice, Money.Parse("2500.00"))), ct);
        for (var school = 0; school < Schools.Length; school++)
            await Send(requester, new Aid.Application.Goods.DistributeGoods(masks.Id, school < Schools.Length - 1 ? 800m : 1000m, Schools[school],
                new DateOnly(2022, 2, 21), $"口罩签收单-{school + 1:00}"), ct);

        // Annual receipts per donor and year.
        foreach (var donor in donors)
            foreach (var year in new[] { 2021, 2022, 2023, 2024 })
                try { await Send(requester, new IssueReceipt(null, new AnnualReceipt(donor.Id, year)), ct); }
                catch (ConflictException) { } // nothing to receipt that year

        // A bounced transfer: the gift is reversed, its annual receipt voided and reissued for the donor's other gifts.
        var bounced = gifts.Where(g => g.PledgeId is null && g.Method == "bank_transfer")
            .GroupBy(g => (g.DonorId, g.ReceivedOn.Year)).First(group => group.Count() >= 2).First();
        await Send(requester, new ReverseGift(bounced.Id, "银行退票：账户信息有误"), ct);

        // Grants: 500.00 per term, autumn and spring, three academic years, each requested two weeks before it was paid;
        // one student withdraws in 2023.
        var withdrawnOn = new DateOnly(2023, 2, 20);
        var paid = 0;
        foreach (var (academicYear, term, paidOn) in new[]
        {
            ("2021-2022", "秋季学期", new DateOnly(2021, 10, 15)), ("2021-2022", "春季学期", new DateOnly(2022, 3, 15)),
            ("2022-2023", "秋季学期", new DateOnly(2022, 10, 14)), ("2022-2023", "春季学期", new DateOnly(2023, 3, 15)),
            ("2023-2024", "秋季学期", new DateOnly(2023, 10, 16)), ("2023-2024", "春季学期", new DateOnly(2024, 3, 15)),
        })
        {
            if (paidOn > withdrawnOn && students[17].Status == StudentStatus.Active.Code())
                students[17] = await Send(requester, new UpdateStudent(students[17].Id, null, null, null, null, null, null, null, null,
                    StudentStatus.Withdrawn, withdrawnOn), ct);
            foreach (var student in students)
            {
                if (student.Status == StudentStatus.Withdrawn.Code()) continue;
                var request = await Send(requester, new RequestDisbursement(programme.Id, student.Id, academicYear, term, "助学金", Money.Parse("500.00"),
                    student.Code.EndsWith('0') ? DisbursementChannel.SchoolAccount : DisbursementChannel.AidCard, $"ZP-{academicYear}-{(term == "秋季学期" ? "A" : "S")}",
                    RequestedOn: paidOn.AddDays(-14)), ct); // back-entered records: requested two weeks before the payment
                await Send(approver, new ApproveDisbursement(request.Id), ct);
                await Send(requester, new PayDisbursement(request.Id, $"镇坪县农商行-{paidOn:yyyyMMdd}-{student.Code}", $"签收单-{academicYear}-{term}-{student.Code}", paidOn), ct);
                paid++;
            }
        }

        logger.LogInformation("Demo loaded: {Students} students, {Donors} donors, {Gifts} gifts", students.Count, donors.Count, gifts.Count + 1);
        return $"""
            Loaded the demo programme 青系镇坪，雏鹰伴翔 (code ZP-2021, id {programme.Id}):
              120 students, 300 donors, {gifts.Count + 1} gifts, {paid} grants paid, annual receipts issued.
            Sign in at /signin (password for everyone: {DemoPassword}):
              manager1@demo.aid  张经理, manager: requests disbursements
              manager2@demo.aid  李复核, manager: approves them (four eyes)
              auditor@demo.aid   王审计, auditor (read-only)
              donor1@demo.aid    {donors[0].Name}, donor (a sponsor)
              donor2@demo.aid    {donors[9].Name}, donor (an organisation)
            API keys of the two managers (shown once):
              manager  {requesterKey.Key}
              approver {approverKey.Key}
            """;
    }

    /// <summary>The one password of every demo person (printed by seed-demo; a demo database is not for real data).</summary>
    public const string DemoPassword = "aid-demo-2026";

    /// <summary>A demo person with <see cref="DemoPassword"/>, made as an admin would: created, then their password link used.</summary>
    private async Task<Guid> Person(string login, string name, Role role, IReadOnlyList<Guid> programmes, Guid? donorId, CancellationToken ct)
    {
        var created = await Send(null, new CreateUser(login, name, role, programmes, donorId, "zh-CN"), ct);
        await Send(null, new SetPasswordWithLink(created.PasswordLink.Token, null, DemoPassword), ct);
        return created.User.Id;
    }

    private async Task<T> Send<T>(Actor? actor, ICommand<T> command, CancellationToken ct)
    {
        HttpActor.Override.Value = actor;
        try
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, ct);
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }

    private static RecordGift Cash(Guid programme, Guid donor, Guid? pledge, DateOnly day, string amount, Random random, int reference)
    {
        var method = Methods[random.Next(Methods.Length)];
        return new RecordGift(programme, donor, day,
            method == PaymentMethod.Cash ? null : $"{method.Code().ToUpperInvariant()[..2]}-{day:yyyyMMdd}-{reference:00000}", null,
            new CashGift(Money.Parse(amount), method, pledge), InKind: null);
    }

    private static string Name(Random random) => Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)];

    private static string Grade(DateOnly birth) => (2021 - birth.Year) switch
    {
        <= 12 => "六年级", 13 => "初一", 14 => "初二", 15 => "初三", 16 => "高一", _ => "高二",
    };

    /// <summary>A valid (check character per GB 11643), clearly fictitious ID number for the demo.</summary>
    private static string IdNumber(DateOnly birth, int index)
    {
        var body = $"610927{birth:yyyyMMdd}{index % 1000:000}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        return body + "10X98765432"[body.Select((c, i) => (c - '0') * weights[i]).Sum() % 11];
    }
}
