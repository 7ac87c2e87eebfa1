using System.Text;
using System.Text.Json;
using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>One table whose rows belong to an entity kind: how to find an entity's rows, and which columns are digested.</summary>
/// <param name="KeyColumns">How many leading <paramref name="Columns"/> identify the row.</param>
/// <param name="LaterColumns">
/// How many trailing <paramref name="Columns"/> were added after rows were first digested: while null they are left out of
/// the digest, so rows written before a column existed keep the digest the chain recorded for them.
/// </param>
internal sealed record DigestedTable(string Kind, string Table, string From, string Owner, int KeyColumns, string Columns, string? Where = null,
    int LaterColumns = 0)
{
    public string ForEntity => $"SELECT {Owner} AS owner_, {Columns} FROM {From} WHERE {Owner} = @id{(Where is null ? "" : " AND " + Where)}";
    public string All => $"SELECT {Owner} AS owner_, {Columns} FROM {From}{(Where is null ? "" : " WHERE " + Where)}";

    /// <summary>
    /// Every row of the table with no owner (NULL in its place) and no kind: the same content digests as <see cref="All"/> of
    /// every kind together, plus rows that belong to no kind or no entity at all (a posting whose journal entry is gone).
    /// </summary>
    public string EveryRow => $"SELECT NULL AS owner_, {Columns} FROM {Table} {Alias}";

    private string Alias => From.Split(' ')[1];

    /// <summary>The rows of the entities whose ids are in <c>@ids</c> (<see cref="ISqlDialect.IdList"/>).</summary>
    public string ForMany(ISqlDialect dialect) =>
        $"SELECT {Owner} AS owner_, {Columns} FROM {From} WHERE {dialect.InList(Owner, "ids")}{(Where is null ? "" : " AND " + Where)}";
}

/// <summary>
/// The money rows under the chain (docs/AUDIT-CHAIN.md, "Row digests"): each entity kind with the tables holding its rows.
/// A row's digest is the first 16 bytes of SHA-256 over the JSON array [table, column values…], base64url.
/// </summary>
public static class RowDigests
{
    private const string Entry = "je.id, je.programme_id, je.entry_date, je.kind, je.source_type, je.source_id, je.reverses_entry_id, je.memo, je.created_at, je.created_by";
    private const string Posting = "p.journal_entry_id, p.line, p.programme_id, p.account, p.amount";

    private static IEnumerable<DigestedTable> Ledger(string kind) =>
    [
        new(kind, "journal_entries", "journal_entries je", "je.source_id", 1, Entry, $"je.source_type = '{kind}'"),
        new(kind, "postings", "postings p JOIN journal_entries je ON je.id = p.journal_entry_id", "je.source_id", 2, Posting, $"je.source_type = '{kind}'"),
    ];

