using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Imports;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A decision on one row of an import: exactly one of donorId, newDonor, anonymous, exclude, confirmReversal.</summary>
public sealed record UpdateImportRowRequest : IApiRequest
{
    /// <summary>An existing donor for the row.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? DonorId { get; init; }

    /// <summary>A new donor made from the row (missing fields come from the row: the payer's name, the template's columns).</summary>
    public NewImportDonorRequest? NewDonor { get; init; }

    /// <summary>A new anonymous donor: the payer's name is kept for the organisation, 匿名 everywhere public.</summary>
    public bool? Anonymous { get; init; }

    /// <summary><c>true</c> leaves the row out of the commit; <c>false</c> takes an excluded row back.</summary>
    public bool? Exclude { get; init; }

    /// <summary>For a refund row: reverse the gift it gives back, now.</summary>
    public bool? ConfirmReversal { get; init; }

    /// <summary>Give the same donor to every row of the file from the same payer that still needs one.</summary>
    public bool? ApplyToSamePayer { get; init; }

    public UpdateImportRow ToCommand(Guid importId, int row) => new(importId, row, DonorId,
        NewDonor is { } d ? new NewImportDonor(d.Kind is { } k && Codes.TryParse<DonorKind>(k, out var kind) ? kind : null, d.Name, d.Email, d.Phone,
            d.OrganisationCode, d.Language) : null,
        Anonymous, Exclude, ConfirmReversal, ApplyToSamePayer ?? false);
}

public sealed record NewImportDonorRequest
{
    /// <summary><c>person</c> or <c>organisation</c>.</summary>
    [Codes("person", "organisation")]
    public string? Kind { get; init; }

    /// <example>张三</example>
    public string? Name { get; init; }

    public string? Email { get; init; }
    public string? Phone { get; init; }

    /// <summary>统一社会信用代码 (organisations).</summary>
    public string? OrganisationCode { get; init; }

    /// <summary><c>zh-CN</c> or <c>en</c>.</summary>
    public string? Language { get; init; }
}

internal sealed class UpdateImportRowRequestValidator : AbstractValidator<UpdateImportRowRequest>
{
    public UpdateImportRowRequestValidator()
    {
        RuleFor(r => r.NewDonor!.Kind).Must(k => k is null || k is "person" or "organisation").When(r => r.NewDonor is not null)
            .OverridePropertyName("newDonor.kind").WithMessage("kind must be person or organisation.");
        RuleFor(r => r.NewDonor!.Name).Text(200).When(r => r.NewDonor is not null).OverridePropertyName("newDonor.name");
        RuleFor(r => r.NewDonor!.Email).Text(320).When(r => r.NewDonor is not null).OverridePropertyName("newDonor.email");
        RuleFor(r => r.NewDonor!.Phone).Text(50).When(r => r.NewDonor is not null).OverridePropertyName("newDonor.phone");
        RuleFor(r => r.NewDonor!.OrganisationCode).Text(50).When(r => r.NewDonor is not null).OverridePropertyName("newDonor.organisationCode");
    }
}

/// <summary>A corporate bank export's columns, by their header names; money in is the credit column (贷方) or a signed amount.</summary>
public sealed record ColumnMappingRequest : IApiRequest
{
    /// <example>交易日期</example>
    public string? Date { get; init; }

    /// <example>交易时间</example>
    public string? Time { get; init; }

    /// <example>贷方发生额</example>
    public string? Credit { get; init; }

    /// <example>借方发生额</example>
    public string? Debit { get; init; }

    /// <summary>One signed amount column instead of credit and debit.</summary>
    public string? Amount { get; init; }

    /// <example>对方户名</example>
    public string? PayerName { get; init; }

    /// <example>对方账号</example>
    public string? PayerAccount { get; init; }

    /// <example>交易流水号</example>
    public string? Reference { get; init; }

    /// <example>用途</example>
    public string? Memo { get; init; }

    /// <example>余额</example>
    public string? Balance { get; init; }

    /// <summary>The date's format, such as yyyy-MM-dd or yyyyMMdd; empty tries the common ones.</summary>
    public string? DateFormat { get; init; }

    public ColumnMapping ToMapping() => new()
    {
        Date = Date!, Time = Time, Credit = Credit, Debit = Debit, Amount = Amount, PayerName = PayerName, PayerAccount = PayerAccount,
        Reference = Reference, Memo = Memo, Balance = Balance, DateFormat = DateFormat,
    };
}

internal sealed class ColumnMappingRequestValidator : AbstractValidator<ColumnMappingRequest>
{
    public ColumnMappingRequestValidator()
    {
        RuleFor(r => r.Date).NotEmpty().Text(100);
        RuleFor(r => r).Must(r => !string.IsNullOrWhiteSpace(r.Credit) || !string.IsNullOrWhiteSpace(r.Amount)).OverridePropertyName("credit")
            .WithMessage("Name the column of money in: credit (贷方发生额), or a signed amount.");
        RuleFor(r => r.Time).Text(100);
        RuleFor(r => r.Credit).Text(100);
        RuleFor(r => r.Debit).Text(100);
        RuleFor(r => r.Amount).Text(100);
        RuleFor(r => r.PayerName).Text(100);
        RuleFor(r => r.PayerAccount).Text(100);
        RuleFor(r => r.Reference).Text(100);
        RuleFor(r => r.Memo).Text(100);
        RuleFor(r => r.Balance).Text(100);
        RuleFor(r => r.DateFormat).Text(30);
    }
}
