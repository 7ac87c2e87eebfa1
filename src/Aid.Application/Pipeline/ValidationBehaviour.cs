using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>Runs the message's validators before anything else; field names come out camelCase as in the JSON.</summary>
public sealed class ValidationBehaviour<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        await Validation.EnsureValidAsync(validators, message, cancellationToken);
        return await next(message, cancellationToken);
    }
}

public static class Validation
{
    /// <summary>Runs the validators; every failure goes into one <see cref="InputException"/>, by field.</summary>
    public static async ValueTask EnsureValidAsync<T>(IEnumerable<IValidator<T>> validators, T message, CancellationToken cancellationToken)
    {
        Dictionary<string, List<string>>? errors = null;
        foreach (var validator in validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            foreach (var failure in result.Errors)
            {
                errors ??= [];
                var field = FieldNames.Json(failure.PropertyName);
                if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
                list.Add(failure.ErrorMessage);
            }
        }
        if (errors is not null)
            throw new InputException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}

/// <summary>Field names as the JSON spells them.</summary>
public static class FieldNames
{
    /// <summary>"Instalments[0].DueDate" → "instalments[0].dueDate".</summary>
    public static string Json(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
}
