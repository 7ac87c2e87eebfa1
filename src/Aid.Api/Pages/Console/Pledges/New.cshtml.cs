using System.Globalization;
using System.Text;
using System.Text.Json;
using Aid.Api.Endpoints;
using Aid.Api.Pages.Console.Gifts;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Pipeline;
using Aid.Application.Pledges;
using Aid.Application.Programmes;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Pledges;

/// <summary>
/// Recording a pledge in two presses: "预览分期" reads the form, checks it by the API's request rules and the command's own rules,
/// and shows the instalments as <see cref="InstalmentSchedule"/> (the code the command runs) makes them; "确认保存" sends the
/// command. The preview carries the command it showed: a form changed after the preview is previewed again, never saved unseen.
/// The donor is found by name as on the gift form; the form's own key is the command's idempotency key (two presses, one pledge).
/// </summary>
public sealed class NewPledgeModel(
    BusinessClock clock, IdempotencyKey idempotency, IValidator<CreatePledgeRequest> requestRules, IValidator<CreatePledge> commandRules) : AidPageModel
{
    private const int DonorChoiceLimit = 20;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }
    public bool Searched { get; private set; }

    /// <summary>The instalments the form describes, once it was read without a problem (the preview step).</summary>
    public IReadOnlyList<ScheduledInstalment>? Preview { get; private set; }

    public bool Custom => Schedule == PledgeFrequencies.Custom;

    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public string? Q { get; set; }
    [BindProperty] public string? DonorId { get; set; }
    [BindProperty] public string? Total { get; set; }
    [BindProperty] public string? Schedule { get; set; }
    [BindProperty] public string? Count { get; set; }
    [BindProperty] public string? FirstDueDate { get; set; }
    [BindProperty] public string? Instalments { get; set; }

    /// <summary>The command the preview showed (as JSON): saving sends it only when the form still describes the same.</summary>
    [BindProperty] public string? Previewed { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? q, string? donorId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return NotFound();
        (Q, DonorId) = (q?.Trim(), donorId?.Trim());
        (Schedule, FirstDueDate) = (PledgeFrequencies.Yearly, clock.Today().ToString("yyyy-MM-dd"));
        FormKey = Guid.NewGuid().ToString();
        await LoadDonorsAsync();
        return Page();
    }

    /// <summary>Step one: read and check the form, show the instalments. Nothing is saved.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(Guid programmeId)
    {
        if (!await StartPostAsync(programmeId)) return NotFound();
        if (Read() is { } command) ShowPreview(command);
        await LoadDonorsAsync();
        return Page();
    }

    /// <summary>Step two: save what was previewed, then to the pledge with a flash (PRG).</summary>
    public async Task<IActionResult> OnPostSaveAsync(Guid programmeId)
    {
        if (!await StartPostAsync(programmeId)) return NotFound();
        var command = Read();
        if (command is not null && Describe(command) != Previewed)
        {
            // Changed since the preview (or never previewed): show what would be saved now.
            ShowPreview(command);
            if (Preview is not null)
                ModelState.AddModelError("", PageText.T("表单内容在预览后有改动：请核对下面更新后的分期，再点击“确认保存”。",
                    "The form changed after the preview: check the instalments below, then press 'Save' again."));
            command = null;
        }
        if (command is not null && await CreateAsync(command) is { } pledge)
        {
            var donor = DonorChoices.FirstOrDefault(d => d.Id == pledge.DonorId)?.Name
                        ?? (await Sender.Send(new GetDonor(pledge.DonorId), HttpContext.RequestAborted))?.Name;
            Flash = PageText.T($"已登记 {donor} 的认捐 {PageText.Money(pledge.Total, pledge.Currency)}，共 {pledge.Instalments.Count} 期。",
                $"The pledge of {PageText.Money(pledge.Total, pledge.Currency)} from {donor} is recorded: {pledge.Instalments.Count} instalment(s).");
            return Redirect($"/console/{programmeId}/pledges/{pledge.Id}");
        }
        await LoadDonorsAsync();
        return Page();
    }

    private async Task<bool> StartPostAsync(Guid programmeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return false;
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString(); // a form from elsewhere: it gets a key now
        Schedule = PledgeText.Schedules.Contains(Schedule ?? "") ? Schedule : null;
        return true;
    }

    /// <summary>The command's own rules, then the instalments it would write (the schedule code the command runs).</summary>
    private void ShowPreview(CreatePledge command)
    {
        var result = commandRules.Validate(command);
        foreach (var failure in result.Errors)
            AddOnce(Input(Field(failure.PropertyName)), PageText.Message(failure.ErrorMessage));
        if (!ModelState.IsValid) return;
        Preview = command.Regular is { } regular
            ? InstalmentSchedule.Build(command.Total, regular.Frequency, regular.Count, regular.FirstDueDate)
            : command.Instalments!.Select((i, n) => new ScheduledInstalment(n + 1, i.DueDate, i.Amount)).ToList();
        Previewed = Describe(command);
    }

    private static string Describe(CreatePledge command) => JsonSerializer.Serialize(command);

    /// <summary>The command the form describes, or null with a message beside every field that is not right.</summary>
    private CreatePledge? Read()
    {
        var programme = Programme!;
        Guid donorId = default;
        if (string.IsNullOrWhiteSpace(DonorId))
            ModelState.AddModelError(nameof(DonorId), PageText.T("请选择捐赠人（先在上面按名字查找）。", "Choose the donor (search by name above first)."));
        else if (!Guid.TryParse(DonorId, out donorId))
            ModelState.AddModelError(nameof(DonorId), PageText.T("请从查找结果中选择捐赠人。", "Choose the donor from the search results."));

        var totalProblem = AmountInput.TryAmount(Total, programme.Currency, out var total);
        if (totalProblem != InputProblem.None) ModelState.AddModelError(nameof(Total), AmountInput.AmountMessage(totalProblem));

        var request = new CreatePledgeRequest { DonorId = donorId == default ? null : donorId, ProgrammeId = programme.Id, Total = total };
        if (Schedule is null)
            ModelState.AddModelError(nameof(Schedule), PageText.T("请选择分期方式。", "Choose how the pledge is paid."));
        else if (!Custom)
        {
            int? count = null;
            var countText = Count?.Normalize(NormalizationForm.FormKC).Trim();
            if (string.IsNullOrEmpty(countText))
                ModelState.AddModelError(nameof(Count), PageText.T("请填写分几期，例如 3。", "Enter how many instalments, e.g. 3."));
            else if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > InstalmentSchedule.MaxInstalments)
                ModelState.AddModelError(nameof(Count), PageText.T($"期数须是 1 到 {InstalmentSchedule.MaxInstalments} 之间的整数。",
                    $"The number of instalments is a whole number from 1 to {InstalmentSchedule.MaxInstalments}."));
            else count = n;

            DateOnly? first = null;
            if (string.IsNullOrWhiteSpace(FirstDueDate))
                ModelState.AddModelError(nameof(FirstDueDate), PageText.T("请填写第一期的应付日期。", "Enter the day the first instalment is due."));
            else if (!GiftDates.TryRead(FirstDueDate, out var date))
                ModelState.AddModelError(nameof(FirstDueDate), GiftDates.FormatMessage());
            else first = date;
            request = request with { Frequency = Schedule, Count = count, FirstDueDate = first };
        }
        else request = request with { Instalments = ReadInstalments() };
        if (!ModelState.IsValid) return null;

        // The API's own request rules, for anything the friendlier checks above did not already say.
        foreach (var failure in requestRules.Validate(request).Errors)
            AddOnce(Input(Field(failure.PropertyName)), PageText.Message(failure.ErrorMessage));
        return ModelState.IsValid ? request.ToCommand() : null;
    }

    /// <summary>The listed instalments, one a line: a date, a space, an amount ("2024-09-01 1,000"); null with a message when a line is not right.</summary>
    private List<PledgeInstalmentRequest>? ReadInstalments()
    {
        var lines = (Instalments ?? "").Split('\n').Select(l => l.Normalize(NormalizationForm.FormKC).Trim()).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
        {
            ModelState.AddModelError(nameof(Instalments), PageText.T("请逐行填写每一期的日期和金额，例如“2024-09-01 1000”。", "List each instalment on its own line: a date and an amount, e.g. '2024-09-01 1000'."));
            return null;
        }
        if (lines.Count > InstalmentSchedule.MaxInstalments)
        {
            ModelState.AddModelError(nameof(Instalments), PageText.T($"最多 {InstalmentSchedule.MaxInstalments} 期。", $"At most {InstalmentSchedule.MaxInstalments} instalments."));
            return null;
        }
        var list = new List<PledgeInstalmentRequest>();
        for (var i = 0; i < lines.Count; i++)
        {
            var parts = lines[i].Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !GiftDates.TryRead(parts[0], out var due))
            {
                ModelState.AddModelError(nameof(Instalments), PageText.T($"第 {i + 1} 行：请先写日期（例如 2024-09-01），空一格再写金额。",
                    $"Line {i + 1}: a date first (e.g. 2024-09-01), then a space and the amount."));
                return null;
            }
            var problem = AmountInput.TryAmount(parts[1], Programme!.Currency, out var amount);
            if (problem != InputProblem.None)
            {
                ModelState.AddModelError(nameof(Instalments), PageText.T($"第 {i + 1} 行：", $"Line {i + 1}: ") + AmountInput.AmountMessage(problem));
                return null;
            }
            list.Add(new PledgeInstalmentRequest { DueDate = due, Amount = amount });
        }
        return list;
    }

    /// <summary>Sends the command with the form's key; a refusal lands beside its field.</summary>
    private async Task<PledgeView?> CreateAsync(CreatePledge command)
    {
        idempotency.Set($"page-pledge-{FormKey}");
        try
        {
            return await Sender.Send(command, HttpContext.RequestAborted);
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            ModelState.AddModelError("", PageText.T(
                "这张表单已经登记过一笔认捐，不能再用它登记另一笔。请在认捐列表中核对；如确实还有一笔，请再次预览并保存（表单已更新）。",
                "This form has already recorded a pledge and cannot record another. Check the pledge list; if there really is another, preview and save again (the form is renewed)."));
            FormKey = Guid.NewGuid().ToString();
        }
        catch (InputException e)
        {
            foreach (var (field, messages) in e.Errors)
            foreach (var message in messages)
                AddOnce(Input(field), PageText.Message(message));
        }
        catch (Exception e) when (e is ConflictException or ForbiddenException or NotFoundException)
        {
            ModelState.AddModelError("", PageText.Message(e.Message));
        }
        Preview = null;
        return null;
    }

    private void AddOnce(string input, string message)
    {
        if (input.Length > 0 && ModelState.TryGetValue(input, out var entry) && entry.Errors.Count > 0) return;
        ModelState.AddModelError(input, message);
    }

    /// <summary>The form's input for an application or request field (JSON name); "" for the top of the form.</summary>
    private string Input(string field) => field switch
    {
        "donorId" => nameof(DonorId),
        "total" => nameof(Total),
        "frequency" => Custom ? nameof(Instalments) : nameof(Schedule),
        "count" => Custom ? nameof(Instalments) : nameof(Count),
        "firstDueDate" => nameof(FirstDueDate),
        _ when field.StartsWith("instalments", StringComparison.OrdinalIgnoreCase) => nameof(Instalments),
        _ => "",
    };

    private static string Field(string propertyName)
    {
        var name = propertyName.StartsWith("Instalments", StringComparison.OrdinalIgnoreCase) ? "instalments" : propertyName.Split('.')[^1];
        return name.Length == 0 ? "" : char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>The donors matching the name searched for (one is chosen at once), and the chosen one when it is not among them.</summary>
    private async Task LoadDonorsAsync()
    {
        var ct = HttpContext.RequestAborted;
        var choices = new List<DonorView>();
        if (!string.IsNullOrEmpty(Q))
        {
            Searched = true;
            if (Q.Length > 100 || TextRule.Problem(Q) is not null)
                ModelState.AddModelError(nameof(Q), PageText.T("请输入捐赠人名字中的几个字（最多 100 个字符）。", "Type part of the donor's name (at most 100 characters)."));
            else
            {
                var found = await Sender.Send(new ListDonors(Q, null, DonorChoiceLimit, null), ct);
                choices.AddRange(found.Items);
                MoreDonorChoices = found.NextCursor is not null;
            }
        }
        if (Guid.TryParse(DonorId, out var chosen) && choices.All(d => d.Id != chosen))
        {
            if (await Sender.Send(new GetDonor(chosen), ct) is { } donor) choices.Insert(0, donor);
            else DonorId = null;
        }
        if (choices.Count == 1 && string.IsNullOrEmpty(DonorId)) DonorId = choices[0].Id.ToString();
        DonorChoices = choices;
    }
}
