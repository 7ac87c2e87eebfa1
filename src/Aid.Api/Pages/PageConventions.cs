using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace Aid.Api.Pages;

/// <summary>
/// Headers of every page: a Content-Security-Policy that allows this site's own styles, scripts and images (and data: images,
/// for QR codes) and nothing inline; and no caching, since pages show people's accounts.
/// </summary>
internal sealed class PageSecurityHeaders : IPageFilter
{
    public const string Policy = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; " +
                                 "frame-ancestors 'none'; base-uri 'none'";

    public void OnPageHandlerSelected(PageHandlerSelectedContext context) { }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.CacheControl = "no-cache, no-store"; // what antiforgery sets on a page with a form (it would override anything else)
        headers.Pragma = "no-cache";
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context) { }
}

/// <summary>Model-binding messages in the page's language (they are English by default).</summary>
internal static class PageBindingMessages
{
    public static void Apply(DefaultModelBindingMessageProvider messages)
    {
        messages.SetValueMustNotBeNullAccessor(v => PageText.T($"请填写“{v}”。", $"Enter a value for '{v}'."));
        messages.SetAttemptedValueIsInvalidAccessor((v, f) => PageText.T($"“{v}”不是有效的{f}。", $"'{v}' is not a valid {f}."));
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(v => PageText.T($"“{v}”无效。", $"'{v}' is not valid."));
        messages.SetUnknownValueIsInvalidAccessor(f => PageText.T($"{f} 的值无效。", $"The value for {f} is not valid."));
        messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => PageText.T("输入的值无效。", "The value is not valid."));
        messages.SetValueIsInvalidAccessor(v => PageText.T($"“{v}”无效。", $"'{v}' is not valid."));
        messages.SetValueMustBeANumberAccessor(f => PageText.T($"{f} 必须是数字。", $"{f} must be a number."));
        messages.SetNonPropertyValueMustBeANumberAccessor(() => PageText.T("必须是数字。", "This must be a number."));
        messages.SetMissingBindRequiredValueAccessor(f => PageText.T($"缺少 {f}。", $"{f} is missing."));
        messages.SetMissingKeyOrValueAccessor(() => PageText.T("缺少必填的值。", "A required value is missing."));
        messages.SetMissingRequestBodyRequiredValueAccessor(() => PageText.T("请求内容不能为空。", "The request needs a body."));
    }
}
