using Aid.Application.Common;
using Aid.Application.Gifts;
using Aid.Application.ReceiptRuns;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Api.Pages.Console.Receipts;

/// <summary>What the receipt pages share: which receipts belong to a programme's pages, reasons, and runs in words.</summary>
public static class ReceiptPages
{
    /// <summary>At most this many of an annual receipt's gifts are looked up to decide whether it belongs to a programme.</summary>
    private const int GiftLookups = 200;

    /// <summary>
    /// A receipt as the programme's pages show it: one of the programme, or one without a programme (an annual receipt over
    /// several) with a gift in it. Null when it does not exist, the person may not see it, or it belongs elsewhere.
    /// </summary>
    public static async Task<ReceiptView?> FindAsync(ISender sender, Guid programmeId, string? number, CancellationToken ct)
    {
        if (!ReceiptNumber.TryParse(number, out _, out _, out _)) return null;
        if (await sender.Send(new GetReceipt(number!), ct) is not { } receipt) return null;
        if (receipt.ProgrammeId == programmeId) return receipt;
        if (receipt.ProgrammeId is not null) return null;
        foreach (var giftId in receipt.GiftIds.Take(GiftLookups))
            if (await sender.Send(new GetGift(giftId), ct) is { } gift && gift.ProgrammeId == programmeId)
                return receipt;
        return null;
    }

    /// <summary>A void reason as typed, trimmed; or null with the message to show beside the field.</summary>
    public static (string? Reason, string? Problem) ReadReason(string? typed)
    {
        var reason = typed?.Trim();
        if (string.IsNullOrEmpty(reason))
            return (null, PageText.T("请写明作废的原因，例如“捐赠人姓名有误”。", "Say why, e.g. 'the donor's name was wrong'."));
        if (reason.Length > 500 || TextRule.Problem(reason, multiline: true) is not null)
            return (null, PageText.T("原因最多 500 个字符，且不能含控制字符。", "A reason has at most 500 characters and no control characters."));
        return (reason, null);
    }

    public static string RunKind(string kind) => kind switch
    {
        ReceiptRunKinds.PerGift => PageText.T("每笔捐赠一张", "One per gift"),
        ReceiptRunKinds.Annual => PageText.T("每位捐赠人一张年度收据", "One annual receipt per donor"),
        _ => kind,
    };

    public static string RunStatus(string status) => status switch
    {
        "pending" => PageText.T("等待开始", "Waiting to start"),
        "running" => PageText.T("正在开具", "Issuing"),
        "completed" => PageText.T("已完成", "Completed"),
        "failed" => PageText.T("已失败", "Failed"),
        _ => status,
    };

    /// <summary>"已完成 37 / 120": the words beside the progress bar (and what the script writes there).</summary>
    public static string Progress(long done, long total) => PageText.T($"已完成 {done} / {total}", $"Done {done} of {total}");

    public static bool Finished(ReceiptRunView run) => run.Status is "completed" or "failed";

    /// <summary>The programme's run that is still going, if any (a run of another programme or outside the scope is not found).</summary>
    public static async Task<ReceiptRunView?> ActiveRunAsync(ISender sender, Guid programmeId, CancellationToken ct)
    {
        foreach (var id in await sender.Send(new ListActiveReceiptRuns(), ct))
            if (await sender.Send(new GetReceiptRun(id), ct) is { } run && run.ProgrammeId == programmeId)
                return run;
        return null;
    }
}
