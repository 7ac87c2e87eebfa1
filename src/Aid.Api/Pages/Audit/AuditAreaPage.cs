using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Programmes;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Audit;

/// <summary>
/// What the auditor area's programme pages share: the programme (not found outside the person's scope), the years it has
/// statements for, and the record of every page opened and file downloaded (<see cref="RecordAuditorAccess"/>): the area is
/// read-only, and reading it is itself audited.
/// </summary>
public abstract class AuditAreaPage : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public ProgrammeYears? Years { get; private set; }
    public int Year { get; protected set; }

    /// <summary>Loads the programme and its years; false when the person may not see it or the year is outside its activity.</summary>
    protected async Task<bool> LoadAsync(Guid programmeId, int? year)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        Years = await Sender.Send(new GetProgrammeYears(programmeId), ct);
        if (Years is null) return false;
        if (year is { } y && !Years.Contains(y)) return false;
        Year = year ?? Years.Last;
        return true;
    }

    /// <summary>Writes the audit record of what was opened (after it was produced: a refused download is not recorded as one).</summary>
    protected Task RecordAsync(AuditorAccess what, int? year) =>
        Sender.Send(new RecordAuditorAccess(Programme!.Id, what, year), HttpContext.RequestAborted).AsTask();

    public string Base => $"/audit/{Programme!.Id}";

    /// <summary>The model of _AuditNav.</summary>
    public AuditNav Nav(string current) => new(this, current);
}

/// <summary>The auditor area's navigation: the page it is on and its section (programme, trail, receipts, exceptions).</summary>
public sealed record AuditNav(AuditAreaPage Page, string Current);
