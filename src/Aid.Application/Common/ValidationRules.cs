using System.Globalization;
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

    /// <summary>
    /// The one rule for every name, reference, code and free-text field (see <see cref="TextRule"/>): bounded length,
    /// no control character, no bidirectional override. Single-line unless <paramref name="multiline"/> (then \n, \r and \t pass).
    /// </summary>
    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int maxLength, bool multiline = false) =>
        rule.MaximumLength(maxLength).SetValidator(new TextValidator<T>(multiline));

    /// <summary>A business date within <see cref="BusinessDates.Earliest"/>..<see cref="BusinessDates.Latest"/> (or a later earliest).</summary>
    public static IRuleBuilderOptions<T, DateOnly?> BusinessDate<T>(this IRuleBuilder<T, DateOnly?> rule, DateOnly? earliest = null) =>
        rule.SetValidator(new BusinessDateValidator<T>(earliest ?? BusinessDates.Earliest));

    /// <summary>The JSON name of the field a validator checks (<c>Instalments[0].DueDate</c> → <c>dueDate</c>).</summary>
    internal static string FieldName(string? propertyPath)
    {
        var name = propertyPath?.Split('.')[^1] ?? "value";
        return name.Length == 0 ? "value" : char.ToLowerInvariant(name[0]) + name[1..];
    }
}

/// <summary>
/// What text may contain. Refused: C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F; in multi-line free text
/// \n, \r and \t pass) and the bidirectional embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, which
/// make a name or reference read differently from what it is. Everything else passes, notably the zero-width joiner
/// U+200D and the variation selectors U+FE0E/U+FE0F of emoji sequences (WeChat nicknames carry them) and every CJK
/// character, those outside the BMP (Extension B, 𠮷) included: they come as surrogate pairs, which are not control characters.
/// </summary>
public static class TextRule
{
    /// <summary>The problem with <paramref name="text"/> ("contains a control character (U+0000)"), or null when it is fine.</summary>
    public static string? Problem(string? text, bool multiline = false)
    {
        if (text is null) return null;
        foreach (var c in text)
        {
            if (c is '\n' or '\r' or '\t' && multiline) continue;
            if (char.IsControl(c)) return $"contains a control character ({CodePoint(c)})";
            if (c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069') return $"contains a bidirectional override ({CodePoint(c)})";
        }
        return null;
    }

    private static string CodePoint(char c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}

internal sealed class TextValidator<T>(bool multiline) : FluentValidation.Validators.PropertyValidator<T, string?>
{
    public override string Name => "TextValidator";

    public override bool IsValid(ValidationContext<T> context, string? text)
    {
        if (TextRule.Problem(text, multiline) is not { } problem) return true;
        context.MessageFormatter.AppendArgument("Problem", $"{ValidationRules.FieldName(context.PropertyPath)} {problem}.");
        return false;
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{Problem}";
}

internal sealed class BusinessDateValidator<T>(DateOnly earliest) : FluentValidation.Validators.PropertyValidator<T, DateOnly?>
{
    public override string Name => "BusinessDateValidator";

    public override bool IsValid(ValidationContext<T> context, DateOnly? date)
    {
        if (date is null || date >= earliest && date <= BusinessDates.Latest) return true;
        context.MessageFormatter.AppendArgument("Problem",
            $"{ValidationRules.FieldName(context.PropertyPath)} must be between {earliest:yyyy-MM-dd} and {BusinessDates.Latest:yyyy-MM-dd}.");
        return false;
    }

    protected override string GetDefaultMessageTemplate(string errorCode) => "{Problem}";
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
