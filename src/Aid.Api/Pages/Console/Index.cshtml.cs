using Aid.Application.Programmes;

namespace Aid.Api.Pages.Console;

/// <summary>The console's start: the programmes in the signed-in person's scope.</summary>
public sealed class ConsoleIndexModel : AidPageModel
{
    public IReadOnlyList<ProgrammeView> Programmes { get; private set; } = [];

    public async Task OnGetAsync() =>
        Programmes = (await Sender.Send(new ListProgrammes(null, null, 200, null), HttpContext.RequestAborted)).Items;
}
