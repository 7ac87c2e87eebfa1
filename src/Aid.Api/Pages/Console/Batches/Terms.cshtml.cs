using Aid.Application.Batches;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Batches;

/// <summary>A programme's terms, in the order of the school year: the batch and disbursement forms offer them, amounts split over them.</summary>
public sealed class TermsModel : AidPageModel
{
    public const int MaxTerms = 6;

    public ProgrammeView? Programme { get; private set; }
    public bool IsDefault { get; private set; }
    [BindProperty] public Guid FormId { get; set; } = Guid.NewGuid();
    [BindProperty] public List<string?> Names { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        var terms = await Sender.Send(new GetProgrammeTerms(programmeId), HttpContext.RequestAborted);
        (Names, IsDefault) = ([.. terms!.Names], terms.IsDefault);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        if (!await LoadAsync(programmeId)) return NotFound();
        var names = Names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!.Trim()).ToList();
        HttpContext.RequestServices.GetRequiredService<IdempotencyKey>().Set("page-form:" + FormId);
        if (await TrySendAsync(new SetProgrammeTerms(programmeId, names), ("names", nameof(Names))) is null) return Page();
        Flash = PageText.T("学期设置已保存。", "The terms are saved.");
        return Redirect($"/console/{programmeId}/batches/terms");
    }

    private async Task<bool> LoadAsync(Guid programmeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        return Programme is not null;
    }
}
