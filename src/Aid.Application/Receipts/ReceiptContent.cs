using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Aid.Application.Common;

namespace Aid.Application.Receipts;

public sealed record ReceiptIssuerInfo(string Name, string Code, string Address);

/// <summary>Receipt settings: the issuer printed on receipts, the number prefix and the public base of verification links.</summary>
/// <param name="Reviewer">复核人 printed on every receipt (Aid:Issuer:Reviewer), or null: a blank line to sign.</param>
/// <param name="SealPng">The issuer's seal (Aid:Issuer:SealPng), printed over the issuer line; null: a space to stamp.</param>
public sealed record ReceiptSettings(string Prefix, ReceiptIssuerInfo Issuer, bool IssuerIsDemo, string? PublicBaseUrl,
    string? Reviewer = null, byte[]? SealPng = null)
{
    public static readonly ReceiptIssuerInfo DemoIssuer = new("示例公益组织（演示）", "91000000DEMO00000X", "演示地址，请配置 Aid__Issuer__Address");
}

public sealed record ReceiptLine(
    Guid GiftId, DateOnly ReceivedOn, string ProgrammeCode, string ProgrammeName, string Kind, string? Method,
    string? Description, string? Quantity, string? Unit, string? ValuationBasis, string Amount);

/// <summary>
/// Everything a receipt shows, frozen when it is issued (the donor's name as it was then). The PDF is rendered
/// from this alone, so re-rendering gives the same bytes; the verification code is an HMAC over it.
/// The fields after <paramref name="VerifyUrl"/> came later: left out of the JSON while null, so the snapshots (and codes) of
/// receipts issued before them read and verify as they did.
/// </summary>
/// <param name="DonorCode">The donor organisation's 统一社会信用代码, when recorded.</param>
/// <param name="CoversYear">The year an annual receipt covers.</param>
/// <param name="Note">备注: what the issuing person wrote, and the void receipts this one replaces.</param>
/// <param name="IssuedBy">经办人: the name of the person who issued it ("system" work has none).</param>
/// <param name="ReviewedBy">复核人: the reviewer configured for the issuer (Aid:Issuer:Reviewer), if any.</param>
public sealed record ReceiptContent(
    string Number, string Kind, DateOnly IssuedOn, DateTimeOffset IssuedAt, string Language, ReceiptIssuerInfo Issuer,
    string DonorName, bool Anonymous, string Currency, IReadOnlyList<ReceiptLine> Lines, string Total, string TotalInWords,
    string? Replaces, string VerificationCode, string VerifyUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DonorCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? CoversYear = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? IssuedBy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReviewedBy = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReceiptContent FromJson(string json) => JsonSerializer.Deserialize<ReceiptContent>(json, Json)!;

    /// <summary>12 characters of base32 (60 bits) of HMAC-SHA256 over the content without code and link.</summary>
    public static string ComputeCode(byte[] key, ReceiptContent content)
    {
        var unsigned = content with { VerificationCode = "", VerifyUrl = "" };
        var mac = HMACSHA256.HashData(key, JsonSerializer.SerializeToUtf8Bytes(unsigned, Json));
        return Base32(mac)[..12];
    }

    public static bool CodesMatch(string expected, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(presented.Trim().ToUpperInvariant()));

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford: no I, L, O, U
        var output = new System.Text.StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                output.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return output.ToString();
    }

    public long TotalFen => Money.Parse(Total);
}

public enum ReceiptMark { Original, Copy, Void }

/// <summary>What a void receipt's PDF says about its voiding: why, on which business date, and the receipt that replaces it.</summary>
public sealed record ReceiptVoidNote(string Reason, DateOnly VoidedOn, string? ReplacedBy)
{
    /// <summary>The note of a void row: its business date, or for a receipt voided before those were kept, the date it was voided at in <paramref name="zone"/>.</summary>
    public static ReceiptVoidNote Of(string? reason, DateOnly? voidedOn, DateTimeOffset? voidedAt, DateOnly issuedOn, string? replacedBy, TimeZoneInfo zone) =>
        new(reason ?? "", voidedOn ?? (voidedAt is { } at ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime) : issuedOn), replacedBy);
}

/// <summary>Renders a receipt PDF (implemented with PDFsharp in Infrastructure).</summary>
public interface IReceiptRenderer
{
    /// <summary>False when no CJK font is configured or found: PDF requests then answer 503.</summary>
    bool Available { get; }

    /// <param name="voided">With <see cref="ReceiptMark.Void"/>: the reason, date and replacement printed on the void receipt.</param>
    byte[] Render(ReceiptContent content, ReceiptMark mark, ReceiptVoidNote? voided = null);

    /// <summary>The characters of <paramref name="text"/> no installed font can draw (each once, in order): printed as □.</summary>
    IReadOnlyList<string> Unprintable(string text);
}

public static class ReceiptNumber
{
    public static string Format(string prefix, int year, long sequence) => $"{prefix}-{year}-{sequence:000000}";

    public static bool TryParse(string? number, out string prefix, out int year, out long sequence)
    {
        prefix = ""; year = 0; sequence = 0;
        if (number is null) return false;
        var parts = number.Split('-');
        if (parts.Length != 3 || parts[0].Length is 0 or > 10 || !parts[0].All(char.IsAsciiLetterOrDigit)) return false;
        if (parts[1].Length != 4 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out year)) return false;
        if (parts[2].Length < 6 || !long.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out sequence) || sequence <= 0) return false;
        prefix = parts[0];
        return true;
    }
}
