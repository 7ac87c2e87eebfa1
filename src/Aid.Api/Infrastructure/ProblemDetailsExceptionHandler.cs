using System.Text.Json;
using System.Text.RegularExpressions;
using Aid.Application.Common;
using Aid.Infrastructure.Database;
using Microsoft.AspNetCore.Diagnostics;

namespace Aid.Api.Infrastructure;

/// <summary>
/// The one place where exceptions become RFC 9457 problems: input → 400 with field errors, NotFound → 404,
/// Forbidden → 403, Conflict → 409, disk full → 507 (and health remembers it). Anything else is a bug: a bare 500 with only a trace id.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(
    IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger, DiskFullAlarm? diskFull = null) // null: a host without health checks
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, errors, extensions) = exception switch
        {
            InputException e => (400, "Invalid request", "One or more fields are invalid.", e.Errors, null),
            NotFoundException e => (404, "Not found", e.Message, null, null),
            ForbiddenException e => (403, "Forbidden", e.Message, null, null),
            ConflictException e => (409, "Conflict", e.Message, null, e.Details),
            PreconditionFailedException e => (412, "Precondition failed", e.Message, null, new Dictionary<string, object?> { ["currentETag"] = e.CurrentETag }),
            UnavailableException e => (503, "Service unavailable", e.Message, null, new Dictionary<string, object?> { ["setting"] = e.Setting }),
            BadHttpRequestException e => await FromBadRequestAsync(e, context),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, "Client closed request", null, null, null),
            // 507 rather than 503: the request was understood and refused for lack of storage (RFC 4918), which retrying
            // elsewhere or soon does not fix; the transaction rolled back, so nothing of it was kept.
            _ when DiskFull.Is(exception) => (507, "Insufficient storage", DiskFull.Message, null, null),
            _ => (500, "An unexpected error occurred", null, (IReadOnlyDictionary<string, string[]>?)null, (IReadOnlyDictionary<string, object?>?)null),
        };
        if (status == 507)
        {
            diskFull?.Record();
            logger.LogError("The disk is full: {Method} {Path} wrote nothing ({Error})", context.Request.Method, context.Request.Path, exception.GetType().Name);
        }
        if (status == 500)
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path);
        if (status == 499) return true;

        context.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null) problem.Extensions["errors"] = errors;
        if (extensions is not null)
            foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static async Task<(int, string, string?, IReadOnlyDictionary<string, string[]>?, IReadOnlyDictionary<string, object?>?)> FromBadRequestAsync(
        BadHttpRequestException e, HttpContext context)
    {
        if (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            return (413, "Request body too large", "The request body is larger than allowed.", null, null);

        var json = e.InnerException as JsonException ?? e.InnerException?.InnerException as JsonException;
        if (json is not null)
        {
            // The serializer stops at the first bad value: read the body again and report every field that is wrong.
            if (json.Path is not (null or "$") && await ExpectedValue.AllProblemsAsync(context) is { Count: > 0 } all)
                return (400, "Invalid request", "The request body could not be read.", all, null);
            var field = JsonPathToField(json.Path);
            var message = json.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "This property is not part of the request."
                : json.Path is null or "$" ? "The body is not valid JSON."
                : ExpectedValue.Describe(context, field) is { } expected ? $"{field} must be {expected}."
                : "The value has the wrong type or format.";
            return (400, "Invalid request", "The request body could not be read.", new Dictionary<string, string[]> { [field] = [message] }, null);
        }

        var parameter = ParameterName().Match(e.Message);
        var name = parameter.Success ? parameter.Groups[1].Value : "body";
        var text = e.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("request body", StringComparison.OrdinalIgnoreCase)
            ? "A JSON body is required."
            : parameter.Success ? $"'{parameter.Groups[2].Value}' is not a valid value." : e.Message;
        return (400, "Invalid request", "The request could not be read.", new Dictionary<string, string[]> { [name] = [text] }, null);
    }

    /// <summary>"$.instalments[1].amount" → "instalments[1].amount"; "$" → "body".</summary>
    internal static string JsonPathToField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    [GeneratedRegex("""parameter "\S+ (\w+)" from "(.*)"\.?""")]
    private static partial Regex ParameterName();
}
