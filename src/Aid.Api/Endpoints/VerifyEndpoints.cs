using Aid.Application.Receipts;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Endpoints;

internal static class VerifyEndpoints
{
    public const string RateLimitPolicy = "verify";

    /// <summary>
    /// Public receipt check: JSON when asked (Accept: application/json), otherwise the page for people (<see cref="VerifyPage"/>).
    /// A receipt whose stored rows disagree with its signed snapshot answers "invalid" like a wrong code; the log names the
    /// receipt and the column. Both answers are rate-limited, anonymous and never cached.
    /// </summary>
    public static void MapVerify(this IEndpointRouteBuilder app)
    {
        app.MapGet("/verify/{number}", async (string number, string? code, HttpContext http, ISender sender, [FromServices] ReceiptSettings settings,
            ILoggerFactory logs, CancellationToken ct) =>
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
            return VerifyPage.Result(http, number, code, check, settings);
        }).AllowAnonymous().RequireRateLimiting(RateLimitPolicy).WithTags("Verification").WithSummary("Verify a receipt by number and code (public)")
          .Produces<ReceiptVerification>(StatusCodes.Status200OK, "application/json"); // and text/html: see OpenApiContract
    }
}
