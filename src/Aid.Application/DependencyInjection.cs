using Aid.Application.Auditing;
using Aid.Application.Common;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Application;

public static class DependencyInjection
{
    /// <summary>Everything of Aid.Application except the Mediator registration, which the source generator in Aid.Api owns.</summary>
    public static IServiceCollection AddAidApplication(this IServiceCollection services, TimeZoneInfo businessZone)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new BusinessClock(sp.GetRequiredService<TimeProvider>(), businessZone));
        services.AddScoped<AccessScope>();
        services.AddScoped<ApiKeys.CredentialChanges>();
        services.AddScoped<Pipeline.IdempotencyKey>();
        services.AddScoped<Preconditions>();
        services.AddScoped<AuditRecorder>();
        services.AddScoped<AuditTrail>();
        services.AddSingleton<AuditMac>();
        services.AddSingleton<AuditSigningKeys>();
        services.AddScoped<AuditSealer>();
        services.AddScoped<AuditCheckpoints>();
        services.AddScoped<AuditedRows>();
        services.AddScoped<AuditVerifier>();
        services.AddSingleton<LastIntactVerification>();
        services.AddScoped<Ledger.Journal>();
        services.AddScoped<Pledges.PledgeCloser>();
        services.AddScoped<Receipts.ReceiptIssuer>();
        services.AddScoped<Email.EmailOutbox>();
        services.AddScoped<Receipts.ReceiptEmails>();

        foreach (var type in typeof(DependencyInjection).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false }))
        foreach (var contract in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidator<>)))
            services.AddSingleton(contract, type);
        return services;
    }
}
