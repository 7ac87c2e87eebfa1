using Aid.Application.Common;
using Aid.Application.Gifts;

namespace Aid.Api.Pages.Console.Gifts;

/// <summary>The gift pages' codes in words (payment methods, valuation bases, kinds, statuses), Chinese first.</summary>
public static class GiftText
{
    public static IReadOnlyList<string> Methods { get; } = Codes.All<PaymentMethod>();

    public static IReadOnlyList<string> Bases { get; } = Codes.All<ValuationBasis>();

    public static string Method(string? code) => code switch
    {
        "bank_transfer" => PageText.T("银行转账", "Bank transfer"),
        "cash" => PageText.T("现金", "Cash"),
        "wechat_pay" => PageText.T("微信支付", "WeChat Pay"),
        "alipay" => PageText.T("支付宝", "Alipay"),
        "cheque" => PageText.T("支票", "Cheque"),
        null => "—",
        _ => code,
    };

    public static string Basis(string? code) => code switch
    {
        "invoice" => PageText.T("按发票金额", "Invoice value"),
        "fair_value" => PageText.T("按市场价估值", "Fair value"),
        "not_valued" => PageText.T("不估值", "Not valued"),
        null => "—",
        _ => code,
    };

    public static string Kind(string code) => code == "in_kind" ? PageText.T("实物", "In kind") : PageText.T("现金", "Cash");

    public static string Status(string code) => code == "reversed" ? PageText.Status("reversed") : PageText.T("已登记", "Recorded");
}
