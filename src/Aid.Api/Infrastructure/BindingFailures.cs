using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Primitives;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Names the query value that did not bind. The request delegates are generated at build time (EnableRequestDelegateGenerator),
/// and the generated binder ends a value that does not parse into a nullable parameter (<c>?limit=ten</c> for <c>int? limit</c>)
/// with a bare 400: it neither throws nor says which parameter, although <c>ThrowOnBadRequest</c> is on. The filters still run
/// (they see the 400 already set), so this finds the value that does not parse and throws what the runtime binder throws, and the
/// client gets the usual ProblemDetails naming the field.
/// </summary>
internal static class BindingFailures
{
    /// <summary>The handler's parameters a query value can bind to and that must parse: name and type (nullable unwrapped).</summary>
    public static IReadOnlyList<(string Name, Type Type)> ParsedParameters(MethodInfo handler)
    {
        var members = new List<(string? Name, Type Type)>();
        foreach (var parameter in handler.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is null)
                members.Add((QueryName(parameter) ?? parameter.Name, parameter.ParameterType));
            else
                members.AddRange(parameter.ParameterType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Select(property => ((string?)(QueryName(property) ?? property.Name), property.PropertyType)));
        }
        return members
            .Where(member => member.Name is not null)
            .Select(member => (member.Name!, ElementType(member.Type)))
            .Where(member => member.Item2 != typeof(string) && (member.Item2.IsEnum || TryParseMethod(member.Item2) is not null))
            .ToList();
    }

    /// <summary>When binding has failed (the generated binder set 400), throws for the first query value that does not parse.</summary>
    public static void ThrowIfBindingFailed(EndpointFilterInvocationContext context, IReadOnlyList<(string Name, Type Type)> parameters)
    {
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status400BadRequest || parameters.Count == 0) return;
        var query = context.HttpContext.Request.Query;
        foreach (var (name, type) in parameters)
        {
            if (!query.TryGetValue(name, out StringValues values)) continue;
            foreach (var value in values)
                if (!string.IsNullOrEmpty(value) && !Parses(type, value))
                    // The runtime binder's own message, which ProblemDetailsExceptionHandler turns into errors[name].
                    throw new BadHttpRequestException($"Failed to bind parameter \"{type.Name}? {name}\" from \"{value}\".");
        }
    }

    private static string? QueryName(ICustomAttributeProvider member) =>
        member.GetCustomAttributes(inherit: true).OfType<IFromQueryMetadata>().FirstOrDefault()?.Name;

    private static Type ElementType(Type type)
    {
        if (type.IsArray) type = type.GetElementType()!;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static bool Parses(Type type, string value)
    {
        if (type.IsEnum) return Enum.TryParse(type, value, ignoreCase: true, out _);
        var method = TryParseMethod(type)!;
        var arguments = method.GetParameters().Length == 3 ? new object?[] { value, CultureInfo.InvariantCulture, null } : new object?[] { value, null };
        return (bool)method.Invoke(null, arguments)!;
    }

    private static MethodInfo? TryParseMethod(Type type) =>
        type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), type.MakeByRefType()])
        ?? type.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
}
