using FluentValidation;

namespace Aid.Application.Common;

public static class ValidationRules
{
    /// <summary>A decimal string amount, e.g. "1000.00" (see <see cref="Money.TryParse"/>). Zero only when allowed.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> MoneyAmount<T>(this IRuleBuilder<T, string?> rule, bool allowZero = false) =>
        rule.Custom((text, context) =>
        {
            if (!Money.TryParse(text, out var minor, out var error))
                context.AddFailure(error);
            else if (minor == 0 && !allowZero)
                context.AddFailure("The amount must be greater than zero.");
        });

    public static IRuleBuilderOptions<T, string?> CurrencyCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || Money.Currencies.Contains(c))
            .WithMessage($"currency must be one of {string.Join(", ", Money.Currencies.Order())} (ISO 4217, two decimals).");

    /// <summary>Free text of bounded length without control characters.</summary>
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .Must(s => s is null || !s.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Control characters are not allowed.");
}
