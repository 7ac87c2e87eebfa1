using Aid.Api.Pages.Console.Students;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Application.Sponsorships;
using Aid.Application.Students;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Sponsorships;

/// <summary>
/// Pairing a donor with a student (结对): the donor found by name as on the gift form, the student by code or name among the
/// programme's students in school (a plain GET search, no script), the academic years from lists, the amount per year typed as
/// people type it (<see cref="AmountInput"/>). The application's rules (consent for under-14s, the programme's annual standard,
/// withdrawn students) come back as messages. The form's own key is the idempotency key: pressing twice pairs once.
/// </summary>
public sealed class NewSponsorshipModel(BusinessClock clock, IdempotencyKey idempotency) : AidPageModel
{
    private const int ChoiceLimit = 20;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }
    public bool DonorSearched { get; private set; }
    public IReadOnlyList<StudentView> StudentChoices { get; private set; } = [];
    public bool MoreStudentChoices { get; private set; }
    public bool StudentSearched { get; private set; }
    public IReadOnlyList<int> Years { get; private set; } = [];

    /// <summary>A student under 14 without the guardian's consent (the application refuses the sponsorship; the page says so first).</summary>
    public bool NeedsConsent(StudentView student) => StudentText.NeedsConsent(student, clock.Today());

    public StudentView? ChosenStudent => Guid.TryParse(StudentId, out var id) ? StudentChoices.FirstOrDefault(x => x.Id == id) : null;

    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public string? Q { get; set; }
    [BindProperty] public string? S { get; set; }
    [BindProperty] public string? DonorId { get; set; }
    [BindProperty] public string? StudentId { get; set; }
    [BindProperty] public int? FromYear { get; set; }
    [BindProperty] public int? ToYear { get; set; }
    [BindProperty] public string? AnnualAmount { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? q, string? s, string? donorId, string? studentId)
    {
        if (!await LoadProgrammeAsync(programmeId)) return NotFound();
        (Q, S, DonorId, StudentId) = (q?.Trim(), s?.Trim(), donorId?.Trim(), studentId?.Trim());
        FormKey = Guid.NewGuid().ToString();
        FromYear = ToYear = StudentText.AcademicYearOf(clock.Today());
        await LoadChoicesAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        if (!await LoadProgrammeAsync(programmeId)) return NotFound();
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString();
        var command = Read();
        if (command is not null && await CreateAsync(command) is { } created)
        {
            var donor = DonorChoices.FirstOrDefault(d => d.Id == created.DonorId)?.Name
                        ?? (await Sender.Send(new GetDonor(created.DonorId), HttpContext.RequestAborted))?.Name;
            Flash = PageText.T($"已为学生 {created.StudentCode} 与 {donor} 结对：{StudentText.Years(created)}，每学年 {PageText.Money(created.AnnualAmount, Programme!.Currency)}。",
                $"{donor} now sponsors {created.StudentCode}: {StudentText.Years(created)}, {PageText.Money(created.AnnualAmount, Programme!.Currency)} a year.");
            return Redirect($"/console/{programmeId}/students/{created.StudentId}");
        }
        await LoadChoicesAsync();
        return Page();
    }

    private CreateSponsorship? Read()
    {
        Guid donorId = default, studentId = default;
        if (string.IsNullOrWhiteSpace(DonorId) || !Guid.TryParse(DonorId, out donorId))
            ModelState.AddModelError(nameof(DonorId), PageText.T("请选择捐赠人（先在上面按名字查找）。", "Choose the donor (search by name above first)."));
        if (string.IsNullOrWhiteSpace(StudentId) || !Guid.TryParse(StudentId, out studentId))
            ModelState.AddModelError(nameof(StudentId), PageText.T("请选择学生（先在上面按编号或姓名查找）。", "Choose the student (search by code or name above first)."));
        if (FromYear is null) ModelState.AddModelError(nameof(FromYear), PageText.T("请选择开始学年。", "Choose the first academic year."));
        if (ToYear is null) ModelState.AddModelError(nameof(ToYear), PageText.T("请选择结束学年。", "Choose the last academic year."));
        if (FromYear is { } from && ToYear is { } to)
        {
            if (to < from) ModelState.AddModelError(nameof(ToYear), PageText.T("结束学年不能早于开始学年。", "The last academic year cannot be before the first."));
            else if (to - from >= 12) ModelState.AddModelError(nameof(ToYear), PageText.T("一项结对资助最多跨 12 个学年。", "A sponsorship spans at most 12 academic years."));
            if (from is < 2000 or > 2100 || to is < 2000 or > 2100)
                ModelState.AddModelError(nameof(FromYear), PageText.T("请从列表中选择学年。", "Choose the years from the lists."));
        }
        var problem = AmountInput.TryAmount(AnnualAmount, Programme!.Currency, out var amount);
        if (problem != InputProblem.None) ModelState.AddModelError(nameof(AnnualAmount), AmountInput.AmountMessage(problem));
        if (!ModelState.IsValid) return null;
        return new CreateSponsorship(Programme.Id, donorId, studentId, FromYear!.Value, ToYear!.Value, Money.Parse(amount));
    }

    private async Task<SponsorshipView?> CreateAsync(CreateSponsorship command)
    {
        idempotency.Set($"page-sponsorship-{FormKey}");
        try
        {
            return await Sender.Send(command, HttpContext.RequestAborted);
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T(
                "这张表单已经建立过一项结对，不能再用它建立另一项。请在结对资助列表中核对；如确实还要结对，请再次点击“建立结对”（表单已更新）。",
                "This form has already created a sponsorship and cannot create another. Check the list; to create another, press the button again (the form is renewed)."));
            FormKey = Guid.NewGuid().ToString();
        }
        catch (ConflictException e) when (e.Details.ContainsKey("academicYear"))
        {
            ModelState.AddModelError(nameof(AnnualAmount), PageText.Message(e.Message));
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            foreach (var message in messages)
                ModelState.AddModelError(field switch
                {
                    "donorId" => nameof(DonorId), "studentId" => nameof(StudentId), "fromYear" => nameof(FromYear), "toYear" => nameof(ToYear),
                    "annualAmount" or "amount" => nameof(AnnualAmount), _ => "",
                }, PageText.Message(message));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        return null;
    }

    private async Task<bool> LoadProgrammeAsync(Guid programmeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return false;
        // The programme's years, and around this year as well (a sponsorship may run past the programme's planned end).
        var current = StudentText.AcademicYearOf(clock.Today());
        var first = Math.Max(2000, Math.Min(StudentText.AcademicYearOf(Programme.StartDate), current - 1));
        var last = Math.Min(2100, Math.Max(StudentText.AcademicYearOf(Programme.EndDate), current + 6));
        if (last - first > 20) last = first + 20;
        Years = Enumerable.Range(first, last - first + 1).ToList();
        return true;
    }

    /// <summary>The donors matching the name searched for and the students matching the code or name; a single match is chosen.</summary>
    private async Task LoadChoicesAsync()
    {
        var ct = HttpContext.RequestAborted;
        var donors = new List<DonorView>();
        if (!string.IsNullOrEmpty(Q))
        {
            DonorSearched = true;
            if (Q.Length > 100 || TextRule.Problem(Q) is not null)
                ModelState.AddModelError(nameof(Q), PageText.T("请输入捐赠人名字中的几个字（最多 100 个字符）。", "Type part of the donor's name (at most 100 characters)."));
            else
            {
                var found = await Sender.Send(new ListDonors(Q, null, ChoiceLimit, null), ct);
                donors.AddRange(found.Items);
                MoreDonorChoices = found.NextCursor is not null;
            }
        }
        if (Guid.TryParse(DonorId, out var chosenDonor) && donors.All(d => d.Id != chosenDonor))
        {
            if (await Sender.Send(new GetDonor(chosenDonor), ct) is { } donor) donors.Insert(0, donor);
            else DonorId = null;
        }
        if (donors.Count == 1 && string.IsNullOrEmpty(DonorId)) DonorId = donors[0].Id.ToString();
        DonorChoices = donors;

        var students = new List<StudentView>();
        if (!string.IsNullOrEmpty(S))
        {
            StudentSearched = true;
            if (S.Length > 50 || TextRule.Problem(S) is not null)
                ModelState.AddModelError(nameof(S), PageText.T("请输入学生编号或姓名中的几个字（最多 50 个字符）。", "Type the student's code or part of the name (at most 50 characters)."));
            else
            {
                var matches = await FindStudentsAsync(S, ct);
                students.AddRange(matches.Take(ChoiceLimit));
                MoreStudentChoices = matches.Count > ChoiceLimit;
            }
        }
        if (Guid.TryParse(StudentId, out var chosenStudent) && students.All(x => x.Id != chosenStudent))
        {
            if (await Sender.Send(new GetStudent(chosenStudent), ct) is { } student && student.ProgrammeId == Programme!.Id) students.Insert(0, student);
            else StudentId = null;
        }
        if (students.Count == 1 && string.IsNullOrEmpty(StudentId)) StudentId = students[0].Id.ToString();
        StudentChoices = students;
    }

    /// <summary>The programme's students in school whose code or name contains <paramref name="text"/> (an exact code first).</summary>
    private async Task<List<StudentView>> FindStudentsAsync(string text, CancellationToken ct)
    {
        var page = await Sender.Send(new ListStudents(Programme!.Id, null, "active", ChoiceLimit + 1, null, text), ct);
        return page.Items.OrderByDescending(x => string.Equals(x.Code, text, StringComparison.OrdinalIgnoreCase)).ToList();
    }
}
