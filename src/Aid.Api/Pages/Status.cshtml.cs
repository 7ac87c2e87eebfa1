using Aid.Api.Infrastructure;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages;

/// <summary>
/// What a person sees instead of an empty answer with an error status on a page address (an unknown or stale link, a
/// form sent after its token expired): in their language, with a way on. Reached by re-execution from
/// <c>UseStatusCodePagesWithReExecute</c> for browsers only; programs keep the ProblemDetails answer. The status is kept.
/// </summary>
[IgnoreAntiforgeryToken] // it changes nothing, and a form refused for its stale token is re-executed here as a POST
public sealed class StatusModel : AidPageModel
{
    public int Code { get; private set; }
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";
    public bool SignedIn => PageSessions.UserId(User) is not null && Actor is not null;
    public bool Staff => Actor?.Role is "admin" or "manager";

    public void OnGet(int code) => Describe(code);

    // A POST whose page answered 400 (a stale antiforgery token) is re-executed as the same method.
    public void OnPost(int code) => Describe(code);

    private void Describe(int code)
    {
        // Only a re-executed error keeps its own status; asked directly, the page is itself the answer to an unknown address.
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        Code = code is >= 400 and <= 599 ? code : 404;
        Response.StatusCode = reExecuted ? Code : StatusCodes.Status404NotFound;
        (Title, Explanation) = Code switch
        {
            404 => (PageText.T("找不到这个页面", "Page not found"),
                PageText.T("这个地址不存在，或者您无权查看它。链接可能已过期或输入有误。", "This address does not exist, or it is not yours to see. The link may be old or mistyped.")),
            400 => (PageText.T("请求无法处理", "The request could not be handled"),
                PageText.T("页面可能已过期（例如登录状态已变）。请返回上一页，刷新后再试一次；已填写的内容没有保存。",
                    "The page may have expired (for example after signing in or out). Go back, reload and try again; nothing was saved.")),
            413 => (PageText.T("文件太大", "File too large"),
                PageText.T("上传的文件超过了允许的大小。请拆分为较小的文件（例如每月一个）后逐个上传。",
                    "The file is larger than allowed. Split it into smaller files (e.g. one month each) and upload them one by one.")),
            405 => (PageText.T("不支持的操作", "Not supported"),
                PageText.T("这个地址不能这样使用。请从页面上的链接或按钮进入。", "This address cannot be used that way. Use the links and buttons on the pages.")),
            403 => (PageText.T("无权访问", "Not allowed"),
                PageText.T("这个操作只对特定角色开放。如需使用，请联系本机构的管理员。", "This is for other roles. Ask your organisation's admin if you need it.")),
            >= 500 => (PageText.T("出错了", "Something went wrong"),
                PageText.T("服务暂时无法完成这个请求，更改可能没有保存。请先查看相关记录，再决定是否重试；问题持续时请联系管理员。",
                    "The service could not complete this request; the change may not have been saved. Check the records before trying again; tell your admin if it goes on.")),
            _ => (PageText.T("请求无法完成", "The request could not be completed"),
                PageText.T("这个请求没有完成。请返回上一页，刷新后再试一次。", "This request was not completed. Go back, reload and try again.")),
        };
    }
}
