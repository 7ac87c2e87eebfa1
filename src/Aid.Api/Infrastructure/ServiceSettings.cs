using System.Net;
using System.Text.RegularExpressions;
using Aid.Application.Auditing;
using Aid.Application.Receipts;
using Aid.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary><c>Aid:TimeZone</c>: the zone of business dates ("today", a receipt's year).</summary>
internal sealed class TimeZoneSettings : Settings
{
    public const string DefaultZone = "Asia/Shanghai";
    private const string Key = "Aid:TimeZone";

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    protected internal override void Read(IConfiguration configuration)
    {
        var id = Text(configuration, Key) ?? DefaultZone;
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) Zone = zone;
        else Problem(Key, "a time zone this machine knows, such as Asia/Shanghai, Europe/London or UTC", id);
    }

    /// <summary>
    /// The zone for registrations that need it before the container exists (the business clock). A bad value gives UTC
    /// here, but start-up validation stops the service before the clock is ever used.
    /// </summary>
    public static TimeZoneInfo Peek(IConfiguration configuration)
    {
        var settings = new TimeZoneSettings();
        settings.Read(configuration);
        return settings.Zone;
    }
}

/// <summary><c>Aid:Security:*</c>: the public /verify rate, the failed-authentication limit and the trusted reverse proxies.</summary>
internal sealed class SecuritySettings : Settings
{
    public const int MaxPerMinute = 1_000_000;

    public int VerifyPerMinute { get; private set; } = 60;
    public int FailedAuthenticationsPerMinute { get; private set; } = 60;
    /// <summary>Requests to the sign-in pages (password, code, one-time links) per client address and minute, per instance.</summary>
    public int SignInsPerMinute { get; private set; } = 30;
    public IReadOnlyList<IPAddress> KnownProxies { get; private set; } = [];

    protected internal override void Read(IConfiguration configuration)
    {
        VerifyPerMinute = Int(configuration, "Aid:Security:VerifyPerMinute", 60, 1, MaxPerMinute);
        FailedAuthenticationsPerMinute = Int(configuration, "Aid:Security:FailedAuthenticationsPerMinute", 60, 1, MaxPerMinute);
        SignInsPerMinute = Int(configuration, "Aid:Security:SignInsPerMinute", 30, 1, MaxPerMinute);
        var proxies = new List<IPAddress>();
        foreach (var (key, value) in List(configuration, "Aid:Security:KnownProxies"))
        {
            if (IPAddress.TryParse(value, out var address)) proxies.Add(address);
            else Problem(key, "the IP address of a reverse proxy (such as 10.0.0.2 or ::1), not a host name or range", value);
        }
        KnownProxies = proxies;
    }
}

/// <summary>
/// <c>Aid:Audit:*</c>: where checkpoints are appended outside the database (default <c>audit-checkpoints.jsonl</c> beside the key
/// file), how often committed records are sealed, how often moved chain heads are checkpointed, and for how long a programme
/// statement may reuse a full verification while only the service itself has written (docs/AUDIT-CHAIN.md).
/// </summary>
internal sealed class AuditTrailSettings : Settings
{
    public AuditSettings Audit { get; private set; } = new("data/audit-checkpoints.jsonl", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(60));

    protected internal override void Read(IConfiguration configuration)
    {
        const string key = "Aid:Audit:CheckpointFile";
        var keyFile = configuration["Aid:Crypto:KeyFile"] is { Length: > 0 } k ? k : CryptoSettings.DefaultKeyFile;
        var file = Text(configuration, key) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(keyFile)) ?? ".", "audit-checkpoints.jsonl");
        if (Directory.Exists(file)) Problem(key, "a file, not a folder", file);
        Audit = new AuditSettings(Path.GetFullPath(file),
            TimeSpan.FromMilliseconds(Int(configuration, "Aid:Audit:SealIntervalMs", 1000, 50, 600_000)),
            TimeSpan.FromMinutes(Int(configuration, "Aid:Audit:CheckpointIntervalMinutes", 10, 1, 24 * 60)),
            TimeSpan.FromMinutes(Int(configuration, "Aid:Audit:ReuseVerificationMinutes", 60, 0, 24 * 60)));
    }
}

/// <summary>
/// <c>Aid:Receipts:*</c>, <c>Aid:Issuer:*</c> and <c>Aid:PublicBaseUrl</c>: receipt numbers, the legal issuer printed on
/// receipts (all three or none: none is the demo issuer, flagged on /health), the base of QR verification links, and receipt runs.
/// </summary>
internal sealed partial class ReceiptsSettings : Settings
{
    public ReceiptSettings Receipts { get; private set; } = new("AID", ReceiptSettings.DemoIssuer, true, null);

    /// <summary>Receipts per transaction in a receipt run.</summary>
    public int RunChunkSize { get; private set; } = 50;

    /// <summary>A pause between chunks (for tests and throttled machines).</summary>
    public TimeSpan RunChunkDelay { get; private set; } = TimeSpan.Zero;

