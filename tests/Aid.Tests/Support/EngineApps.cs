using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;

namespace Aid.Tests.Support;

/// <summary>
/// Class fixture: one <see cref="AidApp"/> per engine for the test class, started on first use by a test of that engine
/// (so a class whose rows for an engine are all skipped or filtered out never creates that engine's database).
/// Derive and override <see cref="Configure"/> for a class that needs the app configured differently.
/// </summary>
public class EngineApps : IAsyncLifetime
{
    private readonly ConcurrentDictionary<Engine, Lazy<Task<AidApp>>> _apps = new();

    /// <summary>Extra configuration for every app of this fixture, applied before start.</summary>
    protected virtual void Configure(IWebHostBuilder builder) { }

    /// <summary>Whether this fixture's apps listen on real Kestrel (a loopback port) instead of the in-memory TestServer.</summary>
    protected virtual bool OnKestrel => false;

    /// <summary>The started app on <paramref name="engine"/>; skips the test when that engine's server is not configured.</summary>
    public Task<AidApp> For(Engine engine)
    {
        Engines.SkipUnlessAvailable(engine); // the matrix row is skipped already; this keeps a direct call honest
        return _apps.GetOrAdd(engine, e => new Lazy<Task<AidApp>>(() => StartAsync(e))).Value;
    }

    private async Task<AidApp> StartAsync(Engine engine)
    {
        var app = new AidApp(engine, Configure, OnKestrel);
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        var failures = new List<Exception>();
        foreach (var start in _apps.Values.Where(a => a.IsValueCreated).Select(a => a.Value))
        {
            AidApp app;
            try { app = await start; }
            catch { continue; } // a failed start cleaned up after itself, and its tests failed with the reason
            try { await app.DisposeAsync(); }
            catch (Exception e) { failures.Add(e); }
        }
        _apps.Clear();
        GC.SuppressFinalize(this);
        if (failures.Count > 0) throw new AggregateException("Stopping the apps failed.", failures);
    }
}

/// <summary>
/// Class fixture like <see cref="EngineApps"/> whose apps run on real Kestrel at 127.0.0.1 on a free port
/// (<see cref="AidApp.BaseAddress"/>), for browser tests; <see cref="AidApp.Client"/> still works, over the socket.
/// </summary>
public class KestrelEngineApps : EngineApps
{
    protected override bool OnKestrel => true;
}
