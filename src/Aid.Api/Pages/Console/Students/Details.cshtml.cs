using Aid.Api.Pages.Console.Gifts;
using Aid.Application.Common;
using Aid.Application.Disbursements;
using Aid.Application.Donors;
using Aid.Application.Programmes;
using Aid.Application.Sponsorships;
using Aid.Application.Students;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Students;

/// <summary>
/// One student: what was registered, with the ID number, the guardian's phone and the address masked; the student's
/// sponsorships and disbursements. The full ID number (<c>RevealId</c>) and the contact details (<c>RevealContact</c>) are shown
/// once, in the answer to a POST that sends <see cref="RevealStudentIdNumber"/> / <see cref="RevealStudentContact"/>: each is
/// written to the audit trail (who, which student, what was shown, never the value). Nothing in clear reaches the page otherwise:
/// the view model keeps the masked forms only. A consent missing for a student under 14 can be recorded here.
/// </summary>
public sealed class StudentDetailsModel(BusinessClock clock) : AidPageModel
{
    private const int ListLimit = 100;

    public ProgrammeView? Programme { get; private set; }

    /// <summary>The student as the page shows them: the clear ID number, phone and address are taken out (see <see cref="Mask"/>).</summary>
    public StudentView? Student { get; private set; }

    /// <summary>The full ID number, only in the answer to the audited reveal.</summary>
    public string? RevealedIdNumber { get; private set; }

    public string? MaskedPhone { get; private set; }
    public string? MaskedAddress { get; private set; }

    /// <summary>The guardian's phone and the address in full, only in the answer to the audited reveal.</summary>
    public (string? Phone, string? Address)? RevealedContact { get; private set; }

    public IReadOnlyList<SponsorshipView> Sponsorships { get; private set; } = [];
    public bool MoreSponsorships { get; private set; }
    public IReadOnlyList<DisbursementView> Disbursements { get; private set; } = [];
    public bool MoreDisbursements { get; private set; }
    public IReadOnlyDictionary<Guid, DonorView> Donors { get; private set; } = new Dictionary<Guid, DonorView>();

    public bool NeedsConsent { get; private set; }
    public int? Age { get; private set; }

    [BindProperty] public string? ConsentDate { get; set; }
    [BindProperty] public string? ConsentReference { get; set; }

    public DateOnly Today => clock.Today();

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid studentId) =>
        await LoadAsync(programmeId, studentId) ? Page() : NotFound();

    /// <summary>Shows the full ID number in this answer, audited; a refusal (another role) is a message.</summary>
    public async Task<IActionResult> OnPostRevealIdAsync(Guid programmeId, Guid studentId)
    {
        if (!await LoadAsync(programmeId, studentId)) return NotFound();
        var revealed = await TrySendAsync(new RevealStudentIdNumber(studentId));
        RevealedIdNumber = revealed?.IdNumber;
        return Page();
    }

    /// <summary>Shows the guardian's phone and the address in this answer, audited.</summary>
    public async Task<IActionResult> OnPostRevealContactAsync(Guid programmeId, Guid studentId)
    {
        if (!await LoadAsync(programmeId, studentId)) return NotFound();
        if (await TrySendAsync(new RevealStudentContact(studentId)) is { } revealed) RevealedContact = (revealed.GuardianPhone, revealed.Address);
        return Page();
    }

    /// <summary>Records the guardian's consent (date and evidence), then back to the student with a flash (PRG).</summary>
    public async Task<IActionResult> OnPostConsentAsync(Guid programmeId, Guid studentId)
    {
        if (!await LoadAsync(programmeId, studentId)) return NotFound();
        var today = clock.Today();
        DateOnly consentDate = default;
        if (string.IsNullOrWhiteSpace(ConsentDate))
            ModelState.AddModelError(nameof(ConsentDate), PageText.T("请填写监护人签署同意书的日期。", "Enter the day the guardian signed the consent."));
        else if (!GiftDates.TryRead(ConsentDate, out consentDate))
            ModelState.AddModelError(nameof(ConsentDate), GiftDates.FormatMessage());
        else if (consentDate > today)
            ModelState.AddModelError(nameof(ConsentDate), PageText.T("同意日期不能晚于今天。", "The consent date cannot be after today."));
        var reference = ConsentReference?.Trim();
        if (string.IsNullOrEmpty(reference))
            ModelState.AddModelError(nameof(ConsentReference), PageText.T("请填写同意书的凭证编号（例如档案号）。", "Enter the consent form's reference (e.g. its file number)."));
        else if (reference.Length > 200 || TextRule.Problem(reference) is not null)
            ModelState.AddModelError(nameof(ConsentReference), PageText.T("凭证编号最多 200 个字符。", "A reference has at most 200 characters."));
        if (!ModelState.IsValid) return Page();

        var updated = await TrySendAsync(new UpdateStudent(studentId, null, null, null, null, null, null, consentDate, reference, null, null),
            ("consentDate", nameof(ConsentDate)), ("consentReference", nameof(ConsentReference)));
        if (updated is null) return Page();
        Flash = PageText.T("已登记监护人同意，现在可以为这名学生结对资助和发放资助。", "The guardian's consent is recorded: the student can now be sponsored and paid.");
        return Redirect($"/console/{programmeId}/students/{studentId}");
    }

    public string DonorName(Guid id) => Donors.TryGetValue(id, out var donor) ? donor.Name : PageText.T("（未知捐赠人）", "(unknown donor)");

    /// <summary>The student without the clear personal data the page must not carry unasked: the masked forms are kept aside.</summary>
    private StudentView Mask(StudentView student)
    {
        MaskedPhone = student.GuardianPhone is { } phone ? StudentRules.MaskPhone(phone) : null;
        MaskedAddress = student.Address is { } address ? StudentRules.MaskAddress(address) : null;
        return student with { IdNumber = null, GuardianPhone = null, Address = null };
    }

    private async Task<bool> LoadAsync(Guid programmeId, Guid studentId)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return false;
        var student = await Sender.Send(new GetStudent(studentId), ct);
        if (student is null || student.ProgrammeId != programmeId) return false;
        Student = Mask(student);
        var today = clock.Today();
        Age = student.BirthDate is { } birth ? StudentRules.AgeOn(birth, today) : null;
        NeedsConsent = StudentText.NeedsConsent(student, today);

        var sponsorships = await Sender.Send(new ListSponsorships(programmeId, null, studentId, ListLimit, null), ct);
        (Sponsorships, MoreSponsorships) = (sponsorships.Items, sponsorships.NextCursor is not null);
        var disbursements = await Sender.Send(new ListDisbursements(programmeId, studentId, null, ListLimit, null), ct);
        (Disbursements, MoreDisbursements) = (disbursements.Items, disbursements.NextCursor is not null);
        var donors = new Dictionary<Guid, DonorView>();
        foreach (var id in Sponsorships.Select(s => s.DonorId).Distinct())
            if (await Sender.Send(new GetDonor(id), ct) is { } donor) donors[id] = donor;
        Donors = donors;
        return true;
    }
}
