using System.Text.RegularExpressions;

namespace Aid.Api.Infrastructure;

/// <summary>
/// The problem messages (field errors and <c>detail</c>) in Simplified Chinese: an exact entry for every fixed English
/// message, and a template for every message that carries values (codes, amounts, references, field names), whose values
/// stay as they are. <see cref="Translate"/> answers null for a message it does not know: the caller keeps the English.
/// Every template carries sample messages; the tests run each one and check that every message in src/ is covered.
/// </summary>
internal static class ChineseMessages
{
    /// <summary>The Chinese for <paramref name="english"/>, or null when the catalogue has no entry for it.</summary>
    public static string? Translate(string english)
    {
        if (Exact.TryGetValue(english, out var chinese)) return chinese;
        foreach (var template in Templates)
            if (template.Apply(english) is { } translated) return translated;
        return null;
    }

    /// <summary>A message with values: a regex over the whole English message and its Chinese, built from the match.</summary>
    internal sealed class Template
    {
        private readonly Func<Match, string?> _translate;

        public Template(string pattern, string replacement, params string[] samples) : this(pattern, m => m.Result(replacement), samples) { }

        public Template(string pattern, Func<Match, string?> translate, params string[] samples)
        {
            Pattern = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            _translate = translate;
            Samples = samples;
        }

        public Regex Pattern { get; }

        /// <summary>English messages the template must translate, one for each shape src/ builds (run by the tests).</summary>
        public IReadOnlyList<string> Samples { get; }

        public string? Apply(string english)
        {
            try
            {
                var match = Pattern.Match(english);
                return match.Success ? _translate(match) : null;
            }
            catch (RegexMatchTimeoutException)
            {
                return null;
            }
        }
    }

    internal static IReadOnlyDictionary<string, string> ExactEntries => Exact;

    internal static IReadOnlyList<Template> TemplateEntries => Templates;

