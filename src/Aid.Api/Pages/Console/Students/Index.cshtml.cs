using Aid.Application.Common;
using Aid.Application.Programmes;
using Aid.Application.Students;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Students;

/// <summary>
/// A programme's students (code, name, school, grade, status), found by code or a part of the name and filtered by school and
/// status, all in the URL; paged by cursor links. A page link that is not one of ours shows the first page.
/// </summary>
public sealed class StudentsIndexModel : AidPageModel
{
    public const int PageSize = 50;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<StudentView> Students { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public string? Q { get; private set; }
    public string? School { get; private set; }
    public string? Status { get; private set; }
    public string? Cursor { get; private set; }
    public bool Listed { get; private set; }

    public bool Filtered => Q is { Length: > 0 } || School is { Length: > 0 } || Status is { Length: > 0 };

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? q, string? school, string? status, string? cursor)
    {
        var ct = HttpContext.RequestAborted;
        Programme = await Sender.Send(new GetProgramme(programmeId), ct);
        if (Programme is null) return NotFound();
        (Q, School, Cursor) = (string.IsNullOrWhiteSpace(q) ? null : q.Trim(), string.IsNullOrWhiteSpace(school) ? null : school.Trim(), cursor);
        if (Q is not null && (Q.Length > 50 || TextRule.Problem(Q) is not null))
        {
            ModelState.AddModelError("q", PageText.T("请输入学生编号或姓名中的几个字（最多 50 个字符）。", "Type the student's code or part of the name (at most 50 characters)."));
            return Page();
        }
        Status = status is { Length: > 0 } && StudentText.Statuses.Contains(status) ? status : null;
        if (School is not null && (School.Length > 100 || TextRule.Problem(School) is not null))
        {
            ModelState.AddModelError("school", PageText.T("学校名称最多 100 个字符。", "A school's name has at most 100 characters."));
            return Page();
        }
        Page<StudentView> page;
        try
        {
            page = await Sender.Send(new ListStudents(programmeId, School, Status, PageSize, cursor, Q), ct);
        }
        catch (InputException) when (cursor is not null)
        {
            ModelState.AddModelError("", PageText.T("页码链接无效，已显示第一页。", "That page link is not valid; this is the first page."));
            Cursor = null;
            page = await Sender.Send(new ListStudents(programmeId, School, Status, PageSize, null, Q), ct);
        }
        (Students, NextCursor, Listed) = (page.Items, page.NextCursor, true);
        return Page();
    }

    /// <summary>This list's address with the current filters, on the page after <paramref name="cursor"/>.</summary>
    public string Link(string? cursor = null, string? school = null)
    {
        var query = new List<KeyValuePair<string, string?>>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add(new(name, value)); }
        Add("q", Q);
        Add("school", school ?? School);
        Add("status", Status);
        Add("cursor", cursor);
        return $"/console/{Programme!.Id}/students{QueryString.Create(query)}";
    }
}
