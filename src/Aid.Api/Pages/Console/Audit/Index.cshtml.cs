using Aid.Application.ApiKeys;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Programmes;
using Aid.Application.Users;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Audit;

/// <summary>
/// The audit trail as the API gives it (<see cref="ListAuditRecords"/>): oldest first, paged, the records of every programme the
/// person may see (an admin: the whole organisation's) — the query has no programme filter, so the page says so and names each
/// record's programme. At the top, the verification of the whole trail (<see cref="VerifyAuditTrail"/>): valid, or the first
/// record that breaks it. Who acted is shown by name where the person may know it: themselves, their own keys, and for an
/// admin everyone (the people and keys an admin manages anyway).
/// </summary>
public sealed class AuditIndexModel : AidPageModel
{
    public const int PageSize = 50;

    public ProgrammeView? Programme { get; private set; }
    public AuditVerification? Verification { get; private set; }
    public IReadOnlyList<AuditRecord> Records { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? Cursor { get; private set; }
    public IReadOnlyDictionary<Guid, ProgrammeView> Programmes { get; private set; } = new Dictionary<Guid, ProgrammeView>();
    private readonly Dictionary<string, string> _who = new(StringComparer.Ordinal);

    public bool Admin => Actor is { IsAdmin: true };

    /// <summary>
    /// The records at once; the verification (it reads the whole trail: about half a second on the demo data) inline only with
    /// <c>?verify=1</c> (the link for a browser without script), otherwise fetched by /js/audit-verify.js from <c>?handler=Verification</c>.
    /// </summary>
    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? cursor, string? verify)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound();
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
        if (verify is "1" or "true") Verification = await Sender.Send(new VerifyAuditTrail(), ct);

        Page<AuditRecord> page;
        try
        {
            page = await Sender.Send(new ListAuditRecords(PageSize, Cursor), ct);
        }
        catch (InputException) when (Cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListAuditRecords(PageSize, null), ct);
        }
        (Records, NextCursor) = (page.Items, page.NextCursor);
        Programmes = (await Sender.Send(new ListProgrammes(null, null, Application.Common.Cursor.MaxLimit, null), ct)).Items.ToDictionary(p => p.Id);
        await NameActorsAsync(ct);
        return Page();
    }

    /// <summary>The verification alone, as the fragment the script puts at the top of the page.</summary>
    public async Task<IActionResult> OnGetVerificationAsync(Guid programmeId)
    {
        var ct = HttpContext.RequestAborted;
        if (await Sender.Send(new GetProgramme(programmeId), ct) is null) return NotFound();
        return Partial("_AuditVerification", await Sender.Send(new VerifyAuditTrail(), ct));
    }

    public string VerifyLink => Link(Cursor) + (Cursor is null ? "?" : "&") + "verify=1";

    public string Link(string? cursor) => $"/console/{Programme!.Id}/audit" + (cursor is null ? "" : $"?cursor={Uri.EscapeDataString(cursor)}");

    public string Who(string actor) => _who.TryGetValue(actor, out var name) ? name : actor;

    public string Currency(Guid? id) => id is { } p && Programmes.TryGetValue(p, out var programme) ? programme.Currency : "CNY";

    public string ProgrammeName(Guid? id) => id is null ? PageText.T("全机构", "Organisation")
        : Programmes.TryGetValue(id.Value, out var p) ? p.Name : AuditText.Short(id.Value.ToString());

    /// <summary>
    /// Names for the actors on this page. Managers learn no more than they may: themselves, their own keys; the rest by a short id.
    /// An admin sees every person and key by name (GetUser and GetApiKey are admin queries).
    /// </summary>
    private async Task NameActorsAsync(CancellationToken ct)
    {
        var me = Actor;
        var myKeys = me is null ? new Dictionary<Guid, string>() : (await Sender.Send(new ListMyKeys(), ct)).ToDictionary(k => k.Id, k => k.Name);
        foreach (var actor in Records.Select(r => r.Actor).Distinct(StringComparer.Ordinal))
        {
            string name;
            if (actor == "system") name = PageText.T("系统", "The system");
            else if (actor.StartsWith(People.SessionPrefix, StringComparison.Ordinal) && Guid.TryParse(actor.AsSpan(People.SessionPrefix.Length), out var userId))
            {
                if (me?.UserId == userId) name = PageText.T("您本人（网页）", "You (web)");
                else if (Admin && await Sender.Send(new GetUser(userId), ct) is { } user) name = PageText.T($"{user.DisplayName}（网页）", $"{user.DisplayName} (web)");
                else name = PageText.T($"用户 {AuditText.Short(userId.ToString())}（网页）", $"Person {AuditText.Short(userId.ToString())} (web)");
            }
            else if (Guid.TryParse(actor, out var keyId))
            {
                if (myKeys.TryGetValue(keyId, out var mine)) name = PageText.T($"您的 API 密钥“{mine}”", $"Your API key '{mine}'");
                else if (Admin && await Sender.Send(new GetApiKey(keyId), ct) is { } key) name = PageText.T($"API 密钥“{key.Name}”", $"API key '{key.Name}'");
                else name = PageText.T($"API 密钥 {AuditText.Short(keyId.ToString())}", $"API key {AuditText.Short(keyId.ToString())}");
            }
            else name = actor;
            _who[actor] = name;
        }
    }
}
