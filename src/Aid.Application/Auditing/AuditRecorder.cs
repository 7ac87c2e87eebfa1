using System.Text.Json;

namespace Aid.Application.Auditing;

/// <summary>What a command handler says about the change it made, for the audit record.</summary>
public sealed record AuditEntry(string? Entity, string? EntityId, Guid? ProgrammeId, string Summary);

/// <summary>
/// Scoped: a handler describes its change here; the audit behaviour writes it. Summaries are built
/// field by field by the handler, so personal data (ID numbers, phones, addresses) never gets in by accident.
/// </summary>
public sealed class AuditRecorder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private AuditEntry? _entry;

    public void Describe(string entity, Guid entityId, Guid? programmeId, object summary) =>
        _entry = new AuditEntry(entity, entityId.ToString(), programmeId, JsonSerializer.Serialize(summary, Json));

    internal AuditEntry TakeEntry()
    {
        var entry = _entry ?? new AuditEntry(null, null, null, "{}");
        _entry = null;
        return entry;
    }
}
