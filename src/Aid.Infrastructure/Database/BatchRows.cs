using System.Collections.Concurrent;
using System.Reflection;

namespace Aid.Infrastructure.Database;

/// <summary>
/// The rows of a statement batch (<see cref="SqliteStatementBatch"/>, <see cref="PostgresStatementBatch"/>): all of one type, whose
/// public properties are the statement's parameters, matched by exact name (<c>@Id</c> is property <c>Id</c>).
/// </summary>
internal static class BatchRows
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> Properties = new();

    /// <summary>The rows' own type (a list of object may hold anonymous rows); refused when they are not all of it.</summary>
    public static Type TypeOf<T>(IReadOnlyList<T> rows) where T : notnull
    {
        var type = rows[0].GetType();
        if (rows.FirstOrDefault(r => r.GetType() != type) is { } other)
            throw new ArgumentException($"Every row of a batch is of one type: {type.Name}, then {other.GetType().Name}.", nameof(rows));
        return type;
    }

    /// <summary>The property that gives the parameter <c>@name</c>.</summary>
    public static PropertyInfo Property(Type type, string name) =>
        Properties.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.GetIndexParameters().Length == 0).ToDictionary(p => p.Name, StringComparer.Ordinal))
            .GetValueOrDefault(name)
        ?? throw new InvalidOperationException($"No value for @{name}: {type.Name} has no property {name} (names are matched exactly).");
}
