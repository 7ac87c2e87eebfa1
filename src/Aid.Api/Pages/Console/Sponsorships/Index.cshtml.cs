using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Programmes;
using Aid.Application.Sponsorships;
using Aid.Application.Students;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Sponsorships;

/// <summary>
/// A programme's sponsorships (结对): donor, student code and name, academic years, annual amount; narrowed to one donor or one
/// student by a link (donorId / studentId in the URL), paged by cursor links.
/// </summary>
public sealed class SponsorshipsIndexModel : AidPageModel
{
    public const int PageSize = 50;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<SponsorshipView> Sponsorships { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? Cursor { get; private set; }
    public DonorView? Donor { get; private set; }
    public StudentView? Student { get; private set; }
    public IReadOnlyDictionary<Guid, DonorView> Donors { get; private set; } = new Dictionary<Guid, DonorView>();
    public IReadOnlyDictionary<Guid, StudentView> Students { get; private set; } = new Dictionary<Guid, StudentView>();

    public bool Filtered => Donor is not null || Student is not null;

    public async Task<IActionResult> OnGetAsync(Guid programmeId, Guid? donorId, Guid? studentId, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound();
        Cursor = cursor;
        if (donorId is { } d) Donor = await Sender.Send(new GetDonor(d), ct);
        if (studentId is { } s && await Sender.Send(new GetStudent(s), ct) is { } student && student.ProgrammeId == programmeId) Student = student;
        if ((donorId is not null && Donor is null) || (studentId is not null && Student is null))
            ModelState.AddModelError("", PageText.T("找不到链接中的捐赠人或学生，已显示全部结对资助。", "The donor or student in the link was not found: every sponsorship is shown."));

        Page<SponsorshipView> page;
        try
        {
            page = await Sender.Send(new ListSponsorships(programmeId, Donor?.Id, Student?.Id, PageSize, cursor), ct);
        }
        catch (InputException) when (cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListSponsorships(programmeId, Donor?.Id, Student?.Id, PageSize, null), ct);
        }
        (Sponsorships, NextCursor) = (page.Items, page.NextCursor);

        var donors = new Dictionary<Guid, DonorView>();
        foreach (var id in Sponsorships.Select(x => x.DonorId).Distinct())
            if (await Sender.Send(new GetDonor(id), ct) is { } view) donors[id] = view;
        var students = new Dictionary<Guid, StudentView>();
        foreach (var id in Sponsorships.Select(x => x.StudentId).Distinct())
            if (await Sender.Send(new GetStudent(id), ct) is { } view) students[id] = view;
        (Donors, Students) = (donors, students);
        return Page();
    }

    public string DonorName(Guid id) => Donors.TryGetValue(id, out var donor) ? donor.Name : PageText.T("（未知捐赠人）", "(unknown donor)");

    public string StudentName(Guid id) => Students.TryGetValue(id, out var student) ? Aid.Api.Pages.Console.Students.StudentText.Name(student) : "—";

    public string Link(string? cursor = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (Donor is not null) query.Add(new("donorId", Donor.Id.ToString()));
        if (Student is not null) query.Add(new("studentId", Student.Id.ToString()));
        if (!string.IsNullOrEmpty(cursor)) query.Add(new("cursor", cursor));
        return $"/console/{Programme!.Id}/sponsorships{QueryString.Create(query)}";
    }
}
