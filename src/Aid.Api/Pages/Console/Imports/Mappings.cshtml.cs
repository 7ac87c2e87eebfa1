using Aid.Application.Common;
using Aid.Application.Imports;
using Aid.Application.Programmes;
using Microsoft.AspNetCore.Mvc;

namespace Aid.Api.Pages.Console.Imports;

/// <summary>
/// A programme's saved column mappings for corporate bank exports Aid has no layout for: which column holds the date, the money
/// in, the payer. Saving under a name that exists replaces it. Uploads then choose the mapping by name.
/// </summary>
public sealed class ImportMappingsModel : AidPageModel
{
    public ProgrammeView? Programme { get; private set; }
    public IReadOnlyList<ImportMappingView> Mappings { get; private set; } = [];

    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Date { get; set; }
    [BindProperty] public string? Time { get; set; }
    [BindProperty] public string? Credit { get; set; }
    [BindProperty] public string? Debit { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? PayerName { get; set; }
    [BindProperty] public string? PayerAccount { get; set; }
    [BindProperty] public string? Reference { get; set; }
    [BindProperty] public string? Memo { get; set; }
    [BindProperty] public string? Balance { get; set; }
    [BindProperty] public string? DateFormat { get; set; }

    /// <summary>The form's columns: the input's name, its label, a hint.</summary>
    public static IReadOnlyList<(string Field, string Label, string Hint)> Columns => [
        (nameof(Date), PageText.T("日期列（必填）", "Date column (required)"), PageText.T("例如“交易日期”", "e.g. 交易日期")),
        (nameof(Time), PageText.T("时间列", "Time column"), PageText.T("日期与时间分两列时填写", "when the time has its own column")),
        (nameof(Credit), PageText.T("收入（贷方）金额列", "Money in (credit) column"), PageText.T("例如“贷方发生额”；与“带符号金额列”二选一", "e.g. 贷方发生额; or a signed amount column")),
        (nameof(Debit), PageText.T("支出（借方）金额列", "Money out (debit) column"), PageText.T("例如“借方发生额”", "e.g. 借方发生额")),
        (nameof(Amount), PageText.T("带符号金额列", "Signed amount column"), PageText.T("收入为正、支出为负的一列", "one column, money in positive")),
        (nameof(PayerName), PageText.T("付款人户名列", "Payer name column"), PageText.T("例如“对方户名”", "e.g. 对方户名")),
        (nameof(PayerAccount), PageText.T("付款人账号列", "Payer account column"), PageText.T("例如“对方账号”", "e.g. 对方账号")),
        (nameof(Reference), PageText.T("流水号列", "Reference column"), PageText.T("例如“交易流水号”；用来防止重复登记", "e.g. 交易流水号; keeps a payment from being booked twice")),
        (nameof(Memo), PageText.T("摘要 / 附言列", "Memo column"), PageText.T("例如“摘要”或“用途”", "e.g. 摘要 or 用途")),
        (nameof(Balance), PageText.T("余额列", "Balance column"), PageText.T("可不填", "optional")),
        (nameof(DateFormat), PageText.T("日期格式", "Date format"), PageText.T("例如 yyyyMMdd、yyyy-MM-dd；不填则自动尝试常见格式", "e.g. yyyyMMdd, yyyy-MM-dd; empty tries the common ones")),
    ];

    public string? Value(string field) => field switch
    {
        nameof(Date) => Date, nameof(Time) => Time, nameof(Credit) => Credit, nameof(Debit) => Debit, nameof(Amount) => Amount,
        nameof(PayerName) => PayerName, nameof(PayerAccount) => PayerAccount, nameof(Reference) => Reference, nameof(Memo) => Memo,
        nameof(Balance) => Balance, nameof(DateFormat) => DateFormat, _ => null,
    };

    public async Task<IActionResult> OnGetAsync(Guid? programme) => await LoadAsync(programme) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid? programme)
    {
        if (!await LoadAsync(programme)) return NotFound();
        if (string.IsNullOrWhiteSpace(Name)) ModelState.AddModelError(nameof(Name), PageText.T("请为这个映射起一个名字，例如“工行对公”。", "Name the mapping, e.g. 'ICBC business'."));
        if (string.IsNullOrWhiteSpace(Date)) ModelState.AddModelError(nameof(Date), PageText.T("请填写日期所在列的列名。", "Enter the name of the date column."));
        if (Blank(Credit) is null && Blank(Amount) is null)
            ModelState.AddModelError(nameof(Credit), PageText.T("请填写收入（贷方）金额列，或带符号金额列。", "Enter the money-in (credit) column, or a signed amount column."));
        if (!ModelState.IsValid) return Page();

        var mapping = new ColumnMapping
        {
            Date = Date!.Trim(), Time = Blank(Time), Credit = Blank(Credit), Debit = Blank(Debit), Amount = Blank(Amount), PayerName = Blank(PayerName),
            PayerAccount = Blank(PayerAccount), Reference = Blank(Reference), Memo = Blank(Memo), Balance = Blank(Balance), DateFormat = Blank(DateFormat),
        };
        var saved = await TrySendAsync(new SaveImportMapping(Programme!.Id, Name!.Trim(), mapping),
            ("name", nameof(Name)), ("mapping.date", nameof(Date)), ("mapping.credit", nameof(Credit)));
        if (saved is null)
        {
            Mappings = await Sender.Send(new ListImportMappings(Programme.Id), HttpContext.RequestAborted);
            return Page();
        }
        Flash = PageText.T($"已保存列映射“{saved.Name}”。上传银行导出文件时可以选择它。", $"The mapping '{saved.Name}' is saved. Choose it when uploading a bank export.");
        return Redirect($"/console/imports/mappings?programme={Programme.Id}");
    }

    private async Task<bool> LoadAsync(Guid? programmeId)
    {
        var ct = HttpContext.RequestAborted;
        if (programmeId is { } id) Programme = await Sender.Send(new GetProgramme(id), ct);
        else Programme = (await Sender.Send(new ListProgrammes(null, null, 1, null), ct)).Items.FirstOrDefault();
        if (Programme is null) return false;
        Mappings = await Sender.Send(new ListImportMappings(Programme.Id), ct);
        return true;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
