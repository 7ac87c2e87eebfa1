using System.Globalization;
using System.Text.Json;

namespace Aid.Api.Pages.Console.Audit;

/// <summary>An audit record in words: its action (the command's name), its subject and its summary (a JSON object the handler wrote).</summary>
public static class AuditText
{
    public static string Action(string action) => action switch
    {
        "RecordGift" => PageText.T("登记捐赠", "Recorded a gift"),
        "ReverseGift" => PageText.T("冲销捐赠", "Reversed a gift"),
        "DistributeGoods" => PageText.T("发放物资", "Distributed goods"),
        "CreateDonor" => PageText.T("添加捐赠人", "Added a donor"),
        "UpdateDonor" => PageText.T("修改捐赠人资料", "Edited a donor"),
        "CreatePledge" => PageText.T("登记认捐", "Recorded a pledge"),
        "CancelPledge" => PageText.T("取消认捐", "Cancelled a pledge"),
        "WriteOffPledge" => PageText.T("核销认捐", "Wrote off a pledge"),
        "CreateProgramme" => PageText.T("创建项目", "Created a programme"),
        "UpdateProgramme" => PageText.T("修改项目", "Edited a programme"),
        "RegisterStudent" => PageText.T("登记学生", "Registered a student"),
        "UpdateStudent" => PageText.T("修改学生资料", "Edited a student"),
        "RevealStudentIdNumber" => PageText.T("查看学生身份证号", "Revealed a student's ID number"),
        "CreateSponsorship" => PageText.T("建立结对资助", "Started a sponsorship"),
        "RequestDisbursement" => PageText.T("申请资助发放", "Requested a disbursement"),
        "ApproveDisbursement" => PageText.T("批准资助发放", "Approved a disbursement"),
        "RejectDisbursement" => PageText.T("驳回资助发放", "Rejected a disbursement"),
        "PayDisbursement" => PageText.T("支付资助", "Paid a disbursement"),
        "ReverseDisbursement" => PageText.T("冲销资助发放", "Reversed a disbursement"),
        "IssueReceipt" => PageText.T("开具收据", "Issued a receipt"),
        "VoidReceipt" => PageText.T("作废收据", "Voided a receipt"),
        "DownloadReceipt" => PageText.T("下载收据", "Downloaded a receipt"),
        "CreateReceiptRun" => PageText.T("开始批量开具收据", "Started a receipt run"),
        "ProcessReceiptRunChunk" => PageText.T("批量开具收据（一批）", "Receipt run: a chunk"),
        "RecordReceiptRunError" => PageText.T("批量开具收据出错", "Receipt run: an error"),
        "PreviewImport" => PageText.T("上传导入文件（预览）", "Uploaded an import file (preview)"),
        "UpdateImportRow" => PageText.T("修改导入行", "Changed an import line"),
        "CommitImport" => PageText.T("确认导入", "Committed an import"),
        "ProcessImportChunk" => PageText.T("导入入账（一批）", "Import: a chunk booked"),
        "RecordImportError" => PageText.T("导入出错", "Import: an error"),
        "SaveImportMapping" => PageText.T("保存导入列映射", "Saved an import column mapping"),
        "CreateUser" => PageText.T("添加用户", "Added a person"),
        "DisableUser" => PageText.T("停用用户", "Disabled a person"),
        "EnableUser" => PageText.T("启用用户", "Enabled a person"),
        "SetUserScope" => PageText.T("修改用户权限", "Changed a person's role"),
        "CreateApiKey" or "CreateUserKey" => PageText.T("创建 API 密钥", "Made an API key"),
        "RevokeApiKey" or "RevokeMyKey" => PageText.T("吊销 API 密钥", "Revoked an API key"),
        "SetSecurityPolicy" => PageText.T("修改安全策略", "Changed the security policy"),
        "RecordAuditorAccess" => PageText.T("审计查阅或下载", "Audit area: opened or downloaded"),
        "RecordRunZipDownload" => PageText.T("下载批量收据 ZIP（副本）", "Downloaded a receipt run's ZIP (copies)"),
        "ResendEmail" => PageText.T("重新发送邮件", "Sent an e-mail again"),
        "InviteDonor" => PageText.T("邀请捐赠人登录", "Invited a donor to sign in"),
        "RequestDonorSignInLink" => PageText.T("捐赠人索取登录链接", "A donor asked for a sign-in link"),
        "RequestAnnualReceipt" => PageText.T("捐赠人申请年度收据", "A donor asked for an annual receipt"),
        "SetMyEmailReceipts" => PageText.T("捐赠人设置邮件收据", "A donor set e-mail receipts"),
        "UpdateMyDetails" => PageText.T("捐赠人修改个人资料", "A donor edited their details"),
        _ => action,
    };

