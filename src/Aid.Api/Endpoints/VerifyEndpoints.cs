using System.Text.Encodings.Web;
using Aid.Application.Receipts;
using Mediator;

namespace Aid.Api.Endpoints;

internal static class VerifyEndpoints
{
    public const string RateLimitPolicy = "verify";

    /// <summary>
    /// Public receipt check: JSON when asked (Accept: application/json), otherwise a small HTML page. A receipt whose stored
    /// rows disagree with its signed snapshot answers "invalid" like a wrong code; the log names the receipt and the column.
    /// </summary>
    public static void MapVerify(this IEndpointRouteBuilder app)
    {
        app.MapGet("/verify/{number}", async (string number, string? code, HttpContext http, ISender sender, ILoggerFactory logs, CancellationToken ct) =>
        {
            var check = await sender.Send(new VerifyReceipt(number, code), ct);
            if (check.Disagreement is not null)
                logs.CreateLogger(typeof(VerifyEndpoints)).LogWarning(
                    "Receipt {Number} does not verify: its stored {Field} disagrees with the snapshot its code was made over; run audit verification",
                    number, check.Disagreement);
            var result = check.Answer;
            http.Response.Headers.CacheControl = "no-store";
            if (http.Request.Headers.Accept.Any(a => a is not null && a.Contains("application/json", StringComparison.OrdinalIgnoreCase)))
                return Results.Json(new { result.Status, result.Number, result.Total, result.Currency, result.IssuedOn });

            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            var e = HtmlEncoder.Default;
            var (title, detail) = result.Status switch
            {
                "valid" => ("有效 Valid", $"收据 {e.Encode(result.Number!)} 有效：金额 {e.Encode(result.Currency!)} {e.Encode(result.Total!)}，开具日期 {result.IssuedOn:yyyy-MM-dd}。"),
                "void" => ("已作废 Void", $"收据 {e.Encode(result.Number!)} 已作废（金额 {e.Encode(result.Currency!)} {e.Encode(result.Total!)}，开具日期 {result.IssuedOn:yyyy-MM-dd}）。"),
                "invalid" => ("无效 Invalid", "收据编号与验证码不匹配，无法确认此收据。The number and code do not match; this receipt cannot be confirmed."),
                _ => ("未知 Unknown", "这不是格式正确的收据编号。This is not a well-formed receipt number."),
            };
            var html = $"""
                <!DOCTYPE html>
                <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>收据核验 Receipt verification</title></head>
                <body><h1>{title}</h1><p>{detail}</p></body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        }).AllowAnonymous().RequireRateLimiting(RateLimitPolicy).WithTags("Verification").WithSummary("Verify a receipt by number and code (public)")
          .Produces<ReceiptVerification>(StatusCodes.Status200OK, "application/json"); // and text/html: see OpenApiContract
    }
}
