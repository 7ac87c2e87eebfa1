using Aid.Application.Common;
using FluentValidation;
using Mediator;

namespace Aid.Application.Auditing;

/// <summary>The audit trail, oldest first. Auditors and managers see the records of their programmes.</summary>
public sealed record ListAuditRecords(int? Limit, string? Cursor) : IQuery<Page<AuditRecord>>, IPagedQuery;

public sealed class ListAuditRecordsValidator : AbstractValidator<ListAuditRecords>
{
    public ListAuditRecordsValidator() => this.AddPagingRules(sequenceCursor: true);
}

internal sealed class ListAuditRecordsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListAuditRecords, Page<AuditRecord>>
{
    public async ValueTask<Page<AuditRecord>> Handle(ListAuditRecords query, CancellationToken ct)
    {
        var limit = query.Limit ?? Cursor.DefaultLimit;
        SequenceCursor.TryDecode(query.Cursor, out var after);
        var rows = await new KeysetQuery(SelectSql, "a.sequence")
            .InScope(scope, db.Dialect, programmeColumn: "a.programme_id", ownRows: null)
            .ReadAsync<AuditRecordRow>(db, after, limit, ct);
        var page = Cursor.ToPage(rows, limit, r => SequenceCursor.Encode(r.Sequence));
        return new Page<AuditRecord>(page.Items.Select(r => r.ToView()).ToList(), page.NextCursor);
    }

    private const string SelectSql = $"SELECT {AuditRecordRow.Columns} FROM {AuditRecordRow.From}";
}

/// <summary>Cursor over the audit sequence number.</summary>
public static class SequenceCursor
{
    public static string Encode(long sequence) => System.Buffers.Text.Base64Url.EncodeToString(BitConverter.GetBytes(sequence));

    public static bool TryDecode(string? cursor, out long? after)
    {
        after = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(cursor);
            if (bytes.Length != 8) return false;
            after = BitConverter.ToInt64(bytes);
            return after >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