    public static string Entity(string? entity) => entity switch
    {
        null => "—",
        "gift" => PageText.T("捐赠", "Gift"),
        "donor" => PageText.T("捐赠人", "Donor"),
        "pledge" => PageText.T("认捐", "Pledge"),
        "programme" => PageText.T("项目", "Programme"),
        "student" => PageText.T("学生", "Student"),
        "sponsorship" => PageText.T("结对资助", "Sponsorship"),
        "disbursement" => PageText.T("资助发放", "Disbursement"),
        "receipt" => PageText.T("收据", "Receipt"),
        "receipt_run" => PageText.T("批量开具收据", "Receipt run"),
        "user" => PageText.T("用户", "Person"),
        "api_key" => PageText.T("API 密钥", "API key"),
        "goods_distribution" => PageText.T("物资发放", "Goods distribution"),
        "email" => PageText.T("电子邮件", "E-mail"),
        "import" => PageText.T("导入", "Import"),
        "import_mapping" => PageText.T("导入列映射", "Import column mapping"),
        _ => entity,
    };

    private static string Key(string key) => key switch
    {
        "number" => PageText.T("编号", "number"),
        "reason" => PageText.T("原因", "reason"),
        "amount" => PageText.T("金额", "amount"),
        "total" => PageText.T("合计", "total"),
        "kind" => PageText.T("类型", "kind"),
        "year" => PageText.T("年份", "year"),
        "voided" => PageText.T("作废", "voided"),
        "reissuedAs" => PageText.T("重开为", "reissued as"),
        "downloaded" => PageText.T("下载次数", "downloads"),
        "mark" => PageText.T("标记", "mark"),
        "issued" => PageText.T("开具", "issued"),
        "finished" => PageText.T("完成", "finished"),
        "status" => PageText.T("状态", "status"),
        "reference" => PageText.T("参考号", "reference"),
        "receivedOn" => PageText.T("到账日期", "received on"),
        "name" => PageText.T("名称", "name"),
        "role" => PageText.T("角色", "role"),
        "method" => PageText.T("方式", "method"),
        "code" => PageText.T("代码", "code"),
        "region" => PageText.T("地区", "region"),
        "partner" => PageText.T("合作方", "partner"),
        "currency" => PageText.T("币种", "currency"),
        "startDate" => PageText.T("开始日期", "start"),
        "endDate" => PageText.T("结束日期", "end"),
        "annualStandard" => PageText.T("年度标准", "annual standard"),
        "target" => PageText.T("目标", "target"),
        "createdAt" => PageText.T("创建时间", "created"),
        "description" => PageText.T("说明", "description"),
        "quantity" => PageText.T("数量", "quantity"),
        "unit" => PageText.T("单位", "unit"),
        "value" => PageText.T("价值", "value"),
        "error" => PageText.T("错误", "error"),
        "failed" => PageText.T("失败", "failed"),
        "by" => PageText.T("操作者", "by"),
        "opened" => PageText.T("查阅", "opened"),
        "copies" => PageText.T("副本数", "copies"),
        "zipDownloaded" => PageText.T("下载 ZIP", "ZIP downloaded"),
        "resent" => PageText.T("重新发送", "sent again"),
        "previousStatus" => PageText.T("原状态", "previous status"),
        "invited" => PageText.T("已邀请", "invited"),
        "emailed" => PageText.T("已发邮件", "e-mailed"),
        "emailReceipts" => PageText.T("邮件收据", "e-mail receipts"),
        "accountCreated" => PageText.T("新建账户", "account created"),
        "booked" => PageText.T("入账笔数", "booked"),
        "duplicates" => PageText.T("重复笔数", "duplicates"),
        "firstRow" => PageText.T("起始行", "first row"),
        "lastRow" => PageText.T("结束行", "last row"),
        "previewed" => PageText.T("已预览", "previewed"),
        "commit" => PageText.T("确认", "commit"),
        "ready" => PageText.T("待入账笔数", "ready to book"),
        "rows" => PageText.T("行数", "rows"),
        "new" => PageText.T("新增笔数", "new"),
        "errors" => PageText.T("错误笔数", "errors"),
        "totalToBook" => PageText.T("待入账金额", "total to book"),
        "format" => PageText.T("格式", "format"),
        "encoding" => PageText.T("编码", "encoding"),
        "fileSize" => PageText.T("文件大小（字节）", "file size (bytes)"),
        "fileSha256" => PageText.T("文件 SHA-256", "file SHA-256"),
        "row" => PageText.T("行", "row"),
        "action" => PageText.T("操作", "action"),
        "updated" => PageText.T("更新行数", "lines updated"),
        _ => key,
    };

