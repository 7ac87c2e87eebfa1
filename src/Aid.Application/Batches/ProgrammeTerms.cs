using Aid.Application.Common;

namespace Aid.Application.Batches;

/// <summary>A programme's terms in order; <paramref name="IsDefault"/> when it has none of its own (秋季学期, 春季学期).</summary>
public sealed record ProgrammeTermsView(Guid ProgrammeId, IReadOnlyList<string> Names, bool IsDefault);

/// <summary>The per-programme term list that batches split a year's amount over.</summary>
internal static class ProgrammeTerms
{
    public static readonly IReadOnlyList<string> Default = ["秋季学期", "春季学期"];
    public const int MaxTerms = 6;
    public const int MaxNameLength = 20;

    /// <summary>The programme's own terms by position, or the default list.</summary>
    public static async Task<(IReadOnlyList<string> Names, bool IsDefault)> OfAsync(IDbSession db, Guid programmeId, CancellationToken ct)
    {
        var names = await db.QueryAsync<string>("SELECT name FROM programme_terms WHERE programme_id = @programmeId ORDER BY position",
            new { programmeId }, ct);
        return names.Count > 0 ? (names, false) : (Default, true);
    }
}
