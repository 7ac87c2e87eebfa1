using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Aid.Application.Receipts;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Aid.Api.Endpoints;

/// <summary>
/// The public verification page, what a donor or a tax officer sees after scanning a receipt's QR code: phone-sized, in the
/// receipt's language (a confirmed receipt) or Chinese with English below (a number and code that confirm nothing). It shows
/// what DESIGN.md lets anyone learn — valid or void, the amount and the date — with the issuer as printed on the receipt, the
/// amount in Chinese capitals, and for a void receipt the number of its replacement; never the donor. Its own stylesheet
/// (/css/verify.css), nothing inline, a policy that allows only that stylesheet.
/// </summary>
internal static class VerifyPage
{
    public const string Policy = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private const string Stylesheet = "/css/verify.css";

    /// <summary>Chinese characters as they are (Razor's pages do the same), everything else HTML-encoded.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    public static IResult Result(HttpContext http, string number, string? code, ReceiptCheck check, ReceiptSettings settings)
    {
        SetHeaders(http);
        return Results.Content(Render(StylesheetPath(http), number, code, check, settings), "text/html; charset=utf-8");
    }

    /// <summary>The rate limiter's answer to a person: the same look, both languages, when to try again.</summary>
    public static Task TooManyAsync(HttpContext http, int retryAfterSeconds, CancellationToken ct)
    {
        SetHeaders(http);
        http.Response.ContentType = "text/html; charset=utf-8";
        var minutes = Math.Max(1, (retryAfterSeconds + 59) / 60);
        var page = new StringBuilder();
        Head(page, StylesheetPath(http), "zh-CN", "收据核验 Receipt verification");
        page.Append("<main class=\"v-main\">");
        page.Append("<section class=\"v-verdict v-unknown\" aria-labelledby=\"verdict\"><h1 id=\"verdict\">请稍后再试 <span lang=\"en\">Try again later</span></h1>");
        page.Append(CultureInfo.InvariantCulture, $"<p>此网络地址在短时间内核验了太多次收据。请约 {minutes} 分钟后刷新本页。</p>");
        page.Append(CultureInfo.InvariantCulture,
            $"<div class=\"v-en\" lang=\"en\">Too many receipts were checked from this network address. Reload this page in about {minutes} minute{(minutes == 1 ? "" : "s")}.</div>");
        page.Append("</section></main></body></html>");
        return http.Response.WriteAsync(page.ToString(), ct);
    }

