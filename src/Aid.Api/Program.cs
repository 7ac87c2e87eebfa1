using System.Text.Json;
using System.Text.Json.Serialization;
using Aid.Api.Demo;
using Aid.Api.Endpoints;
using Aid.Api.Infrastructure;
using Aid.Application;
using Aid.Application.Common;
using Aid.Application.Pipeline;
using Aid.Application.Programmes;
using Aid.Infrastructure;
using Aid.Infrastructure.Configuration;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Database;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using System.Threading.RateLimiting;
using Scalar.AspNetCore;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Aid.Api.Pages;
using Aid.Api.Pages.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.WebEncoders;

// wwwroot (the pages' styles) is copied next to the built service, so it is found however the service is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot")) ? Path.Combine(AppContext.BaseDirectory, "wwwroot") : null,
});

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) &&
    string.IsNullOrEmpty(builder.Configuration["URLS"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080"); // loopback unless told otherwise

builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestBodyLimit.JsonBytes);

// Every Aid:* setting is read into options validated at start-up (Infrastructure/ServiceSettings.cs, Aid.Infrastructure/Configuration).
builder.Services.AddAidSettings(builder.Configuration);
builder.Services.AddAidApplication(TimeZoneSettings.Peek(builder.Configuration));
builder.Services.AddAidInfrastructure(builder.Configuration);
builder.Services.AddAidHealthChecks(); // /health, /health/live, /health/ready (Infrastructure/HealthChecks.cs)
builder.Services.AddAidTelemetry(builder.Configuration); // the Aid meter; OTLP export only with OTEL_EXPORTER_OTLP_ENDPOINT
// "Request starting … ?q=<a donor's name>": request lines carry query strings, so they stay out of the log at any level.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
// Routing and page execution lines (and appsettings.json is not read when the service runs from the repository root).
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
// "Hosting failed to start" would print the start-up exception's stack trace on the console; app.Run() rethrows it below,
// where a known problem becomes one line (a refused key file, a full disk) and anything else still crashes with its trace.
builder.Logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
builder.Services.AddMediator((Mediator.MediatorOptions options) =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies = [typeof(CreateProgramme)];
    options.PipelineBehaviors =
    [
        typeof(Aid.Application.ApiKeys.AuthenticationCacheBehaviour<,>),
        typeof(MetricsPublishBehaviour<,>),
        typeof(EmailWakeBehaviour<,>),
        typeof(ValidationBehaviour<,>),
        typeof(TransactionBehaviour<,>),
        typeof(IdempotencyBehaviour<,>),
        typeof(MetricsRecordBehaviour<,>),
        typeof(AuditBehaviour<,>),
    ];
});

builder.Services.AddRequestValidators();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICurrentActor, HttpActor>();
builder.Services.AddSingleton<IRequestBaseUrl, HttpRequestBaseUrl>();
builder.Services.AddSingleton<DatabaseInitializer>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
builder.Services.AddSingleton(typeof(WorkerWake<>)); // per app: a committed run, import or e-mail wakes this instance's worker at once
builder.Services.AddHostedService<ReceiptRunWorker>();
builder.Services.AddHostedService<ImportWorker>();
builder.Services.AddHostedService<AuditSealerWorker>();
builder.Services.AddHostedService<EmailSenderWorker>();
builder.Services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    // Sign-in pages (password, code, enrolment, one-time links): per client address, GET and POST alike.
    o.AddPolicy(SignInPages.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
        http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = http.RequestServices.GetRequiredService<IOptions<SecuritySettings>>().Value.SignInsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
    o.AddPolicy(VerifyEndpoints.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
        http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = http.RequestServices.GetRequiredService<IOptions<SecuritySettings>>().Value.VerifyPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));
});

// The limiter reads the unnamed options; the handler's named options carry nothing else.
builder.Services.AddOptions<ApiKeyAuthenticationOptions>().Configure<IOptions<SecuritySettings>>((o, security) =>
    o.FailuresPerMinute = security.Value.FailedAuthenticationsPerMinute);
