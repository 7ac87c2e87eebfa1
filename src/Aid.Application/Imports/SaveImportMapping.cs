using System.Text.Json;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>Saves (or replaces) a named column mapping for a corporate bank export in a programme.</summary>
public sealed record SaveImportMapping(Guid ProgrammeId, string Name, ColumnMapping Mapping) : ICommand<ImportMappingView>, IIdempotentCommand;

public sealed record ImportMappingView(string Name, ColumnMapping Mapping);

public sealed class SaveImportMappingValidator : AbstractValidator<SaveImportMapping>
{
    public SaveImportMappingValidator()
    {
        RuleFor(c => c.Name).NotEmpty().Text(100);
        RuleFor(c => c.Mapping.Date).NotEmpty().Text(100).OverridePropertyName("mapping.date");
        RuleFor(c => c.Mapping).Must(m => m.Amount is not null || m.Credit is not null).OverridePropertyName("mapping.credit")
            .WithMessage("Name the column of money in: credit (贷方发生额), or a signed amount.");
    }
}

internal sealed class SaveImportMappingHandler(IDbSession db, BusinessClock clock, AccessScope scope, AuditRecorder audit)
    : ICommandHandler<SaveImportMapping, ImportMappingView>
{
    public async ValueTask<ImportMappingView> Handle(SaveImportMapping command, CancellationToken ct)
    {
        var programme = await ProgrammeGuard.ShareOpenAsync(db, scope, command.ProgrammeId, ct);
        var json = JsonSerializer.Serialize(command.Mapping.Normalized(), ImportMappingJson.Options);
        var name = command.Name.Trim();
        await db.ExecuteAsync("DELETE FROM import_mappings WHERE programme_id = @programmeId AND name = @name", new { programmeId = programme.Id, name }, ct);
        await db.ExecuteAsync("""
            INSERT INTO import_mappings (programme_id, name, mapping, created_at, created_by) VALUES (@programmeId, @name, @json, @now, @by)
            """, new { programmeId = programme.Id, name, json, now = clock.UtcNow(), by = scope.AuditActor }, ct);
        audit.Describe("import_mapping", programme.Id, programme.Id, new { name });
        return new ImportMappingView(name, command.Mapping);
    }
}

/// <summary>A programme's saved mappings, by name.</summary>
public sealed record ListImportMappings(Guid ProgrammeId) : IQuery<IReadOnlyList<ImportMappingView>>;

internal sealed class ListImportMappingsHandler(IDbSession db, AccessScope scope) : IQueryHandler<ListImportMappings, IReadOnlyList<ImportMappingView>>
{
    public async ValueTask<IReadOnlyList<ImportMappingView>> Handle(ListImportMappings query, CancellationToken ct)
    {
        scope.EnsureProgramme(query.ProgrammeId);
        var rows = await db.QueryAsync<(string Name, string Mapping)>(
            "SELECT name, mapping FROM import_mappings WHERE programme_id = @programmeId ORDER BY name", new { programmeId = query.ProgrammeId }, ct);
        return rows.Select(r => new ImportMappingView(r.Name, JsonSerializer.Deserialize<ColumnMapping>(r.Mapping, ImportMappingJson.Options)!)).ToList();
    }
}
