using Aid.Tests.Support;

namespace Aid.Tests.Email;

/// <summary>Bad <c>Aid__Smtp__*</c> settings stop the real service before it listens, with one line naming them; never the password.</summary>
public sealed class EmailSettingsTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);
    private const string Password = "s3cret-smtp-password";

    public static readonly TheoryData<string, string[]> BadSettings = new()
    {
        { "Aid__Smtp__Security must be none, starttls or tls (got 'ssl').",
            ["Aid__Smtp__Host=smtp.example.org", "Aid__Smtp__From=Aid <receipts@example.org>", "Aid__Smtp__Security=ssl"] },
        { "Aid__Smtp__Port must be a whole number from 1 to 65,535 (got '0').",
            ["Aid__Smtp__Host=smtp.example.org", "Aid__Smtp__From=Aid <receipts@example.org>", "Aid__Smtp__Port=0"] },
        { "Aid__Smtp__From must be set with Aid__Smtp__Host: the sender address, such as Aid <receipts@example.org>.",
            ["Aid__Smtp__Host=smtp.example.org"] },
        { "Aid__Smtp__From must be one e-mail address, optionally with a name, such as Aid <receipts@example.org> (got 'receipts').",
            ["Aid__Smtp__Host=smtp.example.org", "Aid__Smtp__From=receipts"] },
        { "Aid__Smtp__Host must be set to send e-mail (the SMTP server's host name); it is missing although Aid__Smtp__Password, Aid__Smtp__From are set.",
            ["Aid__Smtp__From=Aid <receipts@example.org>", "Aid__Smtp__Password=" + Password] },
        { "Aid__Smtp__User and Aid__Smtp__Password must be set together (SMTP login) or not at all.",
            ["Aid__Smtp__Host=smtp.example.org", "Aid__Smtp__From=Aid <receipts@example.org>", "Aid__Smtp__Password=" + Password] },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public async Task A_bad_SMTP_setting_stops_the_service_with_one_line_naming_it(string expected, string[] settings)
    {
        await using var service = ServiceProcess.Start(settings.Select(s => s.Split('=', 2)).ToDictionary(p => p[0], p => (string?)p[1]));
        Assert.Equal(1, await service.WaitForExitAsync(Bounded));
        Assert.Equal(new[] { "Aid: configuration error: " + expected }, service.StderrLines);
        Assert.DoesNotContain(Password, service.Stdout + service.Stderr);
    }
}
