using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Infrastructure.Configuration;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Database;
using Aid.Infrastructure.Pdf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aid.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddAidInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        DapperTypeHandlers.Register();
        OpenSslSha256.Install(); // the audit trail's hashes without .NET's per-call overhead, where the platform's OpenSSL agrees
        // Read and validated at start-up (ValidateOnStart): a bad value stops the service with one line naming the setting.
        services.AddSettings<DatabaseSettings>(configuration);
        services.AddSettings<CryptoSettings>(configuration);
        services.AddSettings<PdfSettings>(configuration);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DatabaseSettings>>().Value.Database);
        services.AddSingleton(sp => DatabaseEngines.Create(sp.GetRequiredService<DatabaseOptions>()));
        services.AddScoped<IDbSession, DbSession>();
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton(sp => new KeyRing(sp.GetRequiredService<IOptions<CryptoSettings>>().Value.KeyFile));
        services.AddSingleton<IKeyRing>(sp => sp.GetRequiredService<KeyRing>());
        services.AddSingleton(sp => CjkFonts.Load(sp.GetRequiredService<IOptions<PdfSettings>>().Value.Fonts));
        services.AddSingleton<IReceiptRenderer, ReceiptPdf>();
        services.AddSingleton<Aid.Application.Batches.IBatchDocuments, BatchDocuments>();
        services.AddSingleton<IFieldCipher, FieldCipher>();
        services.AddSingleton<IPasswords, Crypto.IdentityPasswords>();
        services.AddSingleton<Statements.StatementPdf>();
        services.AddSingleton<Statements.DonorStatementPdf>();
        services.AddSingleton<Statements.AuditPack>();
        return services;
    }
}
