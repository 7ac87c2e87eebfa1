using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Database;
using Aid.Infrastructure.Pdf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Infrastructure;

public static class DependencyInjection
{
    public static IServiceCollection AddAidInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        DapperTypeHandlers.Register();
        var options = DatabaseOptions.From(
            configuration["Aid:Database:Provider"], configuration.GetConnectionString("Aid"), configuration["Aid:Database:SqliteSynchronous"]);
        services.AddSingleton(options);
        services.AddSingleton(_ => DatabaseEngines.Create(options));
        services.AddScoped<IDbSession, DbSession>();
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<IKeyRing>(_ => new KeyRing(configuration["Aid:Crypto:KeyFile"] ?? "data/aid.key"));
        services.AddSingleton(_ => CjkFonts.Load(configuration.GetSection("Aid:Pdf:Fonts").GetChildren()
            .OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue).Select(c => c.Value).OfType<string>().Where(v => v.Length > 0).ToList()));
        services.AddSingleton<IReceiptRenderer, ReceiptPdf>();
        services.AddSingleton<IFieldCipher, FieldCipher>();
        services.AddSingleton<Statements.StatementPdf>();
        services.AddSingleton<Statements.DonorStatementPdf>();
        services.AddSingleton<Statements.AuditPack>();
        return services;
    }
}
