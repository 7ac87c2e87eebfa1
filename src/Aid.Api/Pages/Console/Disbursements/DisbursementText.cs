namespace Aid.Api.Pages.Console.Disbursements;

/// <summary>The disbursement pages' words for codes.</summary>
public static class DisbursementText
{
    public static readonly string[] Channels = ["bank_card", "aid_card", "school_account"];

    public static string Channel(string code) => code switch
    {
        "bank_card" => PageText.T("银行卡", "Bank card"),
        "aid_card" => PageText.T("资助卡", "Aid card"),
        "school_account" => PageText.T("学校账户", "School account"),
        _ => code,
    };
}
