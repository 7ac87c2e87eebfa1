using System.Globalization;
using System.Security.Cryptography;
using Aid.Application.Common;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// The <c>crypto_keys</c> table: which master keys this database was written with, by id and check value. At start-up
/// (<see cref="CheckAsync"/>) an instance proves its key file holds the database's current key, or refuses to start with one
/// line (<see cref="KeyFileRefusedException"/>): a second instance with another key file would otherwise write personal
/// data and fingerprints that no other instance can read, and duplicate checks on ID numbers would silently miss.
/// </summary>
public static class KeyRegistry
{
    /// <summary>What a start-up check found.</summary>
    /// <param name="Registered">True when this start registered the key (an empty registry: the first start, or the first after the upgrade).</param>
    /// <param name="RetiredNotHeld">Retired keys of the database that this instance's <c>.retired</c> folder lacks.</param>
    public sealed record Outcome(bool Registered, IReadOnlyList<string> RetiredNotHeld);

    /// <summary>
    /// Before the key file is read (and created when missing): a database that has keys is never given a new one.
    /// Throws <see cref="KeyFileRefusedException"/> when the key file is missing and the database names its key.
    /// </summary>
    public static async Task CheckKeyFileExistsAsync(IDbSession db, string keyFile, CancellationToken ct)
    {
        var path = Path.GetFullPath(keyFile);
        if (File.Exists(path)) return;
        var current = Current(await ListAsync(db, ct));
        if (current.Count > 0)
            throw new KeyFileRefusedException(
                $"the key file {path} does not exist, and this database was written with key {string.Join(", ", current)}: copy the key file "
                + "of the first instance there, or point Aid__Crypto__KeyFile at it (a new key could not read the database's personal data).");
    }

    /// <summary>
    /// The start-up check. An empty registry gets this instance's key (insert-if-absent, so instances sharing a key file
    /// can start together), unless the database holds personal data the key cannot decrypt. Two instances with different
    /// keys registering at once: each re-reads after its insert, and one that sees another current key withdraws its own
    /// row and refuses, so at most one key is ever accepted.
    /// </summary>
    public static async Task<Outcome> CheckAsync(IDbSession db, KeyRing ring, IFieldCipher cipher, DateTimeOffset now, CancellationToken ct)
    {
        var id = ring.CurrentKeyId;
        var rows = await ListAsync(db, ct);
        var registered = false;
        if (rows.Count == 0)
        {
            await CheckCanReadExistingDataAsync(db, ring, cipher, ct);
            registered = await db.ExecuteAsync(InsertIfAbsentSql(db.Dialect),
                new { keyId = id, checkValue = ring.CheckValue(id), createdAt = now.ToUniversalTime() }, ct) == 1;
            rows = await ListAsync(db, ct);
            if (registered && Current(rows).Any(k => k != id))
            {
                await db.ExecuteAsync("DELETE FROM crypto_keys WHERE key_id = @keyId", new { keyId = id }, ct);
                rows = await ListAsync(db, ct);
                registered = false;
            }
        }

        var mine = rows.FirstOrDefault(r => r.KeyId == id);
        var unfinished = mine is { RetiredAt: null } ? "" : UnfinishedRotation(ring, Current(rows));
        if (mine is null)
        {
            var current = Current(rows);
            throw new KeyFileRefusedException(
                $"the key file {ring.KeyFile} (key {id}) is not the key this database was written with (key {Names(current, rows)}). "
                + "Copy the key file of the first instance, or point Aid__Crypto__KeyFile at it." + unfinished);
        }
        if (!string.Equals(mine.CheckValue, ring.CheckValue(id), StringComparison.Ordinal)) // not a secret: a fingerprint of the key
            throw new KeyFileRefusedException(
                $"the key file {ring.KeyFile} (key {id}) does not match the check value this database keeps for key {id}: the key file or the "
                + "database was altered. Restore the key file of the first instance.");
        if (mine.RetiredAt is { } retiredAt)
            throw new KeyFileRefusedException(
                $"the key file {ring.KeyFile} (key {id}) holds a key that a key rotation retired on {retiredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; this "
                + $"database is now written with key {Names(Current(rows), rows)}. Copy the current key file and its .retired folder from the instance "
                + "that rotated, or point Aid__Crypto__KeyFile at them." + unfinished);

        var notHeld = rows.Where(r => r.RetiredAt is not null && !ring.KeyIds.Contains(r.KeyId)).Select(r => r.KeyId).ToList();
        return new Outcome(registered, notHeld);
    }

    /// <summary>A hint when <c>&lt;KeyFile&gt;.new</c> holds the database's current key: a rotation committed but did not move its files.</summary>
    private static string UnfinishedRotation(KeyRing ring, List<string> current) =>
        KeyRing.Read(ring.KeyFile + ".new") is { } pending && current.Contains(KeyRing.KeyIdOf(pending))
            ? $" A key rotation did not finish: its new key is in {ring.KeyFile}.new; run \"keys rotate\" again to finish it."
            : "";

    /// <summary>Every registered key, oldest first.</summary>
    public static Task<IReadOnlyList<KeyRow>> ListAsync(IDbSession db, CancellationToken ct) => db.QueryAsync<KeyRow>(ListSql, null, ct);

    private static List<string> Current(IEnumerable<KeyRow> rows) => rows.Where(r => r.RetiredAt is null).Select(r => r.KeyId).ToList();

    private static string Names(List<string> current, IReadOnlyList<KeyRow> rows) =>
        current.Count > 0 ? string.Join(", ", current) : "none current; registered: " + string.Join(", ", rows.Select(r => r.KeyId));

    /// <summary>
    /// A database written before key ids were registered (or copied without its key) must not adopt a key that cannot read it:
    /// one stored ciphertext is decrypted as a sample.
    /// </summary>
    private static async Task CheckCanReadExistingDataAsync(IDbSession db, KeyRing ring, IFieldCipher cipher, CancellationToken ct)
    {
        var sample = await db.QuerySingleOrDefaultAsync<string>($"SELECT id_number_enc FROM students ORDER BY id {db.Dialect.Limit("1")}", null, ct);
        if (sample is null)
        {
            var response = await db.QuerySingleOrDefaultAsync<string>(
                $"SELECT response FROM idempotency_keys WHERE response LIKE 'enc:%' ORDER BY owner, idempotency_key {db.Dialect.Limit("1")}", null, ct);
            sample = response?["enc:".Length..];
        }
        if (sample is null) return;
        try
        {
            cipher.Decrypt(sample);
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            throw new KeyFileRefusedException(
                $"the key file {ring.KeyFile} (key {ring.CurrentKeyId}) cannot decrypt the personal data already in this database: it is not the key "
                + "the data was written with. Copy the key file of the first instance, or point Aid__Crypto__KeyFile at it.");
        }
    }

    internal static string InsertIfAbsentSql(ISqlDialect dialect) =>
        dialect.InsertIfAbsent("crypto_keys", "key_id, check_value, created_at", "@keyId, @checkValue, @createdAt", "key_id");

    private const string ListSql = """
        SELECT key_id AS KeyId, check_value AS CheckValue, created_at AS CreatedAt, retired_at AS RetiredAt
        FROM crypto_keys ORDER BY created_at, key_id
        """;

    public sealed class KeyRow
    {
        public required string KeyId { get; init; }
        public required string CheckValue { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? RetiredAt { get; init; }
    }
}
