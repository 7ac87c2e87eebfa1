using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Aid.Infrastructure.Configuration;

/// <summary>
/// Base of Aid's options classes (<c>Aid:*</c> settings). Each reads its own keys, so a value that does not even parse
/// (<c>Aid__Security__FailedAuthenticationsPerMinute=lots</c>) is a validation failure like a value out of range: one
/// message naming the setting in its environment form and what is allowed, never a binder exception. Register with
/// <see cref="SettingsRegistration.AddSettings{T}"/>: validated at start-up, so a bad value stops the service before it listens.
/// </summary>
public abstract class Settings
{
    private readonly List<string> _problems = [];

    /// <summary>What is wrong with the values read, one sentence each; empty when they are all usable.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Reads the settings from <paramref name="configuration"/>, noting each unusable value with <see cref="Problem"/>.</summary>
    protected internal abstract void Read(IConfiguration configuration);

    /// <summary>A setting as it is written in the environment: <c>Aid:Security:VerifyPerMinute</c> → <c>Aid__Security__VerifyPerMinute</c>.</summary>
    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Notes that <paramref name="key"/> is unusable: "<c>Aid__X must be {allowed}</c>", with the value unless it is secret.</summary>
    protected void Problem(string key, string allowed, string? value = null) =>
        Fail($"{EnvironmentName(key)} must be {allowed}{(value is null ? "" : $" (got '{value}')")}.");

    /// <summary>Notes a problem in a sentence of its own (which must name the setting).</summary>
    protected void Fail(string sentence) => _problems.Add(sentence);

    /// <summary>The trimmed value, or null when the setting is missing or blank.</summary>
    protected static string? Text(IConfiguration configuration, string key) =>
        configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="fallback"/> when missing.</summary>
    protected int Int(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        if (Text(configuration, key) is not { } text) return fallback;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        Problem(key, $"a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}", text);
        return fallback;
    }

    /// <summary><c>true</c> or <c>false</c> (any case); <paramref name="fallback"/> when missing.</summary>
    protected bool Bool(IConfiguration configuration, string key, bool fallback)
    {
        if (Text(configuration, key) is not { } text) return fallback;
        if (bool.TryParse(text, out var value)) return value;
        Problem(key, "true or false", text);
        return fallback;
    }

    /// <summary>The non-blank values of a list setting (<c>Key:0</c>, <c>Key:1</c>, …) in index order.</summary>
    protected static IReadOnlyList<(string Key, string Value)> List(IConfiguration configuration, string key) =>
        configuration.GetSection(key).GetChildren()
            .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
            .Where(c => !string.IsNullOrWhiteSpace(c.Value))
            .Select(c => (c.Path, c.Value!.Trim()))
            .ToList();
}

public static class SettingsRegistration
{
    /// <summary>
    /// <typeparamref name="T"/> as options read from <paramref name="configuration"/> and validated at start-up
    /// (<c>ValidateOnStart</c>); resolving <c>IOptions&lt;T&gt;.Value</c> with a bad value throws <see cref="OptionsValidationException"/>.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, IConfiguration configuration) where T : Settings, new()
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, SettingsValidator<T>>());
        return services.AddOptions<T>().Configure(settings => settings.Read(configuration)).ValidateOnStart();
    }

    /// <summary>
    /// Runs every start-up validation now (as the host would when it starts) and returns what is wrong as one line,
    /// or null when the configuration is usable. For the commands that never start the host (<c>migrate</c>,
    /// <c>seed-demo</c>) and to fail before anything is logged.
    /// </summary>
    public static string? ConfigurationProblem(this IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            return message;
        }
    }

    /// <summary>The message of a configuration error (one or several failed validations), or null for any other exception.</summary>
    public static string? Describe(Exception exception) => exception switch
    {
        OptionsValidationException e => string.Join(" ", e.Failures),
        AggregateException { InnerExceptions.Count: > 0 } e when e.InnerExceptions.All(i => i is OptionsValidationException) =>
            string.Join(" ", e.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures)),
        _ => null,
    };

    private sealed class SettingsValidator<T> : IValidateOptions<T> where T : Settings
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);
    }
}
