using Aid.Application.Common;
using Aid.Infrastructure.Configuration;
using Aid.Infrastructure.Crypto;
using Microsoft.Extensions.Options;

namespace Aid.Api.Infrastructure;

/// <summary>
/// <c>Aid.Api keys list | rotate | reencrypt</c>: the master key's operations (README, Operations, "Key file and rotation"),
/// run with every instance stopped. Console only: progress on stdout, a refusal as one line on stderr and exit code 1.
/// </summary>
internal static class KeyCommands
{
    public const string Usage = "usage: keys list | keys rotate | keys reencrypt (with every instance of the service stopped)";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var verb = args.Length > 1 ? args[1] : "";
        if (verb is not ("list" or "rotate" or "reencrypt") || args.Length > 2 && !args[2].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"Aid: {Usage}");
            return 2;
        }
        try
        {
            await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
            var keyFile = services.GetRequiredService<IOptions<CryptoSettings>>().Value.KeyFile;
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IDbSession>();
            if (verb == "list") return await ListAsync(db, keyFile, ct);

            await KeyRegistry.CheckKeyFileExistsAsync(db, keyFile, ct);
            var ring = services.GetRequiredService<KeyRing>();
            var rotation = new KeyRotation(db, ring, services.GetRequiredService<BusinessClock>().UtcNow(), Console.Out);
            if (verb == "rotate")
            {
                Console.WriteLine($"Aid keys rotate: key file {ring.KeyFile}, current key {ring.CurrentKeyId}. Every instance must be stopped.");
                if (await rotation.RotateAsync(ct) is not { } rotated)
                {
                    Console.WriteLine($"Done: the interrupted rotation to key {rotation.NewKeyId} is finished. Copy {ring.KeyFile} and {ring.RetiredFolder} "
                                      + "to every other instance before starting it.");
                    return 0;
                }
                Console.WriteLine($"Done: key {rotation.NewKeyId} replaces key {ring.CurrentKeyId}; {rotated.StudentsChanged} students and {rotated.ResponsesChanged} stored responses "
                                  + $"re-encrypted, {rotated.Fingerprints} ID-number fingerprints recomputed. Copy {ring.KeyFile} and "
                                  + $"{ring.RetiredFolder} to every other instance before starting it.");
                return 0;
            }

            Console.WriteLine($"Aid keys reencrypt: current key {ring.CurrentKeyId}; also readable: {Others(ring)}.");
            var counts = await rotation.ReencryptAsync(ct);
            Console.WriteLine($"Done: {counts.StudentsChanged} of {counts.Students} students and {counts.ResponsesChanged} of {counts.Responses} stored "
                              + $"responses re-encrypted under key {ring.CurrentKeyId}, {counts.Fingerprints} ID-number fingerprints recomputed.");
            return 0;
        }
        catch (Exception e) when (KeyFileRefusedException.Find(e) is { } refused)
        {
            Console.Error.WriteLine($"Aid keys {verb} refused: {refused.Message}");
            return 1;
        }
    }

    private static string Others(KeyRing ring) => ring.KeyIds.Count > 1 ? string.Join(", ", ring.KeyIds.Skip(1)) : "no retired key";

    /// <summary>The registered keys and which of them this machine holds; never creates a key file.</summary>
    private static async Task<int> ListAsync(IDbSession db, string keyFile, CancellationToken ct)
    {
        var rows = await KeyRegistry.ListAsync(db, ct);
        var ring = File.Exists(keyFile) ? new KeyRing(keyFile) : null;
        Console.WriteLine($"{"key id",-18} {"created (UTC)",-17} {"retired (UTC)",-17} here");
        foreach (var row in rows)
        {
            var here = ring is null ? "not held" : row.KeyId == ring.CurrentKeyId ? "the key file" : ring.KeyIds.Contains(row.KeyId) ? "the .retired folder" : "not held";
            Console.WriteLine($"{row.KeyId,-18} {Utc(row.CreatedAt),-17} {(row.RetiredAt is { } r ? Utc(r) : "-"),-17} {here}");
        }
        if (rows.Count == 0) Console.WriteLine("(no key registered yet: the first start registers the key file's key)");
        Console.WriteLine($"Key file: {Path.GetFullPath(keyFile)} ({(ring is null ? "missing" : "key " + ring.CurrentKeyId)}).");
        return 0;
    }

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