    private static readonly Dictionary<string, string> Exact = new(StringComparer.Ordinal)
    {
        // Problem details and the messages of requests that cannot be read.
        ["One or more fields are invalid."] = "一个或多个字段无效。",
        ["The server's disk is full: nothing was written; free space and retry."] = "服务器磁盘已满：未写入任何内容；请释放空间后重试。",
        ["The request body is larger than allowed."] = "请求内容超过了允许的大小。",
        ["The request body could not be read."] = "无法读取请求内容。",
        ["The request could not be read."] = "无法读取该请求。",
        ["This property is not part of the request."] = "此属性不属于该请求。",
        ["The body is not valid JSON."] = "请求内容不是有效的 JSON。",
        ["The value has the wrong type or format."] = "该值的类型或格式不正确。",
        ["A JSON body is required."] = "需要提供 JSON 格式的请求内容。",
        ["Send a valid API key as 'Authorization: Bearer <key>'."] = "请以“Authorization: Bearer <key>”的形式发送有效的 API 密钥。",
        ["Your API key's role does not allow this."] = "您的 API 密钥所属角色无权执行此操作。",
        ["The Authorization header must be 'Bearer <api key>'."] = "Authorization 请求头必须为“Bearer <api key>”。",
        ["The API key is unknown or revoked."] = "该 API 密钥不存在或已被吊销。",
        ["This address has sent too many requests to this endpoint: wait before trying again."] =
            "此地址向该接口发送的请求过多，请稍候再试。",
        ["Too many failed attempts with this key from your address: wait before trying again. Valid keys are not affected."] =
            "您的地址使用此密钥验证失败的次数过多，请稍候再试。有效的密钥不受影响。",
        ["Idempotency-Key must be 1–200 printable ASCII characters without spaces."] =
            "Idempotency-Key 须为 1–200 个可打印的 ASCII 字符，且不含空格。",
        ["This Idempotency-Key was already used with a different request."] = "此 Idempotency-Key 已用于另一个不同的请求。",
        ["A request with this Idempotency-Key is still being processed; retry later."] = "使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。",
        ["The resource has changed since you read it (If-Match does not match its ETag): read it again and reapply your change."] =
            "该资源在您读取之后已被修改（If-Match 与其 ETag 不符）：请重新读取后再次修改。",

        // Amounts (Money.TryParse, MoneyAmountValidator and the rules that repeat its words).
        ["An amount is required, e.g. \"1000.00\"."] = "金额为必填项，例如 \"1000.00\"。",
        ["An amount is digits with an optional dot and at most two decimals, e.g. \"1000.00\" (no sign, exponent, separators or spaces)."] =
            "金额由数字组成，可带小数点，最多两位小数，例如 \"1000.00\"（不能带正负号、指数、分隔符或空格）。",
        ["An amount has at most two decimals."] = "金额最多保留两位小数。",
        ["An amount has no leading zeros."] = "金额不能以 0 开头。",
        ["The amount must be greater than zero."] = "金额必须大于零。",
        ["Every instalment must be at least 0.01."] = "每期分期金额至少为 0.01。",
        ["The instalments must add up to the total."] = "各期分期金额之和必须等于认捐总额。",
        ["Instalments are listed in due-date order."] = "分期须按到期日先后顺序列出。",
        ["An instalment cannot be null."] = "分期不能为 null。",
        ["A pledge has either a frequency or instalments."] = "认捐须指定 frequency 或列出 instalments，二者只能选其一。",
        ["frequency must be monthly, quarterly, yearly or term (or give instalments instead)."] =
            "frequency 必须是 monthly、quarterly、yearly 或 term（或者改为列出 instalments）。",
        ["Control characters are not allowed."] = "不允许包含控制字符。",
        ["cursor is not a cursor returned by this list."] = "cursor 不是此列表返回的游标。",

        // Gifts.
        ["receivedOn cannot be in the future: no gift is recorded before it arrives."] = "receivedOn 不能晚于今天：捐赠到账之前不能登记。",
        ["A gift is either cash or in kind."] = "捐赠要么是现金捐赠，要么是实物捐赠。",
        ["Goods not valued have no value."] = "未估值的物资不能填写价值。",
        ["reference cannot be blank."] = "reference 不能为空白。",
        ["excessAsGift applies only to a gift against a pledge."] = "excessAsGift 仅适用于履行认捐的捐赠。",
        ["A bank, WeChat Pay, Alipay or cheque gift needs its external reference (it also prevents recording it twice)."] =
            "银行转账、微信支付、支付宝或支票捐赠需要填写外部参考号（同时可防止重复登记）。",
        ["value is for in-kind gifts; a cash gift has an amount."] = "value 仅用于实物捐赠；现金捐赠请填写 amount。",
        ["An in-kind gift has a value, not an amount."] = "实物捐赠填写 value，而不是 amount。",
        ["Pledges are paid in cash."] = "认捐只能以现金捐赠履行。",
        ["No such pledge of this donor in this programme."] = "本项目中没有该捐赠人的这笔认捐。",
        ["The gift is already reversed."] = "这笔捐赠已冲销。",
        ["The gift is reversed."] = "这笔捐赠已冲销。",
        ["Some of these goods have already been handed out; they cannot be reversed."] = "这批物资已有部分分发出去，不能冲销。",
        ["Part of this gift has already paid for student aid; reverse those disbursements first."] =
            "这笔捐赠已有部分用于学生资助发放，请先冲销这些发放。",

        // Goods.
        ["No such gift."] = "没有这笔捐赠。",
        ["Only goods received in kind can be distributed."] = "只有实物捐赠的物资才能分发。",
        ["Goods cannot be handed out before they arrived."] = "物资不能在到达之前分发。",

        // Receipts.
        ["A receipt is either for one gift or annual."] = "收据要么针对单笔捐赠，要么是年度收据。",
        ["note: at most 200 characters."] = "备注最多 200 个字符。",
        ["The void receipt is already replaced by another receipt."] = "这张作废收据已被另一张收据取代。",
        ["Give giftId, or donorId and year."] = "请提供 giftId，或者提供 donorId 和 year。",
        ["Give either giftId or donorId and year, not both."] = "请只提供 giftId，或只提供 donorId 和 year，二者不能同时提供。",
        ["programmeId belongs to annual receipts."] = "programmeId 仅用于年度收据。",
        ["There is nothing to receipt."] = "没有需要开具收据的捐赠。",
        ["Only a message the mail server refused can be sent again."] = "只有被邮件服务器拒收的邮件才能重新发送。",
        ["Gifts in different currencies need separate receipts."] = "不同币种的捐赠需要分别开具收据。",
        ["A receipt is never issued for zero."] = "不会开具金额为零的收据。",
        ["None of the receipt's gifts can be receipted again (all reversed)."] = "该收据中的捐赠均已冲销，无法重新开具收据。",
        ["The gift is reversed: it cannot be receipted."] = "这笔捐赠已冲销，不能开具收据。",
        ["Goods not valued are acknowledged, not receipted: a receipt is never issued for zero."] =
            "未估值的物资只作确认、不开具收据：不会开具金额为零的收据。",
        ["A receipt run for this programme is still in progress."] = "本项目的批量开具收据任务仍在进行中。",
        ["Receipts cannot be issued: no CJK font is configured or installed."] = "无法开具收据：未配置或未安装中文（CJK）字体。",
        ["Receipt PDFs cannot be rendered: no CJK font is configured or installed."] = "无法生成收据 PDF：未配置或未安装中文（CJK）字体。",
        ["Statement PDFs cannot be rendered: no CJK font is configured or installed."] = "无法生成报表 PDF：未配置或未安装中文（CJK）字体。",

        // API keys.
        ["Managers and auditors are scoped to at least one programme."] = "经理和审计员必须至少限定一个项目。",
        ["Only managers and auditors are scoped to programmes."] = "只有经理和审计员才能限定项目。",
        ["A donor key needs the donorId it belongs to."] = "捐赠人密钥需要填写其所属捐赠人的 donorId。",
        ["Only donor keys have a donorId."] = "只有捐赠人密钥才有 donorId。",
        ["A key cannot revoke itself; use another admin key."] = "密钥不能吊销自身，请使用另一个管理员密钥。",

        // People (users), their sign-in and their keys.
        ["A donor needs the donorId of their donor record."] = "捐赠人用户需要填写其捐赠人记录的 donorId。",
        ["Only donors have a donorId."] = "只有捐赠人用户才有 donorId。",
        ["login must be an e-mail address."] = "login 必须是电子邮件地址。",
        ["A person with this login already exists."] = "已有用户使用此登录名。",
        ["You cannot disable yourself; ask another admin."] = "不能停用自己的账户，请联系另一位管理员。",
        ["You cannot take away your own admin role; ask another admin."] = "不能取消自己的管理员角色，请联系另一位管理员。",
        ["This is the only enabled admin: make another person admin first."] = "这是唯一启用中的管理员：请先将另一位用户设为管理员。",
        ["The user is disabled: enable them before giving them a key."] = "该用户已停用：请先启用，再为其创建密钥。",
        ["The user is disabled: enable them before sending a link."] = "该用户已停用：请先启用，再发送链接。",
        ["Sign-in links are for donors; staff get a password link."] = "一次性登录链接只发给捐赠人；工作人员请发送设置密码链接。",
        ["Enter a password."] = "请输入密码。",
        ["The password cannot be your e-mail address."] = "密码不能与您的电子邮件地址相同。",
        ["Choose the e-mail address you will sign in with."] = "请选择您登录时使用的电子邮件地址。",
        ["Another person already signs in with this e-mail address."] = "已有其他用户使用此电子邮件地址登录。",
        // The donor portal and donor invitations.
        ["The donor has no e-mail address to sign in with."] = "该捐赠人没有可用于登录的电子邮箱。",
        ["The donor has no e-mail address: add one before sending an invitation."] = "该捐赠人没有电子邮箱：请先添加，再发送邀请。",
        ["Another person already signs in with this donor's e-mail address."] = "已有其他用户使用该捐赠人的电子邮箱登录。",
        ["The donor's account is disabled: an admin must enable it first."] = "该捐赠人的账户已停用：需由管理员先启用。",
        ["Enter an e-mail address such as name@example.com."] = "请输入电子邮箱，例如 name@example.com。",
        ["Two-step sign-in is already on; turn it off first to enrol a new device."] = "两步验证已开启；如需绑定新设备，请先关闭。",
        ["Start the enrolment again: there is no pending secret."] = "请重新开始绑定：没有待确认的密钥。",
        ["The code is not right: check the time on your phone and enter the current code."] = "验证码不正确：请检查手机时间，并输入当前的验证码。",
        ["Your organisation requires two-step sign-in for staff: it cannot be turned off."] = "贵机构要求工作人员使用两步验证，无法关闭。",

        // Donors and programmes.
        ["Only organisations have an organisationCode."] = "只有机构才有 organisationCode。",
        ["organisationCode is an 18-character unified social credit code."] = "organisationCode 须为 18 位统一社会信用代码。",
        ["code is letters, digits, '-', '_' or '.', starting with a letter or digit."] =
            "code 只能包含字母、数字、“-”、“_”或“.”，并须以字母或数字开头。",

        // Students, sponsorships and disbursements.
        ["A sponsorship spans at most 12 academic years."] = "一项结对资助最多跨 12 个学年。",
        ["No such student in this programme."] = "本项目中没有这名学生。",
        ["A withdrawal or graduation needs its date (statusDate)."] = "退学或毕业需要填写日期（statusDate）。",
        ["The birth date inside idNumber does not match birthDate."] = "idNumber 中的出生日期与 birthDate 不一致。",
        ["A consent needs its evidence reference."] = "登记同意时需要填写凭证编号。",
        ["A consent reference needs its date."] = "填写了同意凭证编号，还需要填写同意日期。",
        ["idNumber must be an 18-character resident ID number with a valid check character (GB 11643)."] =
            "idNumber 须为 18 位居民身份证号码，且校验码正确（GB 11643）。",
        ["academicYear is two consecutive years, e.g. \"2021-2022\"."] = "academicYear 须为两个相邻的年份，例如 \"2021-2022\"。",
        ["The programme's unspent gifts do not cover this payment."] = "本项目尚未使用的捐赠不足以支付这笔款项。",
        ["Four-eyes rule: the person who requested a disbursement cannot approve it."] = "双人复核规则：发放的申请人不能批准该发放。",
        ["Four-eyes rule: the person who requested a disbursement cannot reject it; another manager decides."] =
            "双人复核规则：发放的申请人不能驳回该发放，应由另一位经理决定。",
        ["Four-eyes rule: the person who approved a disbursement cannot also record its payment."] = "双人复核规则：发放的批准人不能同时登记其支付。",
        ["Only managers and admins may see a student's full ID number."] = "只有经理和管理员可以查看学生的完整身份证号码。",
        ["Only managers and admins may see a student's guardian phone and address."] = "只有经理和管理员可以查看学生监护人的电话和家庭住址。",
        // Batches per school and term.
        ["A programme has 1 to 6 terms."] = "每个项目设 1 至 6 个学期。",
        ["A term needs a name."] = "学期名称不能为空。",
        ["A term's name is at most 20 characters of ordinary text."] = "学期名称最多 20 个字符，且只能是普通文本。",
        ["Each term is named only once."] = "学期名称不能重复。",
        ["Choose a school."] = "请选择学校。",
        ["Four-eyes rule: the person who created a batch cannot approve it."] = "双人复核规则：批次的创建人不能批准该批次。",
        ["Four-eyes rule: the person who approved a batch cannot also record its payment."] = "双人复核规则：批次的批准人不能同时登记其支付。",
        ["No line of this batch is waiting for approval."] = "该批次没有待批准的发放。",
        ["No line of this batch is approved and waiting for payment."] = "该批次没有已批准、待支付的发放。",
        ["Enter the payout reference."] = "请填写付款流水号。",
        ["The payout reference is at most 100 characters of ordinary text."] = "付款流水号最多 100 个字符，且只能是普通文本。",
        ["The evidence reference is at most 100 characters of ordinary text."] = "凭证编号最多 100 个字符，且只能是普通文本。",
        ["Signature sheets cannot be rendered: no CJK font is configured or installed."] = "无法生成签领表：未配置或未安装中文字体。",
        // Imports (ImportMessages and the import use cases).
        ["not an amount"] = "不是金额",
        ["more than two decimals"] = "超过两位小数",
        ["Money paid out, not a gift."] = "支出款项，不是捐赠。",
        ["Neither income nor expense (a transfer between own accounts), not a gift."] = "不计收支（自有账户间转账），不是捐赠。",
        ["Refunded in this file: neither the payment nor its refund is booked."] = "已在本文件中退款：收款及其退款都不登记。",
        ["A refund of a payment Aid has no record of: nothing to reverse."] = "退款对应的收款在 Aid 中没有记录：无可冲销。",
        ["Not a booked entry (pending or information only)."] = "不是已入账的记录（待处理或仅供参考）。",
        ["A refund of a gift that is already reversed."] = "退款对应的捐赠已冲销。",
        ["A partial refund: reverse the gift on its page and record the amount kept as a new gift."] = "部分退款：请在该捐赠页面冲销，再将保留的金额登记为新捐赠。",
        ["The file's layout is not one Aid reads. Upload the original export from WeChat Pay, Alipay, ICBC, CCB or a camt.053 statement, use Aid's import template, or choose a saved column mapping for your bank's export."] =
            "Aid 无法识别该文件的格式。请上传微信支付、支付宝、工商银行、建设银行的原始导出文件或 camt.053 对账单，或使用 Aid 导入模板，或为本银行的导出文件选择已保存的列映射。",
        ["This .xls file is really a web page (HTML). Open it in Excel and save it as .xlsx, or download the CSV export instead."] =
            "该 .xls 文件实际上是网页（HTML）。请用 Excel 打开后另存为 .xlsx，或改为下载 CSV 格式的导出文件。",
        ["The file was opened and saved again in Excel, which changed long ids into numbers like 4.2E+27, dropped seconds or added thousands separators. Export it again from its source and upload it without opening it."] =
            "该文件曾在 Excel 中打开并重新保存：长编号被改成了 4.2E+27 这样的数字、时间丢失了秒或金额加入了千位分隔符。请从来源重新导出，不要打开，直接上传。",
        ["The spreadsheet unpacks to more than the allowed size; split it into smaller files."] = "该表格解压后超过允许的大小；请拆分为较小的文件。",
        ["The file is empty."] = "文件为空。",
        ["The file is damaged or incomplete (it could not be read to the end); export it again and upload the new file."] =
            "文件已损坏或不完整（无法读到结尾）；请重新导出后上传新文件。",
        ["The amount is larger than Aid takes from a file (100,000,000,000.00); record it by hand."] = "金额超过文件导入的上限（100,000,000,000.00）；请手工登记。",
        ["A batch entry (several payments in one): record its payments by hand."] = "这是一笔批量入账（多笔付款合在一起）：请手工逐笔登记。",
        ["The person who committed this import may no longer book gifts in this programme (key revoked, account disabled or programme withdrawn); someone who may should commit it again."] =
            "确认入账的人已无权在本项目登记捐赠（密钥已吊销、账户已停用或项目权限已撤回）；请由有权限的人重新确认入账。",
        ["Name the date column of the bank's export (mapping.date)."] = "请指定银行导出文件中的日期列（mapping.date）。",
        ["The file is password-protected; save it without a password and upload it again."] = "文件有密码保护；请去掉密码保存后重新上传。",
        ["Send either mapping or mappingName, not both."] = "mapping 与 mappingName 只能提供一个。",
        ["Send exactly one of donorId, newDonor, anonymous, exclude or confirmReversal."] = "donorId、newDonor、anonymous、exclude、confirmReversal 必须且只能提供一个。",
        ["The import is being committed; change its rows when the commit has finished."] = "该导入正在入账；请在入账完成后再修改其中的行。",
        ["Only a new row can be excluded."] = "只有“新”行可以排除。",
        ["Only an excluded row can be included again."] = "只有已排除的行可以重新纳入。",
        ["Only a new row gets a donor."] = "只有“新”行可以指定捐赠人。",
        ["No such donor."] = "没有该捐赠人。",
        ["The row names no payer: give the new donor's name."] = "该行没有付款人姓名：请填写新捐赠人的名称。",
        ["Only a refund row of a recorded gift can be confirmed."] = "只有对应已登记捐赠的退款行可以确认冲销。",
        ["No row has a donor yet: give the new rows their donors, then commit."] = "还没有任何行指定了捐赠人：请先为新行指定捐赠人，再确认入账。",
        ["The file has no new gift to book."] = "该文件没有需要登记的新捐赠。",
        ["Name the column of money in: credit (贷方发生额), or a signed amount."] = "请指定收入金额所在的列：贷方发生额，或带正负号的金额列。",
        ["Send the file as multipart/form-data, in a field named file."] = "请以 multipart/form-data 上传文件，字段名为 file。",
        ["Choose a file to upload."] = "请选择要上传的文件。",
        ["programmeId is required."] = "必须提供 programmeId。",
        ["The upload is not a valid multipart form."] = "上传内容不是有效的 multipart 表单。",
        ["mapping must be a JSON object such as {\"date\":\"交易日期\",\"credit\":\"贷方发生额\"}."] = "mapping 必须是 JSON 对象，例如 {\"date\":\"交易日期\",\"credit\":\"贷方发生额\"}。",
    };

