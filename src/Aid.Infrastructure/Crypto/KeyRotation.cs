using Aid.Application.Common;

namespace Aid.Infrastructure.Crypto;

/// <summary>
/// The <c>keys</c> commands, run with every instance stopped. <see cref="RotateAsync"/>: a new key is written beside the key
/// file (<c>&lt;KeyFile&gt;.new</c>); in ONE transaction it is registered, every encrypted value (the students' <c>*_enc</c>
/// columns, the idempotency cache's <c>enc:</c> responses) is re-encrypted under it, every ID-number fingerprint is
/// recomputed with it, and the old key is marked retired; after the commit the old key is copied into
/// <c>&lt;KeyFile&gt;.retired/&lt;keyid&gt;.key</c> and the new file renamed over the key file. A crash before the commit
/// changes nothing (the next run removes the stray <c>.new</c>); a crash after it leaves the database on the new key and the
/// <c>.new</c> file in place: the service then refuses to start and says so, and running the rotation again finishes the
/// file moves. <see cref="ReencryptAsync"/> re-encrypts whatever is still under a retired key (or has no key id, "v1:"),
/// encrypts cached responses stored in clear before encryption existed, and is idempotent.
/// </summary>
public sealed class KeyRotation(IDbSession db, KeyRing ring, DateTimeOffset now, TextWriter output)
{
    private const int PageSize = 500;
    private const string Encrypted = "enc:"; // IdempotencyBehaviour's marker of an encrypted response

    /// <summary>What a re-encryption pass changed.</summary>
    public sealed record Counts(int Students, int StudentsChanged, int Fingerprints, int Responses, int ResponsesChanged, int ResponsesFirstEncrypted);

    public string PendingKeyFile => ring.KeyFile + ".new";

    /// <summary>The key a rotation made current (set once it is written).</summary>
    public string? NewKeyId { get; private set; }

    /// <summary>Rotates, or finishes a rotation that committed but did not move its files (then answers null).</summary>
    public async Task<Counts?> RotateAsync(CancellationToken ct)
    {
        var oldId = ring.CurrentKeyId;
        if (await FinishInterruptedAsync(ct)) return null;
        await KeyRegistry.CheckAsync(db, ring, new FieldCipher(ring), now, ct);

        var newMaster = KeyRing.WriteNew(PendingKeyFile);
        var next = new KeyRing(ring.KeyFile, newMaster, ring.KeyIds.Select(id => ring.Master(id)!));
        var newId = NewKeyId = next.CurrentKeyId;
        output.WriteLine($"New key {newId} written to {PendingKeyFile}; key {oldId} is to be retired.");

        var committing = false;
        Counts counts;
        try
        {
            await using var transaction = await db.BeginTransactionAsync(ct);
            var retired = await db.ExecuteAsync(
                "UPDATE crypto_keys SET retired_at = @now WHERE key_id = @keyId AND retired_at IS NULL", new { now = now.ToUniversalTime(), keyId = oldId }, ct);
            if (retired != 1)
                throw new KeyFileRefusedException($"key {oldId} stopped being the database's current key while the rotation ran (another rotation?); nothing was changed.");
            await db.ExecuteAsync("INSERT INTO crypto_keys (key_id, check_value, created_at) VALUES (@keyId, @checkValue, @createdAt)",
                new { keyId = newId, checkValue = next.CheckValue(newId), createdAt = now.ToUniversalTime() }, ct);
            counts = await ReencryptAllAsync(new FieldCipher(next), ct);
            committing = true;
            await transaction.CommitAsync(ct);
        }
        catch when (!committing)
        {
            File.Delete(PendingKeyFile); // the database never named the new key
            throw;
        }
        output.WriteLine($"Committed: key {newId} is the database's key, key {oldId} is retired.");
        InstallFiles(oldId);
        return counts;
    }

    /// <summary>Re-encrypts everything not under the current key, in one transaction (a no-op when nothing is left).</summary>
    public async Task<Counts> ReencryptAsync(CancellationToken ct)
    {
        await KeyRegistry.CheckAsync(db, ring, new FieldCipher(ring), now, ct);
        await using var transaction = await db.BeginTransactionAsync(ct);
        var counts = await ReencryptAllAsync(new FieldCipher(ring), ct);
        await transaction.CommitAsync(ct);
        return counts;
    }

