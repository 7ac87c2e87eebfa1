using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Pledges;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console;

/// <summary>
/// A programme at a glance: its balance figures, money in and aid out per month, overdue pledge instalments, what waits for
/// approval, receipts this year.
/// </summary>
public sealed class DashboardModel(BusinessClock clock) : AidPageModel
{
    private const int ReceiptPage = 500;
    public const int OverdueShown = 10;

    public ProgrammeView? Programme { get; private set; }
    public ProgrammeBalance? Balance { get; private set; }
    public IReadOnlyList<MonthlyFlow> Flows { get; private set; } = [];
    public OverdueInstalments? Overdue { get; private set; }
    public IReadOnlyList<DisbursementView> Waiting { get; private set; } = [];

    /// <summary>Batches with lines still waiting for a second person (from the newest batches).</summary>
    public IReadOnlyList<BatchSummaryView> WaitingBatches { get; private set; } = [];
    public bool MoreWaiting { get; private set; }
    public int Year { get; private set; }
    public int ReceiptsThisYear { get; private set; }
    public bool MoreReceipts { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        Balance = await Sender.Send(new GetProgrammeBalance(programmeId), ct);
        if (Programme is null || Balance is null) return NotFound(); // or outside the person's scope: the same answer
        Flows = await Sender.Send(new GetMonthlyFlows(programmeId), ct) ?? [];
        Overdue = await Sender.Send(new ListOverdueInstalments(programmeId, OverdueShown), ct);
        var waiting = await Sender.Send(new ListDisbursements(programmeId, null, "requested", 10, null), ct);
        (Waiting, MoreWaiting) = (waiting.Items, waiting.NextCursor is not null);
        WaitingBatches = (await Sender.Send(new ListBatches(programmeId, Limit: 25), ct)).Items.Where(batch => batch.Requested > 0).ToList();
        Year = clock.Today().Year;
        var receipts = await Sender.Send(new ListReceipts(null, Year, programmeId, ReceiptPage, null), ct);
        (ReceiptsThisYear, MoreReceipts) = (receipts.Items.Count, receipts.NextCursor is not null);
        return Page();
    }
}
