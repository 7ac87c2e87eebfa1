using Aid.Application.Common;
using Aid.Application.Programmes;

namespace Aid.Api.Pages.Audit;

/// <summary>The auditor area's start (/audit): the programmes in the signed-in person's scope (an admin: every programme).</summary>
public sealed class AuditIndexModel : AidPageModel
{
    public IReadOnlyList<ProgrammeView> Programmes { get; private set; } = [];

    public async Task OnGetAsync() =>
        Programmes = (await Sender.Send(new ListProgrammes(null, null, Cursor.MaxLimit, null), HttpContext.RequestAborted)).Items;
}