    private static readonly string[] IssuerKeys = ["Aid:Issuer:Name", "Aid:Issuer:Code", "Aid:Issuer:Address"];

    protected internal override void Read(IConfiguration configuration)
    {
        const string prefixKey = "Aid:Receipts:Prefix";
        var prefix = Text(configuration, prefixKey) ?? "AID";
        if (!Prefix().IsMatch(prefix)) Problem(prefixKey, "1 to 10 upper-case letters or digits (A–Z, 0–9), such as AID", prefix);
        RunChunkSize = Int(configuration, "Aid:Receipts:RunChunkSize", 50, 1, 1000);
        RunChunkDelay = TimeSpan.FromMilliseconds(Int(configuration, "Aid:Receipts:RunChunkDelayMs", 0, 0, 60_000));

        var issuer = IssuerKeys.Select(k => Text(configuration, k)).ToArray();
        var missing = IssuerKeys.Where((_, i) => issuer[i] is null).Select(EnvironmentName).ToList();
        if (missing.Count is > 0 and < 3)
            Fail($"{string.Join(", ", IssuerKeys.Select(EnvironmentName))} must be set together (the legal issuer printed on receipts) "
                 + $"or not at all (the demo issuer); missing: {string.Join(", ", missing)}.");
        for (var i = 0; i < IssuerKeys.Length; i++)
            if (issuer[i] is { Length: > 200 } text)
                Problem(IssuerKeys[i], "at most 200 characters", text[..20] + "…");

        const string reviewerKey = "Aid:Issuer:Reviewer";
        var reviewer = Text(configuration, reviewerKey);
        if (reviewer is { Length: > 50 }) Problem(reviewerKey, "at most 50 characters (the name printed as 复核人)", reviewer[..20] + "…");

        Receipts = new ReceiptSettings(prefix,
            missing.Count == 0 ? new ReceiptIssuerInfo(issuer[0]!, issuer[1]!, issuer[2]!) : ReceiptSettings.DemoIssuer,
            IssuerIsDemo: missing.Count > 0,
            PublicBaseUrl: BaseUrl(configuration),
            Reviewer: reviewer,
            SealPng: Seal(configuration));
    }

    /// <summary>The issuer's seal printed on receipts: a PNG file of at most 1 MiB, read once at start.</summary>
    private byte[]? Seal(IConfiguration configuration)
    {
        const string key = "Aid:Issuer:SealPng";
        if (Text(configuration, key) is not { } path) return null;
        byte[] bytes;
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: > 1024 * 1024 })
            {
                Problem(key, "a PNG image of at most 1 MiB", path);
                return null;
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            Problem(key, "a readable PNG file (the issuer's seal printed on receipts)", path);
            return null;
        }
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!bytes.AsSpan().StartsWith(signature))
        {
            Problem(key, "a PNG image (the file does not start with the PNG signature)", path);
            return null;
        }
        if (!Aid.Infrastructure.Pdf.PdfCanvas.CanDraw(bytes))
        {
            Problem(key, "a PNG image that can be read (this one is damaged or of a kind the PDF library cannot draw)", path);
            return null;
        }
        return bytes;
    }

    /// <summary>An absolute http(s) URL without user info, query or fragment; its trailing slash dropped.</summary>
    private string? BaseUrl(IConfiguration configuration)
    {
        const string key = "Aid:PublicBaseUrl";
        if (Text(configuration, key) is not { } text) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0
            && uri.Query.Length == 0 && uri.Fragment.Length == 0 && !text.Contains('?') && !text.Contains('#'))
            return text.TrimEnd('/');
        Problem(key, "an absolute http:// or https:// URL without user name, query or fragment, such as https://aid.example.org",
            uri is { UserInfo.Length: > 0 } ? null : text); // never echo a password
        return null;
    }

    [GeneratedRegex("^[A-Z0-9]{1,10}$")]
    private static partial Regex Prefix();
}

internal static class ServiceSettingsRegistration
{
    /// <summary>The settings of Aid.Api, validated at start-up like those of Aid.Infrastructure.</summary>
    public static IServiceCollection AddAidSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<TimeZoneSettings>(configuration);
        services.AddSettings<SecuritySettings>(configuration);
        services.AddSettings<AuditTrailSettings>(configuration);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuditTrailSettings>>().Value.Audit);
        services.AddSettings<ReceiptsSettings>(configuration);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReceiptsSettings>>().Value.Receipts);
        services.AddSettings<SmtpSettings>(configuration); // Aid:Smtp:* (SmtpSettings.cs): the e-mail outbox's SMTP server
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SmtpSettings>>().Value.Delivery);
        services.AddSettings<ImportSettings>(configuration); // Aid:Imports:* (ImportSettings.cs): upload and commit limits
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ImportSettings>>().Value.Limits);
        services.AddSingleton<Aid.Application.Imports.IImportFileReader>(sp =>
            Aid.Infrastructure.Imports.ImportFileReader.Create(sp.GetRequiredService<IOptions<ImportSettings>>().Value.MaxUnpackedBytes));
        return services;
    }
}
