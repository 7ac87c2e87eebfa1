using Aid.Api.Pages.Console.Disbursements;
using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Batches;

/// <summary>
/// A new batch in two steps: the choice of year, term and school (a GET, so the preview has an address) shows one line per
/// sponsored student still unpaid for that term, the total against the available balance; the second step creates it all in
/// one command, keyed by the form so a double press creates one batch.
/// </summary>
public sealed class NewBatchModel(BusinessClock clock) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public ProgrammeTermsView? Terms { get; private set; }
    public IReadOnlyList<string> Schools { get; private set; } = [];
    public BatchPreview? Preview { get; private set; }

    [BindProperty(SupportsGet = true)] public string? AcademicYear { get; set; }
    [BindProperty(SupportsGet = true)] public string? Term { get; set; }
    [BindProperty(SupportsGet = true)] public string? School { get; set; }
    [BindProperty(SupportsGet = true)] public string? Basis { get; set; } // nullable: an address without it means the default, not a "required" error
    [BindProperty] public Guid FormId { get; set; } = Guid.NewGuid();
    [BindProperty] public string Channel { get; set; } = DisbursementText.Channels[0];
    [BindProperty] public string? RequestedOn { get; set; }

    public BatchAmountBasis AmountBasis => Enum.TryParse<BatchAmountBasis>(Basis, out var b) ? b : BatchAmountBasis.Sponsorship;

    public async Task<IActionResult> OnGetAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        var today = clock.Today();
        RequestedOn = today.ToString("yyyy-MM-dd");
        if (AcademicYear is null && Term is null && School is null)
        {
            AcademicYear = BatchText.AcademicYearOf(today);
            Term = Terms!.Names[today.Month is >= 2 and <= 7 && Terms.Names.Count > 1 ? 1 : 0];
            if (Schools.Count == 1) School = Schools[0];
            return Page();
        }
        await PreviewAsync(programmeId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        DateOnly? requestedOn = null;
        if (!string.IsNullOrWhiteSpace(RequestedOn))
        {
            if (DateOnly.TryParseExact(RequestedOn, "yyyy-MM-dd", out var date)) requestedOn = date;
            else ModelState.AddModelError(nameof(RequestedOn), PageText.T("请按 年-月-日 填写日期。", "Enter the date as year-month-day."));
        }
        if (!Codes.TryParse<DisbursementChannel>(Channel, out var channel)) ModelState.AddModelError(nameof(Channel), PageText.T("请选择发放方式。", "Choose a channel."));
        if (!ModelState.IsValid)
        {
            await PreviewAsync(programmeId);
            return Page();
        }

        HttpContext.RequestServices.GetRequiredService<IdempotencyKey>().Set("page-form:" + FormId);
        var created = await TrySendAsync(new CreateBatch(programmeId, AcademicYear?.Trim() ?? "", Term ?? "", School ?? "", channel, requestedOn, AmountBasis),
            ("academicYear", nameof(AcademicYear)), ("term", nameof(Term)), ("school", nameof(School)), ("requestedOn", nameof(RequestedOn)));
        if (created is null)
        {
            await PreviewAsync(programmeId); // as it is now: another manager may just have made this batch
            return Page();
        }
        Flash = PageText.T($"已创建批次：{created.Summary.Lines} 名学生，合计 {PageText.Money(created.Summary.Total, Programme!.Currency)}。请另一位项目经理审批。",
            $"The batch is made: {created.Summary.Lines} students, {PageText.Money(created.Summary.Total, Programme!.Currency)} in all. Another manager approves it.");
        return Redirect($"/console/{programmeId}/batches/{created.Summary.Id}");
    }

    private async Task PreviewAsync(Guid programmeId)
    {
        if (string.IsNullOrWhiteSpace(AcademicYear)) ModelState.AddModelError(nameof(AcademicYear), PageText.T("请填写学年，例如 2026-2027。", "Enter the academic year, e.g. 2026-2027."));
        if (string.IsNullOrWhiteSpace(Term)) ModelState.AddModelError(nameof(Term), PageText.T("请选择学期。", "Choose the term."));
        if (string.IsNullOrWhiteSpace(School)) ModelState.AddModelError(nameof(School), PageText.T("请选择学校。", "Choose the school."));
        if (ModelState.ErrorCount > 0) return;
        try
        {
            Preview = await Sender.Send(new PreviewBatch(programmeId, AcademicYear!.Trim(), Term!, School!, AmountBasis), HttpContext.RequestAborted);
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            {
                var input = field switch { "academicYear" => nameof(AcademicYear), "term" => nameof(Term), "school" => nameof(School), _ => "" };
                foreach (var message in messages) ModelState.AddModelError(input, PageText.Message(message));
            }
        }
    }

    private async Task<bool> LoadAsync(Guid programmeId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        Terms = await Sender.Send(new GetProgrammeTerms(programmeId), ct);
        Schools = await Sender.Send(new ListSchools(programmeId), ct) ?? [];
        return Terms is not null;
    }
}