    internal static readonly IReadOnlyList<DigestedTable> Tables =
    [
        new("gift", "gifts", "gifts g", "g.id", 1,
            "g.id, g.programme_id, g.donor_id, g.pledge_id, g.kind, g.received_on, g.currency, g.amount, g.method, g.reference, g.description, " +
            "g.quantity, g.unit, g.valuation_basis, g.journal_entry_id, g.created_at, g.created_by"),
        new("gift", "pledge_allocations", "pledge_allocations a", "a.gift_id", 2, "a.gift_id, a.instalment_number, a.pledge_id, a.amount"),
        new("gift", "gift_reversals", "gift_reversals r", "r.gift_id", 1, "r.gift_id, r.reason, r.journal_entry_id, r.reversed_on, r.reversed_at, r.reversed_by"),
        .. Ledger("gift"),
        new("disbursement", "disbursements", "disbursements d", "d.id", 1,
            "d.id, d.programme_id, d.student_id, d.academic_year, d.term, d.purpose, d.amount, d.channel, d.reference, d.status, d.requested_at, " +
            "d.requested_by, d.decided_at, d.decided_by, d.rejection_reason, d.paid_on, d.paid_at, d.paid_by, d.payout_reference, " +
            "d.evidence_reference, d.journal_entry_id, d.reversed_at, d.reversed_by, d.reversal_reason, d.reversal_entry_id, d.requested_on"),
        new("disbursement", "disbursement_allocations", "disbursement_allocations da", "da.disbursement_id", 2, "da.disbursement_id, da.gift_id, da.amount"),
        .. Ledger("disbursement"),
        new("goods_distribution", "goods_distributions", "goods_distributions gd", "gd.id", 1,
            "gd.id, gd.programme_id, gd.gift_id, gd.quantity, gd.recipient, gd.distributed_on, gd.reference, gd.value, gd.journal_entry_id, gd.created_at, gd.created_by"),
        .. Ledger("goods_distribution"),
        // Every column but the download counter, which changes on each download.
        new("receipt", "receipts", "receipts rc", "rc.id", 1,
            "rc.id, rc.number, rc.prefix, rc.year, rc.sequence, rc.kind, rc.donor_id, rc.programme_id, rc.currency, rc.total, rc.issued_on, rc.issued_at, " +
            "rc.issued_by, rc.content, rc.verification_code, rc.pdf_sha256, rc.status, rc.void_reason, rc.voided_at, rc.voided_by, rc.replaces_id, " +
            "rc.replaced_by_id, rc.run_id, rc.voided_on", LaterColumns: 1),
        new("receipt", "receipt_gifts", "receipt_gifts rg", "rg.receipt_id", 2, "rg.receipt_id, rg.gift_id"),
        new("receipt", "current_gift_receipts", "current_gift_receipts cg", "cg.receipt_id", 2, "cg.gift_id, cg.receipt_id"),
        new("pledge", "pledges", "pledges pl", "pl.id", 1,
            "pl.id, pl.programme_id, pl.donor_id, pl.currency, pl.total, pl.frequency, pl.closed_status, pl.closed_reason, pl.closed_at, pl.closed_by, " +
            "pl.created_at, pl.created_by"),
        new("pledge", "pledge_instalments", "pledge_instalments pi", "pi.pledge_id", 2, "pi.pledge_id, pi.number, pi.due_date, pi.amount"),
        new("sponsorship", "sponsorships", "sponsorships s", "s.id", 1,
            "s.id, s.programme_id, s.donor_id, s.student_id, s.from_year, s.to_year, s.annual_amount, s.created_at, s.created_by"),
    ];

    /// <summary>
    /// Each digested table once, for reading every row of it (<see cref="DigestedTable.EveryRow"/>): a journal entry's or a
    /// posting's content digest does not depend on the kind that owns it.
    /// </summary>
    internal static readonly IReadOnlyList<DigestedTable> DistinctTables = Tables.DistinctBy(t => t.Table).ToList();

    /// <summary>The journal source types that belong to an entity kind; an entry with any other source type is accounted for by nobody.</summary>
    internal static readonly IReadOnlyList<string> LedgerKinds = ["gift", "disbursement", "goods_distribution"];

    private static readonly HashSet<string> Kinds = Tables.Select(t => t.Kind).ToHashSet();
    private static readonly Dictionary<string, List<DigestedTable>> ByKind = Tables.GroupBy(t => t.Kind).ToDictionary(g => g.Key, g => g.ToList());
    private static readonly Dictionary<string, string> BatchSql = ByKind.ToDictionary(k => k.Key, k => string.Join(";\n", k.Value.Select(t => t.ForEntity)));

    public static bool IsDigested(string kind) => Kinds.Contains(kind);