    /// <summary>The resources a 404 names ("Gift '…' was not found.").</summary>
    private static readonly Dictionary<string, string> Resources = new(StringComparer.Ordinal)
    {
        ["Gift"] = "捐赠",
        ["Donor"] = "捐赠人",
        ["Programme"] = "项目",
        ["Pledge"] = "认捐",
        ["Receipt"] = "收据",
        ["Receipt run"] = "批量开具收据任务",
        ["Import"] = "导入",
        ["Import row"] = "导入行",
        ["Disbursement"] = "发放",
        ["Student"] = "学生",
        ["Sponsorship"] = "结对资助",
        ["Goods distribution"] = "物资分发",
        ["API key"] = "API 密钥",
        ["User"] = "用户",
        ["Batch"] = "发放批次",
        ["Email"] = "邮件",
    };

    /// <summary>What a field of the wrong JSON type expects (<see cref="ExpectedValue.Describe"/>).</summary>
    private static readonly Dictionary<string, string> Expectations = new(StringComparer.Ordinal)
    {
        ["a string such as \"1000.00\" (an amount with at most two decimals)"] = "字符串，例如 \"1000.00\"（最多两位小数的金额）",
        ["a string"] = "字符串",
        ["an id (a UUID such as \"0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80\")"] = "ID（UUID，例如 \"0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80\"）",
        ["a date yyyy-MM-dd"] = "日期，格式为 yyyy-MM-dd",
        ["a timestamp (ISO 8601)"] = "时间戳（ISO 8601）",
        ["true or false"] = "true 或 false",
        ["a whole number"] = "整数",
        ["a number"] = "数字",
        ["a list"] = "列表",
    };

