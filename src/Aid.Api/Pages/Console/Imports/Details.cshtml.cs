using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Imports;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Aid.Api.Pages.Console.Imports;

/// <summary>
/// One import: what the file was, its rows by outcome (filter links in the URL, paged by cursor), a person's decision per row
/// (a donor found by name, made from the row or anonymous; exclude or include; a refund's reversal after a confirmation),
/// and the commit. The commit works in the background (<see cref="ImportWorker"/>): the state is the server's, so a reload
/// shows it as it is; /js/receipt-run.js asks <c>?handler=Progress</c> every second and moves the bar, and without script the
/// "刷新" link does the same. A suggested donor (same name) is only ever applied by its button.
/// </summary>
public sealed class ImportDetailsModel : AidPageModel
{
    public const int PageSize = 50;
    private const int DonorChoiceLimit = 20;

    public ImportView? Import { get; private set; }
    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<ImportRowView> Rows { get; private set; } = [];
    public string? Outcome { get; private set; }
    public string? Cursor { get; private set; }
    public string? NextCursor { get; private set; }

    /// <summary>The row whose donor search is open (?row=), the name searched (?q=) and what it found.</summary>
    public int? SearchRow { get; private set; }
    public string? Q { get; private set; }
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }

    /// <summary>The refund row whose reversal is being confirmed (?confirm=).</summary>
    public ImportRowView? Confirming { get; private set; }

    [BindProperty] public int Row { get; set; }
    [BindProperty] public string? DonorId { get; set; }
    [BindProperty] public string? SuggestedId { get; set; }
    [BindProperty] public bool ApplyToSamePayer { get; set; }

    public bool Committing => Import?.Status == ImportStatuses.Committing;

    /// <summary>New rows that have a donor: what a commit books now.</summary>
    public long Ready => Import is { } i ? i.Rows[ImportOutcomes.New] - i.Rows[ImportOutcomes.NeedsDonor] : 0;

    public bool ShowProgress => Import is { } i && (i.Status != ImportStatuses.Previewed || i.CommittedAt is not null);

    public (long Max, long Value) Bar => Import is not { } i ? (1, 0)
        : i.Progress.Ready > 0 ? (i.Progress.Ready, Math.Min(i.Progress.Booked, i.Progress.Ready)) : (1, Committing ? 0 : 1);

    public async Task<IActionResult> OnGetAsync(Guid id, string? outcome, string? cursor, int? row, string? q, int? confirm)
    {
        if (!await LoadAsync(id, outcome, cursor)) return NotFound();
        if (row is { } searchRow && Rows.Any(r => r.Row == searchRow)) await SearchAsync(searchRow, q);
        if (confirm is { } c) Confirming = Rows.FirstOrDefault(r => r.Row == c && r.Outcome == ImportOutcomes.Refund && r.RecordedGiftId is not null);
        return Page();
    }

    /// <summary>The commit's progress for the script, in the shape /js/receipt-run.js reads.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id)
    {
        var import = await Sender.Send(new GetImport(id), HttpContext.RequestAborted);
        if (import is null) return NotFound();
        Import = import;
        var (max, value) = Bar;
        var text = ImportText.Progress(import.Progress);
        return new JsonResult(new Progress(import.Status, ImportText.Status(import.Status), import.Progress.Booked, import.Progress.Ready,
            import.Errors, max, value, text, !Committing));
    }

    /// <summary>The file as it was uploaded.</summary>
    public async Task<IActionResult> OnGetFileAsync(Guid id) =>
        await Sender.Send(new GetImportFile(id), HttpContext.RequestAborted) is { } file
            ? File(file.Content, "application/octet-stream", file.FileName)
            : NotFound();

    public Task<IActionResult> OnPostAssignAsync(Guid id, string? outcome, string? cursor)
    {
        var chosen = Guid.TryParse(SuggestedId, out var suggested) ? suggested : Guid.TryParse(DonorId, out var donor) ? donor : (Guid?)null;
        if (chosen is null)
        {
            ModelState.AddModelError("", PageText.T("请先按名字查找，再从结果中选择捐赠人。", "Search by name first, then choose the donor from the results."));
            return ShowAgainAsync(id, outcome, cursor);
        }
        return UpdateAsync(id, outcome, cursor, new UpdateImportRow(id, Row, DonorId: chosen, ApplyToSamePayer: ApplyToSamePayer));
    }

    public Task<IActionResult> OnPostNewDonorAsync(Guid id, string? outcome, string? cursor) =>
        UpdateAsync(id, outcome, cursor, new UpdateImportRow(id, Row, NewDonor: new NewImportDonor(), ApplyToSamePayer: ApplyToSamePayer));

    public Task<IActionResult> OnPostAnonymousAsync(Guid id, string? outcome, string? cursor) =>
        UpdateAsync(id, outcome, cursor, new UpdateImportRow(id, Row, Anonymous: true, ApplyToSamePayer: ApplyToSamePayer));

    public Task<IActionResult> OnPostExcludeAsync(Guid id, string? outcome, string? cursor) =>
        UpdateAsync(id, outcome, cursor, new UpdateImportRow(id, Row, Exclude: true));

    public Task<IActionResult> OnPostIncludeAsync(Guid id, string? outcome, string? cursor) =>
        UpdateAsync(id, outcome, cursor, new UpdateImportRow(id, Row, Exclude: false));

    public Task<IActionResult> OnPostReverseAsync(Guid id, string? outcome, string? cursor) =>
        UpdateAsync(id, outcome, cursor, new UpdateImportRow(id, Row, ConfirmReversal: true));

    public async Task<IActionResult> OnPostCommitAsync(Guid id, string? outcome, string? cursor)
    {
        if (await TrySendAsync(new CommitImport(id)) is not { } import) return await ShowAgainAsync(id, outcome, cursor);
        HttpContext.RequestServices.GetRequiredService<WorkerWake<ImportWorker>>().Signal();
        Flash = import.Status == ImportStatuses.Committing
            ? PageText.T($"已开始入账 {import.Progress.Ready - import.Progress.Booked} 笔捐赠。可以离开这个页面，入账会在后台继续。",
                $"Booking {import.Progress.Ready - import.Progress.Booked} gifts has begun. You may leave this page: it goes on in the background.")
            : PageText.T("没有新的行需要入账。", "There is nothing new to book.");
        return Redirect($"/console/imports/{id}#progress-title");
    }

    /// <summary>This import's address with the filter and page, and optionally more of the query (a handler, a search).</summary>
    public string Link(string? outcome = null, string? cursor = null, IDictionary<string, string?>? more = null)
    {
        var query = new Dictionary<string, string?> { ["outcome"] = outcome, ["cursor"] = cursor };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) query[key] = value;
        return QueryHelpers.AddQueryString($"/console/imports/{Import!.Id}",
            query.Where(p => p.Value is { Length: > 0 }).ToDictionary(p => p.Key, p => p.Value));
    }

    /// <summary>The address a row's form posts to: the handler, and the list as it is shown now to come back to.</summary>
    public string Handler(string handler) => Link(Outcome, Cursor, new Dictionary<string, string?> { ["handler"] = handler });

    public string GiftLink(Guid giftId) => $"/console/{Import!.ProgrammeId}/gifts/{giftId}";

    private async Task<IActionResult> UpdateAsync(Guid id, string? outcome, string? cursor, UpdateImportRow command)
    {
        if (await TrySendAsync(command) is not { } update) return await ShowAgainAsync(id, outcome, cursor);
        var row = update.Row;
        var others = update.Updated - 1;
        Flash = row.Outcome switch
        {
            ImportOutcomes.Excluded => PageText.T($"第 {row.Line} 行已排除，不会入账。", $"Line {row.Line} is excluded: it will not be booked."),
            ImportOutcomes.Reversed => PageText.T($"第 {row.Line} 行的退款已确认：原捐赠已冲销。", $"The refund on line {row.Line} is confirmed: the gift is reversed."),
            _ when command.Exclude is false => PageText.T($"第 {row.Line} 行已恢复。", $"Line {row.Line} is included again."),
            _ => PageText.T($"第 {row.Line} 行的捐赠人：{row.Donor?.Name}", $"Line {row.Line}'s donor: {row.Donor?.Name}")
                 + (others > 0 ? PageText.T($"（同一付款人的另外 {others} 行也已指定）。", $" (and {others} more lines from the same payer).") : PageText.T("。", ".")),
        };
        return Redirect(QueryHelpers.AddQueryString($"/console/imports/{id}",
            new Dictionary<string, string?> { ["outcome"] = outcome, ["cursor"] = cursor }.Where(p => p.Value is { Length: > 0 })
                .ToDictionary(p => p.Key, p => p.Value)) + $"#row-{command.Row}");
    }

    private async Task<IActionResult> ShowAgainAsync(Guid id, string? outcome, string? cursor)
    {
        var errors = ModelState.Where(e => e.Value?.Errors.Count > 0).SelectMany(e => e.Value!.Errors.Select(x => x.ErrorMessage)).ToList();
        if (!await LoadAsync(id, outcome, cursor)) return NotFound();
        if (Row > 0 && Rows.FirstOrDefault(r => r.Row == Row) is { } row)
        {
            // The refusal is about one row: said at the top (where the page opens) with the row's line, and beside the row.
            ModelState.Clear();
            foreach (var message in errors)
            {
                ModelState.AddModelError("", PageText.T($"第 {row.Line} 行：{message}", $"Line {row.Line}: {message}"));
                ModelState.AddModelError($"row-{row.Row}", message);
            }
        }
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, string? outcome, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Import = await Sender.Send(new GetImport(id), ct);
        if (Import is null) return false;
        Programme = await Sender.Send(new GetProgramme(Import.ProgrammeId), ct);
        if (Programme is null) return false;
        Outcome = outcome is { Length: > 0 } && ImportOutcomes.Filters.Contains(outcome) ? outcome : null;
        Cursor = cursor;
        Page<ImportRowView>? page;
        try
        {
            page = await Sender.Send(new ListImportRows(id, Outcome, PageSize, cursor), ct);
        }
        catch (InputException) when (cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListImportRows(id, Outcome, PageSize, null), ct);
        }
        if (page is null) return false;
        (Rows, NextCursor) = (page.Items, page.NextCursor);
        return true;
    }

    private async Task SearchAsync(int row, string? q)
    {
        SearchRow = row;
        Q = q?.Trim();
        if (string.IsNullOrEmpty(Q)) return;
        if (Q.Length > 100 || TextRule.Problem(Q) is not null)
        {
            ModelState.AddModelError($"q-{row}", PageText.T("请输入捐赠人名字中的几个字（最多 100 个字符）。", "Type part of the donor's name (at most 100 characters)."));
            return;
        }
        var found = await Sender.Send(new ListDonors(Q, null, DonorChoiceLimit, null), HttpContext.RequestAborted);
        (DonorChoices, MoreDonorChoices) = (found.Items, found.NextCursor is not null);
    }

    /// <summary>What ?handler=Progress answers (the fields /js/receipt-run.js reads: done and errors fill #run-done, #run-errors).</summary>
    public sealed record Progress(string Status, string StatusText, long Done, long Total, long Errors, long Max, long Value, string Text, bool Finished);
}
