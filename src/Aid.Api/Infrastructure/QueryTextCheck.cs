using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Every query value and route value passes the same text rule as the body's fields (<see cref="TextRule"/>, single-line):
/// a NUL (<c>?q=%00</c>, <c>/receipts/AID%00</c>) or another control character or a bidirectional override answers 400
/// with the parameter named, before any handler runs: PostgreSQL refuses NUL in text (SQLSTATE 22021, which was a 500)
/// and no search or lookup means anything with them. Runs after routing (WebApplication adds it first), so route values are known.
/// </summary>
internal static class QueryTextCheck
{
    public static IApplicationBuilder UseQueryTextCheck(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        Dictionary<string, string[]>? errors = null;
        void Check(string name, string? value)
        {
            if (TextRule.Problem(value) is not { } problem) return;
            errors ??= new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            errors.TryAdd(name, [$"{name} {problem}."]);
        }

        foreach (var (name, values) in context.Request.Query)
        {
            if (TextRule.Problem(name) is { } problem)
            {
                errors ??= new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                errors.TryAdd("query", [$"A query parameter name {problem}."]);
                continue;
            }
            foreach (var value in values) Check(name, value);
        }
        foreach (var (name, value) in context.Request.RouteValues)
            if (value is string text) Check(name, text);

        if (errors is not null) throw new InputException(errors);
        return next(context);
    });
}