builder.Services.AddSingleton<FailedAuthenticationLimiter>();
// Successful key and session lookups are kept Aid:Security:CredentialCacheSeconds (default 5, 0 = off; AuthenticationCache).
builder.Services.AddSingleton(sp => new Aid.Application.ApiKeys.AuthenticationCache(TimeSpan.FromSeconds(Math.Clamp(sp.GetRequiredService<IConfiguration>()
    .GetValue("Aid:Security:CredentialCacheSeconds", Aid.Application.ApiKeys.AuthenticationCache.DefaultSeconds), 0, Aid.Application.ApiKeys.AuthenticationCache.MaxSeconds))));
builder.Services.AddAidHttpHardening(); // security headers, response compression, 429 answers (Infrastructure/HttpHardening.cs)
// Two schemes, never mixed: the JSON API's policies accept only API keys, the pages' only the session cookie (PageSessions).
// The default scheme follows the path, so a page's user is its session person everywhere (antiforgery tokens are bound to it).
builder.Services.AddAuthentication(PageSessions.DefaultScheme)
    .AddPolicyScheme(PageSessions.DefaultScheme, null, o => o.ForwardDefaultSelector = http =>
        http.Request.Path.StartsWithSegments("/api") ? ApiKeyAuthenticationHandler.SchemeName : PageSessions.Scheme)
    .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
    .AddPageSessions();
builder.Services.AddAuthorizationBuilder().AddAidPolicies().AddPagePolicies();
builder.Services.AddSingleton<SignInThrottle>();

