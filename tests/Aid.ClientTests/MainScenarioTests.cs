using Aid.Client.Models;
using System.Text;
using Aid.Client;
using Aid.ClientTests.Support;
using Microsoft.Kiota.Abstractions;

namespace Aid.ClientTests;

/// <summary>
/// The main scenario of the service, driven only through the client Kiota generated from the service's OpenAPI document:
/// if the document lies about a path, a body, a field's type or a response, this does not compile or does not pass.
/// </summary>
public sealed class MainScenarioTests(HostedApps apps) : IClassFixture<HostedApps>
{
    [Theory, ClassData(typeof(EngineRows))]
    public async Task A_programme_from_first_gift_to_paid_disbursement_and_statement(Engine engine)
    {
        var app = await apps.For(engine);
        var ct = TestContext.Current.CancellationToken;
        var admin = app.Client();
        var v1 = admin.Api.V1;

        var programme = Some(await v1.Programmes.PostAsync(new()
        {
            Code = "ZP-" + Guid.NewGuid().ToString("N")[..8], Name = "青系镇坪，雏鹰伴翔", Region = "陕西省安康市镇坪县", Partner = "镇坪县教育局",
            StartDate = new Date(2021, 9, 1), EndDate = new Date(2024, 8, 31), AnnualStandard = "1000.00", Target = "360000.00",
        }, cancellationToken: ct));
        var programmeId = Assert.NotNull(programme.Id);
        Assert.Equal("1000.00", programme.AnnualStandard);
        Assert.Equal(new Date(2021, 9, 1), programme.StartDate);

        var donor = Some(await v1.Donors.PostAsync(new() { Kind = CreateDonorRequest_kind.Person, Name = "蒋晟晖", Language = CreateDonorRequest_language.ZhCN }, cancellationToken: ct));
        var donorId = Assert.NotNull(donor.Id);
        Assert.Equal("蒋晟晖", (await v1.Donors[donorId].GetAsync(cancellationToken: ct))?.Name);

        var pledge = Some(await v1.Pledges.PostAsync(new()
        {
            DonorId = donorId, ProgrammeId = programmeId, Total = "3000.00", Frequency = CreatePledgeRequest_frequency.Yearly, Count = 3, FirstDueDate = new Date(2022, 9, 1),
        }, cancellationToken: ct));
        var pledgeId = Assert.NotNull(pledge.Id);
        Assert.Equal(3, pledge.Instalments?.Count);

        // A gift that pays the pledge's first instalment, sent twice with one Idempotency-Key: recorded once.
        var key = Guid.NewGuid().ToString();
        var reference = "BOC-" + Guid.NewGuid().ToString("N")[..10];
        var payPledge = () => v1.Gifts.PostAsync(new()
        {
            ProgrammeId = programmeId, DonorId = donorId, PledgeId = pledgeId, ReceivedOn = new Date(2022, 9, 5), Kind = RecordGiftRequest_kind.Cash,
            Amount = "1000.00", Method = RecordGiftRequest_method.Bank_transfer, Reference = reference,
        }, c => c.Headers.Add("Idempotency-Key", key), ct);
        var gift = Some(await payPledge());
        var replay = Some(await payPledge());
        Assert.Equal(gift.Id, replay.Id);
        Assert.Equal("1000.00", gift.Amount);
        Assert.Equal(pledgeId, gift.PledgeId);
        var paidPledge = Some(await v1.Pledges[pledgeId].GetAsync(cancellationToken: ct));
        Assert.Equal("1000.00", paidPledge.Paid);
        Assert.Equal("2000.00", paidPledge.Outstanding);

        var plain = Some(await v1.Gifts.PostAsync(new()
        {
            ProgrammeId = programmeId, DonorId = donorId, ReceivedOn = new Date(2022, 9, 6), Kind = RecordGiftRequest_kind.Cash, Amount = "5000.00",
            Method = RecordGiftRequest_method.Wechat_pay, Reference = "WX-" + Guid.NewGuid().ToString("N")[..10],
        }, cancellationToken: ct));
        Assert.Null(plain.PledgeId);
        var gifts = await v1.Gifts.GetAsync(c => { c.QueryParameters.ProgrammeId = programmeId; c.QueryParameters.DonorId = donorId; }, ct);
        Assert.Equal(2, gifts?.Items?.Count);

        // The donor's annual receipt, and its PDF.
        var receipt = Some(await v1.Receipts.PostAsync(new() { DonorId = donorId, Year = 2022 }, cancellationToken: ct));
        var number = Assert.IsType<string>(receipt.Number);
        Assert.Equal("6000.00", receipt.Total);
        Assert.Equal("人民币陆仟元整", receipt.TotalInWords?.Replace(" ", ""));
        Assert.Equal(number, (await v1.Receipts[number].GetAsync(cancellationToken: ct))?.Number);
        await AssertPdf(await v1.Receipts[number].Pdf.GetAsync(cancellationToken: ct));

        // A student (ID number encrypted at rest, shown masked) and a sponsorship by the donor.
        var idNumber = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var student = Some(await v1.Students.PostAsync(new()
        {
            ProgrammeId = programmeId, Name = "蒋晟晖", Gender = RegisterStudentRequest_gender.Male, BirthDate = new Date(2008, 3, 14), IdNumber = idNumber,
            School = "镇坪县中学", Grade = "高一", County = "镇坪县", PovertyRegistered = true, GuardianName = "蒋父", GuardianPhone = "13912345678",
            Address = "镇坪县城关镇新华街1号", ConsentDate = new Date(2021, 8, 20), ConsentReference = "同意书-2021-001",
        }, cancellationToken: ct));
        var studentId = Assert.NotNull(student.Id);
        Assert.False(string.IsNullOrEmpty(student.Code));
        Assert.Equal(idNumber[..4] + "**********" + idNumber[^4..], student.IdNumberMasked);
        Assert.Null(student.IdNumber);

        var sponsorship = Some(await v1.Sponsorships.PostAsync(new()
        {
            ProgrammeId = programmeId, DonorId = donorId, StudentId = studentId, FromYear = 2022, ToYear = 2023, AnnualAmount = "1000.00",
        }, cancellationToken: ct));
        Assert.Equal(studentId, sponsorship.StudentId);

        // Four eyes: a grant requested with one manager key and approved with a second one (both made through the client); the
        // requester records the payment (the approver may not).
        var requester = app.Client(await ManagerKey(admin, programmeId, "项目经理 A", ct));
        var approver = app.Client(await ManagerKey(admin, programmeId, "项目经理 B", ct));
        var requested = Some(await requester.Api.V1.Disbursements.PostAsync(new()
        {
            ProgrammeId = programmeId, StudentId = studentId, AcademicYear = "2022-2023", Term = "秋季学期", Purpose = "助学金",
            Amount = "500.00", Channel = RequestDisbursementRequest_channel.Bank_card, Reference = "ZP-2022-AUTUMN",
            RequestedOn = new Date(2022, 9, 1), // a past term entered now: the payment below is dated 2022-09-15
        }, c => c.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString()), ct));
        var disbursementId = Assert.NotNull(requested.Id);
        Assert.Equal("requested", requested.Status);
        Assert.Equal(new Date(2022, 9, 1), requested.RequestedOn);
        var approved = await approver.Api.V1.Disbursements[disbursementId].Approve.PostAsync(cancellationToken: ct);
        Assert.Equal("approved", approved?.Status);
        var paid = await requester.Api.V1.Disbursements[disbursementId].Pay.PostAsync(new()
        {
            PayoutReference = "BOC-20220915-0001", EvidenceReference = "签收单-2022-秋-01", PaidOn = new Date(2022, 9, 15),
        }, cancellationToken: ct);
        Assert.Equal("paid", paid?.Status);
        Assert.Equal(new Date(2022, 9, 15), paid?.PaidOn);

