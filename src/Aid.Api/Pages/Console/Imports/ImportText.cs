using Aid.Application.Imports;

namespace Aid.Api.Pages.Console.Imports;

/// <summary>The import pages' words: layouts, outcomes and statuses by the names people know them by, Chinese first.</summary>
public static class ImportText
{
    /// <summary>The layouts a person may choose on upload, in the order people meet them.</summary>
    public static IReadOnlyList<string> Formats => ImportFormats.All;

    public static string Format(string? format) => format switch
    {
        ImportFormats.AidTemplate => PageText.T("Aid 模板", "Aid template"),
        ImportFormats.WechatPersonal => PageText.T("微信支付个人账单", "WeChat Pay personal bill"),
        ImportFormats.WechatMerchant => PageText.T("微信支付商户账单", "WeChat Pay merchant bill"),
        ImportFormats.AlipayApp => PageText.T("支付宝", "Alipay"),
        ImportFormats.AlipayWeb => PageText.T("支付宝（旧版网页）", "Alipay (old web export)"),
        ImportFormats.AlipayEnterprise => PageText.T("支付宝企业账务明细", "Alipay business account statement"),
        ImportFormats.IcbcPersonal => PageText.T("工商银行", "ICBC"),
        ImportFormats.CcbPersonal => PageText.T("建设银行", "CCB"),
        ImportFormats.BankMapping => PageText.T("银行导出（列映射）", "Bank export (column mapping)"),
        ImportFormats.Camt053 => "camt.053",
        null or "" => "—",
        _ => format,
    };

    public static string Encoding(string? encoding) => encoding switch
    {
        "utf-8-bom" => PageText.T("UTF-8（带 BOM）", "UTF-8 (with BOM)"),
        "utf-8" => "UTF-8",
        "gb18030" => "GB18030",
        "xlsx" => "XLSX",
        "xls" => "XLS",
        "xml" => "XML",
        null or "" => "—",
        _ => encoding,
    };

    /// <summary>The filters shown as links above the rows, in the order a person works through them.</summary>
    public static IReadOnlyList<string> OutcomeFilters { get; } =
    [
        ImportOutcomes.NeedsDonor, ImportOutcomes.New, ImportOutcomes.Error, ImportOutcomes.Duplicate, ImportOutcomes.Refund,
        ImportOutcomes.Skipped, ImportOutcomes.Excluded, ImportOutcomes.Booked, ImportOutcomes.Reversed,
    ];

    public static string Outcome(string outcome) => outcome switch
    {
        ImportOutcomes.New => PageText.T("新捐赠", "New"),
        ImportOutcomes.NeedsDonor => PageText.T("待指定捐赠人", "Needs a donor"),
        ImportOutcomes.Duplicate => PageText.T("已登记（重复）", "Already recorded"),
        ImportOutcomes.Skipped => PageText.T("不是捐赠", "Not a gift"),
        ImportOutcomes.Refund => PageText.T("退款", "Refund"),
        ImportOutcomes.Error => PageText.T("有错误", "Error"),
        ImportOutcomes.Excluded => PageText.T("已排除", "Excluded"),
        ImportOutcomes.Booked => PageText.T("已入账", "Booked"),
        ImportOutcomes.Reversed => PageText.T("已冲销", "Reversed"),
        _ => outcome,
    };

    public static string Status(string status) => status switch
    {
        ImportStatuses.Previewed => PageText.T("待确认", "Previewed"),
        ImportStatuses.Committing => PageText.T("正在入账", "Booking"),
        ImportStatuses.Committed => PageText.T("已完成", "Committed"),
        ImportStatuses.Failed => PageText.T("入账中断", "Failed"),
        _ => status,
    };

    /// <summary>How a row's donor was found.</summary>
    public static string Match(string match) => match switch
    {
        "identity" or "code" or "email" => PageText.T("自动匹配", "matched"),
        "assigned" => PageText.T("已指定", "assigned"),
        "created" => PageText.T("新建", "new"),
        "anonymous" => PageText.T("匿名", "anonymous"),
        "suggested" => PageText.T("建议", "suggested"),
        _ => match,
    };

    /// <summary>The bar's text: "已入账 3 / 5".</summary>
    public static string Progress(ImportProgressView progress) =>
        PageText.T($"已入账 {progress.Booked} / {progress.Ready}", $"{progress.Booked} of {progress.Ready} booked");

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => PageText.T($"{bytes} 字节", $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MB"),
    };
}