// The pages (Pages/, Razor Pages, server-rendered): same Mediator commands and queries as the API.
builder.Services.AddRazorPages(o =>
{
    o.Conventions.AuthorizeFolder("/Account", PageSessions.PagePolicy);
    o.Conventions.AuthorizeFolder("/Admin", PageSessions.PageAdminPolicy);
    o.Conventions.AuthorizeFolder("/Console", PageSessions.PageStaffPolicy);
    o.Conventions.AuthorizeFolder("/My", PageSessions.PageDonorPolicy); // the donor portal; /my/signin allows anonymous itself
    o.Conventions.AuthorizeFolder("/Audit", PageSessions.PageAuditPolicy);
    o.Conventions.ConfigureFilter(new PageSecurityHeaders());
}).AddMvcOptions(o => PageBindingMessages.Apply(o.ModelBindingMessageProvider));
builder.Services.AddAntiforgery(o =>
{
    o.Cookie.Name = "aid.antiforgery";
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
});
// Session cookies, the sign-in step, antiforgery tokens: keyed from the key file, so every instance with it reads them.
builder.Services.Replace(ServiceDescriptor.Singleton<IDataProtectionProvider, KeyRingDataProtection>());
// ASP.NET's own key ring is then unused: without its start-up service it writes no key files into the user's home folder.
foreach (var unused in builder.Services.Where(d => d.ServiceType == typeof(IHostedService)
             && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
    builder.Services.Remove(unused);
// Razor would write every Chinese character as &#x…; entities: let it write them as they are.
builder.Services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
builder.Services.Configure<RequestLocalizationOptions>(o =>
{
    o.SetDefaultCulture("zh-CN").AddSupportedCultures("zh-CN", "en").AddSupportedUICultures("zh-CN", "en");
    o.FallBackToParentCultures = true;
    o.FallBackToParentUICultures = true;
    // The switch's cookie first, then the browser's languages; the query string is not a source.
    o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
});

// Every problem (thrown, or a bare status such as 404/401/405) gets its title in the caller's language.
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
{
    // Every problem in the caller's language (Accept-Language zh → Chinese): title, detail and each field message.
    c.ProblemDetails.Title = ProblemLanguage.Title(c.HttpContext, c.ProblemDetails.Title);
    if (c.ProblemDetails.Detail is { } detail) c.ProblemDetails.Detail = ProblemLanguage.Message(c.HttpContext, detail);
    if (c.ProblemDetails.Extensions.TryGetValue("errors", out var value) && value is IReadOnlyDictionary<string, string[]> errors)
        c.ProblemDetails.Extensions["errors"] = ProblemLanguage.Messages(c.HttpContext, errors);
});
builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.Configure<JsonOptions>(o =>
{
    // Strict input: unknown properties, duplicate properties and numbers-as-strings are rejected.
    o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    o.SerializerOptions.AllowDuplicateProperties = false;
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    o.SerializerOptions.Converters.Add(new UtcTimestampConverter());
});
builder.Services.AddAidOpenApi();
// seed-demo alone gets the seeder and its clock, which it moves through 2021–2024: a running service's clock cannot be moved.
if (args is ["seed-demo", ..]) builder.Services.AddDemoSeeding();

var app = builder.Build();

// A bad setting stops here, before anything listens or logs: one line naming it and what is allowed, exit code 1.
if (app.Services.ConfigurationProblem() is { } configurationProblem)
{
    Console.Error.WriteLine($"Aid: configuration error: {configurationProblem}");
    return 1;
}

if (args is ["migrate", ..])
{
    var applied = await app.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
    Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
    return 0;
}

if (args is ["seed-demo", ..])
{
    // Migrations and the bootstrap key first, exactly as at start-up; then the demo through the normal commands.
    await using (app)
    {
        if (!await DatabaseInitializer.PrepareForCommandAsync(app.Services)) return 1;
        var seeder = app.Services.GetRequiredService<DemoSeeder>();
        if (!await seeder.IsEmptyAsync(CancellationToken.None))
        {
            Console.Error.WriteLine($"Aid: {DemoSeeder.NotEmpty}");
            return 1;
        }
        Console.WriteLine(await seeder.SeedAsync(CancellationToken.None));
        return 0;
    }
}

if (args is ["admin-link", ..])
{
    // A new one-time link for the first admin while no admin can sign in with a password (README, First start in a browser).
    await using (app)
    {
        if (!await DatabaseInitializer.PrepareForCommandAsync(app.Services)) return 1;
        return await DatabaseInitializer.PrintNewAdminLinkAsync(app.Services, builder.Configuration);
    }
}

if (args is ["keys", ..])
{
    // keys list | rotate | reencrypt, with every instance stopped (Infrastructure/KeyCommands.cs; README, Operations).
    await using (app) return await KeyCommands.RunAsync(app.Services, args, CancellationToken.None);
}

// Behind a TLS-terminating reverse proxy: X-Forwarded-* are honoured only from the proxies listed in Aid:Security:KnownProxies.
var proxies = app.Services.GetRequiredService<IOptions<SecuritySettings>>().Value.KnownProxies;
if (proxies.Count > 0)
{
    var forwarded = new ForwardedHeadersOptions
    {
        ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
    };
    forwarded.KnownProxies.Clear();
    forwarded.AllowedHosts.Clear();
    foreach (var proxy in proxies) forwarded.KnownProxies.Add(proxy);
    app.UseForwardedHeaders(forwarded);
}

app.UseAidHttpHardening();
app.UseStaticFiles();
app.UseExceptionHandler();
app.UseJsonBodyLimit();
// An error status with no body: a page in the person's language for browsers on page addresses, ProblemDetails for programs.
app.UseWhen(StatusPages.ForPeople, people => people.UseStatusCodePagesWithReExecute("/status/{0}"));
app.UseWhen(http => !StatusPages.ForPeople(http), programs => programs.UseStatusCodePages());
app.UseRouting(); // after the status pages, so a re-executed request is routed to its page
// Pages in the reader's language; the JSON API keeps invariant formats (its problems follow Accept-Language on their own).
app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api"), pages => pages.UseRequestLocalization());
app.UseAuthentication();
app.UseAuthorization();
app.UseQueryTextCheck();
app.UseRateLimiter();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealth();
app.MapApiKeys();
app.MapUsers();
app.MapProgrammes();
app.MapDonors();
app.MapPledges();
app.MapGifts();
app.MapReceipts();
app.MapReceiptRuns();
app.MapImports();
app.MapVerify();
app.MapStudents();
app.MapSponsorships();
app.MapDisbursements();
app.MapStatements();
app.MapGoods();
app.MapAudit();
app.MapRazorPages();

try
{
    app.Run();
}
catch (Exception e) when (SettingsRegistration.Describe(e) is { } startProblem) // options a library validates only as the host starts
{
    Console.Error.WriteLine($"Aid: configuration error: {startProblem}");
    return 1;
}
catch (Exception e) when (KeyFileRefusedException.Find(e) is { } refused) // the key file is not this database's key
{
    Console.Error.WriteLine($"Aid refuses to start: {refused.Message}");
    return 1;
}
catch (Exception e) when (DiskFull.Describe(e) is { } diskFull) // migrations or the key file at start-up
{
    Console.Error.WriteLine($"Aid: {diskFull}");
    return 1;
}
return 0;
