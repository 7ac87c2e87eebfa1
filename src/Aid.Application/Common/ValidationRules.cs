using FluentValidation;

namespace Aid.Application.Common;

public static class ValidationRules
{
    /// <summary>A decimal string amount, e.g. "1000.00" (see <see cref="Money.TryParse"/>). Zero only when allowed.</summary>
    public static IRuleBuilderOptions<T, string?> MoneyAmount<T>(this IRuleBuilder<T, string?> rule, bool allowZero = false) =>
        rule.SetValidator(new MoneyAmountValidator<T>(allowZero));

    public static IRuleBuilderOptions<T, string?> CurrencyCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(c => c is null || Money.Currencies.Contains(c))
            .WithMessage($"currency must be one of {string.Join(", ", Money.Currencies.Order())} (ISO 4217, two decimals).");

    /// <summary>Free text of bounded length without control characters.</summary>
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .Must(s => s is null || !s.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
            .WithMessage("Control characters are not allowed.");
}

/// <summary>Marks a validator that refuses a missing value (the OpenAPI document lists such fields as required).</summary>
public interface IRequiresValue;

/// <summary>A decimal string amount (see <see cref="Money.TryParse"/>); required; zero only when allowed.</summary>
public sealed class MoneyAmountValidator<T>(bool allowZero) : FluentValidation.Validators.PropertyValidator<T, string?>, IRequiresValue
{
    public override string Name => "MoneyAmountValidator";

    public override bool IsValid(ValidationContext<T> context, string? text)
    {
        var problem = !Money.TryParse(text, out var minor, out var error) ? error
            : minor == 0 && !allowZero ? "The amount must be greater than zero."
            : null;
        if (problem is null) return true;
        context.MessageFormatter.AppendArgument("Problem", problem);
        return false;
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{Problem}";
}
