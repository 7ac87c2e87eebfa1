using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Aid.Api.Demo;

internal static class DemoServices
{
    /// <summary>
    /// What <c>seed-demo</c> needs on top of the service: the seeder, and the <see cref="DemoClock"/> in place of the system clock
    /// (BusinessClock and every handler read it through <see cref="TimeProvider"/>), starting on the demo's first day so that even
    /// the start-up work (the bootstrap key, the key registry) comes before the campaign. Program.cs calls it for <c>seed-demo</c>
    /// only, after every other registration; tests call it for the app they load the demo into.
    /// </summary>
    public static IServiceCollection AddDemoSeeding(this IServiceCollection services)
    {
        var clock = new DemoClock(DemoSeeder.ClockStart);
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(clock);
        services.AddSingleton<DemoSeeder>();
        return services;
    }
}
