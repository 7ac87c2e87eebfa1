using System.Text.Json;

namespace Aid.Application.Auditing;

/// <summary>What a command handler says about the change it made, for the audit record.</summary>
public sealed record AuditEntry(string? Entity, string? EntityId, Guid? ProgrammeId, string Summary, IReadOnlyCollection<EntityRef> Covered);

/// <summary>An entity whose money rows a record digests: <c>gift:&lt;id&gt;</c>.</summary>
public readonly record struct EntityRef(string Kind, Guid Id)
{
    public string Key => $"{Kind}:{Id:D}";

    public static bool TryParse(string key, out EntityRef entity)
    {
        entity = default;
        var colon = key.LastIndexOf(':');
        if (colon <= 0 || !Guid.TryParse(key.AsSpan(colon + 1), out var id)) return false;
        entity = new EntityRef(key[..colon], id);
        return true;
    }
}

/// <summary>
/// Scoped: a handler describes its change here; the audit behaviour writes it. Summaries are built
/// field by field by the handler, so personal data (ID numbers, phones, addresses) never gets in by accident.
/// The entity a handler describes is digested automatically when it owns money rows (see <see cref="RowDigests"/>);
/// code that writes the money rows of further entities in the same command names them with <see cref="Covers"/>.
/// </summary>
public sealed class AuditRecorder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private AuditEntry? _entry;
    private readonly HashSet<EntityRef> _covered = [];

    public void Describe(string entity, Guid entityId, Guid? programmeId, object summary)
    {
        _entry = new AuditEntry(entity, entityId.ToString(), programmeId, JsonSerializer.Serialize(summary, Json), []);
        Covers(entity, entityId);
    }

    /// <summary>The command wrote money rows of this entity: the record digests them (kinds without money rows are ignored).</summary>
    public void Covers(string kind, Guid id)
    {
        if (RowDigests.IsDigested(kind) && id != Guid.Empty) _covered.Add(new EntityRef(kind, id));
    }

    internal AuditEntry TakeEntry()
    {
        var entry = (_entry ?? new AuditEntry(null, null, null, "{}", [])) with { Covered = _covered.ToList() };
        _entry = null;
        _covered.Clear();
        return entry;
    }
}