        var balance = Some(await v1.Programmes[programmeId].Balance.GetAsync(cancellationToken: ct));
        Assert.Equal("6000.00", balance.CashReceived);
        Assert.Equal("500.00", balance.Disbursed);
        Assert.Equal("5500.00", balance.RestrictedBalance);
        Assert.Equal("2000.00", balance.PledgedOutstanding);

        // The auditors' annual programme statement.
        await AssertPdf(await v1.Programmes[programmeId].Statements.WithYearPdf(2022).GetAsync(cancellationToken: ct));
    }

    [Theory, ClassData(typeof(EngineRows))]
    public async Task An_admin_invites_a_person_gives_them_a_key_and_they_read_their_own_account(Engine engine)
    {
        var app = await apps.For(engine);
        var ct = TestContext.Current.CancellationToken;
        var v1 = app.Client().Api.V1;
        var programme = Some(await v1.Programmes.PostAsync(new()
        {
            Code = "ZP-" + Guid.NewGuid().ToString("N")[..8], Name = "青系镇坪，雏鹰伴翔", StartDate = new Date(2021, 9, 1), EndDate = new Date(2024, 8, 31),
            AnnualStandard = "1000.00",
        }, cancellationToken: ct));
        var programmeId = Assert.NotNull(programme.Id);

        var login = $"li.fuhe.{Guid.NewGuid():N}@example.cn";
        var invitation = Some(await v1.Users.PostAsync(new()
        {
            Login = login, DisplayName = "李复核", Role = CreateUserRequest_role.Manager, ProgrammeIds = [programmeId], Language = CreateUserRequest_language.ZhCN,
        }, cancellationToken: ct));
        var userId = Assert.NotNull(invitation.User?.Id);
        Assert.StartsWith(app.BaseUrl.TrimEnd('/') + "/signin/link/", invitation.PasswordLink?.Url);
        Assert.True(invitation.PasswordLink?.ExpiresAt > DateTimeOffset.UtcNow);

        var read = Some(await v1.Users[userId].GetAsync(cancellationToken: ct));
        Assert.Equal((login, "李复核", "manager", false), (read.Login, read.DisplayName, read.Role, read.HasPassword));
        Assert.Equal([programmeId], read.ProgrammeIds ?? []);

        var key = Some(await v1.Users[userId].Keys.PostAsync(new() { Name = "李复核的密钥" }, cancellationToken: ct));
        Assert.Equal(userId, key.UserId);
        var own = app.Client(Assert.IsType<string>(key.Key)).Api.V1.Users.Me;
        Assert.Equal(userId, (await own.GetAsync(cancellationToken: ct))?.Id);
        Assert.Equal([key.Id], (await own.Keys.GetAsync(cancellationToken: ct))?.Items?.Select(k => k.Id) ?? []);
    }

    /// <summary>The value, asserted present (a response body the client could not read would be null).</summary>
    private static T Some<T>(T? value) where T : class
    {
        Assert.NotNull(value);
        return value;
    }

    private static async Task<string> ManagerKey(AidClient admin, Guid programme, string name, CancellationToken ct)
    {
        var created = await admin.Api.V1.ApiKeys.PostAsync(new() { Name = name, Role = CreateApiKeyRequest_role.Manager, ProgrammeIds = [programme] }, cancellationToken: ct);
        Assert.Equal("manager", created?.Role);
        return Assert.IsType<string>(created?.Key);
    }

    private static async Task AssertPdf(Stream? file)
    {
        Assert.NotNull(file);
        await using (file)
        {
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy, TestContext.Current.CancellationToken);
            var bytes = copy.ToArray();
            Assert.True(bytes.Length > 1000, $"a PDF of {bytes.Length} bytes");
            Assert.Equal("%PDF-", Encoding.ASCII.GetString(bytes, 0, 5));
        }
    }
}