    /// <summary>
    /// A rotation that committed but did not move its files: the database's current key is in <c>.new</c> and the key file holds
    /// the key it retired. Moves the files and answers true. A <c>.new</c> the database does not name is removed.
    /// </summary>
    private async Task<bool> FinishInterruptedAsync(CancellationToken ct)
    {
        if (KeyRing.Read(PendingKeyFile) is not { } pending) return false;
        var pendingId = KeyRing.KeyIdOf(pending);
        var rows = await KeyRegistry.ListAsync(db, ct);
        if (rows.Any(r => r.KeyId == pendingId && r.RetiredAt is null) && rows.Any(r => r.KeyId == ring.CurrentKeyId && r.RetiredAt is not null))
        {
            output.WriteLine($"A rotation to key {pendingId} committed but did not put the key file in place: finishing it.");
            NewKeyId = pendingId;
            InstallFiles(ring.CurrentKeyId);
            return true;
        }
        File.Delete(PendingKeyFile);
        output.WriteLine($"Removed {PendingKeyFile} (key {pendingId}): left by a rotation that did not commit.");
        return false;
    }

    /// <summary>The old key into the retired folder (a copy, renamed into place), then the new key file renamed over the key file.</summary>
    private void InstallFiles(string oldId)
    {
        var folder = ring.RetiredFolder;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var retiredFile = Path.Combine(folder, oldId + ".key");
        if (!File.Exists(retiredFile))
        {
            KeyRing.Write(retiredFile + ".tmp", ring.Master(oldId)!);
            File.Move(retiredFile + ".tmp", retiredFile, overwrite: true);
        }
        File.Move(PendingKeyFile, ring.KeyFile, overwrite: true); // rename(2): the key file is never missing
        output.WriteLine($"Key file {ring.KeyFile} now holds the new key; the retired key {oldId} is kept in {retiredFile}.");
    }

    private async Task<Counts> ReencryptAllAsync(FieldCipher cipher, CancellationToken ct)
    {
        int students = 0, studentsChanged = 0, fingerprints = 0;
        var after = Guid.Empty;
        while (true)
        {
            var page = await db.QueryAsync<StudentSecrets>(StudentsPageSql(db.Dialect), new { after, take = PageSize }, ct);
            foreach (var s in page)
            {
                var idNumber = cipher.Decrypt(s.IdNumberEnc);
                var fingerprint = cipher.Fingerprint(idNumber);
                var idNumberEnc = cipher.IsCurrent(s.IdNumberEnc) ? s.IdNumberEnc : cipher.Encrypt(idNumber);
                var phone = Current(cipher, s.GuardianPhoneEnc);
                var address = Current(cipher, s.AddressEnc);
                if (fingerprint != s.IdNumberHmac) fingerprints++;
                if (fingerprint == s.IdNumberHmac && ReferenceEquals(idNumberEnc, s.IdNumberEnc)
                    && ReferenceEquals(phone, s.GuardianPhoneEnc) && ReferenceEquals(address, s.AddressEnc)) continue;
                await db.ExecuteAsync(UpdateStudentSql,
                    new { id = s.Id, idNumberEnc, idNumberHmac = fingerprint, guardianPhoneEnc = phone, addressEnc = address }, ct);
                studentsChanged++;
            }
            students += page.Count;
            if (page.Count < PageSize) break;
            after = page[^1].Id;
            if (students % 5000 == 0) output.WriteLine($"  students: {students} read, {studentsChanged} re-encrypted…");
        }
        output.WriteLine($"  students: {students} read, {studentsChanged} re-encrypted, {fingerprints} ID-number fingerprints recomputed.");

        int responses = 0, responsesChanged = 0, firstEncrypted = 0;
        var (owner, key) = ("", "");
        while (true)
        {
            var page = await db.QueryAsync<CachedResponse>(ResponsesPageSql(db.Dialect), new { owner, key, take = PageSize }, ct);
            foreach (var r in page)
            {
                string stored;
                if (r.Response.StartsWith(Encrypted, StringComparison.Ordinal))
                {
                    var inner = r.Response[Encrypted.Length..];
                    if (cipher.IsCurrent(inner)) continue;
                    stored = Encrypted + cipher.Encrypt(cipher.Decrypt(inner));
                }
                else
                {
                    stored = Encrypted + cipher.Encrypt(r.Response); // plain JSON from before the cache was encrypted
                    firstEncrypted++;
                }
                await db.ExecuteAsync(UpdateResponseSql, new { owner = r.Owner, key = r.IdempotencyKey, response = stored }, ct);
                responsesChanged++;
            }
            responses += page.Count;
            if (page.Count < PageSize) break;
            (owner, key) = (page[^1].Owner, page[^1].IdempotencyKey);
            if (responses % 5000 == 0) output.WriteLine($"  idempotent responses: {responses} read, {responsesChanged} re-encrypted…");
        }
        output.WriteLine($"  idempotent responses: {responses} read, {responsesChanged} re-encrypted ({firstEncrypted} of them stored in clear before).");

        // People's TOTP secrets (a handful of rows: one pass).
        var totpChanged = 0;
        foreach (var u in await db.QueryAsync<TotpSecrets>(
                     "SELECT id AS Id, totp_secret AS Secret, totp_pending_secret AS Pending FROM users WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL", null, ct))
        {
            var secret = Current(cipher, u.Secret);
            var pending = Current(cipher, u.Pending);
            if (ReferenceEquals(secret, u.Secret) && ReferenceEquals(pending, u.Pending)) continue;
            await db.ExecuteAsync("UPDATE users SET totp_secret = @secret, totp_pending_secret = @pending WHERE id = @id", new { id = u.Id, secret, pending }, ct);
            totpChanged++;
        }
        output.WriteLine($"  two-step sign-in secrets: {totpChanged} re-encrypted.");
        return new Counts(students, studentsChanged, fingerprints, responses, responsesChanged, firstEncrypted);
    }

