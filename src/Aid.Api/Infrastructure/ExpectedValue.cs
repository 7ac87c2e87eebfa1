using System.Reflection;
using System.Text.Json;

namespace Aid.Api.Infrastructure;

/// <summary>
/// What a request field expects, for the 400 that a value of the wrong JSON type gets before any validator runs:
/// "amount must be a string such as \"1000.00\"", "receivedOn must be a date yyyy-MM-dd".
/// </summary>
internal static class ExpectedValue
{
    private static readonly HashSet<string> MoneyNames = new(StringComparer.Ordinal)
    {
        "amount", "value", "total", "annualStandard", "target", "annualAmount",
    };

    /// <param name="context">The request, whose endpoint names the request type.</param>
    /// <param name="field">The field path as the JSON spells it: "instalments[1].amount".</param>
    public static string? Describe(HttpContext context, string field)
    {
        // The exception handler runs after routing was cleared: the endpoint that failed is on its feature.
        var endpoint = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var handler = endpoint?.Metadata.GetMetadata<MethodInfo>();
        var type = handler?.GetParameters().Select(p => p.ParameterType).FirstOrDefault(t => typeof(IApiRequest).IsAssignableFrom(t));
        PropertyInfo? property = null;
        foreach (var segment in field.Split('.'))
        {
            if (type is null) return null;
            var name = segment.Split('[')[0];
            property = type.GetProperties().FirstOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == name);
            if (property is null) return null;
            type = ElementType(property.PropertyType) ?? property.PropertyType;
        }
        if (property is null) return null;
        var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var leaf = field.Split('.')[^1].Split('[')[0];
        return target switch
        {
            _ when target == typeof(string) && MoneyNames.Contains(leaf) => "a string such as \"1000.00\" (an amount with at most two decimals)",
            _ when target == typeof(string) => "a string",
            _ when target == typeof(Guid) => "an id (a UUID such as \"0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80\")",
            _ when target == typeof(DateOnly) => "a date yyyy-MM-dd",
            _ when target == typeof(DateTimeOffset) => "a timestamp (ISO 8601)",
            _ when target == typeof(bool) => "true or false",
            _ when target == typeof(int) || target == typeof(long) => "a whole number",
            _ when target == typeof(decimal) => "a number",
            _ when ElementType(target) is not null => "a list",
            _ => null,
        };
    }

    /// <summary>
    /// Every property of the (buffered) JSON body whose value cannot be read as its field's type, or that the request does
    /// not have; empty when the body cannot be read again or is not an object.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> AllProblemsAsync(HttpContext context)
    {
        var problems = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        var endpoint = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var type = endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters().Select(p => p.ParameterType)
            .FirstOrDefault(t => typeof(IApiRequest).IsAssignableFrom(t));
        if (type is null || !context.Request.Body.CanSeek) return problems;
        try
        {
            context.Request.Body.Position = 0;
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            Check(context, type, document.RootElement, "", problems);
        }
        catch (JsonException) { problems.Clear(); }
        return problems;
    }

    private static void Check(HttpContext context, Type type, JsonElement value, string prefix, IDictionary<string, string[]> problems)
    {
        if (value.ValueKind != JsonValueKind.Object) return;
        foreach (var member in value.EnumerateObject())
        {
            var field = prefix + member.Name;
            var property = type.GetProperties().FirstOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == member.Name);
            if (property is null) { problems[field] = ["This property is not part of the request."]; continue; }
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (member.Value.ValueKind == JsonValueKind.Null) continue;
            if (ElementType(target) is { } element)
            {
                if (member.Value.ValueKind != JsonValueKind.Array) { problems[field] = [$"{field} must be a list."]; continue; }
                var index = 0;
                foreach (var item in member.Value.EnumerateArray())
                    Check(context, element, item, $"{field}[{index++}].", problems);
                continue;
            }
            if (!Fits(target, member.Value) && Describe(context, field) is { } expected)
                problems[field] = [$"{field} must be {expected}."];
        }
    }

    private static bool Fits(Type target, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when target == typeof(string) => true,
        JsonValueKind.String when target == typeof(Guid) => Guid.TryParse(value.GetString(), out _),
        JsonValueKind.String when target == typeof(DateOnly) =>
            DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _),
        JsonValueKind.String when target == typeof(DateTimeOffset) => value.TryGetDateTimeOffset(out _),
        JsonValueKind.Number when target == typeof(int) => value.TryGetInt32(out _),
        JsonValueKind.Number when target == typeof(long) => value.TryGetInt64(out _),
        JsonValueKind.Number when target == typeof(decimal) => value.TryGetDecimal(out _),
        JsonValueKind.True or JsonValueKind.False => target == typeof(bool),
        _ => false,
    };

    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
}
