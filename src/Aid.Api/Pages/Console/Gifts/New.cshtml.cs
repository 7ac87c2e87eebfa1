using Aid.Api.Endpoints;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Pledges;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Basis = Aid.Application.Gifts.ValuationBasis;

namespace Aid.Api.Pages.Console.Gifts;

/// <summary>
/// Recording a cash gift or goods: the donor found by name (a plain GET search above the form, no script), the amount typed as
/// people type it and made strict here (<see cref="AmountInput"/>), every refusal beside its field. The form carries a key of its
/// own (a GUID made when it is shown) sent as the command's idempotency key: pressing the button twice records one gift.
/// The API's request rules (<see cref="RecordGiftRequest"/>) run here too, so a rule holds on both or on neither.
/// </summary>
public sealed class NewGiftModel(BusinessClock clock, IdempotencyKey idempotency, IValidator<RecordGiftRequest> requestRules) : AidPageModel
{
    private const int DonorChoiceLimit = 20;

    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<DonorView> DonorChoices { get; private set; } = [];
    public bool MoreDonorChoices { get; private set; }
    public bool Searched { get; private set; }
    public Guid? ExistingGiftId { get; private set; }

    public bool InKind => Kind == "in_kind";

    [BindProperty] public string? FormKey { get; set; }
    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public string? Q { get; set; }
    [BindProperty] public string? DonorId { get; set; }
    [BindProperty] public string? ReceivedOn { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? Method { get; set; }
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public string? Description { get; set; }
    [BindProperty] public string? Quantity { get; set; }
    [BindProperty] public string? Unit { get; set; }
    [BindProperty] public string? ValuationBasis { get; set; }
    [BindProperty] public string? Value { get; set; }
    [BindProperty] public string? PledgeId { get; set; }

    /// <summary>The open pledge this gift pays towards (the form was opened from the pledge's page), or null.</summary>
    public PledgeView? Pledge { get; private set; }

    /// <summary>The form named a pledge that cannot take money (closed, elsewhere): no form is offered, so nothing is recorded without it.</summary>
    public bool PledgeRefused { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid programmeId, string? kind, string? q, string? donorId, string? pledgeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return NotFound();
        (Kind, Q, DonorId, PledgeId) = (kind == "in_kind" ? "in_kind" : "cash", q?.Trim(), donorId?.Trim(), pledgeId?.Trim());
        if (!await LoadPledgeAsync()) return Page();
        (ReceivedOn, Method, ValuationBasis) = (clock.Today().ToString("yyyy-MM-dd"), PaymentMethod.BankTransfer.Code(), Basis.Invoice.Code());
        FormKey = Guid.NewGuid().ToString();
        await LoadDonorsAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid programmeId)
    {
        Programme = await Sender.Send(new GetProgramme(programmeId), HttpContext.RequestAborted);
        if (Programme is null) return NotFound();
        Kind = Kind == "in_kind" ? "in_kind" : "cash";
        if (!Guid.TryParse(FormKey, out _)) FormKey = Guid.NewGuid().ToString(); // a form from elsewhere: it gets a key now
        if (!await LoadPledgeAsync())
        {
            await LoadDonorsAsync();
            return Page();
        }

        var command = Read();
        if (command is not null && await RecordAsync(command) is { } gift)
        {
            var donor = DonorChoicesName(gift.DonorId) ?? (await Sender.Send(new GetDonor(gift.DonorId), HttpContext.RequestAborted))?.Name;
            Flash = InKind
                ? PageText.T($"已登记 {donor} 捐赠的物资（{gift.Description}，价值 {PageText.Money(gift.Amount, gift.Currency)}）。",
                    $"Goods from {donor} are recorded ({gift.Description}, value {PageText.Money(gift.Amount, gift.Currency)}).")
                : PageText.T($"已登记 {donor} 的捐赠 {PageText.Money(gift.Amount, gift.Currency)}。",
                    $"The gift of {PageText.Money(gift.Amount, gift.Currency)} from {donor} is recorded.");
            return Redirect($"/console/{programmeId}/gifts/{gift.Id}");
        }
        await LoadDonorsAsync();
        return Page();
    }

    /// <summary>The command the form describes, or null with a message beside every field that is not right.</summary>
    private RecordGift? Read()
    {
        var programme = Programme!;
        Guid donorId = default;
        if (string.IsNullOrWhiteSpace(DonorId))
            ModelState.AddModelError(nameof(DonorId), PageText.T("请选择捐赠人（先在上面按名字查找）。", "Choose the donor (search by name above first)."));
        else if (!Guid.TryParse(DonorId, out donorId))
            ModelState.AddModelError(nameof(DonorId), PageText.T("请从查找结果中选择捐赠人。", "Choose the donor from the search results."));

        DateOnly receivedOn = default;
        if (string.IsNullOrWhiteSpace(ReceivedOn))
            ModelState.AddModelError(nameof(ReceivedOn), PageText.T("请填写到账日期。", "Enter the day it arrived."));
        else if (!GiftDates.TryRead(ReceivedOn, out receivedOn))
            ModelState.AddModelError(nameof(ReceivedOn), GiftDates.FormatMessage());
        else if (receivedOn > clock.Today())
            ModelState.AddModelError(nameof(ReceivedOn), PageText.T("到账日期不能晚于今天：捐赠到账后再登记。", "The day it arrived cannot be after today: record a gift once it is here."));
        else if (receivedOn < programme.StartDate || receivedOn > programme.EndDate)
            ModelState.AddModelError(nameof(ReceivedOn), PageText.T(
                $"到账日期须在项目期间之内（{programme.StartDate:yyyy-MM-dd} 至 {programme.EndDate:yyyy-MM-dd}）。",
                $"The day it arrived must be within the programme's dates ({programme.StartDate:yyyy-MM-dd} to {programme.EndDate:yyyy-MM-dd})."));

        var reference = string.IsNullOrWhiteSpace(Reference) ? null : Reference.Trim();
        if (reference is not null && (reference.Length > 100 || TextRule.Problem(reference) is not null))
            ModelState.AddModelError(nameof(Reference), PageText.T("参考号最多 100 个字符，且不能含控制字符。", "A reference has at most 100 characters and no control characters."));

        var request = new RecordGiftRequest
        {
            ProgrammeId = programme.Id, DonorId = donorId == default ? null : donorId, ReceivedOn = receivedOn == default ? null : receivedOn,
            Kind = Kind, Reference = reference, PledgeId = Pledge?.Id,
        };
        if (!InKind)
        {
            var method = Codes.TryParse<PaymentMethod>(Method, out var m) ? m : (PaymentMethod?)null;
            if (method is null) ModelState.AddModelError(nameof(Method), PageText.T("请选择收款方式。", "Choose how it was paid."));
            else if (method != PaymentMethod.Cash && reference is null)
                ModelState.AddModelError(nameof(Reference), PageText.T(
                    "请填写交易流水号（银行转账、微信支付、支付宝和支票都有），它也能防止同一笔捐赠登记两次。",
                    "Enter the transaction reference (bank transfers, WeChat Pay, Alipay and cheques all have one); it also keeps a gift from being recorded twice."));
            var amountProblem = AmountInput.TryAmount(Amount, programme.Currency, out var amount);
            if (amountProblem != InputProblem.None) ModelState.AddModelError(nameof(Amount), AmountInput.AmountMessage(amountProblem));
            request = request with { Amount = amount, Method = method?.Code() };
        }
        else
        {
            var description = Description?.Trim();
            if (string.IsNullOrEmpty(description))
                ModelState.AddModelError(nameof(Description), PageText.T("请写明收到了什么物品，例如“冬季校服”。", "Say what was received, e.g. 'winter school uniforms'."));
            else if (description.Length > 500 || TextRule.Problem(description, multiline: true) is not null)
                ModelState.AddModelError(nameof(Description), PageText.T("物品说明最多 500 个字符，且不能含控制字符。", "A description has at most 500 characters and no control characters."));
            var quantityProblem = AmountInput.TryQuantity(Quantity, out var quantity);
            if (quantityProblem != InputProblem.None) ModelState.AddModelError(nameof(Quantity), AmountInput.QuantityMessage(quantityProblem));
            var unit = Unit?.Trim();
            if (string.IsNullOrEmpty(unit))
                ModelState.AddModelError(nameof(Unit), PageText.T("请填写单位，例如“套”“箱”“本”。", "Enter the unit, e.g. sets, boxes, books."));
            else if (unit.Length > 20 || TextRule.Problem(unit) is not null)
                ModelState.AddModelError(nameof(Unit), PageText.T("单位最多 20 个字符。", "A unit has at most 20 characters."));
            var basis = Codes.TryParse<Basis>(ValuationBasis, out var b) ? b : (Basis?)null;
            string? value = null;
            if (basis is null) ModelState.AddModelError(nameof(ValuationBasis), PageText.T("请选择估值方式。", "Choose how the goods are valued."));
            else if (basis == Basis.NotValued)
            {
                if (!string.IsNullOrWhiteSpace(Value))
                    ModelState.AddModelError(nameof(Value), PageText.T("选择“不估值”时请不要填写价值。", "Goods not valued have no value: leave it empty."));
            }
            else
            {
                var valueProblem = AmountInput.TryAmount(Value, programme.Currency, out var normal);
                if (valueProblem != InputProblem.None) ModelState.AddModelError(nameof(Value), AmountInput.AmountMessage(valueProblem));
                value = normal;
            }
            request = request with
            {
                Description = description, Quantity = quantityProblem == InputProblem.None ? quantity : null, Unit = unit,
                ValuationBasis = basis?.Code(), Value = value,
            };
        }
        if (!ModelState.IsValid) return null;

        // The API's own request rules, for anything the friendlier checks above did not already say.
        var result = requestRules.Validate(request);
        foreach (var failure in result.Errors)
        {
            var input = Input(ValidationRulesField(failure.PropertyName));
            if (input.Length > 0 && ModelState.TryGetValue(input, out var entry) && entry.Errors.Count > 0) continue;
            ModelState.AddModelError(input, PageText.Message(failure.ErrorMessage));
        }
        return ModelState.IsValid ? request.ToCommand() : null;
    }

    /// <summary>Sends the command with the form's key; a refusal lands beside its field.</summary>
    private async Task<GiftView?> RecordAsync(RecordGift command)
    {
        idempotency.Set($"page-gift-{FormKey}");
        try
        {
            return await Sender.Send(command, HttpContext.RequestAborted);
        }
        catch (ConflictException e) when (e.Details.ContainsKey("idempotencyKey"))
        {
            // This form already recorded a gift and came back changed (the browser's back button): it records nothing else.
            ModelState.AddModelError("", PageText.T(
                "这张表单已经登记过一笔捐赠，不能再用它登记另一笔。请在捐赠记录中核对；如确实还有一笔，请再次点击“登记”（表单已更新）。",
                "This form has already recorded a gift and cannot record another. Check the gift list; if there really is another gift, press the button again (the form is renewed)."));
            FormKey = Guid.NewGuid().ToString();
        }
        catch (ConflictException e) when (e.Details.TryGetValue("existingGiftId", out var existing))
        {
            ModelState.AddModelError(nameof(Reference), PageText.T("本项目已登记过这个参考号的捐赠：同一笔捐赠不能登记两次。", "A gift with this reference is already recorded in this programme: a gift is recorded once."));
            ExistingGiftId = existing as Guid?;
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

    /// <summary>The form's input for an application field (JSON name); "" for the top of the form.</summary>
    private static string Input(string field) => field switch
    {
        "donorId" => nameof(DonorId),
        "receivedOn" => nameof(ReceivedOn),
        "amount" => nameof(Amount),
        "method" => nameof(Method),
        "reference" => nameof(Reference),
        "description" => nameof(Description),
        "quantity" => nameof(Quantity),
        "unit" => nameof(Unit),
        "valuationBasis" => nameof(ValuationBasis),
        "value" => nameof(Value),
        _ => "",
    };

    private static string ValidationRulesField(string propertyName)
    {
        var name = propertyName.Split('.')[^1];
        return name.Length == 0 ? "" : char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>This form for the other kind of gift, keeping the donor search.</summary>
    public string KindLink(bool inKind)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (inKind) query.Add(new("kind", "in_kind"));
        if (!string.IsNullOrEmpty(Q)) query.Add(new("q", Q));
        if (Guid.TryParse(DonorId, out var donor)) query.Add(new("donorId", donor.ToString()));
        return $"/console/{Programme!.Id}/gifts/new{QueryString.Create(query)}";
    }

    private string? DonorChoicesName(Guid id) => DonorChoices.FirstOrDefault(d => d.Id == id)?.Name;

    /// <summary>
    /// The pledge named by the form, which must be an open pledge of this programme: it fixes the donor and the kind (pledges are
    /// paid in money). False, with a message, when it is not one.
    /// </summary>
    private async Task<bool> LoadPledgeAsync()
    {
        if (string.IsNullOrEmpty(PledgeId)) return true;
        var pledge = Guid.TryParse(PledgeId, out var id) ? await Sender.Send(new GetPledge(id), HttpContext.RequestAborted) : null;
        if (pledge is null || pledge.ProgrammeId != Programme!.Id || pledge.Status != "open")
        {
            ModelState.AddModelError("", PageText.T("这笔认捐不存在或已结束，不能再计入捐赠。请从认捐页面重新进入。",
                "That pledge does not exist or is closed: nothing more can be counted against it. Open it again from the pledges page."));
            (PledgeId, PledgeRefused) = (null, true);
            return false;
        }
        (Pledge, DonorId, Kind) = (pledge, pledge.DonorId.ToString(), "cash");
        return true;
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