    /// <summary>The value as it is when already under the current key (same instance), else re-encrypted under it.</summary>
    private static string? Current(FieldCipher cipher, string? ciphertext) =>
        ciphertext is null || cipher.IsCurrent(ciphertext) ? ciphertext : cipher.Encrypt(cipher.Decrypt(ciphertext));

    private static string StudentsPageSql(ISqlDialect dialect) => $"""
        SELECT id AS Id, id_number_enc AS IdNumberEnc, id_number_hmac AS IdNumberHmac, guardian_phone_enc AS GuardianPhoneEnc, address_enc AS AddressEnc
        FROM students WHERE id > @after ORDER BY id {dialect.Limit("@take")}
        """;

    private const string UpdateStudentSql = """
        UPDATE students SET id_number_enc = @idNumberEnc, id_number_hmac = @idNumberHmac, guardian_phone_enc = @guardianPhoneEnc, address_enc = @addressEnc
        WHERE id = @id
        """;

    private static string ResponsesPageSql(ISqlDialect dialect) => $"""
        SELECT owner AS Owner, idempotency_key AS IdempotencyKey, response AS Response FROM idempotency_keys
        WHERE response IS NOT NULL AND (owner > @owner OR (owner = @owner AND idempotency_key > @key))
        ORDER BY owner, idempotency_key {dialect.Limit("@take")}
        """;

    private const string UpdateResponseSql = "UPDATE idempotency_keys SET response = @response WHERE owner = @owner AND idempotency_key = @key";

    private sealed class TotpSecrets
    {
        public required Guid Id { get; init; }
        public string? Secret { get; init; }
        public string? Pending { get; init; }
    }

    private sealed class StudentSecrets
    {
        public required Guid Id { get; init; }
        public required string IdNumberEnc { get; init; }
        public required string IdNumberHmac { get; init; }
        public string? GuardianPhoneEnc { get; init; }
        public string? AddressEnc { get; init; }
    }

    private sealed class CachedResponse
    {
        public required string Owner { get; init; }
        public required string IdempotencyKey { get; init; }
        public required string Response { get; init; }
    }
}