    /// <summary>Where ASP.NET Core looked for a required parameter.</summary>
    private static readonly Dictionary<string, string> Sources = new(StringComparer.Ordinal)
    {
        ["query string"] = "查询字符串",
        ["route"] = "路由",
        ["header"] = "请求头",
        ["body"] = "请求内容",
        ["form"] = "表单",
    };

    /// <summary>"a, b, c" → "a、b、c" (a list of codes in Chinese punctuation).</summary>
    private static string List(string english) => english.Replace(", ", "、", StringComparison.Ordinal);

    private static string? Lookup(Dictionary<string, string> table, string key) => table.TryGetValue(key, out var value) ? value : null;

    /// <summary>First match wins: specific templates come before general ones.</summary>
    private static readonly Template[] Templates =
    [
        // FluentValidation's own messages ('Programme Id' is its display name of the property).
        new(@"^'(.+)' must not be empty\.$", "“$1”不能为空。", "'Programme Id' must not be empty."),
        new(@"^'(.+)' must be empty\.$", "“$1”必须为空。", "'Excess As Gift' must be empty."),
        new(@"^'(.+)' should not be empty\.$", "“$1”不能为空。", "'Name' should not be empty."),
        new(@"^The length of '(.+)' must be (\d+) characters or fewer\. You entered (\d+) characters\.$",
            "“$1”的长度不能超过 $2 个字符，当前为 $3 个字符。", "The length of 'Reference' must be 100 characters or fewer. You entered 101 characters."),
        new(@"^The length of '(.+)' must be at least (\d+) characters\. You entered (\d+) characters\.$",
            "“$1”的长度至少为 $2 个字符，当前为 $3 个字符。", "The length of 'Name' must be at least 2 characters. You entered 1 characters."),
        new(@"^'(.+)' must be between (\d+) and (\d+) characters\. You entered (\d+) characters\.$",
            "“$1”的长度必须在 $2 到 $3 个字符之间，当前为 $4 个字符。", "'Name' must be between 2 and 200 characters. You entered 1 characters."),
        new(@"^'(.+)' must be (\d+) characters in length\. You entered (\d+) characters\.$",
            "“$1”的长度必须为 $2 个字符，当前为 $3 个字符。", "'Id Number' must be 18 characters in length. You entered 17 characters."),
        new(@"^'(.+)' must be between (.+) and (.+) \(exclusive\)\. You entered (.+)\.$",
            "“$1”必须大于 $2 且小于 $3，当前值为 $4。", "'Count' must be between 1 and 5 (exclusive). You entered 5."),
        new(@"^'(.+)' must be between (.+) and (.+)\. You entered (.+)\.$",
            "“$1”必须介于 $2 和 $3 之间，当前值为 $4。", "'Year' must be between 2000 and 2100. You entered 1999."),
        new(@"^'(.+)' must be greater than or equal to '(.*)'\.$", "“$1”必须大于或等于 $2。", "'To Year' must be greater than or equal to '2022'."),
        new(@"^'(.+)' must be greater than '(.*)'\.$", "“$1”必须大于 $2。", "'Quantity' must be greater than '0'."),
        new(@"^'(.+)' must be less than or equal to '(.*)'\.$", "“$1”必须小于或等于 $2。", "'Count' must be less than or equal to '120'."),
        new(@"^'(.+)' must be less than '(.*)'\.$", "“$1”必须小于 $2。", "'Quantity' must be less than '1000000000000'."),
        new(@"^'(.+)' must be equal to '(.*)'\.$", "“$1”必须等于 $2。", "'Value' must be equal to '0'."),
        new(@"^'(.+)' must not be equal to '(.*)'\.$", "“$1”不能等于 $2。", "'Name' must not be equal to 'x'."),
        new(@"^'(.+)' is not a valid email address\.$", "“$1”不是有效的电子邮件地址。", "'Email' is not a valid email address."),
        new(@"^'(.+)' is not in the correct format\.$", "“$1”的格式不正确。", "'Postcode' is not in the correct format."),
        new(@"^The specified condition was not met for '(.+)'\.$", "“$1”不符合要求。", "The specified condition was not met for 'Kind'."),
        new(@"^'(.+)' has a range of values which does not include '(.*)'\.$", "“$1”的取值范围不包括 $2。", "'Role' has a range of values which does not include '7'."),
        new(@"^'(.+)' must not be more than (\d+) digits in total, with allowance for (\d+) decimals\. (\d+) digits and (\d+) decimals were found\.$",
            "“$1”总共不能超过 $2 位数字，其中小数最多 $3 位；当前为 $4 位数字、$5 位小数。",
            "'Quantity' must not be more than 15 digits in total, with allowance for 3 decimals. 16 digits and 4 decimals were found."),

        // A value of the wrong JSON type ("amount must be a string such as \"1000.00\" …").
        new(@"^(\S+) must be (.+)\.$", m => Lookup(Expectations, m.Groups[2].Value) is { } expected ? $"{m.Groups[1].Value} 必须是{expected}。" : null,
            "amount must be a string such as \"1000.00\" (an amount with at most two decimals).", "receivedOn must be a date yyyy-MM-dd.",
            "instalments[0].dueDate must be a date yyyy-MM-dd.", "programmeIds must be a list."),
        new(@"^'(.*)' is not a valid value\.$", "“$1”不是有效的值。", "'abc' is not a valid value."),
        new(@"^Required parameter ""\S+ (\w+)"" was not provided from (.+)\.$",
            m => $"必需的参数 {m.Groups[1].Value} 未在{Lookup(Sources, m.Groups[2].Value) ?? m.Groups[2].Value}中提供。",
            "Required parameter \"int year\" was not provided from query string."),
        new(@"^Expected a supported JSON media type but got ""(.*)""\.$", "需要受支持的 JSON 媒体类型，但收到的是“$1”。",
            "Expected a supported JSON media type but got \"text/plain\"."),
        new(@"^unknown query parameter; allowed: (.+)$",
            m => $"未知的查询参数；允许的参数：{(m.Groups[1].Value == "none" ? "无" : List(m.Groups[1].Value))}",
            "unknown query parameter; allowed: programmeId, limit, cursor",
            "unknown query parameter; allowed: none"),
        new(@"^JSON bodies are limited to (\d+) bytes\.$", "JSON 请求内容不能超过 $1 字节。", "JSON bodies are limited to 1048576 bytes."),

        // 404.
        new(@"^(.+?) '(.*)' was not found\.$", m => Lookup(Resources, m.Groups[1].Value) is { } resource ? $"未找到{resource}“{m.Groups[2].Value}”。" : null,
            "Gift '0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80' was not found.", "API key '0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80' was not found.",
            "Receipt 'AID-2024-000001' was not found."),

        // Amounts.
        new(@"^An amount has at most (\d+) integer digits\.$", "金额的整数部分最多 $1 位。", "An amount has at most 12 integer digits."),

        // Passwords.
        new(@"^The password must be at least (\d+) characters long\.$", "密码长度至少为 $1 个字符。", "The password must be at least 10 characters long."),
        new(@"^The password must be at most (\d+) characters long\.$", "密码长度不能超过 $1 个字符。", "The password must be at most 128 characters long."),

        // Field rules with the field's name first.
        new(@"^(\S+) cannot be in the future\.$", "$1 不能晚于今天。", "paidOn cannot be in the future.", "consentDate cannot be in the future.",
            "requestedOn cannot be in the future.", "reversedOn cannot be in the future.", "issuedOn cannot be in the future.",
            "voidedOn cannot be in the future."),
        new(@"^(\S+) must be in the past\.$", "$1 必须早于今天。", "birthDate must be in the past."),
        new(@"^(\S+) must not be before (\S+)\.$", "$1 不能早于 $2。", "toYear must not be before fromYear.", "to must not be before from."),
        new(@"^(\S+) must be after (\S+)\.$", "$1 必须晚于 $2。", "endDate must be after startDate."),
        new(@"^(\S+) must be between (\S+) and (\S+)\.$", "$1 必须介于 $2 和 $3 之间。", "firstDueDate must be between 2000-01-01 and 2100-12-31.",
            "dueDate must be between 2000-01-01 and 2100-12-31.", "limit must be between 1 and 100.", "year must be between 2000 and 2100.",
            "receivedOn must be between 2000-01-01 and 2100-12-31.", "requestedOn must be between 2000-01-01 and 2100-12-31."),
        new(@"^(.+) contains a control character \((U\+[0-9A-F]{4})\)\.$", "$1 含有控制字符（$2）。", "name contains a control character (U+0000)."),
        new(@"^(.+) contains a bidirectional override \((U\+[0-9A-F]{4})\)\.$", "$1 含有双向文本控制字符（$2）。",
            "reference contains a bidirectional override (U+202E)."),
        new(@"^(\S+) must be one of (.+) \(ISO 4217, two decimals\)\.$", m => $"{m.Groups[1].Value} 必须是以下之一：{List(m.Groups[2].Value)}（ISO 4217 货币代码，两位小数）。",
            "currency must be one of AUD, CAD, CNY, USD (ISO 4217, two decimals)."),
        new(@"^(\S+) must be one of (.+)\.$", m => $"{m.Groups[1].Value} 必须是以下之一：{List(m.Groups[2].Value)}。",
            "method must be one of cash, bank_transfer, wechat_pay, alipay, cheque.", "sort must be one of receivedOn, -receivedOn, amount, -amount.",
            "role must be one of admin, manager, auditor, donor."),
        new(@"^(\S+) must be ([\w-]+(?:, [\w-]+)*) or ([\w-]+)\.$", m => $"{m.Groups[1].Value} 必须是 {List(m.Groups[2].Value)} 或 {m.Groups[3].Value}。",
            "status must be requested, approved, rejected, paid or reversed.", "kind must be cash or in_kind.", "kind must be per-gift or annual.",
            "language must be zh-CN or en.", "channel must be bank_card, aid_card or school_account."),
        new(@"^(\S+) is digits with optional leading \+ and spaces or dashes\.$", "$1 只能包含数字，可以“+”开头，并可包含空格或短横线。",
            "guardianPhone is digits with optional leading + and spaces or dashes."),
        new(@"^(\S+) has at most three decimals\.$", "$1 最多保留三位小数。", "quantity has at most three decimals."),
        new(@"^(\S+) is for in-kind gifts\.$", "$1 仅用于实物捐赠。", "description is for in-kind gifts."),
        new(@"^(\S+) is for cash gifts\.$", "$1 仅用于现金捐赠。", "method is for cash gifts."),
        new(@"^Give either (?:a )?(\S+) or (\S+), not both\.$", "$1 和 $2 只能二选一，不能同时提供。", "Give either a frequency or instalments, not both.",
            "Give either count or instalments, not both."),

        // Referenced things that do not exist.
        new(@"^Unknown programme\(s\): (.+)\.$", "未知的项目：$1。", "Unknown programme(s): 0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80."),
        new(@"^Unknown donor (.+)\.$", "未知的捐赠人 $1。", "Unknown donor 0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80."),

        // Conflicts.
        new(@"^A gift with reference '(.*)' is already recorded in this programme\.$", "本项目已登记参考号为“$1”的捐赠。",
            "A gift with reference 'BANK-20240905-001' is already recorded in this programme."),
        new(@"^The pledge is (\S+); record the gift without pledgeId\.$", "该认捐的状态为 $1，请不带 pledgeId 登记这笔捐赠。",
            "The pledge is cancelled; record the gift without pledgeId."),
        new(@"^The gift \((\S+)\) is more than the pledge still expects \((\S+)\)\. Send ""excessAsGift"": true to book the excess as a plain gift\.$",
            "这笔捐赠（$1）超过了该认捐尚待收取的金额（$2）。如需将超出部分记为普通捐赠，请发送 \"excessAsGift\": true。",
            "The gift (1500.00) is more than the pledge still expects (1000.00). Send \"excessAsGift\": true to book the excess as a plain gift."),
        new(@"^The pledge is (\S+); only an open pledge can be (cancelled|written off)\.$",
            m => $"该认捐的状态为 {m.Groups[1].Value}；只有未结清的认捐才能{(m.Groups[2].Value == "cancelled" ? "取消" : "核销")}。",
            "The pledge is fulfilled; only an open pledge can be written off."),
        new(@"^Only (\S+) is still held in (\S+); reversing (\S+) would take it below zero\.$",
            m => $"{AccountName(m.Groups[2].Value)}仅剩 {m.Groups[1].Value}；冲销 {m.Groups[3].Value} 会使其低于零。",
            "Only 500.00 is still held in cash_at_bank; reversing 1000.00 would take it below zero."),
        new(@"^Only (\S+) (.+) of this gift are still in stock\.$", "这笔捐赠的库存仅剩 $1 $2。", "Only 12 箱 of this gift are still in stock."),
        new(@"^Receipt (.+) is already void\.$", "收据 $1 已作废。", "Receipt AID-2024-000001 is already void."),
        new(@"^The rows to print do not match the audit trail: (.+)\. Nothing was printed; run audit verification \(GET /api/v1/audit/verify\)\.$",
            "待打印的数据与审计链不符：$1。未打印任何内容；请运行审计校验（GET /api/v1/audit/verify）。",
            "The rows to print do not match the audit trail: row gifts/0190 differs from its digest in audit record 12. Nothing was printed; run audit verification (GET /api/v1/audit/verify)."),
        new(@"^The gift already has receipt (.+)\.$", "这笔捐赠已有收据 $1。", "The gift already has receipt AID-2024-000001."),
        new(@"^The donor has no gifts in (\d+) that still need a receipt\.$", "该捐赠人在 $1 年没有尚需开具收据的捐赠。",
            "The donor has no gifts in 2024 that still need a receipt."),
        new(@"^You have no gifts in (\d+) that still need a receipt\.$", "您在 $1 年没有尚需开具收据的捐赠。",
            "You have no gifts in 2024 that still need a receipt."),
        // Audit verification problems (VerifyAuditTrail), shown on the console's audit trail page.
        new(@"^Row (\S+) differs from its digest in audit record (\d+) \(changed behind the service's back\)\.$",
            "数据行 $1 与第 $2 条审计记录中的摘要不符（有人绕过系统改动了它）。",
            "Row gifts/0190a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80 differs from its digest in audit record 12 (changed behind the service's back)."),
        new(@"^Row (\S+) is accounted for by no audit record \(added behind the service's back\)\.$",
            "数据行 $1 没有任何审计记录为它作证（有人绕过系统添加了它）。",
            "Row gifts/0190a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80 is accounted for by no audit record (added behind the service's back)."),
        new(@"^Row (\S+), digested by audit record (\d+), is gone \(deleted behind the service's back\)\.$",
            "第 $2 条审计记录记载的数据行 $1 不见了（有人绕过系统删除了它）。",
            "Row gifts/0190a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80, digested by audit record 12, is gone (deleted behind the service's back)."),
        new(@"^Record (\d+): its content does not match its hash \(the record was changed\)\.$",
            "第 $1 条记录：内容与它的哈希不符（记录被改动过）。", "Record 12: its content does not match its hash (the record was changed)."),
        new(@"^Record (\d+), sealed into chain (\S+) at position (\d+), is missing \(deleted\)\.$",
            "第 $1 条记录（封存在链 $2 的第 $3 位）不见了（被删除）。", "Record 12, sealed into chain org at position 7, is missing (deleted)."),
        new(@"^Journal entry (\S+) does not balance: its postings do not sum to zero\.$",
            "分录 $1 不平衡：各笔过账合计不为零。", "Journal entry 0190a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80 does not balance: its postings do not sum to zero."),
        new(@"^Student (.+) has withdrawn and cannot be paid\.$", "学生 $1 已退学，不能向其发放资助。", "Student S-0001 has withdrawn and cannot be paid."),
        new(@"^Student (.+) has withdrawn\.$", "学生 $1 已退学。", "Student S-0001 has withdrawn."),
        new(@"^Student (.+) is under (\d+): record the guardian's consent \(date and evidence\) first\.$",
            "学生 $1 未满 $2 周岁：请先登记监护人的同意（日期和凭证）。",
            "Student S-0001 is under 14: record the guardian's consent (date and evidence) first."),
        new(@"^In (\S+) student (.+) would be sponsored (\S+), more than the programme's annual standard (\S+)\.$",
            "在 $1 学年，学生 $2 获得的结对资助将达到 $3，超过本项目的年度资助标准 $4。",
            "In 2022-2023 student S-0001 would be sponsored 1500.00, more than the programme's annual standard 1000.00."),
        new(@"^This student is already registered in the programme as (.+)\.$", "这名学生已在本项目中登记，编号为 $1。",
            "This student is already registered in the programme as S-0001."),
        new(@"^The disbursement is (\S+); only a paid one can be reversed\.$", "该发放的状态为 $1；只有已支付的发放才能冲销。",
            "The disbursement is approved; only a paid one can be reversed."),
        new(@"^The disbursement is (\S+); only an approved one can be paid\.$", "该发放的状态为 $1；只有已批准的发放才能支付。",
            "The disbursement is requested; only an approved one can be paid."),
        new(@"^The disbursement is (\S+); only a requested one can be approved\.$", "该发放的状态为 $1；只有已申请的发放才能批准。",
            "The disbursement is paid; only a requested one can be approved."),
        new(@"^The disbursement is (\S+); only a requested or approved \(unpaid\) one can be rejected\.$",
            "该发放的状态为 $1；只有已申请或已批准（尚未支付）的发放才能驳回。",
            "The disbursement is paid; only a requested or approved (unpaid) one can be rejected."),
        new(@"^Insufficient balance: (\S+) is available \((\S+) held, (\S+) committed\), (\S+) needed\.$",
            "余额不足：可用 $1（持有 $2，已占用 $3），需要 $4。",
            "Insufficient balance: 500.00 is available (1500.00 held, 1000.00 committed), 800.00 needed."),
        new(@"^Reversing (\S+) leaves (\S+) for (\S+) of approved disbursements, a shortfall of (\S+): (\d+) of them \(the newest approvals\) would be unfunded\. Send confirmShortfall: true to reverse anyway\.$",
            "冲销 $1 后仅剩 $2，而已批准待支付的发放共 $3，缺口 $4：其中 $5 笔（最近批准的）将无资金支付。如仍要冲销，请发送 confirmShortfall: true。",
            "Reversing 600.00 leaves 1000.00 for 1400.00 of approved disbursements, a shortfall of -400.00: 1 of them (the newest approvals) would be unfunded. Send confirmShortfall: true to reverse anyway."),
        new(@"^This disbursement has already been paid \(ledger entry (.+)\); run audit verification\.$",
            "这笔发放已经支付过（分录 $1）；请运行审计核验。",
            "This disbursement has already been paid (ledger entry 0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80); run audit verification."),
        new(@"^Programme (.+) is closed\.$", "项目 $1 已关闭。", "Programme ZP-2021 is closed."),
        new(@"^(\S+) (\S+) is outside programme (.+) \((\S+) to (\S+)\): it must be between (\S+) and (\S+) \(the programme's dates with one year's slack either side\)\.$",
            "$1 $2 超出项目 $3 的期间（$4 至 $5）：必须介于 $6 和 $7 之间（项目起止日期前后各放宽一年）。",
            "receivedOn 2019-09-01 is outside programme ZP-2021 (2021-09-01 to 2024-08-31): it must be between 2020-09-01 and 2025-08-31 (the programme's dates with one year's slack either side)."),
        new(@"^Programme (.+) is kept in (\S+)\.$", "项目 $1 以 $2 记账。", "Programme ZP-2021 is kept in CNY."),
        new(@"^A (\S+) programme cannot become (\S+)\.$", "状态为 $1 的项目不能变更为 $2。", "A closed programme cannot become active."),
        new(@"^A programme with code '(.*)' already exists\.$", "代码为“$1”的项目已存在。", "A programme with code 'ZP-2021' already exists."),
        new(@"^paidOn (\S+) is before the disbursement was requested on (\S+): money is not paid before it is requested\.$",
            "paidOn $1 早于该发放的申请日期（$2）：款项不能在申请之前支付。",
            "paidOn 2022-09-15 is before the disbursement was requested on 2022-09-20: money is not paid before it is requested."),
        new(@"^reversedOn (\S+) is before the gift was received on (\S+)\.$", "冲销日期 $1 早于这笔捐赠的到账日期（$2）。",
            "reversedOn 2022-03-01 is before the gift was received on 2022-03-15."),
        new(@"^issuedOn (\S+) is before the gift received on (\S+): a receipt is never dated before the gift\.$",
            "开具日期 $1 早于捐赠到账日期（$2）：收据不能早于捐赠开具。",
            "issuedOn 2022-03-01 is before the gift received on 2022-03-15: a receipt is never dated before the gift."),
        new(@"^issuedOn (\S+) is before the last receipt of (\d+), issued on (\S+): receipt numbers and dates run in the same order\.$",
            "开具日期 $1 早于 $2 年最后一张收据的开具日期（$3）：收据编号与日期须按同一顺序递增。",
            "issuedOn 2022-06-01 is before the last receipt of 2022, issued on 2022-12-30: receipt numbers and dates run in the same order."),
        new(@"^issuedOn (\S+) is before receipt (\S+), which this one replaces, was voided on (\S+)\.$",
            "开具日期 $1 早于被取代的收据 $2 的作废日期（$3）。",
            "issuedOn 2021-10-15 is before receipt AID-2021-000001, which this one replaces, was voided on 2021-11-01."),
        new(@"^voidedOn (\S+) is before receipt (\S+) was issued on (\S+)\.$", "作废日期 $1 早于收据 $2 的开具日期（$3）。",
            "voidedOn 2022-01-01 is before receipt AID-2022-000001 was issued on 2022-12-30."),
        // Batches per school and term.
        new(@"^Student (\S+) already has a disbursement for (\S+) (.+) \(status (\S+)\): one per student, academic year and term\.$",
            "学生 $1 在 $2 $3 已有一笔发放（状态 $4）：每名学生每个学年的每个学期只能有一笔发放。",
            "Student ZP-2021-0001 already has a disbursement for 2022-2023 秋季学期 (status requested): one per student, academic year and term."),
        new(@"^The term (.+) is used by (\d+) disbursements that stand: it cannot be renamed or removed\.$",
            "学期“$1”已有 $2 笔有效的发放使用：不能改名或删除。",
            "The term 秋季学期 is used by 3 disbursements that stand: it cannot be renamed or removed."),
        new(@"^The programme's terms are (.+); choose one of them\.$", "本项目的学期为 $1，请从中选择一个。",
            "The programme's terms are 秋季学期, 春季学期; choose one of them."),
        new(@"^(.+) already has a batch for (\S+) (.+); open it instead of creating another\.$", "$1 在 $2 $3 已有发放批次；请打开该批次，不要重复创建。",
            "镇坪县中学 already has a batch for 2022-2023 秋季学期; open it instead of creating another."),
        new(@"^No student of (.+) is waiting for a disbursement for (\S+) (.+): none is sponsored that year, or each already has one\.$",
            "$1 没有在 $2 $3 待发放的学生：该学年没有受资助的学生，或每人都已有发放。",
            "No student of 镇坪县中学 is waiting for a disbursement for 2022-2023 秋季学期: none is sponsored that year, or each already has one."),
        new(@"^Insufficient balance to approve the batch: (\S+) is available \((\S+) held, (\S+) committed\), (\S+) needed, (\S+) short\.$",
            "余额不足，无法批准该批次：可用 $1（持有 $2，已承诺 $3），需要 $4，缺少 $5。",
            "Insufficient balance to approve the batch: 1000.00 is available (1000.00 held, 0.00 committed), 1500.00 needed, 500.00 short."),
        new(@"^Insufficient balance to pay the batch: (\S+) is available \((\S+) held, (\S+) committed to older approvals\), (\S+) needed, (\S+) short\. Nothing was paid\.$",
            "余额不足，无法支付该批次：可用 $1（持有 $2，已承诺给更早批准的发放 $3），需要 $4，缺少 $5。未支付任何款项。",
            "Insufficient balance to pay the batch: 600.00 is available (600.00 held, 0.00 committed to older approvals), 1000.00 needed, 400.00 short. Nothing was paid."),
        // Imports (ImportMessages and the import use cases).
        new(@"^Column (.+?): ""(.*)"" is not an amount\.$", "列“$1”：“$2”不是金额。", "Column 金额: \"abc\" is not an amount."),
        new(@"^Column (.+?): ""(.*)"" is not a date\.$", "列“$1”：“$2”不是日期。", "Column 交易时间: \"2025-13-01\" is not a date."),
        new(@"^Column (.+?) is empty\.$", "列“$1”为空。", "Column date is empty."),
        new(@"^Column (.+?): ""(.*)"" is not one of the allowed values\.$", "列“$1”：“$2”不是允许的值。", "Column 方式: \"刷卡\" is not one of the allowed values."),
        new(@"^Column (.+?): ""(.*)"" was changed by Excel; export the file again from its source and upload it unopened\.$",
            "列“$1”：“$2”已被 Excel 改动；请从来源重新导出文件，不要打开，直接上传。", "Column 交易单号: \"4.2E+27\" was changed by Excel; export the file again from its source and upload it unopened."),
        new(@"^The reference (.+) appears twice in this file \(also line (\d+)\); check the file\.$", "参考号 $1 在本文件中出现两次（另见第 $2 行）；请检查文件。",
            "The reference 1000049901 appears twice in this file (also line 3); check the file."),
        new(@"^The amount is in (\S+); this programme keeps (\S+)\.$", "金额币种为 $1；本项目使用 $2。", "The amount is in EUR; this programme keeps CNY."),
        new(@"^Line (\d+) of this file refunds part of this payment: record the amount kept by hand\.$", "本文件第 $1 行退回了这笔收款的一部分：请手工登记保留的金额。",
            "Line 7 of this file refunds part of this payment: record the amount kept by hand."),
        new(@"^A refund of line (\d+), which is in error: nothing is booked for either\.$", "这是第 $1 行的退款，而该行有错误：两行都不登记。",
            "A refund of line 3, which is in error: nothing is booked for either."),
        new(@"^The date (\S+) is in the future\.$", "日期 $1 在未来。", "The date 2030-01-01 is in the future."),
        new(@"^The date (\S+) is outside this programme \(it takes (\S+) to (\S+)\)\.$", "日期 $1 不在本项目期间内（可接受 $2 至 $3）。",
            "The date 1999-01-01 is outside this programme (it takes 2020-09-01 to 2025-08-31)."),
        new(@"^Column (.+?): control characters were removed\.$", "列“$1”：已移除控制字符。", "Column payer: control characters were removed."),
        new(@"^Column (.+?): cut to its first (\d+) characters\.$", "列“$1”：只保留了前 $2 个字符。", "Column payer: cut to its first 400 characters."),
        new(@"^Status ""(.*)"": not a completed payment\.$", "状态“$1”：不是已完成的收款。", "Status \"已全额退款\": not a completed payment."),
        new(@"^The file has more than ([\d,]+) rows; split it into smaller files\.$", "文件超过 $1 行；请拆分为较小的文件。",
            "The file has more than 200,000 rows; split it into smaller files."),
        new(@"^No saved mapping named '(.+)' in this programme\.$", "本项目没有名为“$1”的已保存映射。", "No saved mapping named '工行对公' in this programme."),
        new(@"^format must be one of: (.+)\.$", "format 必须是以下之一：$1。", "format must be one of: aid-template, wechat-personal."),
        new(@"^outcome must be one of: (.+)\.$", "outcome 必须是以下之一：$1。", "outcome must be one of: new, needs_donor."),
        new(@"^Import files are limited to (\d+) bytes \((\d+) MiB\); split the file\.$", "导入文件不能超过 $1 字节（$2 MiB）；请拆分文件。",
            "Import files are limited to 20971520 bytes (20 MiB); split the file."),
    ];

    private static string AccountName(string account) => account switch
    {
        "cash_at_bank" => "银行存款（cash_at_bank）",
        "goods_in_stock" => "库存物资（goods_in_stock）",
        _ => account + " ",
    };
}