    /// <summary>The current digests of the entities' rows, as the JSON text stored in <c>audit_log.row_digests</c> (null when none).</summary>
    internal static async Task<string?> CaptureAsync(IDbSession db, IReadOnlyCollection<EntityRef> entities, CancellationToken ct)
    {
        if (entities.Count == 0) return null;
        var all = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var kind in entities.GroupBy(e => e.Kind))
        {
            if (kind.Count() == 1)
            {
                var entity = kind.First();
                all[entity.Key] = await EntityAsync(db, entity, ct);
                continue;
            }
            foreach (var entity in kind) all[entity.Key] = new SortedDictionary<string, string>(StringComparer.Ordinal);
            await foreach (var (entity, row, digest) in ManyAsync(db, kind.Key, kind.Select(e => e.Id), ct))
                all[entity][row] = digest;
        }
        return Write(all);
    }

    /// <summary>
    /// The rows of many entities of one kind (an import chunk's gifts), one query per table for all of them, read through a
    /// cursor as verification reads them: the same rows and digests as <see cref="EntityAsync"/> gives for each.
    /// </summary>
    private static async IAsyncEnumerable<(string Entity, string Row, string Digest)> ManyAsync(IDbSession db, string kind, IEnumerable<Guid> ids,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var list = new CursorParameter("ids", db.Dialect.IdList(ids));
        foreach (var table in ByKind[kind])
        {
            await using var rows = await db.OpenCursorAsync(table.ForMany(db.Dialect), [list], ct);
            while (await rows.ReadAsync(ct)) yield return Digest(table, rows);
        }
    }

    /// <summary>The current digests of one entity's rows: row key → digest.</summary>
    internal static async Task<SortedDictionary<string, string>> EntityAsync(IDbSession db, EntityRef entity, CancellationToken ct)
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        // SQLite reads in process: a cursor per table costs no round trip and skips Dapper's per-value work (RecordGift through
        // ISender, one thread: 490 -> 600/s). The server engines answer all the tables in one round trip.
        if (db.Dialect.Name == "sqlite")
        {
            await foreach (var (_, key, digest) in ManyAsync(db, entity.Kind, [entity.Id], ct)) rows[key] = digest;
            return rows;
        }
        var tables = ByKind[entity.Kind];
        // One round trip for all of the entity's tables: this runs inside every command that writes money rows.
        var results = await db.QueryBatchAsync(BatchSql[entity.Kind], new { id = entity.Id }, tables.Count, ct);
        for (var i = 0; i < tables.Count; i++)
            foreach (var row in results[i])
            {
                var (_, key, digest) = Digest(tables[i], (IDictionary<string, object?>)row);
                rows[key] = digest;
            }
        return rows;
    }

    /// <summary>A row as (owner entity key, row key, digest); the row is a Dapper row of <see cref="DigestedTable.All"/> or <see cref="DigestedTable.ForEntity"/>.</summary>
    internal static (string Entity, string Row, string Digest) Digest(DigestedTable table, IDictionary<string, object?> row)
    {
        var values = row.Values.ToArray();
        Span<byte> digest = stackalloc byte[16];
        Content(table, values, digest);
        var (entity, key) = Keys(table, values);
        return (entity, key, Base64Url(digest));
    }

    /// <summary>The same for the current row of a cursor over <see cref="DigestedTable.ForMany"/> or <see cref="DigestedTable.All"/>.</summary>
    private static (string Entity, string Row, string Digest) Digest(DigestedTable table, IRowCursor row)
    {
        Span<byte> digest = stackalloc byte[16];
        Content(table, row, digest);
        var keys = new object?[table.KeyColumns + 1]; // the owner, then the row's key columns, as Dapper would give them
        for (var i = 0; i < keys.Length; i++)
            keys[i] = row.Kind(i) switch
            {
                ColumnKind.Null => null,
                ColumnKind.Integer => row.GetInt64(i),
                ColumnKind.Text => row.GetStringOrNull(i),
                _ => row.GetValue(i),
            };
        var (entity, key) = Keys(table, keys);
        return (entity, key, Base64Url(digest));
    }

    private static (string Entity, string Row) Keys(DigestedTable table, object?[] values) =>
        ($"{table.Kind}:{Text(values[0])}", table.KeyColumns == 1
            ? table.Table + "/" + Text(values[1])
            : table.Table + "/" + string.Join(":", values.Skip(1).Take(table.KeyColumns).Select(Text)));

    /// <summary>
    /// The digest of a row's content: <paramref name="values"/> are the owner and then <see cref="DigestedTable.Columns"/>, as read
    /// (a row of <see cref="DigestedTable.All"/> or <see cref="DigestedTable.ForEntity"/>).
    /// </summary>
    internal static void Content(DigestedTable table, object?[] values, Span<byte> digest16)
    {
        var end = values.Length;
        while (end > values.Length - table.LaterColumns && values[end - 1] is null or DBNull) end--;
        var writer = StartContent(table);
        for (var i = 1; i < end; i++) WriteValue(writer, values[i]);
        EndContent(writer, digest16);
    }

    /// <summary>
    /// The same digest from the current row of a cursor over <see cref="DigestedTable.All"/>: SQLite's integers and valid UTF-8
    /// text go to the JSON as they are (the bytes <see cref="WriteValue"/> makes of the long and the string); everything else
    /// (other engines' values, reals, blobs, text that is not valid UTF-8) as the value the provider gives.
    /// </summary>
    internal static void Content(DigestedTable table, IRowCursor row, Span<byte> digest16)
    {
        var columns = row.FieldCount;
        var end = columns;
        while (end > columns - table.LaterColumns && row.IsNull(end - 1)) end--;
        var writer = StartContent(table);
        for (var i = 1; i < end; i++)
        {
            switch (row.Kind(i))
            {
                case ColumnKind.Null: writer.WriteNullValue(); break;
                case ColumnKind.Integer: writer.WriteNumberValue(row.GetInt64(i)); break;
                case ColumnKind.Text when row.GetUtf8(i) is var text && System.Text.Unicode.Utf8.IsValid(text): writer.WriteStringValue(text); break;
                default: WriteValue(writer, row.GetValue(i)); break;
            }
        }
        EndContent(writer, digest16);
    }

    // Verification digests every row of the database: one buffer, writer and hash per thread instead of three objects per row.
    private static Utf8JsonWriter StartContent(DigestedTable table)
    {
        var buffer = t_buffer ??= new System.Buffers.ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartArray();
        writer.WriteStringValue(table.Table);
        return writer;
    }

    private static void EndContent(Utf8JsonWriter writer, Span<byte> digest16)
    {
        writer.WriteEndArray();
        writer.Flush();
        Span<byte> hash = stackalloc byte[32];
        Sha256Engine.Current.Hash(t_buffer!.WrittenSpan, hash);
        hash[..16].CopyTo(digest16);
    }

    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null or DBNull: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case long or int or short or byte: writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case bool b: writer.WriteBooleanValue(b); break;
            default: writer.WriteStringValue(Text(value)); break;
        }
    }

    /// <summary>One canonical text per value: ids lower-case, instants in UTC with microseconds, dates as yyyy-MM-dd.</summary>
    private static string Text(object? value) => value switch
    {
        null or DBNull => "",
        Guid g => g.ToString("D"),
        string s when s.Length == 36 && !IsLowerCaseUuid(s) && Guid.TryParse(s, out var g) => g.ToString("D"),
        DateTimeOffset d => d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        byte[] b => Convert.ToBase64String(b),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Already in the canonical form (lower-case hex, hyphens at 8, 13, 18, 23): no need to parse and format it again.</summary>
    private static bool IsLowerCaseUuid(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var ok = i is 8 or 13 or 18 or 23 ? c == '-' : char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
            if (!ok) return false;
        }
        return true;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string Write(SortedDictionary<string, SortedDictionary<string, string>> all)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (entity, rows) in all)
            {
                writer.WriteStartObject(entity);
                foreach (var (row, digest) in rows) writer.WriteString(row, digest);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads <c>audit_log.row_digests</c>: entity key → (row key → digest).</summary>
    internal static Dictionary<string, Dictionary<string, string>> Read(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string>>>(json) ?? [];
}
