using Aid.Api.Endpoints;
using Aid.Application.Donors;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Aid.Api.Pages.Console.Donors;

/// <summary>
/// The donor form of the new and edit pages, as people fill it in: blank means "not given", spaces around a value do not
/// count, a credit code may be typed in lower case or with spaces. The rules themselves are the API's (its request
/// validators): the page only words their refusals for people, beside the field.
/// </summary>
public sealed class DonorForm
{
    public string? Kind { get; set; } = DonorKinds.Person;
    public string? Name { get; set; }
    public bool Anonymous { get; set; }
    public string? Language { get; set; } = "zh-CN";
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? Address { get; set; }
    public string? OrganisationCode { get; set; }

    /// <summary>Input names of the form's fields (the page binds the form as <c>Form</c>).</summary>
    public static class Inputs
    {
        public const string Kind = "Form.Kind";
        public const string Name = "Form.Name";
        public const string Language = "Form.Language";
        public const string Email = "Form.Email";
        public const string Phone = "Form.Phone";
        public const string Address = "Form.Address";
        public const string OrganisationCode = "Form.OrganisationCode";
    }

    /// <summary>The application's field names (JSON names, as its messages use them) and this form's inputs.</summary>
    public static readonly (string Field, string Input)[] Fields =
    [
        ("kind", Inputs.Kind), ("name", Inputs.Name), ("language", Inputs.Language), ("email", Inputs.Email), ("phone", Inputs.Phone),
        ("address", Inputs.Address), ("organisationCode", Inputs.OrganisationCode),
    ];

    public static DonorForm From(DonorView donor) => new()
    {
        Kind = donor.Kind, Name = donor.Name, Anonymous = donor.Anonymous, Language = donor.Language, Email = donor.Email,
        Phone = donor.Phone, Address = donor.Address, OrganisationCode = donor.OrganisationCode,
    };

    public bool IsOrganisation => Kind == DonorKinds.Organisation;

    /// <summary>Trims every value (blank → null); the credit code upper-cased without spaces; a person's credit code dropped.</summary>
    public void Normalise()
    {
        Kind = Blank(Kind);
        Name = Blank(Name);
        Language = Blank(Language) ?? "zh-CN";
        Email = Blank(Email);
        Phone = Blank(Phone);
        Address = Address is null ? null : Blank(Address.Replace("\r\n", "\n"));
        OrganisationCode = Blank(OrganisationCode?.Replace(" ", "").Replace("\u3000", "").ToUpperInvariant());
        if (!IsOrganisation) OrganisationCode = null; // typed, then "person" chosen: the field was hidden
    }

    public CreateDonorRequest ToCreateRequest() => new()
    {
        Kind = Kind, Name = Name, Anonymous = Anonymous, Language = Language, Email = Email, Phone = Phone, Address = Address,
        OrganisationCode = OrganisationCode,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>
    /// Runs the API's request validator and puts each refusal beside its field, in words for people (one message per field).
    /// Returns false when anything was refused.
    /// </summary>
    public static bool Check<T>(IValidator<T> validator, T request, ModelStateDictionary state)
    {
        var result = validator.Validate(request);
        foreach (var failure in result.Errors)
        {
            var field = Aid.Application.Pipeline.FieldNames.Json(failure.PropertyName);
            var input = Fields.FirstOrDefault(f => string.Equals(f.Field, field, StringComparison.OrdinalIgnoreCase)).Input ?? "";
            if (state.TryGetValue(input, out var entry) && entry.Errors.Count > 0) continue; // the first reason is enough
            state.AddModelError(input, Words(input, failure));
        }
        return result.IsValid;
    }

    /// <summary>The application's refusals beside their fields (the catalogue's Chinese).</summary>
    public static void AddErrors(Aid.Application.Common.InputException e, ModelStateDictionary state)
    {
        foreach (var (field, messages) in e.Errors)
        {
            var input = Fields.FirstOrDefault(f => string.Equals(f.Field, field, StringComparison.OrdinalIgnoreCase)).Input ?? "";
            foreach (var message in messages) state.AddModelError(input, PageText.Message(message));
        }
    }

    /// <summary>A refusal as the page says it: the field's own words where there are some, else the catalogue's Chinese.</summary>
    private static string Words(string input, ValidationFailure failure)
    {
        var max = failure.FormattedMessagePlaceholderValues?.TryGetValue("MaxLength", out var value) == true ? value : null;
        return (input, failure.ErrorCode) switch
        {
            (Inputs.Name, "NotEmptyValidator") => PageText.T("请填写姓名或机构名称。", "Enter the name of the person or organisation."),
            (Inputs.Kind, _) => PageText.T("请选择个人或机构。", "Choose person or organisation."),
            (Inputs.Language, _) => PageText.T("请选择中文或英文。", "Choose Chinese or English."),
            (_, "MaximumLengthValidator") => PageText.T($"最多 {max} 个字符。", $"At most {max} characters."),
            (_, "TextValidator") => PageText.T("含有不可见的控制字符或文字方向符号，请删除后再保存。",
                "This contains an invisible control or text-direction character: remove it and save again."),
            (Inputs.Email, _) => PageText.T("电子邮箱格式不正确，例如 name@example.cn。", "This is not an e-mail address (like name@example.cn)."),
            (Inputs.Phone, _) => PageText.T("电话号码只能包含数字、空格和短横线，可以“+”开头，例如 +86 138-0000-0000。",
                "A phone number has digits, spaces and dashes, may start with +, e.g. +86 138-0000-0000."),
            (Inputs.OrganisationCode, _) => PageText.T("统一社会信用代码为 18 位数字或大写字母（不含 I、O、Z、S、V）。",
                "The unified social credit code has 18 digits or capital letters (no I, O, Z, S or V)."),
            _ => PageText.Message(failure.ErrorMessage),
        };
    }
}

/// <summary>The codes of donors, gifts, pledges and receipts in words, for the donor pages.</summary>
public static class DonorText
{
    public static string Kind(string kind) => kind switch
    {
        DonorKinds.Person => PageText.T("个人", "Person"),
        DonorKinds.Organisation => PageText.T("机构", "Organisation"),
        _ => kind,
    };

