using Aid.Application.Common;

namespace Aid.Application.Donors;

/// <summary>
/// <c>donors.name_initials</c>, the key the donor search matches pinyin initials against (<see cref="PinyinInitials"/>).
/// CreateDonor and UpdateDonor write it with the name; rows from before migration 0011 (or written by an older instance
/// during an upgrade) have NULL, which <see cref="FillMissingAsync"/> fills at every start.
/// </summary>
internal static class DonorNameInitials
{
    public static string Of(string kind, string name) => PinyinInitials.Of(name, person: kind == DonorKinds.Person);

    /// <summary>
    /// Fills every NULL <c>name_initials</c>, in batches of <paramref name="batch"/> rows, each batch one transaction, and
    /// returns how many rows it set. Idempotent and safe beside other instances doing the same: a row is set only while it is
    /// still NULL and still has the name read (a rename in between writes its own key), and the key depends on the name
    /// and kind alone. Not audited: the key is derived from the name, which the audit trail already covers.
    /// </summary>
    public static async Task<int> FillMissingAsync(IDbSession db, CancellationToken ct, int batch = 500)
    {
        var filled = 0;
        while (true)
        {
            // Read outside the write transaction: a start with nothing to fill takes no write lock. The guarded UPDATE
            // makes a row read stale in between harmless.
            var rows = await db.QueryAsync<MissingRow>(
                $"SELECT id AS Id, kind AS Kind, name AS Name FROM donors WHERE name_initials IS NULL ORDER BY id {db.Dialect.Limit("@batch")}",
                new { batch }, ct);
            if (rows.Count == 0) return filled;
            var set = 0;
            await using (var transaction = await db.BeginTransactionAsync(ct))
            {
                foreach (var row in rows)
                    set += await db.ExecuteAsync(
                        "UPDATE donors SET name_initials = @initials WHERE id = @Id AND name = @Name AND name_initials IS NULL",
                        new { row.Id, row.Name, initials = Of(row.Kind, row.Name) }, ct);
                await transaction.CommitAsync(ct);
            }
            filled += set;
            // A short batch was the last; a batch where nothing could be set (renamed meanwhile by an older instance) ends the
            // run rather than reading the same rows again: the next start fills them.
            if (rows.Count < batch || set == 0) return filled;
        }
    }

    private sealed class MissingRow
    {
        public required Guid Id { get; init; }
        public required string Kind { get; init; }
        public required string Name { get; init; }
    }
}
