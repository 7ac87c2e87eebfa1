using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Students;
using FluentValidation;

namespace Aid.Api.Endpoints;

/// <summary>A request to pay a student for an academic year and term; it waits for a second user's approval.</summary>
public sealed record RequestDisbursementRequest : IApiRequest
{
    /// <summary>The programme that pays.</summary>
    /// <example>0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80</example>
    public Guid? ProgrammeId { get; init; }

    /// <summary>The student to pay: registered in that programme and not withdrawn.</summary>
    /// <example>0193a5c3-1d4e-7a52-9c33-4b6e7f8091a2</example>
    public Guid? StudentId { get; init; }

    /// <summary>The academic year: two consecutive years joined by a dash.</summary>
    /// <example>2022-2023</example>
    public string? AcademicYear { get; init; }

    /// <summary>The term within the year (up to 30 characters).</summary>
    /// <example>秋季学期</example>
    public string? Term { get; init; }

    /// <summary>What the money is for (up to 200 characters).</summary>
    /// <example>助学金</example>
    public string? Purpose { get; init; }

    /// <summary>The amount, a decimal string with at most two decimals, greater than zero.</summary>
    /// <example>500.00</example>
    public string? Amount { get; init; }

    /// <summary>How the money reaches the student: <c>bank_card</c>, <c>aid_card</c> or <c>school_account</c>.</summary>
    /// <example>bank_card</example>
    [Codes(typeof(Aid.Application.Disbursements.DisbursementChannel))]
    public string? Channel { get; init; }

    /// <summary>Your own reference for the request, e.g. the payment batch (up to 100 characters).</summary>
    /// <example>ZP-2022-AUTUMN</example>
    public string? Reference { get; init; }

    /// <summary>
    /// The day the disbursement was requested (yyyy-MM-dd), never in the future and within the programme's dates; default
    /// today. Give it when entering past terms' records: the payment may not be dated before it.
    /// </summary>
    /// <example>2022-09-01</example>
    public DateOnly? RequestedOn { get; init; }

    public RequestDisbursement ToCommand() => new(ProgrammeId!.Value, StudentId!.Value, AcademicYear!, Term!, Purpose!, Money.Parse(Amount!),
        Codes.Parse<DisbursementChannel>(Channel!), Reference, RequestedOn);
}

internal sealed class RequestDisbursementRequestValidator : AbstractValidator<RequestDisbursementRequest>
{
    public RequestDisbursementRequestValidator()
    {
        RuleFor(c => c.ProgrammeId).NotEmpty();
        RuleFor(c => c.StudentId).NotEmpty();
        RuleFor(c => c.AcademicYear).NotEmpty().Text(9).Must(StudentRules.IsAcademicYear).WithMessage("academicYear is two consecutive years, e.g. \"2021-2022\".");
        RuleFor(c => c.Term).NotEmpty().Text(30);
        RuleFor(c => c.Purpose).NotEmpty().Text(200);
        RuleFor(c => c.Amount).MoneyAmount();
        RuleFor(c => c.Channel).NotEmpty().Must(c => Codes.TryParse<DisbursementChannel>(c, out _)).WithMessage("channel must be bank_card, aid_card or school_account.");
        RuleFor(c => c.Reference).Text(100);
        RuleFor(c => c.RequestedOn).BusinessDate();
    }
}

/// <summary>The payment of an approved disbursement, as it happened.</summary>
public sealed record PayDisbursementRequest : IApiRequest
{
    /// <summary>The bank's or the school's reference of the payout (up to 100 characters).</summary>
    /// <example>BOC-20220915-0001</example>
    public string? PayoutReference { get; init; }

    /// <summary>Where the proof of receipt is kept: the signed receipt or the school's confirmation (up to 200 characters).</summary>
    /// <example>签收单-2022-秋-01</example>
    public string? EvidenceReference { get; init; }

    /// <summary>The day the money was paid (yyyy-MM-dd), never in the future nor before the disbursement was requested.</summary>
    /// <example>2022-09-15</example>
    public DateOnly? PaidOn { get; init; }

    public PayDisbursement ToCommand(Guid id) => new(id, PayoutReference!, EvidenceReference!, PaidOn!.Value);
}

internal sealed class PayDisbursementRequestValidator : AbstractValidator<PayDisbursementRequest>
{
    public PayDisbursementRequestValidator()
    {
        RuleFor(c => c.PayoutReference).NotEmpty().Text(100);
        RuleFor(c => c.EvidenceReference).NotEmpty().Text(200);
        RuleFor(c => c.PaidOn).NotNull().BusinessDate();
    }
}
