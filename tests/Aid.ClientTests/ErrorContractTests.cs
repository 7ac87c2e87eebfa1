using Aid.Client.Models;
using Aid.Client;
using Aid.ClientTests.Support;
using Microsoft.Kiota.Abstractions;
#if AID_CLIENT_HTTP_VALIDATION_PROBLEM
using ValidationProblem = Aid.Client.Models.HttpValidationProblemDetails;
#elif AID_CLIENT_VALIDATION_PROBLEM
using ValidationProblem = Aid.Client.Models.ValidationProblemDetails;
#endif

namespace Aid.ClientTests;

/// <summary>
/// The error contract (RFC 9457 ProblemDetails: 400 with <c>errors</c> keyed by field, 409 with a <c>detail</c>) as a client
/// sees it: Kiota raises the error class it generated from the response schema the document declares for that status.
/// A document that declares no error schema leaves the client with a bare <see cref="ApiException"/> ("no error factory
/// is registered"), which cannot read a field error: these tests then fail and say so.
/// </summary>
public sealed class ErrorContractTests(HostedApps apps) : IClassFixture<HostedApps>
{
    [Theory, ClassData(typeof(EngineRows))]
    public async Task An_invalid_amount_is_a_400_whose_errors_name_the_field(Engine engine)
    {
        var app = await apps.For(engine);
        var client = app.Client();
        var (programme, donor) = await ProgrammeAndDonor(client);

#if AID_CLIENT_HTTP_VALIDATION_PROBLEM || AID_CLIENT_VALIDATION_PROBLEM
        var problem = await Assert.ThrowsAsync<ValidationProblem>(() => RecordCash(client, programme, donor, amount: "100.001"));
        Assert.Equal(400, problem.ResponseStatusCode);
        Assert.Equal(400, problem.Status);
        Assert.NotNull(problem.Errors);
        Assert.Contains("amount", problem.Errors.AdditionalData.Keys);
#else
        var e = await Assert.ThrowsAnyAsync<ApiException>(() => RecordCash(client, programme, donor, amount: "100.001"));
        Assert.Equal(400, e.ResponseStatusCode);
        Assert.Fail($"The document declares no validation-problem schema for POST /api/v1/gifts' 400, so the generated client has no error " +
            $"class to read the field errors with; Kiota raised {e.GetType().FullName}: {e.Message}");
#endif
    }

    [Theory, ClassData(typeof(EngineRows))]
    public async Task The_same_external_reference_twice_is_a_409_whose_detail_names_it(Engine engine)
    {
        var app = await apps.For(engine);
        var client = app.Client();
        var (programme, donor) = await ProgrammeAndDonor(client);
        var reference = "BOC-" + Guid.NewGuid().ToString("N")[..10];
        Assert.NotNull(await RecordCash(client, programme, donor, reference: reference));

#if AID_CLIENT_PROBLEM
        var problem = await Assert.ThrowsAsync<Aid.Client.Models.ProblemDetails>(() => RecordCash(client, programme, donor, reference: reference));
        Assert.Equal(409, problem.ResponseStatusCode);
        Assert.Equal(409, problem.Status);
        Assert.Contains(reference, problem.Detail);
#else
        var e = await Assert.ThrowsAnyAsync<ApiException>(() => RecordCash(client, programme, donor, reference: reference));
        Assert.Equal(409, e.ResponseStatusCode);
        Assert.Fail($"The document declares no ProblemDetails schema for POST /api/v1/gifts' 409, so the generated client has no error class " +
            $"to read the detail with; Kiota raised {e.GetType().FullName}: {e.Message}");
#endif
    }

    private static async Task<(Guid Programme, Guid Donor)> ProgrammeAndDonor(AidClient client)
    {
        var ct = TestContext.Current.CancellationToken;
        var programme = await client.Api.V1.Programmes.PostAsync(new()
        {
            Code = "ZP-" + Guid.NewGuid().ToString("N")[..8], Name = "青系镇坪，雏鹰伴翔", Region = "陕西省安康市镇坪县", Partner = "镇坪县教育局",
            StartDate = new Date(2021, 9, 1), EndDate = new Date(2024, 8, 31), AnnualStandard = "1000.00", Target = "360000.00",
        }, cancellationToken: ct);
        var donor = await client.Api.V1.Donors.PostAsync(new() { Kind = CreateDonorRequest_kind.Organisation, Name = "镇坪县爱心企业", Language = CreateDonorRequest_language.ZhCN }, cancellationToken: ct);
        return (Assert.NotNull(programme?.Id), Assert.NotNull(donor?.Id));
    }

    /// <summary>Records a cash gift; the id of the recorded gift.</summary>
    private static async Task<Guid?> RecordCash(AidClient client, Guid programme, Guid donor, string amount = "500.00", string? reference = null)
    {
        var gift = await client.Api.V1.Gifts.PostAsync(new()
        {
            ProgrammeId = programme, DonorId = donor, ReceivedOn = new Date(2022, 9, 5), Kind = RecordGiftRequest_kind.Cash, Amount = amount, Method = RecordGiftRequest_method.Bank_transfer,
            Reference = reference ?? "BOC-" + Guid.NewGuid().ToString("N")[..10],
        }, cancellationToken: TestContext.Current.CancellationToken);
        return gift?.Id;
    }
}
