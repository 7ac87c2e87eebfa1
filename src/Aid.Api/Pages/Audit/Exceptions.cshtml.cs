using Aid.Application.Auditing;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Audit;

/// <summary>The exceptions of a programme's year (<see cref="ListYearExceptions"/>): reversals, voids, closed pledges, withdrawals.</summary>
public sealed class AuditExceptionsModel : AuditAreaPage
{
    public IReadOnlyList<YearException> Exceptions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid programmeId, int year)
    {
        if (!await LoadAsync(programmeId, year)) return NotFound();
        if (await Sender.Send(new ListYearExceptions(programmeId, year), HttpContext.RequestAborted) is not { } exceptions) return NotFound();
        Exceptions = exceptions;
        await RecordAsync(AuditorAccess.Exceptions, year);
        return Page();
    }
}
