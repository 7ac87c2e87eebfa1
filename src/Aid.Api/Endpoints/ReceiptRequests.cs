using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Receipts;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>
/// <c>{ giftId }</c>: a receipt for one gift. <c>{ donorId, year }</c> (optionally <c>programmeId</c>): an annual receipt for
/// all of the donor's gifts received that year that have no receipt yet. Never for a reversed gift, goods not valued, or zero.
/// </summary>
public sealed record IssueReceiptRequest : IApiRequest
{
    /// <summary>The gift to receipt (not with donorId and year).</summary>
    /// <example>0193a5c2-9d30-7f51-8c33-4b6e7f8091a2</example>
    public Guid? GiftId { get; init; }

    /// <summary>Annual receipt: the donor whose gifts of the year it covers.</summary>
    /// <example>0193a5c2-8c2f-7e40-9b22-3a5d6e7f8091</example>
    public Guid? DonorId { get; init; }

    /// <summary>Annual receipt: the calendar year the gifts were received in (2000–2100).</summary>
    /// <example>2022</example>
    public int? Year { get; init; }

    /// <summary>Annual receipt: only the gifts to this programme (default: all the donor's gifts you may see).</summary>
    public Guid? ProgrammeId { get; init; }

    /// <summary>
    /// The receipt's date (yyyy-MM-dd), default today: never in the future, not before the gifts it covers, not before the
    /// last receipt of that year (numbers and dates run in the same order). The number's year is this date's year.
    /// </summary>
    /// <example>2022-12-30</example>
    public DateOnly? IssuedOn { get; init; }

    /// <summary>备注 printed on the receipt (at most 200 characters).</summary>
    /// <example>2022年度定向助学捐赠</example>
    public string? Note { get; init; }

    public IssueReceipt ToCommand() => GiftId is { } giftId
        ? new IssueReceipt(giftId, null, IssuedOn, Note)
        : new IssueReceipt(null, new AnnualReceipt(DonorId!.Value, Year!.Value, ProgrammeId), IssuedOn, Note);
}

internal sealed class IssueReceiptRequestValidator : AbstractValidator<IssueReceiptRequest>
{
    public IssueReceiptRequestValidator()
    {
        RuleFor(c => c.GiftId).NotNull().When(c => c.DonorId is null && c.Year is null).WithMessage("Give giftId, or donorId and year.");
        When(c => c.GiftId is not null, () =>
        {
            RuleFor(c => c.DonorId).Null().WithMessage("Give either giftId or donorId and year, not both.");
            RuleFor(c => c.Year).Null().WithMessage("Give either giftId or donorId and year, not both.");
            RuleFor(c => c.ProgrammeId).Null().WithMessage("programmeId belongs to annual receipts.");
        });
        When(c => c.GiftId is null && (c.DonorId is not null || c.Year is not null), () =>
        {
            RuleFor(c => c.DonorId).NotEmpty();
            RuleFor(c => c.Year).NotNull().InclusiveBetween(2000, 2100);
        });
        RuleFor(c => c.Note).Text(200);
        RuleFor(c => c.IssuedOn).BusinessDate();
    }
}

/// <summary>Why a receipt is voided, and whether a new number replaces it.</summary>
public sealed record VoidReceiptRequest : IApiRequest
{
    /// <summary>Why it is voided; kept with the voided receipt and in the audit trail.</summary>
    /// <example>捐赠人姓名有误</example>
    public string? Reason { get; init; }

    /// <summary>Issue a new receipt, with a new number, for the same gifts (those not reversed) that replaces the voided one (default: false).</summary>
    /// <example>true</example>
    public bool? Reissue { get; init; }

    /// <summary>The day it is void (yyyy-MM-dd), default today: not before the receipt's date, never in the future. A reissue is dated the same day.</summary>
    /// <example>2022-12-30</example>
    public DateOnly? VoidedOn { get; init; }

    public VoidReceipt ToCommand(string number) => new(number, Reason!, Reissue ?? false, VoidedOn);
}

internal sealed class VoidReceiptRequestValidator : AbstractValidator<VoidReceiptRequest>
{
    public VoidReceiptRequestValidator()
    {
        RuleFor(c => c.Reason).NotEmpty().Text(500, multiline: true);
        RuleFor(c => c.VoidedOn).BusinessDate();
    }
}