    public static string Language(string language) => language == "en" ? "English" : "中文";

    public static string GiftKind(string kind) => kind switch
    {
        "cash" => PageText.T("现金", "Cash"),
        "in_kind" => PageText.T("物资", "Goods"),
        _ => kind,
    };

    public static string Method(string? method) => method switch
    {
        null => "—",
        "bank_transfer" => PageText.T("银行转账", "Bank transfer"),
        "cash" => PageText.T("现金", "Cash"),
        "wechat_pay" => PageText.T("微信支付", "WeChat Pay"),
        "alipay" => PageText.T("支付宝", "Alipay"),
        "cheque" => PageText.T("支票", "Cheque"),
        _ => method,
    };

    /// <summary>A cash gift's payment method, or what goods came (description and quantity).</summary>
    public static string MethodOrGoods(Aid.Application.Gifts.GiftView gift)
    {
        if (gift.Kind != "in_kind") return Method(gift.Method);
        var quantity = gift.Quantity is { } q ? q.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + (gift.Unit ?? "") : null;
        return (gift.Description, quantity) switch
        {
            (null, null) => "—",
            (null, { } only) => only,
            ({ } description, null) => description,
            ({ } description, { } both) => PageText.T($"{description}（{both}）", $"{description} ({both})"),
        };
    }

    public static string GiftStatus(string status) => status switch
    {
        "recorded" => PageText.T("已入账", "Recorded"),
        _ => PageText.Status(status),
    };

    public static string PledgeStatus(string status) => status switch
    {
        "open" => PageText.T("履行中", "Open"),
        "fulfilled" => PageText.T("已履行", "Fulfilled"),
        "cancelled" => PageText.T("已取消", "Cancelled"),
        "written_off" => PageText.T("已核销", "Written off"),
        _ => status,
    };

    public static string ReceiptKind(string kind) => kind switch
    {
        "gift" => PageText.T("单笔", "Single gift"),
        "annual" => PageText.T("年度", "Annual"),
        _ => kind,
    };

    public static string ReceiptStatus(string status) => status switch
    {
        "valid" => PageText.T("有效", "Valid"),
        "void" => PageText.T("已作废", "Void"),
        _ => status,
    };

    /// <summary>aria-describedby for a field: its hint and, when it has one, its error (null when neither: no attribute).</summary>
    public static string? Described(ModelStateDictionary state, string field, string? hint = null)
    {
        var error = PageText.Invalid(state, field) == "true" ? field + "-error" : null;
        var ids = string.Join(' ', new[] { hint, error }.Where(i => i is not null));
        return ids.Length == 0 ? null : ids;
    }
}