    /// <summary>The summary as "key: value" parts (ids and nulls left out, they say nothing to a reader); the raw text when it is not an object.</summary>
    public static IReadOnlyList<string> Summary(string summary, string currency = "CNY")
    {
        try
        {
            using var document = JsonDocument.Parse(summary);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return [summary];
            var parts = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null) continue;
                if (property.Value.ValueKind == JsonValueKind.String && Guid.TryParse(property.Value.GetString(), out _)) continue;
                parts.Add($"{Key(property.Name)}{PageText.T("：", ": ")}{Value(property.Name, property.Value, currency)}");
            }
            return parts;
        }
        catch (JsonException)
        {
            return [summary];
        }
    }

    /// <summary>A value in words: codes of kinds, methods and statuses named, amounts as money; anything else as written.</summary>
    private static string Value(string key, JsonElement value, string currency)
    {
        if (value.ValueKind != JsonValueKind.String) return Value(value);
        var text = value.GetString()!;
        return key switch
        {
            "amount" or "total" or "value" or "annualStandard" or "target" or "totalToBook" when Aid.Application.Common.Money.TryParse(text, out var minor, out _)
                => PageText.Money(minor, currency),
            "kind" => text switch
            {
                "gift" => PageText.T("单笔", "single gift"),
                "annual" => PageText.T("年度", "annual"),
                "cash" => PageText.T("现金", "cash"),
                "in_kind" => PageText.T("实物", "goods"),
                "per-gift" => PageText.T("每笔捐赠一张", "one per gift"),
                _ => text,
            },
            "method" => Gifts.GiftText.Method(text),
            "status" => PageText.Status(text),
            "action" => text switch // what was done to an import line
            {
                "assigned" => PageText.T("指定捐赠人", "donor assigned"),
                "created" => PageText.T("新建捐赠人", "donor created"),
                "anonymous" => PageText.T("记为匿名捐赠人", "anonymous donor"),
                "exclude" => PageText.T("不导入", "excluded"),
                "include" => PageText.T("恢复导入", "included again"),
                "reverse" => PageText.T("冲销原捐赠", "gift reversed"),
                _ => text,
            },
            "mark" => text switch
            {
                "original" => PageText.T("原件", "original"),
                "copy" => PageText.T("副本", "copy"),
                "void" => PageText.T("作废", "void"),
                _ => text,
            },
            _ => text,
        };
    }

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => PageText.T("是", "yes"),
        JsonValueKind.False => PageText.T("否", "no"),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => string.Join(PageText.T("、", ", "), value.EnumerateArray().Select(Value)),
        _ => value.GetRawText(),
    };

    /// <summary>A short form of a long id, for reading: its last 8 characters (the first ones of a v7 GUID are the time, shared by many).</summary>
    public static string Short(string? id) => id is { Length: > 8 } ? "…" + id[^8..] : id ?? "—";

    public static string Instant(DateTimeOffset moment) =>
        moment.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
