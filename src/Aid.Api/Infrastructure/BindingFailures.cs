using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Primitives;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Names the query value that did not bind. The request delegates are generated at build time (EnableRequestDelegateGenerator),
/// and the generated binder ends a value that does not parse into a nullable parameter (<c>?limit=ten</c> for <c>int? limit</c>)
/// with a bare 400: it neither throws nor says which parameter, although <c>ThrowOnBadRequest</c> is on (every other binding
/// failure still throws). The filters still run (they see the 400 already set), so this finds the value that does not parse and
/// throws in the runtime binder's format, and the client gets the usual ProblemDetails naming the field.
/// </summary>
internal static class BindingFailures
{
    /// <summary>The handler's nullable parameters a query value binds to by parsing: name and type (unwrapped).</summary>
    public static IReadOnlyList<(string Name, Type Type)> ParsedParameters(MethodInfo handler) =>
        handler.GetParameters()
            .Select(parameter => (Name: QueryName(parameter) ?? parameter.Name, Type: Nullable.GetUnderlyingType(parameter.ParameterType)))
            .Where(parameter => parameter is { Name: not null, Type: not null } && (parameter.Type.IsEnum || TryParseMethod(parameter.Type) is not null))
            .Select(parameter => (parameter.Name!, parameter.Type!))
            .ToList();

    /// <summary>When binding has failed (the generated binder set 400), throws for the first query value that does not parse.</summary>
    public static void ThrowIfBindingFailed(EndpointFilterInvocationContext context, IReadOnlyList<(string Name, Type Type)> parameters)
    {
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status400BadRequest || parameters.Count == 0) return;
        var query = context.HttpContext.Request.Query;
        foreach (var (name, type) in parameters)
        {
            // The binder reads a repeated parameter as one value joined by commas (?limit=1&limit=2 is "1,2"), and so does this.
            if (!query.TryGetValue(name, out StringValues values) || values.ToString() is not { Length: > 0 } value || Parses(type, value)) continue;
            // The runtime binder's message format, which ProblemDetailsExceptionHandler turns into errors[name].
            throw new BadHttpRequestException($"Failed to bind parameter \"{type.Name}? {name}\" from \"{value}\".");
        }
    }

    private static string? QueryName(ICustomAttributeProvider member) =>
        member.GetCustomAttributes(inherit: true).OfType<IFromQueryMetadata>().FirstOrDefault()?.Name;

    private static bool Parses(Type type, string value)
    {
        if (type.IsEnum) return Enum.TryParse(type, value, ignoreCase: false, out _); // as the binder: case-sensitive
        var method = TryParseMethod(type)!;
        var arguments = method.GetParameters().Length == 3 ? new object?[] { value, CultureInfo.InvariantCulture, null } : new object?[] { value, null };
        return (bool)method.Invoke(null, arguments)!;
    }

    private static MethodInfo? TryParseMethod(Type type) =>
        type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()])
        ?? type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
}
