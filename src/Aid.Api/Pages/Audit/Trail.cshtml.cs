using Aid.Api.Pages.Console.Audit;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Audit;

/// <summary>
/// A programme's audit trail of a year, oldest first, with the verification of the whole trail at the top (it reads every record:
/// well under a second on the demo data, so it runs with the page). When a record breaks the trail, the page names it: its
/// number, time, action and subject (when it belongs to a programme the person may read; otherwise by its number only), and what
/// failed.
/// </summary>
public sealed class AuditTrailModel : AuditAreaPage
{
    public const int PageSize = 50;

    public AuditVerification? Verification { get; private set; }
    /// <summary>The record that breaks the trail, when the person may read it.</summary>
    public AuditRecord? Broken { get; private set; }
    public IReadOnlyList<AuditRecord> Records { get; private set; } = [];
    public string? Cursor { get; private set; }
    public string? NextCursor { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, int year, string? cursor)
    {
        if (!await LoadAsync(programmeId, year)) return NotFound();
        var ct = HttpContext.RequestAborted;
        Verification = await Sender.Send(new VerifyAuditTrail(), ct);
        if (Verification.FirstBrokenSequence is { } sequence) Broken = await Sender.Send(new GetAuditRecord(sequence), ct);
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        Page<AuditRecord>? page;
        try
        {
            page = await Sender.Send(new ListProgrammeAuditRecords(programmeId, year, PageSize, Cursor), ct);
        }
        catch (InputException) when (Cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListProgrammeAuditRecords(programmeId, year, PageSize, null), ct);
        }
        if (page is null) return NotFound();
        (Records, NextCursor) = (page.Items, page.NextCursor);
        await RecordAsync(AuditorAccess.Trail, year);
        return Page();
    }

    public string Link(string? cursor) => $"{Base}/{Year}/trail" + (cursor is null ? "" : $"?cursor={Uri.EscapeDataString(cursor)}");

    /// <summary>Who acted, as far as an auditor may know: themselves, the system, otherwise a person or key by a short id.</summary>
    public string Who(string actor)
    {
        if (actor == "system") return PageText.T("系统", "The system");
        if (actor.StartsWith(People.SessionPrefix, StringComparison.Ordinal) && Guid.TryParse(actor.AsSpan(People.SessionPrefix.Length), out var userId))
            return Actor?.UserId == userId && Actor.KeyId is null
                ? PageText.T("您本人（网页）", "You (web)")
                : PageText.T($"用户 {AuditText.Short(userId.ToString())}（网页）", $"Person {AuditText.Short(userId.ToString())} (web)");
        return Guid.TryParse(actor, out var keyId)
            ? PageText.T($"API 密钥 {AuditText.Short(keyId.ToString())}", $"API key {AuditText.Short(keyId.ToString())}")
            : actor;
    }
}
