using Aid.Application.Auditing;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Audit;

/// <summary>The receipt-number reconciliation of a year (<see cref="ReconcileReceiptNumbers"/>): issued, void and the gaps, per prefix.</summary>
public sealed class AuditReceiptsModel : AuditAreaPage
{
    public ReceiptNumberReconciliation? Reconciliation { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, int year)
    {
        if (!await LoadAsync(programmeId, year)) return NotFound();
        Reconciliation = await Sender.Send(new ReconcileReceiptNumbers(programmeId, year), HttpContext.RequestAborted);
        if (Reconciliation is null) return NotFound();
        await RecordAsync(AuditorAccess.Receipts, year);
        return Page();
    }
}
