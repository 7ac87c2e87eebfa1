using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;

namespace Aid.Api.Infrastructure;

/// <summary>
/// A request body as a client sends it: every member nullable and lenient, so that every wrong field is reported by
/// its validator with a message for people (not a serializer error), and then mapped to a typed command.
/// </summary>
internal interface IApiRequest;

internal static class RequestValidation
{
    /// <summary>Validates every <see cref="IApiRequest"/> argument of the group's endpoints before the handler runs (400 with all field errors).</summary>
    public static RouteGroupBuilder ValidateRequests(this RouteGroupBuilder group)
    {
        group.AddEndpointFilterFactory((factory, next) =>
        {
            var requests = factory.MethodInfo.GetParameters()
                .Select((p, i) => (p.ParameterType, Index: i))
                .Where(p => typeof(IApiRequest).IsAssignableFrom(p.ParameterType))
                .ToList();
            if (requests.Count == 0) return next;
            return async context =>
            {
                Dictionary<string, List<string>>? errors = null;
                foreach (var (type, index) in requests)
                {
                    if (context.Arguments[index] is not { } request) continue;
                    var validator = (IValidator)context.HttpContext.RequestServices.GetRequiredService(typeof(IValidator<>).MakeGenericType(type));
                    var result = await validator.ValidateAsync(new ValidationContext<object>(request), context.HttpContext.RequestAborted);
                    foreach (var failure in result.Errors)
                    {
                        errors ??= [];
                        var field = FieldNames.Json(failure.PropertyName);
                        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
                        list.Add(failure.ErrorMessage);
                    }
                }
                if (errors is not null) throw new InputException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
                return await next(context);
            };
        });
        return group;
    }

    /// <summary>Registers the request validators of this assembly (singletons, like the Application's).</summary>
    public static IServiceCollection AddRequestValidators(this IServiceCollection services)
    {
        foreach (var type in typeof(RequestValidation).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
            services.AddSingleton(contract, type);
        return services;
    }
}
