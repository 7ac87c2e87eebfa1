using System.Text.Json;
using Aid.Api.Pages.Console.Audit;
using Aid.Application.Auditing;

namespace Aid.Api.Pages.Audit;

/// <summary>The auditor area's words: its own audit records (what was opened) and the kinds of exceptions; the rest as the console says it.</summary>
public static class AuditAreaText
{
    public static string Action(string action) => action switch
    {
        "RecordAuditorAccess" => PageText.T("审计查阅", "Audit access"),
        _ => AuditText.Action(action),
    };

    public static string Opened(string code) => code switch
    {
        "programme" => PageText.T("项目审计首页", "the programme's audit page"),
        "audit-trail" => PageText.T("审计记录与验证", "the audit trail and its verification"),
        "receipt-numbers" => PageText.T("收据编号核对", "the receipt number reconciliation"),
        "exceptions" => PageText.T("例外事项", "the exceptions"),
        "statement-pdf" => PageText.T("年度报表（PDF）", "the annual statement (PDF)"),
        "statement-csv-zip" => PageText.T("年度报表（CSV，ZIP）", "the annual statement (CSV, ZIP)"),
        "statement-xlsx" => PageText.T("年度报表（XLSX）", "the annual statement (XLSX)"),
        "audit-pack" => PageText.T("审计包（ZIP）", "the audit pack (ZIP)"),
        _ => code,
    };

    /// <summary>A record's summary in words: what an auditor opened (and for which year), or as the console's audit page says it.</summary>
    public static string Summary(AuditRecord record, string currency)
    {
        if (record.Action == "RecordAuditorAccess")
        {
            try
            {
                using var document = JsonDocument.Parse(record.Summary);
                var root = document.RootElement;
                var opened = root.TryGetProperty("opened", out var o) && o.ValueKind == JsonValueKind.String ? Opened(o.GetString()!) : "—";
                return root.TryGetProperty("year", out var y) && y.ValueKind == JsonValueKind.Number
                    ? PageText.T($"打开了 {y.GetInt32()} 年的{opened}", $"Opened {opened} of {y.GetInt32()}")
                    : PageText.T($"打开了{opened}", $"Opened {opened}");
            }
            catch (JsonException)
            {
                return record.Summary;
            }
        }
        return string.Join(PageText.T("；", "; "), AuditText.Summary(record.Summary, currency));
    }

    public static string ExceptionKind(string kind) => kind switch
    {
        YearExceptionKinds.GiftReversed => PageText.T("捐赠冲销", "Gift reversed"),
        YearExceptionKinds.ReceiptVoided => PageText.T("收据作废", "Receipt voided"),
        YearExceptionKinds.PledgeCancelled => PageText.T("认捐取消", "Pledge cancelled"),
        YearExceptionKinds.PledgeWrittenOff => PageText.T("认捐核销", "Pledge written off"),
        YearExceptionKinds.DisbursementReversed => PageText.T("资助发放冲销", "Disbursement reversed"),
        YearExceptionKinds.StudentWithdrawn => PageText.T("学生退出", "Student withdrew"),
        _ => kind,
    };
}
