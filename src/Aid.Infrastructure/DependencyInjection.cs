using Aid.Application.Common;
using Aid.Infrastructure.Database;
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
        services.AddSingleton<IDatabaseEngine>(_ => options.Provider == DatabaseProvider.Postgres
            ? new PostgresEngine(options)
            : new SqliteEngine(options));
        services.AddScoped<IDbSession, DbSession>();
        services.AddSingleton<MigrationRunner>();
        return services;
    }
}
