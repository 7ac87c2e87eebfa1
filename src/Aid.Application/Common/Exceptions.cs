namespace Aid.Application.Common;

/// <summary>The addressed resource does not exist, or is outside the caller's scope (the API never tells which).</summary>
public sealed class NotFoundException(string resource, object id)
    : Exception($"{resource} '{id}' was not found.")
{
    public string Resource { get; } = resource;
}

/// <summary>A business rule forbids the change (duplicate, wrong state, insufficient balance). Maps to 409.</summary>
public sealed class ConflictException(string message, IReadOnlyDictionary<string, object?>? details = null) : Exception(message)
{
    public IReadOnlyDictionary<string, object?> Details { get; } = details ?? new Dictionary<string, object?>();
}

/// <summary>The caller is authenticated but may not do this. Maps to 403.</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>Input that is well-formed but refers to something unusable (unknown donor id in a body, ...). Maps to 400 with field errors.</summary>
public sealed class InputException(IReadOnlyDictionary<string, string[]> errors) : Exception("One or more fields are invalid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public InputException(string field, string message) : this(new Dictionary<string, string[]> { [field] = [message] }) { }
}

/// <summary>A component the request needs is not configured (no CJK font for PDFs). Maps to 503, naming the setting.</summary>
public sealed class UnavailableException(string message, string setting) : Exception(message)
{
    public string Setting { get; } = setting;
}

/// <summary>
/// The database rolled back the transaction this command's writes were part of because of another command's failure
/// (SQLite commits several commands together). Nothing of the command was kept and its caller was not answered, so the
/// transaction behaviour runs it again.
/// </summary>
public sealed class WriteRolledBackException(Exception cause)
    : Exception("The write transaction was rolled back by another command's failure; nothing of this command was kept.", cause);

/// <summary>Runs a write of its own (outside the command pipeline) again when another command's failure rolled its batch back.</summary>
public static class RolledBackWrites
{
    public static async Task<T> RetryAsync<T>(Func<Task<T>> write, int runs = 4)
    {
        for (var run = 1; ; run++)
        {
            try
            {
                return await write();
            }
            catch (WriteRolledBackException) when (run < runs)
            {
            }
        }
    }
}
