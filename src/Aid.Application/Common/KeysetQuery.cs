using Dapper;

namespace Aid.Application.Common;

/// <summary>
/// The one way to write a list query: a base SELECT, the caller's filters, the caller's programme/donor scope, and
/// keyset paging on a unique key (<c>key &gt; @after ORDER BY key</c>, limit + 1 rows to know whether a next page
/// exists). Conditions are SQL text with named parameters; values go in through <see cref="Parameters"/>.
/// A list may instead be sorted by a non-unique column (<see cref="OrderBy"/>): the key then breaks ties, and a page
/// starts after a <see cref="KeysetPosition"/> (the previous page's last sort value and key).
/// </summary>
public sealed class KeysetQuery
{
    private readonly string _select;
    private readonly string _key;
    private readonly List<string> _where = [];
    private readonly DynamicParameters _parameters = new();
    private string? _sortColumn;
    private bool _descending;

    /// <param name="select">SELECT … FROM … (joins included), without WHERE.</param>
    /// <param name="key">The unique, ordered key column the pages follow (<c>g.id</c>, <c>sequence</c>).</param>
    public KeysetQuery(string select, string key)
    {
        _select = select;
        _key = key;
    }

    /// <summary>Adds the values of the named parameters that the conditions use (an anonymous object).</summary>
    public KeysetQuery Parameters(object values)
    {
        _parameters.AddDynamicParams(values);
        return this;
    }

    public KeysetQuery Where(string condition)
    {
        _where.Add(condition);
        return this;
    }

    public KeysetQuery WhereIf(bool applies, string condition) => applies ? Where(condition) : this;

    /// <summary>
    /// Limits the rows to what the caller may see. A donor sees the rows <paramref name="ownRows"/> selects (a condition
    /// on <c>@ownDonorId</c>), or nothing when it is null; staff limited to programmes see rows whose
    /// <paramref name="programmeColumn"/> is one of theirs. Null columns mean the rule does not restrict this list.
    /// </summary>
    public KeysetQuery InScope(AccessScope scope, ISqlDialect dialect, string? programmeColumn, string? ownRows)
    {
        if (scope.Actor is { Role: Roles.Donor } donor && (ownRows is not null || programmeColumn is null))
        {
            if (donor.DonorId is null || ownRows is null) return Where("1 = 0");
            _parameters.Add("ownDonorId", donor.DonorId.Value);
            return Where(ownRows);
        }
        if (programmeColumn is not null && scope.ProgrammeFilter is { } programmes)
        {
            _parameters.Add("scopeProgrammes", dialect.IdList(programmes));
            Where(dialect.InList(programmeColumn, "scopeProgrammes"));
        }
        return this;
    }

    /// <summary>
    /// Sorts by <paramref name="column"/> (which must not be NULL), ties broken by the key in the same direction, so
    /// descending is exactly ascending reversed. Read the pages with <see cref="ReadAsync{T}(IDbSession, KeysetPosition?, int, CancellationToken)"/>.
    /// </summary>
    public KeysetQuery OrderBy(string column, bool descending = false)
    {
        _sortColumn = column;
        _descending = descending;
        return this;
    }

    /// <summary>Reads the rows of one page (at most <paramref name="limit"/> + 1) after the key value <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<T>> ReadAsync<T>(IDbSession db, object? after, int limit, CancellationToken ct)
    {
        if (_sortColumn is not null) throw new InvalidOperationException("A sorted list pages by a KeysetPosition.");
        var where = new List<string>(_where);
        if (after is not null)
        {
            where.Add($"{_key} > @after");
            _parameters.Add("after", after);
        }
        return ReadAsync<T>(db, where, _key, limit, ct);
    }

    /// <summary>Reads the rows of one page (at most <paramref name="limit"/> + 1) of a list sorted with <see cref="OrderBy"/>, after <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<T>> ReadAsync<T>(IDbSession db, KeysetPosition? after, int limit, CancellationToken ct)
    {
        if (_sortColumn is not { } column) throw new InvalidOperationException("Call OrderBy first, or page by the key alone.");
        var where = new List<string>(_where);
        if (after is { } position)
        {
            // Spelled out rather than as a row value, (a, b) > (@x, @y), which SQL Server does not have.
            var beyond = _descending ? "<" : ">";
            where.Add($"({column} {beyond} @afterValue OR ({column} = @afterValue AND {_key} {beyond} @after))");
            _parameters.Add("afterValue", position.SortValue);
            _parameters.Add("after", position.Key);
        }
        var direction = _descending ? " DESC" : "";
        return ReadAsync<T>(db, where, $"{column}{direction}, {_key}{direction}", limit, ct);
    }

    private Task<IReadOnlyList<T>> ReadAsync<T>(IDbSession db, List<string> where, string orderBy, int limit, CancellationToken ct)
    {
        _parameters.Add("take", limit + 1);
        var sql = $"{_select} {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY {orderBy} {db.Dialect.Limit("@take")}";
        return db.QueryAsync<T>(sql, _parameters, ct);
    }
}

/// <summary>Where a page of a sorted list starts: after the row with this sort value and key (the previous page's last row).</summary>
public readonly record struct KeysetPosition(object SortValue, object Key);
