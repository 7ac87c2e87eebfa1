using System.Text.RegularExpressions;
using Aid.Application.Receipts;

namespace Aid.Api.Infrastructure;

internal static partial class ReceiptConfiguration
{
    /// <summary>Aid:Receipts:Prefix, Aid:Issuer:Name/Code/Address and Aid:PublicBaseUrl; demo issuer values are flagged on /health.</summary>
    public static ReceiptSettings Read(IConfiguration configuration)
    {
        var prefix = configuration["Aid:Receipts:Prefix"] ?? "AID";
        if (!Prefix().IsMatch(prefix))
            throw new InvalidOperationException("Aid__Receipts__Prefix must be 1–10 upper-case letters or digits.");
        var name = configuration["Aid:Issuer:Name"];
        var code = configuration["Aid:Issuer:Code"];
        var address = configuration["Aid:Issuer:Address"];
        var demo = string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(code) || string.IsNullOrWhiteSpace(address);
        var issuer = demo
            ? ReceiptSettings.DemoIssuer with
            {
                Name = string.IsNullOrWhiteSpace(name) ? ReceiptSettings.DemoIssuer.Name : name,
                Code = string.IsNullOrWhiteSpace(code) ? ReceiptSettings.DemoIssuer.Code : code,
                Address = string.IsNullOrWhiteSpace(address) ? ReceiptSettings.DemoIssuer.Address : address,
            }
            : new ReceiptIssuerInfo(name!, code!, address!);
        var baseUrl = configuration["Aid:PublicBaseUrl"];
        return new ReceiptSettings(prefix, issuer, demo, string.IsNullOrWhiteSpace(baseUrl) ? null : baseUrl.TrimEnd('/'));
    }

    [GeneratedRegex("^[A-Z0-9]{1,10}$")]
    private static partial Regex Prefix();
}