    /// <summary>Whether a request that the rate limiter refused came from a browser (it asks for text/html), not from a program.</summary>
    public static bool WantsPage(HttpRequest request) =>
        request.Path.StartsWithSegments("/verify")
        && request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        && !request.Headers.Accept.Any(a => a is not null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase));

    private static void SetHeaders(HttpContext http)
    {
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
    }

    private static string StylesheetPath(HttpContext http) =>
        http.RequestServices.GetService<IFileVersionProvider>()?.AddFileVersionToPath(http.Request.PathBase, Stylesheet) ?? Stylesheet;

    internal static string Render(string stylesheet, string number, string? code, ReceiptCheck check, ReceiptSettings settings)
    {
        var answer = check.Answer;
        var page = new StringBuilder();
        if (answer.Status is ReceiptStatus.Valid or ReceiptStatus.Void && check.Details is { } details)
            Confirmed(page, stylesheet, answer, details);
        else
            Unconfirmed(page, stylesheet, answer.Status == "unknown", number, code, settings.Issuer,
                E(ReceiptNumber.Format(settings.Prefix, answer.IssuedOn?.Year ?? DateTime.UtcNow.Year, 123)));
        return page.ToString();
    }

    /// <summary>A receipt the code confirms, valid or void, in the receipt's language.</summary>
    private static void Confirmed(StringBuilder page, string stylesheet, ReceiptVerification answer, ReceiptPageDetails details)
    {
        var english = details.Language.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        string L(string zh, string en) => english ? en : zh;
        var isVoid = answer.Status == ReceiptStatus.Void;
        var issuer = english && details.Issuer.Name.Any(c => c is >= '\u3400' and <= '\u9FFF') // a Chinese name read as Chinese
            ? $"<span lang=\"zh-CN\">{E(details.Issuer.Name)}</span>"
            : E(details.Issuer.Name);
        var number = E(answer.Number!);

        Head(page, stylesheet, english ? "en" : "zh-CN",
            isVoid ? L("收据核验：已作废", "Receipt verification: void") : L("收据核验：有效", "Receipt verification: valid"));
        Top(page, L("捐赠收据核验", "Donation receipt verification"), issuer);
        page.Append("<main class=\"v-main\">");

        if (isVoid)
        {
            page.Append("<section class=\"v-verdict v-void\" aria-labelledby=\"verdict\">");
            page.Append("<div class=\"v-mark\" aria-hidden=\"true\">✕</div>");
            page.Append(CultureInfo.InvariantCulture, $"<h1 id=\"verdict\">{L("已作废", "Void")}</h1>");
            page.Append(CultureInfo.InvariantCulture, $"<p>{L($"收据 {number} 是{issuer}开具的，但已作废，不能再作为捐赠凭证使用。",
                $"Receipt {number} was issued by {issuer} but has been voided: it is no longer proof of a donation.")}</p>");
            if (details.ReplacedBy is { } replacement)
                page.Append(CultureInfo.InvariantCulture, $"<div class=\"v-replacement\">{L("已补开新收据", "Replaced by receipt")} <strong class=\"v-number\">{E(replacement)}</strong>"
                    + $"<span class=\"v-sub\">{L("请以新收据为准：扫描新收据上的二维码核验。", "Use the new receipt instead; scan its own QR code to verify it.")}</span></div>");
            else
                page.Append(CultureInfo.InvariantCulture, $"<div class=\"v-replacement\">{L("没有补开新收据。", "No replacement receipt was issued.")}"
                    + $"<span class=\"v-sub\">{L("如有疑问，请联系开具单位。", "If in doubt, contact the issuer.")}</span></div>");
            page.Append("</section>");
        }
        else
        {
            page.Append("<section class=\"v-verdict v-valid\" aria-labelledby=\"verdict\">");
            page.Append("<div class=\"v-mark\" aria-hidden=\"true\">✓</div>");
            page.Append(CultureInfo.InvariantCulture, $"<h1 id=\"verdict\">{L("有效", "Valid")}</h1>");
            page.Append(CultureInfo.InvariantCulture, $"<p>{L($"这张收据由{issuer}开具，编号与验证码相符，内容未被改动。",
                $"This receipt was issued by {issuer}; its number and code match and its content has not been changed.")}</p>");
            page.Append("</section>");
        }

        page.Append("<section class=\"v-card\" aria-labelledby=\"facts\">");
        page.Append(CultureInfo.InvariantCulture, $"<h2 id=\"facts\">{L("验证码确认的内容", "What the code confirms")}</h2><dl class=\"v-facts\">");
        Fact(page, L("收据编号", "Receipt number"), $"<span class=\"v-number\">{number}</span>");
        var amount = $"<span class=\"v-amount\">{E(Money(answer.Total!, answer.Currency!, english))}</span>";
        if (answer.Currency == "CNY" && !string.IsNullOrEmpty(details.TotalInWords))
            amount += english
                ? $"<span class=\"v-sub\">In Chinese capitals: <span lang=\"zh-CN\">{E(details.TotalInWords)}</span></span>"
                : $"<span class=\"v-sub\">大写：{E(details.TotalInWords)}</span>";
        Fact(page, L("金额", "Amount"), amount);
        Fact(page, L("开具日期", "Date of issue"), E(Date(answer.IssuedOn!.Value, english)));
        Fact(page, L("状态", "Status"), isVoid
            ? $"<span class=\"v-status v-status-void\">{L("已作废", "Void")}</span>"
            : $"<span class=\"v-status v-status-valid\">{L("有效", "Valid")}</span>");
        if (details.Replaces is { } replaced)
            Fact(page, L("替代的收据", "Replaces receipt"), $"<span class=\"v-number\">{E(replaced)}</span>"
                + $"<span class=\"v-sub\">{L("该收据已作废", "now void")}</span>");
        Fact(page, L("开具单位", "Issued by"), $"{issuer}<span class=\"v-sub\">{L("统一社会信用代码", "Unified social credit code")} {E(details.Issuer.Code)}</span>");
        page.Append("</dl>");
        page.Append(CultureInfo.InvariantCulture, $"<div class=\"v-note\">{L("请核对您手中收据上的编号、金额和日期是否与本页一致。本页不显示捐赠人的姓名或其他个人信息。",
            "Check that the number, amount and date on the receipt in your hands are the same as here. This page never shows the donor's name or other personal details.")}</div>");
        page.Append("</section>");

        Contact(page, L("开具单位", "Issuer"), details.Issuer, L("地址：", "Address: "));
        page.Append("</main></body></html>");
    }

    /// <summary>A number and code that confirm nothing (or a malformed number): Chinese, English below, what to do next.</summary>
    private static void Unconfirmed(StringBuilder page, string stylesheet, bool malformed, string number, string? code, ReceiptIssuerInfo issuer, string example)
    {
        var typedNumber = E(number.Length > 40 ? number[..40] + "…" : number);
        var typedCode = string.IsNullOrWhiteSpace(code) ? null : E(code.Length > 40 ? code[..40] + "…" : code);
        var name = E(issuer.Name);

        Head(page, stylesheet, "zh-CN", "收据核验 Receipt verification");
        Top(page, "捐赠收据核验 <span lang=\"en\">Receipt verification</span>", name);
        page.Append("<main class=\"v-main\">");
        page.Append(CultureInfo.InvariantCulture, $"<section class=\"v-verdict {(malformed ? "v-unknown" : "v-invalid")}\" aria-labelledby=\"verdict\">");
        page.Append("<div class=\"v-mark\" aria-hidden=\"true\">!</div>");
        page.Append(malformed
            ? "<h1 id=\"verdict\">未知 <span lang=\"en\">Unknown</span></h1><p>这不是格式正确的收据编号，无法确认此收据。</p>"
            : "<h1 id=\"verdict\">无效 <span lang=\"en\">Invalid</span></h1><p>收据编号与验证码不匹配，无法确认此收据。</p>");
        page.Append(malformed
            ? "<div class=\"v-en\" lang=\"en\">This is not a well-formed receipt number; this receipt cannot be confirmed.</div>"
            : "<div class=\"v-en\" lang=\"en\">The number and code do not match; this receipt cannot be confirmed.</div>");
        page.Append("</section>");

        page.Append("<section class=\"v-card\" aria-labelledby=\"typed\">");
        page.Append("<h2 id=\"typed\">核验的内容 <span lang=\"en\">What was checked</span></h2><dl class=\"v-facts\">");
        Fact(page, "收据编号 <span lang=\"en\">Number</span>", $"<span class=\"v-number\">{typedNumber}</span>");
        Fact(page, "验证码 <span lang=\"en\">Code</span>", typedCode is null
            ? "<span class=\"v-missing\">（链接中没有验证码）<span lang=\"en\">(none in the link)</span></span>"
            : $"<span class=\"v-number\">{typedCode}</span>");
        page.Append("</dl></section>");

        page.Append("<section class=\"v-card\" aria-labelledby=\"next\">");
        page.Append("<h2 id=\"next\">怎么办</h2><ol class=\"v-steps\">");
        page.Append($"<li>核对收据上印的编号（如 <span class=\"v-nowrap\">{example}</span>）和 12 位验证码是否输入正确。验证码由数字和字母组成，不含 I、L、O、U，不区分大小写。扫描收据上的二维码可以避免输入错误。</li>");
        page.Append(CultureInfo.InvariantCulture, $"<li>如果仍然无效，这张收据可能不是{name}开具的，或者内容已被改动：请不要把它作为捐赠凭证。</li>");
        page.Append("<li>联系开具单位核实（地址见下方）。</li>");
        page.Append("</ol>");
        page.Append("<div lang=\"en\"><h2 id=\"next-en\" class=\"v-en-head\">What to do</h2><ol class=\"v-steps\">");
        page.Append($"<li>Check the number printed on the receipt (such as <span class=\"v-nowrap\">{example}</span>) and its 12-character code. The code has digits and letters, never I, L, O or U, in upper or lower case. Scanning the receipt's QR code avoids typing mistakes.</li>");
        page.Append(CultureInfo.InvariantCulture, $"<li>If it still does not verify, the receipt may not have been issued by <span lang=\"zh-CN\">{name}</span>, or it was altered: do not rely on it as proof of a donation.</li>");
        page.Append("<li>Contact the issuer to confirm (address below).</li>");
        page.Append("</ol></div></section>");

        Contact(page, "开具单位 <span lang=\"en\">Issuer</span>", issuer, "地址 <span lang=\"en\">Address</span>：");
        page.Append("</main></body></html>");
    }

    private static void Head(StringBuilder page, string stylesheet, string language, string title)
    {
        page.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>{E(title)}</title><link rel="stylesheet" href="{E(stylesheet)}"></head>
            <body class="v-body">
            """);
    }

    private static void Top(StringBuilder page, string kicker, string issuerHtml) =>
        page.Append(CultureInfo.InvariantCulture, $"<header class=\"v-top\"><div class=\"v-kicker\">{kicker}</div><div class=\"v-issuer\">{issuerHtml}</div></header>");

    private static void Fact(StringBuilder page, string termHtml, string valueHtml) =>
        page.Append(CultureInfo.InvariantCulture, $"<div class=\"v-fact\"><dt>{termHtml}</dt><dd>{valueHtml}</dd></div>");

    private static void Contact(StringBuilder page, string headingHtml, ReceiptIssuerInfo issuer, string addressLabelHtml)
    {
        page.Append(CultureInfo.InvariantCulture, $"<section class=\"v-card v-contact\" aria-labelledby=\"contact\"><h2 id=\"contact\">{headingHtml}</h2>");
        page.Append(CultureInfo.InvariantCulture, $"<address><strong>{E(issuer.Name)}</strong><br>{addressLabelHtml}{E(issuer.Address)}</address></section>");
    }

    private static string E(string text) => Html.Encode(text);

    /// <summary>¥1,234.50 on a Chinese page, CNY 1,234.50 on an English one; other currencies by their code.</summary>
    internal static string Money(string total, string currency, bool english)
    {
        var minor = Aid.Application.Common.Money.Parse(total);
        var text = (Math.Abs(minor) / 100m).ToString("#,##0.00", CultureInfo.InvariantCulture);
        var sign = minor < 0 ? "-" : "";
        return english || currency != "CNY" ? $"{sign}{currency} {text}" : $"{sign}¥{text}";
    }

    internal static string Date(DateOnly date, bool english) => english
        ? date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)
        : $"{date.Year}年{date.Month}月{date.Day}日";
}
