using System.Globalization;
using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Auditing;
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
/// receipt voided and reissued. Everything goes through the same commands as the API, and happens when it would have:
/// the steps are planned first (the random draws in a fixed order, so the data never changes), then run in date order with
/// the <see cref="DemoClock"/> moved to each step's business moment, so the audit trail, receipts (dates and numbers) and
/// the reversal fall in 2021–2024. Each day ends as the service's background work would end it: the audit records sealed and
/// the moved chain heads checkpointed. Then the clock resumes real time.
/// </summary>
internal sealed class DemoSeeder(IServiceProvider services, DemoClock clock, ILogger<DemoSeeder> logger)
{
    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "蒋", "欧阳"];
    private static readonly string[] Given = ["晟晖", "雨桐", "子涵", "浩然", "思远", "欣怡", "梓萱", "宇航", "一诺", "佳怡", "俊杰", "诗涵", "明轩", "嘉怡", "博文", "雅琪", "天佑", "若曦", "志强", "丽华", "建国", "秀英", "伟", "芳", "娜", "敏", "静", "磊", "洋", "䶮"];
    private static readonly string[] Companies = ["安康市汉滨区爱心企业协会", "陕西秦巴山水旅游有限公司", "安康富硒茶业有限公司", "镇坪县医药有限责任公司", "汉滨区青年企业家协会",
        "西安科创软件有限公司", "安康市建设工程有限公司", "陕西绿源农业科技有限公司", "镇坪县腊肉食品厂", "安康市供销合作社", "汉江银行安康分行青年团支部", "陕西华秦物流有限公司"];
    private static readonly string[] Schools = ["镇坪县中学", "镇坪县城关中学", "曾家镇中学", "牛头店镇九年制学校", "钟宝镇中学", "华坪镇中心学校"];
    private static readonly PaymentMethod[] Methods = [PaymentMethod.BankTransfer, PaymentMethod.WechatPay, PaymentMethod.Alipay, PaymentMethod.BankTransfer, PaymentMethod.Cash];

    /// <summary>
    /// Where the <see cref="DemoClock"/> starts: 2021-08-02 00:00 in Beijing, the day the campaign is set up. The start-up work
    /// before the seeder (bootstrap key, key registry) is dated then; the seeder moves the clock on from there.
    /// </summary>
    public static readonly DateTimeOffset ClockStart = new(2021, 8, 1, 16, 0, 0, TimeSpan.Zero);

    /// <summary>The organisation (a sponsor) that gives the masks in kind in 2022.</summary>
    private const int MaskDonor = 9;

    private static readonly TimeOnly Opening = new(9, 0), Morning = new(9, 30), Late = new(10, 0), Afternoon = new(15, 0), Closing = new(16, 0);

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

    public Task<string> SeedAsync(CancellationToken ct) => SeedAsync(DemoSize.Full, ct);

    /// <summary>
    /// Loads the campaign at <paramref name="size"/>: <see cref="DemoSize.Full"/> is what <c>seed-demo</c> loads; a smaller size
    /// tells the same story (every kind of step, the withdrawal, the masks, the bounced transfer) with fewer people, for tests.
    /// </summary>
    public async Task<string> SeedAsync(DemoSize size, CancellationToken ct)
    {
        size.Check();
        if (!await IsEmptyAsync(ct))
            throw new InvalidOperationException(NotEmpty);
        var zone = services.GetRequiredService<BusinessClock>().Zone;
        var random = new Random(2021);
        var c = new Campaign(size);
        var steps = new List<Step>();
        void At(DateOnly day, TimeOnly time, Func<Task> run) =>
            steps.Add(new Step(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(time), zone), TimeSpan.Zero), run));

        // 2021-08-02: the programme, then two manager keys: one requests, the other approves (four eyes).
        At(new DateOnly(2021, 8, 2), Morning, async () =>
        {
            c.Programme = (await Send(null, new CreateProgramme("ZP-2021", "青系镇坪，雏鹰伴翔", "陕西省安康市镇坪县", "镇坪县教育体育和科技局", "CNY",
                new DateOnly(2021, 9, 1), new DateOnly(2024, 8, 31), Money.Parse("1000.00"), Money.Parse("360000.00")), ct)).Id;
            await Send(null, new UpdateProgramme(c.Programme, null, null, null, null, null, null, null, null, ProgrammeState.Active), ct);
            c.RequesterKey = await Send(null, new CreateUserKey(await Person("manager1@demo.aid", "张经理（演示）", Role.Manager, [c.Programme], null, ct), "张经理的密钥"), ct);
            c.ApproverKey = await Send(null, new CreateUserKey(await Person("manager2@demo.aid", "李复核（演示）", Role.Manager, [c.Programme], null, ct), "李复核的密钥"), ct);
            await Person("auditor@demo.aid", "王审计（演示）", Role.Auditor, [c.Programme], null, ct);
            c.Requester = new Actor(c.RequesterKey.Id, c.RequesterKey.UserId, Roles.Manager, [c.Programme], null);
            c.Approver = new Actor(c.ApproverKey.Id, c.ApproverKey.UserId, Roles.Manager, [c.Programme], null);
        });

        // 2021-08-20: the students, registered with their guardians' consent.
        for (var i = 0; i < size.Students; i++)
        {
            var birth = new DateOnly(2004 + random.Next(0, 6), 1 + random.Next(0, 12), 1 + random.Next(0, 28));
            var student = new RegisterStudent(Guid.Empty, Name(random), random.Next(2) == 0 ? Gender.Female : Gender.Male, birth,
                IdNumber(birth, i), Schools[i % Schools.Length], Grade(birth), "镇坪县", true, Name(random), $"139{random.Next(10000000, 99999999)}",
                $"镇坪县{Schools[i % Schools.Length][..3]}村{random.Next(1, 9)}组", new DateOnly(2021, 8, 20), $"监护人同意书-2021-{i + 1:000}");
            var index = i;
            At(new DateOnly(2021, 8, 20), Morning, async () => c.Students[index] = await Send(c.Requester, student with { ProgrammeId = c.Programme }, ct));
        }

        var donors = new CreateDonor[size.Donors];
        for (var i = 0; i < size.Donors; i++)
        {
            var organisation = i % 10 == 9;
            donors[i] = new CreateDonor(organisation ? DonorKind.Organisation : DonorKind.Person,
                organisation ? Companies[(i / 10) % Companies.Length] + (i >= 120 ? $"（{i / 120 + 1}）" : "") : Name(random),
                i % 13 == 5, i % 17 == 3 ? "en" : "zh-CN", null, null, null, null);
        }

        // 2021-08-25, the pairing day: the sponsors, one per student for the three years (结对), each pledging 3,000.00 over them.
        var pairingDay = new DateOnly(2021, 8, 25);
        for (var i = 0; i < size.Sponsors; i++)
        {
            var index = i;
            At(pairingDay, Morning, async () => c.Donors[index] = await Send(c.Requester, donors[index], ct));
        }
        At(pairingDay, Morning, async () =>
        {
            await Person("donor1@demo.aid", c.Donors[0]!.Name, Role.Donor, [], c.Donors[0]!.Id, ct);
            await Person("donor2@demo.aid", c.Donors[9]!.Name, Role.Donor, [], c.Donors[9]!.Id, ct);
            for (var i = 0; i < size.Sponsors; i++)
                await Send(c.Requester, new CreateSponsorship(c.Programme, c.Donors[i]!.Id, c.Students[i].Id, 2021, 2023, Money.Parse("1000.00")), ct);
            for (var i = 0; i < size.Sponsors; i++)
                c.Pledges[i] = (await Send(c.Requester, new CreatePledge(c.Donors[i]!.Id, c.Programme, Money.Parse("3000.00"), null,
                    new RegularSchedule(PledgeFrequency.Yearly, 3, new DateOnly(2021, 9, 1)), null), ct)).Id;
        });

        // The sponsors pay by yearly gifts; the others give freely (Zipf-like counts), each recorded on the day it is received.
        var gifts = new List<GiftPlan>();
        for (var i = 0; i < size.Sponsors; i++)
            foreach (var year in new[] { 2021, 2022, 2023 })
            {
                if (i % 25 == 7 && year == 2023) continue; // a few pledges are still open
                var day = new DateOnly(year, 9, 10 + i % 15);
                gifts.Add(new GiftPlan(gifts.Count, i, true, day, "1000.00", Methods[random.Next(Methods.Length)], gifts.Count + 1));
            }
        for (var i = size.Sponsors; i < size.Donors; i++)
        {
            var count = Math.Max(1, (int)(6 / Math.Pow(1 + random.Next(0, 12), 0.8)));
            for (var k = 0; k < count; k++)
            {
                var day = new DateOnly(2021, 9, 1).AddDays(random.Next(0, 1030));
                var amount = donors[i].Kind == DonorKind.Organisation ? random.Next(2, 20) * 500 : random.Next(5, 200) * 10;
                gifts.Add(new GiftPlan(gifts.Count, i, false, day, amount.ToString("0.00", CultureInfo.InvariantCulture), Methods[random.Next(Methods.Length)], gifts.Count + 1));
            }
        }
        // A free giver is entered as a donor on the morning their first gift arrives.
        foreach (var first in gifts.Where(g => !g.Pledged).GroupBy(g => g.Donor).Select(g => (Donor: g.Key, Day: g.Min(x => x.Day))))
            At(first.Day, Opening, async () => c.Donors[first.Donor] = await Send(c.Requester, donors[first.Donor], ct));
        foreach (var gift in gifts)
            At(gift.Day, Morning, async () => c.Gifts[gift.Index] = await Send(c.Requester, Cash(c.Programme, c.Donors[gift.Donor]!.Id,
                gift.Pledged ? c.Pledges[gift.Donor] : null, gift.Day, gift.Amount, gift.Method, gift.Reference), ct));

        // Masks received in kind, handed out to the six schools a week later.
        At(new DateOnly(2022, 2, 15), Morning, async () => c.Masks = (await Send(c.Requester, new RecordGift(c.Programme, c.Donors[MaskDonor]!.Id,
            new DateOnly(2022, 2, 15), "MASK-INV-2022-0215", null, Cash: null,
            InKind: new InKindGift("一次性医用口罩（发放各校）", 5000m, "只", ValuationBasis.Invoice, Money.Parse("2500.00"))), ct)).Id);
        for (var school = 0; school < Schools.Length; school++)
        {
            var index = school;
            At(new DateOnly(2022, 2, 21), Morning, () => Send(c.Requester, new Aid.Application.Goods.DistributeGoods(c.Masks, index < Schools.Length - 1 ? 800m : 1000m,
                Schools[index], new DateOnly(2022, 2, 21), $"口罩签收单-{index + 1:00}"), ct));
        }

        // Grants: 500.00 per term, autumn and spring, three academic years: requested two weeks before the payment, approved by the
        // second manager a week later, paid on the day. One student withdraws in 2023 and gets nothing after.
        (string AcademicYear, string Term, DateOnly PaidOn)[] terms =
        [
            ("2021-2022", "秋季学期", new DateOnly(2021, 10, 15)), ("2021-2022", "春季学期", new DateOnly(2022, 3, 15)),
            ("2022-2023", "秋季学期", new DateOnly(2022, 10, 14)), ("2022-2023", "春季学期", new DateOnly(2023, 3, 15)),
            ("2023-2024", "秋季学期", new DateOnly(2023, 10, 16)), ("2023-2024", "春季学期", new DateOnly(2024, 3, 15)),
        ];
        var withdrawnOn = new DateOnly(2023, 2, 20);
        At(withdrawnOn, Late, async () => c.Students[17] = await Send(c.Requester, new UpdateStudent(c.Students[17].Id, null, null, null, null, null, null,
            null, null, StudentStatus.Withdrawn, withdrawnOn), ct));
        var paid = 0;
        foreach (var (academicYear, term, paidOn) in terms)
        {
            var requests = new List<(DisbursementView Request, StudentView Student)>();
            At(paidOn.AddDays(-14), Morning, async () =>
            {
                foreach (var student in c.Students.Where(s => s.Status != StudentStatus.Withdrawn.Code()))
                    requests.Add((await Send(c.Requester, new RequestDisbursement(c.Programme, student.Id, academicYear, term, "助学金", Money.Parse("500.00"),
                        student.Code.EndsWith('0') ? DisbursementChannel.SchoolAccount : DisbursementChannel.AidCard,
                        $"ZP-{academicYear}-{(term == "秋季学期" ? "A" : "S")}"), ct), student));
            });
            At(paidOn.AddDays(-7), Morning, async () =>
            {
                foreach (var (request, _) in requests)
                    await Send(c.Approver, new ApproveDisbursement(request.Id), ct);
            });
            At(paidOn, Morning, async () =>
            {
                foreach (var (request, student) in requests)
                {
                    await Send(c.Requester, new PayDisbursement(request.Id, $"镇坪县农商行-{paidOn:yyyyMMdd}-{student.Code}",
                        $"签收单-{academicYear}-{term}-{student.Code}", paidOn), ct);
                    paid++;
                }
            });
        }

        // Annual receipts per donor and year, on the year's last working day; gifts that arrive after it are receipted on the
        // first working day of the new year (with that year's numbers). Only donors who gave that year are asked (the others have
        // nothing to receipt: their request would be refused and change nothing), in donor order as before.
        var gaveIn = gifts.Select(g => (g.Donor, g.Day.Year)).Append((MaskDonor, 2022)).ToHashSet();
        for (var year = 2021; year <= 2024; year++)
        {
            var receiptYear = year;
            var issuedOn = WorkingDayOnOrBefore(new DateOnly(year, 12, 31));
            var givers = Enumerable.Range(0, donors.Length).Where(d => gaveIn.Contains((d, receiptYear))).ToList();
            At(issuedOn, Closing, () => AnnualReceipts(c, givers, receiptYear, ct));
            var late = gifts.Where(g => g.Day.Year == year && g.Day > issuedOn).Select(g => g.Donor).Distinct().ToList();
            if (late.Count > 0) At(WorkingDayOnOrAfter(new DateOnly(year + 1, 1, 1)), Late, () => AnnualReceipts(c, late, receiptYear, ct));
        }

        // A bounced transfer in 2022: the donor asked for a receipt the next working day (it covers their gifts of the year so far),
        // then the bank returned the money; the reversal voids that receipt and reissues it for the donor's other gifts.
        var bounced = gifts.Where(g => !g.Pledged && g.Method == PaymentMethod.BankTransfer && g.Day.Year == 2022).OrderBy(g => g.Day).ThenBy(g => g.Index)
            .First(g => gifts.Any(o => o.Donor == g.Donor && o.Index != g.Index && o.Day.Year == 2022 && o.Day <= g.Day)
                        && Bounce(g.Day).Reversed.Year == 2022 && !terms.Any(t => t.PaidOn >= g.Day && t.PaidOn <= Bounce(g.Day).Reversed));
        At(Bounce(bounced.Day).Receipted, Afternoon,
            () => Send(c.Requester, new IssueReceipt(null, new AnnualReceipt(c.Donors[bounced.Donor]!.Id, 2022)), ct));
        At(Bounce(bounced.Day).Reversed, Late, () => Send(c.Requester, new ReverseGift(c.Gifts[bounced.Index].Id, "银行退票：账户信息有误"), ct));

        // In date order (a stable sort: steps of the same moment keep their planned order), each day closed as the service would.
        var ordered = steps.OrderBy(s => s.At).ToList();
        try
        {
            for (var i = 0; i < ordered.Count; i++)
            {
                clock.AdvanceTo(ordered[i].At);
                await ordered[i].Run();
                if (i == ordered.Count - 1 || Day(ordered[i + 1].At, zone) != Day(ordered[i].At, zone))
                    await CloseDayAsync(ct);
            }
        }
        finally
        {
            clock.Resume();
        }

        logger.LogInformation("Demo loaded: {Students} students, {Donors} donors, {Gifts} gifts", c.Students.Length, donors.Length, gifts.Count + 1);
        return $"""
            Loaded the demo programme 青系镇坪，雏鹰伴翔 (code ZP-2021, id {c.Programme}):
              {size.Students} students, {size.Donors} donors, {gifts.Count + 1} gifts, {paid} grants paid, annual receipts issued.
              Its story runs from August 2021 to December 2024, dated as it happened (statements for 2021 to 2024).
            Sign in at /signin (password for everyone: {DemoPassword}):
              manager1@demo.aid  张经理, manager: requests disbursements
              manager2@demo.aid  李复核, manager: approves them (four eyes)
              auditor@demo.aid   王审计, auditor (read-only)
              donor1@demo.aid    {c.Donors[0]!.Name}, donor (a sponsor)
              donor2@demo.aid    {c.Donors[9]!.Name}, donor (an organisation)
            API keys of the two managers (shown once):
              manager  {c.RequesterKey.Key}
              approver {c.ApproverKey.Key}
            """;
    }

    /// <summary>The donor's receipt the next working day after the transfer arrived; the bank's return four days after it (or the working day after that).</summary>
    private static (DateOnly Receipted, DateOnly Reversed) Bounce(DateOnly received) =>
        (WorkingDayOnOrAfter(received.AddDays(1)), WorkingDayOnOrAfter(received.AddDays(4)));

    private async Task AnnualReceipts(Campaign c, IEnumerable<int> donors, int year, CancellationToken ct)
    {
        foreach (var donor in donors)
            if (c.Donors[donor] is { } created)
                try { await Send(c.Requester, new IssueReceipt(null, new AnnualReceipt(created.Id, year)), ct); }
                catch (ConflictException) { } // nothing to receipt that year
    }

    /// <summary>What the background work does in a running service: seal the day's audit records and checkpoint the moved chain heads.</summary>
    private async Task CloseDayAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditCheckpoints>().TakeAsync(null, "schedule", ct);
    }

    private static DateOnly Day(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    private static DateOnly WorkingDayOnOrBefore(DateOnly day) =>
        day.DayOfWeek switch { DayOfWeek.Saturday => day.AddDays(-1), DayOfWeek.Sunday => day.AddDays(-2), _ => day };

    private static DateOnly WorkingDayOnOrAfter(DateOnly day) =>
        day.DayOfWeek switch { DayOfWeek.Saturday => day.AddDays(2), DayOfWeek.Sunday => day.AddDays(1), _ => day };

    /// <summary>One thing that happens in the campaign, at its business moment.</summary>
    private sealed record Step(DateTimeOffset At, Func<Task> Run);

    /// <summary>A cash gift as planned: <paramref name="Donor"/> is an index into the donors, <paramref name="Pledged"/> pays their pledge.</summary>
    private sealed record GiftPlan(int Index, int Donor, bool Pledged, DateOnly Day, string Amount, PaymentMethod Method, int Reference);

    /// <summary>What the steps made so far, for the steps after them.</summary>
    private sealed class Campaign(DemoSize size)
    {
        public Guid Programme { get; set; }
        public Guid Masks { get; set; }
        public ApiKeyCreated RequesterKey { get; set; } = null!;
        public ApiKeyCreated ApproverKey { get; set; } = null!;
        public Actor Requester { get; set; } = null!;
        public Actor Approver { get; set; } = null!;
        public StudentView[] Students { get; } = new StudentView[size.Students];
        public DonorView?[] Donors { get; } = new DonorView?[size.Donors];
        public Guid[] Pledges { get; } = new Guid[size.Sponsors];
        public Dictionary<int, GiftView> Gifts { get; } = [];
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

    private static RecordGift Cash(Guid programme, Guid donor, Guid? pledge, DateOnly day, string amount, PaymentMethod method, int reference) =>
        new(programme, donor, day, method == PaymentMethod.Cash ? null : $"{method.Code().ToUpperInvariant()[..2]}-{day:yyyyMMdd}-{reference:00000}", null,
            new CashGift(Money.Parse(amount), method, pledge), InKind: null);

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

/// <summary>
/// How many people the demo campaign has: <see cref="Students"/>, <see cref="Donors"/>, of whom the first <see cref="Sponsors"/>
/// each sponsor one student (the others give freely). The story needs student 17 (who withdraws) and donor 9 (the organisation
/// that gives the masks, a sponsor): at least 18 students and 10 sponsors.
/// </summary>
internal sealed record DemoSize(int Students, int Donors, int Sponsors)
{
    /// <summary>What <c>seed-demo</c> loads: 120 students, 300 donors, 100 of them sponsors.</summary>
    public static readonly DemoSize Full = new(120, 300, 100);

    public void Check()
    {
        if (Students < 18 || Sponsors < 10 || Sponsors > Students || Donors <= Sponsors)
            throw new ArgumentOutOfRangeException(nameof(DemoSize), this, "The demo needs at least 18 students and 10 sponsors, no more sponsors than students, and some free givers.");
    }
}
