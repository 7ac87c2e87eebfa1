using Aid.Application.Users;
using QRCoder;

namespace Aid.Api.Pages;

/// <summary>What the enrolment pages show: the otpauth:// URI as a QR code (a PNG data URI: no inline script or style) and the secret as text.</summary>
public static class TotpPages
{
    public static string QrDataUri(string uri)
    {
        using var data = QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(5));
    }

    /// <summary>The enrolment shown again after a wrong code, from the pending secret the form carried (display only; never stored from here).</summary>
    public static TotpEnrolment? Again(string secret, string? account)
    {
        if (secret.Length != 32) return null; // what BeginTotpEnrolment makes (20 bytes); anything else did not come from us
        try
        {
            return new TotpEnrolment(secret, Totp.EnrolmentUri("Aid", account ?? "Aid", Totp.FromBase32(secret)));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The secret in groups of four, as people type it into an app.</summary>
    public static string Grouped(string secret) => string.Join(' ', secret.Chunk(4).Select(c => new string(c)));
}
