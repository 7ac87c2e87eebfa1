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
using Aid.Infrastructure.Database;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Json;
using System.Threading.RateLimiting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]) &&
    string.IsNullOrEmpty(builder.Configuration["URLS"]))
    builder.WebHost.UseUrls("http://127.0.0.1:5080"); // loopback unless told otherwise

builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestBodyLimit.JsonBytes);

var zoneId = builder.Configuration["Aid:TimeZone"] ?? "Asia/Shanghai";
builder.Services.AddAidApplication(TimeZoneInfo.FindSystemTimeZoneById(zoneId));
builder.Services.AddAidInfrastructure(builder.Configuration);
builder.Services.AddMediator((Mediator.MediatorOptions options) =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies = [typeof(CreateProgramme)];
    options.PipelineBehaviors =
    [
        typeof(ValidationBehaviour<,>),
        typeof(TransactionBehaviour<,>),
        typeof(IdempotencyBehaviour<,>),
        typeof(AuditBehaviour<,>),
    ];
});

builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICurrentActor, HttpActor>();
builder.Services.AddSingleton<IRequestBaseUrl, HttpRequestBaseUrl>();
builder.Services.AddSingleton(ReceiptConfiguration.Read(builder.Configuration));
builder.Services.AddSingleton<DatabaseInitializer>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
builder.Services.AddSingleton<Aid.Api.Demo.DemoSeeder>();
builder.Services.AddHostedService<ReceiptRunWorker>();
builder.Services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    var perMinute = builder.Configuration.GetValue("Aid:Security:VerifyPerMinute", 60);
    o.AddPolicy(VerifyEndpoints.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
        http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
        _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
});

// The limiter reads the unnamed options; the handler's named options carry nothing else.
builder.Services.Configure<ApiKeyAuthenticationOptions>(o =>
    o.FailuresPerMinute = builder.Configuration.GetValue("Aid:Security:FailedAuthenticationsPerMinute", 60));
builder.Services.AddSingleton<FailedAuthenticationLimiter>();
builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
builder.Services.AddAuthorizationBuilder().AddAidPolicies();

builder.Services.AddProblemDetails();
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
builder.Services.AddOpenApi();

var app = builder.Build();

if (args is ["migrate", ..])
{
    var applied = await app.Services.GetRequiredService<MigrationRunner>().MigrateAsync(CancellationToken.None);
    Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
    return;
}

if (args is ["seed-demo", ..])
{
    // Migrations and the bootstrap key first, exactly as at start-up; then the demo through the normal commands.
    await app.Services.GetRequiredService<DatabaseInitializer>().StartingAsync(CancellationToken.None);
    Console.WriteLine(await app.Services.GetRequiredService<DemoSeeder>().SeedAsync(CancellationToken.None));
    return;
}

// Behind a TLS-terminating reverse proxy: X-Forwarded-* are honoured only from the proxies listed in Aid:Security:KnownProxies.
var proxies = app.Configuration.GetSection("Aid:Security:KnownProxies").GetChildren().Select(c => c.Value).OfType<string>().ToList();
if (proxies.Count > 0)
{
    var forwarded = new ForwardedHeadersOptions
    {
        ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
    };
    forwarded.KnownProxies.Clear();
    forwarded.AllowedHosts.Clear();
    foreach (var proxy in proxies) forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
    app.UseForwardedHeaders(forwarded);
}

app.UseExceptionHandler();
app.UseJsonBodyLimit();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapOpenApi();
app.MapScalarApiReference();
app.MapHealth();
app.MapApiKeys();
app.MapProgrammes();
app.MapDonors();
app.MapPledges();
app.MapGifts();
app.MapReceipts();
app.MapReceiptRuns();
app.MapVerify();
app.MapStudents();
app.MapSponsorships();
app.MapDisbursements();
app.MapStatements();
app.MapGoods();
app.MapAudit();

app.Run();
