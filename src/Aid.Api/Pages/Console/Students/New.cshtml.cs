using System.Text;
using Aid.Api.Endpoints;
using Aid.Api.Pages.Console.Gifts;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Application.Students;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Students;

/// <summary>
/// Registering a student with everything <see cref="RegisterStudent"/> takes, every refusal beside its field. The ID number is
/// read as people type it (spaces, full-width digits, a small x) and checked here the way the API checks it; the API's request
/// rules (<see cref="RegisterStudentRequest"/>) run too, so a rule holds on both or on neither. The form carries its own key,
/// sent as the command's idempotency key: pressing the button twice registers one student. The guardian's consent (date and
/// evidence) may be recorded later, but a student under 14 cannot be sponsored or paid before it is (the application's rule).
/// </summary>
public sealed class NewStudentModel(BusinessClock clock, IdempotencyKey idempotency, IValidator<RegisterStudentRequest> requestRules) : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public string? ExistingCode { get; private set; }

    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Gender { get; set; }
    [BindProperty] public string? BirthDate { get; set; }
    [BindProperty] public string? IdNumber { get; set; }
    [BindProperty] public string? School { get; set; }
    [BindProperty] public string? Grade { get; set; }
    [BindProperty] public string? County { get; set; }
    [BindProperty] public bool PovertyRegistered { get; set; }
    [BindProperty] public string? GuardianName { get; set; }
    [BindProperty] public string? GuardianPhone { get; set; }
    [BindProperty] public string? Address { get; set; }
    [BindProperty] public string? ConsentDate { get; set; }
    [BindProperty] public string? ConsentReference { get; set; }

    public DateOnly Today => clock.Today();

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? school)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return NotFound();
        FormKey = Guid.NewGuid().ToString();
        School = school?.Trim();
        County = Programme.Region;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return NotFound();
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString();
        if (Read() is { } command && await RegisterAsync(command) is { } student)
        {
            Flash = PageText.T($"已登记学生，编号 {student.Code}。", $"The student is registered as {student.Code}.");
            return Redirect($"/console/{programmeId}/students/{student.Id}");
        }
        return Page();
    }

    /// <summary>The command the form describes, or null with a message beside every field that is not right.</summary>
    private RegisterStudent? Read()
    {
        var today = clock.Today();
        string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        var name = Clean(Name);
        if (name is null) ModelState.AddModelError(nameof(Name), PageText.T("请填写学生的姓名。", "Enter the student's name."));
        else if (name.Length > 50 || TextRule.Problem(name) is not null)
            ModelState.AddModelError(nameof(Name), PageText.T("姓名最多 50 个字符。", "A name has at most 50 characters."));

        if (!StudentText.Genders.Contains(Gender ?? ""))
            ModelState.AddModelError(nameof(Gender), PageText.T("请选择性别。", "Choose the gender."));

        DateOnly? birthDate = null;
        if (string.IsNullOrWhiteSpace(BirthDate))
            ModelState.AddModelError(nameof(BirthDate), PageText.T("请填写出生日期。", "Enter the birth date."));
        else if (!GiftDates.TryRead(BirthDate, out var birth))
            ModelState.AddModelError(nameof(BirthDate), GiftDates.FormatMessage());
        else if (birth >= today)
            ModelState.AddModelError(nameof(BirthDate), PageText.T("出生日期必须早于今天。", "The birth date must be before today."));
        else if (birth < StudentRules.EarliestBirthDate)
            ModelState.AddModelError(nameof(BirthDate), PageText.T(
                $"出生日期不能早于 {StudentRules.EarliestBirthDate:yyyy-MM-dd}，请核对。", $"The birth date cannot be before {StudentRules.EarliestBirthDate:yyyy-MM-dd}: check it."));
        else birthDate = birth;

        var idNumber = NormaliseIdNumber(IdNumber);
        if (idNumber.Length == 0)
            ModelState.AddModelError(nameof(IdNumber), PageText.T("请填写学生的身份证号码（18 位）。", "Enter the student's resident ID number (18 characters)."));
        else if (idNumber.Length != 18)
            ModelState.AddModelError(nameof(IdNumber), PageText.T($"身份证号码应为 18 位，现在是 {idNumber.Length} 位。", $"A resident ID number has 18 characters; this one has {idNumber.Length}."));
        else if (!StudentRules.IsValidIdNumber(idNumber))
            ModelState.AddModelError(nameof(IdNumber), PageText.T("身份证号码不正确（校验位不符或出生日期无效），请逐位核对；最后一位可能是 X。",
                "This ID number is not right (its check character or birth date does not fit): check each digit; the last one may be X."));
        else
        {
            IdNumber = idNumber;
            if (birthDate is { } b && StudentRules.BirthDateOf(idNumber) is { } inside && inside != b)
                ModelState.AddModelError(nameof(IdNumber), PageText.T(
                    $"身份证号码中的出生日期是 {inside:yyyy-MM-dd}，与填写的出生日期 {b:yyyy-MM-dd} 不一致，请核对其中一项。",
                    $"The birth date inside the ID number is {inside:yyyy-MM-dd}, not {b:yyyy-MM-dd} as entered: check one of them."));
        }

        var school = Clean(School);
        if (school is null) ModelState.AddModelError(nameof(School), PageText.T("请填写学校的完整名称。", "Enter the school's full name."));
        else if (school.Length > 100) ModelState.AddModelError(nameof(School), PageText.T("学校名称最多 100 个字符。", "A school's name has at most 100 characters."));
        var grade = Clean(Grade);
        if (grade is null) ModelState.AddModelError(nameof(Grade), PageText.T("请填写年级，例如“七年级”或“高一(3)班”。", "Enter the grade, e.g. 'Year 7'."));
        else if (grade.Length > 30) ModelState.AddModelError(nameof(Grade), PageText.T("年级最多 30 个字符。", "A grade has at most 30 characters."));
        var county = Clean(County);
        var guardianName = Clean(GuardianName);
        var phone = Clean(GuardianPhone)?.Normalize(NormalizationForm.FormKC);
        if (phone is not null && !System.Text.RegularExpressions.Regex.IsMatch(phone, @"^\+?[0-9][0-9 \-]{4,30}$"))
            ModelState.AddModelError(nameof(GuardianPhone), PageText.T("电话只能填写数字，可以有开头的 + 号、空格或短横线，例如 139 1234 5678。",
                "A phone number is digits, with an optional leading +, spaces or dashes, e.g. 139 1234 5678."));
        var address = Clean(Address);

        DateOnly? consentDate = null;
        if (!string.IsNullOrWhiteSpace(ConsentDate))
        {
            if (!GiftDates.TryRead(ConsentDate, out var consent)) ModelState.AddModelError(nameof(ConsentDate), GiftDates.FormatMessage());
            else if (consent > today) ModelState.AddModelError(nameof(ConsentDate), PageText.T("同意日期不能晚于今天。", "The consent date cannot be after today."));
            else consentDate = consent;
        }
        var consentReference = Clean(ConsentReference);
        if (consentDate is not null && consentReference is null)
            ModelState.AddModelError(nameof(ConsentReference), PageText.T("请填写同意书的凭证编号（例如档案号），同意日期和凭证编号要一起填写。",
                "Enter the consent form's reference (e.g. its file number): the date and the reference go together."));
        if (consentReference is not null && string.IsNullOrWhiteSpace(ConsentDate))
            ModelState.AddModelError(nameof(ConsentDate), PageText.T("请填写监护人签署同意书的日期，同意日期和凭证编号要一起填写。",
                "Enter the day the guardian signed the consent: the date and the reference go together."));
        if (!ModelState.IsValid) return null;

        var request = new RegisterStudentRequest
        {
            ProgrammeId = Programme!.Id, Name = name, Gender = Gender, BirthDate = birthDate, IdNumber = idNumber, School = school, Grade = grade,
            County = county, PovertyRegistered = PovertyRegistered, GuardianName = guardianName, GuardianPhone = phone, Address = address,
            ConsentDate = consentDate, ConsentReference = consentReference,
        };
        foreach (var failure in requestRules.Validate(request).Errors)
        {
            var input = Input(failure.PropertyName);
            if (input.Length > 0 && ModelState.TryGetValue(input, out var entry) && entry.Errors.Count > 0) continue;
            ModelState.AddModelError(input, PageText.Message(failure.ErrorMessage));
        }
        return ModelState.IsValid ? request.ToCommand() : null;
    }

    private async Task<StudentView?> RegisterAsync(RegisterStudent command)
    {
        idempotency.Set($"page-student-{FormKey}");
        try
        {
            return await Sender.Send(command, HttpContext.RequestAborted);
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T(
                "这张表单已经登记过一名学生，不能再用它登记另一名。请在学生名单中核对；如确实还要登记，请再次点击“登记学生”（表单已更新）。",
                "This form has already registered a student and cannot register another. Check the list; to register another, press the button again (the form is renewed)."));
            FormKey = Guid.NewGuid().ToString();
        }
        catch (ConflictException e) when (e.Details.TryGetValue("existingCode", out var code))
        {
            ExistingCode = code as string;
            ModelState.AddModelError(nameof(IdNumber), PageText.T($"持这个身份证号码的学生已在本项目登记，编号为 {ExistingCode}：同一名学生只登记一次。",
                $"A student with this ID number is already registered in this programme as {ExistingCode}: a student is registered once."));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            foreach (var message in messages)
                ModelState.AddModelError(Input(field), PageText.Message(message));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        return null;
    }

    /// <summary>An ID number as typed: spaces and dashes gone, full-width characters as their ASCII twins, a small x made capital.</summary>
    public static string NormaliseIdNumber(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "" : string.Concat(text.Normalize(NormalizationForm.FormKC).Where(c => !char.IsWhiteSpace(c) && c != '-')).ToUpperInvariant();

    /// <summary>The form's input for an application or request field; "" for the top of the form.</summary>
    private static string Input(string field)
    {
        var name = field.Split('.')[^1];
        return name.ToLowerInvariant() switch
        {
            "name" => nameof(Name), "gender" => nameof(Gender), "birthdate" => nameof(BirthDate), "idnumber" => nameof(IdNumber),
            "school" => nameof(School), "grade" => nameof(Grade), "county" => nameof(County), "guardianname" => nameof(GuardianName),
            "guardianphone" => nameof(GuardianPhone), "address" => nameof(Address), "consentdate" => nameof(ConsentDate),
            "consentreference" => nameof(ConsentReference), "povertyregistered" => nameof(PovertyRegistered),
            _ => "",
        };
    }
}
