using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Application.Students;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Disbursements;

/// <summary>
/// A request for a student's grant: amounts typed as people type them (<see cref="AmountInput"/>); the form's id is the
/// idempotency key, so pressing the button twice asks once.
/// </summary>
public sealed class NewDisbursementModel(BusinessClock clock) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<StudentView> Students { get; private set; } = [];
    [BindProperty] public Guid FormId { get; set; } = Guid.NewGuid();
    [BindProperty] public Guid? StudentId { get; set; }
    [BindProperty] public string? AcademicYear { get; set; }
    public IReadOnlyList<string> Terms { get; private set; } = [];
    [BindProperty] public string? Term { get; set; }
    [BindProperty] public string? Purpose { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string Channel { get; set; } = DisbursementText.Channels[0];
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public string? RequestedOn { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid? studentId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        if (studentId is { } chosen && Students.Any(s => s.Id == chosen)) StudentId = chosen; // opened from the student's page
        var today = clock.Today();
        AcademicYear = today.Month >= 8 ? $"{today.Year}-{today.Year + 1}" : $"{today.Year - 1}-{today.Year}";
        Term = Terms[today.Month is >= 2 and <= 7 && Terms.Count > 1 ? 1 : 0];
        Purpose = PageText.T("助学金", "Grant");
        RequestedOn = today.ToString("yyyy-MM-dd");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        if (StudentId is null) ModelState.AddModelError(nameof(StudentId), PageText.T("请选择学生。", "Choose a student."));
        var problem = AmountInput.TryAmount(Amount, Programme!.Currency, out var amount);
        if (problem != InputProblem.None) ModelState.AddModelError(nameof(Amount), AmountInput.AmountMessage(problem));
        DateOnly? requestedOn = null;
        if (!string.IsNullOrWhiteSpace(RequestedOn))
        {
            if (DateOnly.TryParseExact(RequestedOn, "yyyy-MM-dd", out var date)) requestedOn = date;
            else ModelState.AddModelError(nameof(RequestedOn), PageText.T("请按 年-月-日 填写日期。", "Enter the date as year-month-day."));
        }
        if (!Codes.TryParse<DisbursementChannel>(Channel, out var channel)) ModelState.AddModelError(nameof(Channel), PageText.T("请选择发放方式。", "Choose a channel."));
        if (!ModelState.IsValid) return Page();

        HttpContext.RequestServices.GetRequiredService<IdempotencyKey>().Set("page-form:" + FormId);
        var created = await TrySendAsync(new RequestDisbursement(programmeId, StudentId!.Value, AcademicYear?.Trim() ?? "", Term ?? "", Purpose?.Trim() ?? "",
                Money.Parse(amount), channel, string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim(), requestedOn),
            ("studentId", nameof(StudentId)), ("academicYear", nameof(AcademicYear)), ("term", nameof(Term)), ("purpose", nameof(Purpose)),
            ("amount", nameof(Amount)), ("reference", nameof(Reference)), ("requestedOn", nameof(RequestedOn)));
        if (created is null) return Page();
        Flash = PageText.T("申请已提交，等待另一位项目经理审批。", "The request is in: another manager approves it.");
        return Redirect($"/console/{programmeId}/disbursements/{created.Id}");
    }

    private async Task<bool> LoadAsync(Guid programmeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return false;
        Students = (await Sender.Send(new ListStudents(programmeId, null, "active", 500, null), HttpContext.RequestAborted)).Items;
        Terms = (await Sender.Send(new GetProgrammeTerms(programmeId), HttpContext.RequestAborted))?.Names ?? [];
        return true;
    }
}
