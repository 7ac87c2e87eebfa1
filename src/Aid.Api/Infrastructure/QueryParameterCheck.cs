using System.Reflection;
using Aid.Application.Common;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Primitives;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Refuses query parameters an endpoint does not take (<c>?programmId=</c> would otherwise be ignored and the caller would
/// get every gift): 400 with <c>errors</c> keyed by each unknown name. The names allowed are read from the handler's own
/// parameters, so they cannot drift from the endpoint: those bound from the query string — <c>[FromQuery]</c> (its
/// <c>Name</c> if given) or simple-typed (string, number, Guid, date, enum, anything with <c>TryParse</c>) and neither a
/// route value, a service, a header nor a body; <c>[AsParameters]</c> types are looked into. Names compare case-insensitively,
/// as the binder does.
/// </summary>
internal static class QueryParameterCheck
{
    /// <summary>Marks the endpoints that check their query string (for tests and tooling).</summary>
    internal sealed class Metadata;

    /// <summary>For a route group (each endpoint is checked against its own handler), or a single endpoint.</summary>
    public static TBuilder RejectUnknownQueryParameters<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder
    {
        group.WithMetadata(new Metadata());
        group.AddEndpointFilterFactory((factory, next) =>
        {
            var candidates = QueryNames(factory.MethodInfo.GetParameters(), factory.ApplicationServices.GetService<IServiceProviderIsService>());
            var parsed = BindingFailures.ParsedParameters(factory.MethodInfo);
            string[]? allowed = null; // the candidates less the route's own parameters, known once the endpoint is matched
            return context =>
            {
                BindingFailures.ThrowIfBindingFailed(context, parsed);
                var query = context.HttpContext.Request.Query;
                if (query.Count == 0) return next(context);
                allowed ??= Allowed(candidates, context.HttpContext.GetEndpoint() as RouteEndpoint);
                var unknown = query.Keys.Where(name => name.Length > 0 && !allowed.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
                if (unknown.Count == 0) return next(context);
                var message = $"unknown query parameter; allowed: {(allowed.Length == 0 ? "none" : string.Join(", ", allowed))}";
                throw new InputException(unknown.ToDictionary(name => name, _ => new[] { message }));
            };
        });
        return group;
    }

    private static string[] Allowed(IReadOnlyList<string> candidates, RouteEndpoint? endpoint)
    {
        var route = endpoint?.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        return candidates.Where(name => !route.Contains(name)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    internal static IReadOnlyList<string> QueryNames(IEnumerable<ParameterInfo> parameters, IServiceProviderIsService? services) =>
        QueryNames(parameters.Select(p => (p.Name, p.ParameterType, p.GetCustomAttributes(inherit: true))), services);

    private static IReadOnlyList<string> QueryNames(IEnumerable<(string? Name, Type Type, object[] Attributes)> members, IServiceProviderIsService? services)
    {
        var names = new List<string>();
        foreach (var (name, type, attributes) in members)
        {
            if (attributes.OfType<AsParametersAttribute>().Any())
                names.AddRange(QueryNames(MembersOf(type), services));
            else if (QueryName(name, type, attributes, services) is { } query)
                names.Add(query);
        }
        return names;
    }

    /// <summary>The members [AsParameters] binds: the widest constructor's parameters (with their properties' attributes), else the settable properties.</summary>
    private static IEnumerable<(string? Name, Type Type, object[] Attributes)> MembersOf(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var constructor = type.GetConstructors().MaxBy(c => c.GetParameters().Length);
        if (constructor?.GetParameters() is { Length: > 0 } parameters)
            return parameters.Select(p => (p.Name, p.ParameterType, p.GetCustomAttributes(inherit: true)
                .Concat(properties.FirstOrDefault(q => string.Equals(q.Name, p.Name, StringComparison.OrdinalIgnoreCase))?.GetCustomAttributes(inherit: true) ?? [])
                .ToArray()));
        return properties.Where(p => p.CanWrite).Select(p => ((string?)p.Name, p.PropertyType, p.GetCustomAttributes(inherit: true)));
    }

    private static string? QueryName(string? name, Type type, object[] attributes, IServiceProviderIsService? services)
    {
        if (attributes.OfType<IFromQueryMetadata>().FirstOrDefault() is { Name: { } explicitName }) return explicitName;
        var camelCase = string.IsNullOrEmpty(name) ? null : char.ToLowerInvariant(name[0]) + name[1..]; // as the JSON spells names
        if (attributes.OfType<IFromQueryMetadata>().Any()) return camelCase;
        if (attributes.Any(a => a is IFromRouteMetadata or IFromHeaderMetadata or IFromBodyMetadata or IFromFormMetadata or IFromServiceMetadata
                or FromKeyedServicesAttribute))
            return null;
        if (services?.IsService(type) == true) return null;
        return IsSimple(type) ? camelCase : null;
    }

    /// <summary>What minimal APIs bind from a single string: strings, enums, and types with a static TryParse (arrays of them too).</summary>
    private static bool IsSimple(Type type)
    {
        if (type.IsArray) type = type.GetElementType()!;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(StringValues) || type.IsEnum) return true;
        return type.GetMethods(BindingFlags.Public | BindingFlags.Static).Any(m => m.Name == "TryParse" && m.ReturnType == typeof(bool)
            && m.GetParameters() is [{ } text, .., { IsOut: true }] && text.ParameterType == typeof(string));
    }
}
