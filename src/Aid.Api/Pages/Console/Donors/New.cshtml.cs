using Aid.Api.Endpoints;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Pipeline;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Donors;

/// <summary>
/// Records a donor. The form carries a key of its own (made when the form is first shown), sent as the command's idempotency
/// key: a double click or a resent POST records one donor, not two.
/// </summary>
public sealed class NewModel(IValidator<CreateDonorRequest> validator, IdempotencyKey idempotency) : AidPageModel
{
    [BindProperty] public DonorForm Form { get; set; } = new();
    [BindProperty] public string? FormKey { get; set; }

    public void OnGet() => FormKey = NewKey();

    public async Task<IActionResult> OnPostAsync()
    {
        Form.Normalise();
        if (FormKey is not { Length: > 0 and <= 60 } || !FormKey.StartsWith("page-", StringComparison.Ordinal)) FormKey = NewKey();
        if (!DonorForm.Check(validator, Form.ToCreateRequest(), ModelState)) return Page();

        idempotency.Set(FormKey);
        DonorView? donor = null;
        try
        {
            donor = await Sender.Send(Form.ToCreateRequest().ToCommand(), HttpContext.RequestAborted);
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            // This form was sent before with other values (back, change, send): a new key, and the person decides.
            FormKey = NewKey();
            ModelState.AddModelError("", PageText.T("这张表单已经提交过一次。请核对下面的内容，确认要再添加一位捐赠人就再次点击“添加”。",
                "This form was sent once already. Check the details below and press “Add” again to add another donor."));
        }
        catch (InputException e)
        {
            DonorForm.AddErrors(e, ModelState);
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        if (donor is null) return Page();
        Flash = PageText.T($"已添加捐赠人“{donor.Name}”。", $"Donor “{donor.Name}” is added.");
        FlashWarning = UnprintableWarning(donor.UnprintableCharacters);
        return RedirectToPage("Details", new { id = donor.Id });
    }

    private static string NewKey() => "page-" + Guid.NewGuid().ToString("N");
}
