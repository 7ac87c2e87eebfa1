using Aid.Api.Endpoints;
using Aid.Application.Common;
using Aid.Application.Donors;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Donors;

/// <summary>
/// Changes a donor's details. Only the fields that changed are sent (UpdateDonor changes the fields given), against the
/// version the form was filled in from (If-Match, as the API): someone else's change in between is not overwritten unseen.
/// The kind is fixed once recorded. Contact details cannot be emptied once given (neither can they through the API).
/// </summary>
public sealed class EditModel(IValidator<UpdateDonorRequest> validator, Preconditions preconditions) : AidPageModel
{
    public DonorView? Donor { get; private set; }
    [BindProperty] public DonorForm Form { get; set; } = new();
    [BindProperty] public string? Version { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        Donor = await Sender.Send(new GetDonor(id), HttpContext.RequestAborted);
        if (Donor is null) return NotFound();
        Form = DonorForm.From(Donor);
        Version = ETags.Of(Donor);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        Donor = await Sender.Send(new GetDonor(id), HttpContext.RequestAborted);
        if (Donor is null) return NotFound();
        Form.Kind = Donor.Kind; // fixed once recorded
        Form.Normalise();

        // Emptied: refused beside the field, since the change would not be made.
        void KeepGiven(string? before, string? after, string input)
        {
            if (before is { Length: > 0 } && after is null)
                ModelState.AddModelError(input, PageText.T("已填写的联系信息不能清空，只能改成新的内容。", "Contact details once given cannot be emptied, only changed."));
        }
        KeepGiven(Donor.Email, Form.Email, DonorForm.Inputs.Email);
        KeepGiven(Donor.Phone, Form.Phone, DonorForm.Inputs.Phone);
        KeepGiven(Donor.Address, Form.Address, DonorForm.Inputs.Address);
        KeepGiven(Donor.OrganisationCode, Form.OrganisationCode, DonorForm.Inputs.OrganisationCode);

        static string? Changed(string? before, string? after) => after is not null && after != before ? after : null;
        var request = new UpdateDonorRequest
        {
            Name = Form.Name is null ? "" : Changed(Donor.Name, Form.Name), // "" is refused as an empty name
            Anonymous = Form.Anonymous != Donor.Anonymous ? Form.Anonymous : null,
            Language = Changed(Donor.Language, Form.Language),
            Email = Changed(Donor.Email, Form.Email),
            Phone = Changed(Donor.Phone, Form.Phone),
            Address = Changed(Donor.Address, Form.Address),
            OrganisationCode = Changed(Donor.OrganisationCode, Form.OrganisationCode),
        };
        if (!DonorForm.Check(validator, request, ModelState) | !ModelState.IsValid) return Page();
        if (request is { Name: null, Anonymous: null, Language: null, Email: null, Phone: null, Address: null, OrganisationCode: null })
        {
            Flash = PageText.T("没有修改任何内容。", "Nothing was changed.");
            return RedirectToPage("Details", new { id });
        }

        if (Version is { Length: > 0 and < 100 }) preconditions.IfMatch = [Version];
        try
        {
            var saved = await Sender.Send(request.ToCommand(id), HttpContext.RequestAborted);
            Flash = PageText.T("已保存修改。", "The changes are saved.");
            FlashWarning = UnprintableWarning(saved.UnprintableCharacters);
            return RedirectToPage("Details", new { id });
        }
        catch (InputException e)
        {
            DonorForm.AddErrors(e, ModelState);
            return Page();
        }
        catch (NotFoundException)
        {
            // A manager, for a donor whose gifts, pledges and sponsorships all lie in others' programmes (the API: 404 too).
            ModelState.AddModelError("", PageText.T("您不能修改这位捐赠人的资料：TA 的捐赠、认捐和资助都在您不负责的项目中。请联系管理员修改。",
                "You cannot change this donor: their gifts, pledges and sponsorships all lie in programmes that are not yours. Ask an admin."));
            return Page();
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
            return Page();
        }
        catch (PreconditionFailedException e)
        {
            Version = e.CurrentETag;
            Donor = await Sender.Send(new GetDonor(id), HttpContext.RequestAborted) ?? Donor;
            ModelState.AddModelError("", PageText.T("在您修改期间，别人已经修改了这位捐赠人的资料。您填写的内容还在下面；请先核对，再次保存将以您填写的为准。",
                "Someone else changed this donor while you were editing. What you typed is still below: check it, and saving again makes it the donor's details."));
            return Page();
        }
    }
}
