using Dapper;

namespace Aid.Application.Common;

/// <summary>
/// The one way to write a list query: a base SELECT, the caller's filters, the caller's programme/donor scope, and
/// keyset paging on a unique key (<c>key &gt; @after ORDER BY key</c>, limit + 1 rows to know whether a next page
/// exists). Conditions are SQL text with named parameters; values go in through <see cref="Parameters"/>.
/// </summary>
public sealed class KeysetQuery
{
    private readonly string _select;
    private readonly string _key;
    private readonly List<string> _where = [];
    private readonly DynamicParameters _parameters = new();

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

    /// <summary>Reads the rows of one page (at most <paramref name="limit"/> + 1) after the key value <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<T>> ReadAsync<T>(IDbSession db, object? after, int limit, CancellationToken ct)
    {
        var where = new List<string>(_where);
        if (after is not null)
        {
            where.Add($"{_key} > @after");
            _parameters.Add("after", after);
        }
        _parameters.Add("take", limit + 1);
        var sql = $"{_select} {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY {_key} {db.Dialect.Limit("@take")}";
        return db.QueryAsync<T>(sql, _parameters, ct);
    }
}
