using Aid.Application.DonorPortal;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.My;

/// <summary>
/// "What my gifts paid for": the student terms paid from the donor's money, as a timeline, a chart per academic year (server-drawn
/// SVG with a title and a text summary) and the numbers in a table. Students appear by code, school and grade only.
/// </summary>
public sealed class PaidForModel : MyPageModel
{
    public MyGiftsPaidFor PaidFor { get; private set; } = new([], [], "CNY", "0.00", 0);

    public async Task<IActionResult> OnGetAsync()
    {
        PaidFor = await Sender.Send(new ListWhatMyGiftsPaidFor(), HttpContext.RequestAborted);
        return Page();
    }

}
