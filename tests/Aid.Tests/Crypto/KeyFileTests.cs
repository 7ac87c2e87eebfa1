using Aid.Application.Users;
using Aid.Tests.Pages;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Database;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Tests.Crypto;

/// <summary>
/// One key file for all instances: the database keeps each key's check value, an instance with another (or a retired) key
/// refuses to start with one line and exit code 1, and <c>keys rotate</c> moves everything encrypted onto a new key while the
/// old one stays readable. The ciphertext formats are checked against an independent implementation of them here.
/// </summary>
public sealed class KeyFileTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(90);

    // ---- the formats ----

    [Fact]
    public void A_v1_ciphertext_written_before_key_ids_still_decrypts_under_the_current_or_a_retired_key()
    {
        byte[] old = RandomNumberGenerator.GetBytes(32), current = RandomNumberGenerator.GetBytes(32), stranger = RandomNumberGenerator.GetBytes(32);
        var v1 = V1(old, "13912345678");

        Assert.Equal("13912345678", new FieldCipher(Ring(old)).Decrypt(v1));
        Assert.Equal("13912345678", new FieldCipher(Ring(current, old)).Decrypt(v1)); // the current key's tag fails, the retired one's holds
        Assert.ThrowsAny<CryptographicException>(() => new FieldCipher(Ring(current, stranger)).Decrypt(v1));
    }

    [Fact]
    public void A_new_ciphertext_names_its_key_and_decrypts_wherever_that_key_is_held()
    {
        byte[] old = RandomNumberGenerator.GetBytes(32), current = RandomNumberGenerator.GetBytes(32);
        var ciphertext = new FieldCipher(Ring(old)).Encrypt("镇坪县城关镇新华街1号");

        var oldId = KeyRing.KeyIdOf(old);
        Assert.StartsWith($"v2:{oldId}:", ciphertext);
        var data = Convert.FromBase64String(ciphertext[$"v2:{oldId}:".Length..]);
        Assert.Equal("镇坪县城关镇新华街1号", OpenGcm(FieldKey(old), data)); // the documented layout: nonce ‖ ciphertext ‖ tag under HKDF("aid:field-encryption")
        Assert.Equal("镇坪县城关镇新华街1号", new FieldCipher(Ring(current, old)).Decrypt(ciphertext));
        var missing = Assert.ThrowsAny<CryptographicException>(() => new FieldCipher(Ring(current)).Decrypt(ciphertext));
        Assert.Contains(oldId, missing.Message);
        Assert.StartsWith($"v2:{KeyRing.KeyIdOf(current)}:", new FieldCipher(Ring(current, old)).Encrypt("x"));
    }

    [Fact]
    public void The_check_value_is_the_first_16_bytes_of_an_HMAC_under_the_key_check_secret_and_the_id_is_public()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var ring = Ring(master);
        var secret = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "aid:key-check"u8.ToArray());
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(secret, "aid key check value"u8)[..16]);

        Assert.Equal(expected, ring.CheckValue(ring.CurrentKeyId));
        Assert.Equal(32, expected.Length);
        Assert.Matches("^[0-9a-f]{16}$", ring.CurrentKeyId);
        Assert.NotEqual(ring.CheckValue(ring.CurrentKeyId), Ring(RandomNumberGenerator.GetBytes(32)).CheckValue(ring.CurrentKeyId) ?? "");
        Assert.Null(ring.CheckValue("0000000000000000"));
    }

    [Fact]
    public void Retired_keys_are_read_from_the_folder_beside_the_key_file_and_listed_after_the_current_one()
    {
        using var folder = new TempFolder();
        var keyFile = Path.Combine(folder.Path, "aid.key");
        byte[] current = RandomNumberGenerator.GetBytes(32), retired = RandomNumberGenerator.GetBytes(32);
        File.WriteAllBytes(keyFile, current);
        Directory.CreateDirectory(keyFile + ".retired");
        File.WriteAllBytes(Path.Combine(keyFile + ".retired", KeyRing.KeyIdOf(retired) + ".key"), retired);

        var ring = new KeyRing(keyFile);
        Assert.Equal([KeyRing.KeyIdOf(current), KeyRing.KeyIdOf(retired)], ring.KeyIds);
        Assert.Equal(ring.DeriveKey("audit-record-mac"), ring.DeriveKey("audit-record-mac", ring.CurrentKeyId));
        Assert.Equal(HKDF.DeriveKey(HashAlgorithmName.SHA256, retired, 32, info: "aid:audit-record-mac"u8.ToArray()),
            ring.DeriveKey("audit-record-mac", KeyRing.KeyIdOf(retired)));
        Assert.Null(ring.DeriveKey("audit-record-mac", "0123456789abcdef"));

        File.WriteAllBytes(Path.Combine(keyFile + ".retired", "broken.key"), [1, 2, 3]);
        var refused = Assert.Throws<KeyFileRefusedException>(() => new KeyRing(keyFile));
        Assert.Contains("broken.key holds 3 bytes", refused.Message);
    }

    // ---- instances ----

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_instance_with_another_key_file_refuses_to_start_with_one_line_and_exit_code_1(Engine engine)
    {
        await using var app = new AidApp(engine);
        await app.StartAsync();
        var admin = app.Admin();
        var programme = await admin.CreateProgramme(Scenario.UniqueCode("ZP"));
        await admin.Register(programme.Id(), idNumber: IdNumbers.Make(new DateOnly(2008, 3, 14)));
        var keyFile = app.Factory.Services.GetRequiredService<KeyRing>().KeyFile;
        var registered = Assert.Single(await KeyIds(app));
        Assert.Equal(KeyRing.KeyIdOf(await File.ReadAllBytesAsync(keyFile, TestContext.Current.CancellationToken)), registered);

        using var folder = new TempFolder();
        var other = Path.Combine(folder.Path, "aid.key");
        var otherKey = RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(other, otherKey, TestContext.Current.CancellationToken);
        await using (var service = ServiceProcess.Start(On(app, other)))
        {
            Assert.Equal(1, await service.WaitForExitAsync(Bounded));
            Assert.Equal(new[]
            {
                $"Aid refuses to start: the key file {other} (key {KeyRing.KeyIdOf(otherKey)}) is not the key this database was written with "
                + $"(key {registered}). Copy the key file of the first instance, or point Aid__Crypto__KeyFile at it.",
            }, service.StderrLines);
            AssertNoStackTrace(service);
        }
        Assert.Equal(otherKey, await File.ReadAllBytesAsync(other, TestContext.Current.CancellationToken));

        // No key file at all: refused without creating one (a new key could not read the database).
        await using (var service = ServiceProcess.Start(On(app, null)))
        {
            Assert.Equal(1, await service.WaitForExitAsync(Bounded));
            var line = Assert.Single(service.StderrLines);
            Assert.StartsWith($"Aid refuses to start: the key file {Path.Combine(service.Folder, "aid.key")} does not exist, and this database was "
                              + $"written with key {registered}: copy the key file of the first instance there", line);
            AssertNoStackTrace(service);
            Assert.False(File.Exists(Path.Combine(service.Folder, "aid.key")));
        }
        Assert.Equal([registered], await KeyIds(app)); // the refused instances registered nothing

        // The control: a copy of the first instance's key file starts and answers, beside the running first instance.
        var copy = Path.Combine(folder.Path, "copy.key");
        File.Copy(keyFile, copy);
        await using (var service = ServiceProcess.Start(On(app, copy)))
        {
            var listening = await service.WaitForLineAsync(l => l.Contains("Now listening on: http://127.0.0.1:", StringComparison.Ordinal), Bounded);
            using var client = new HttpClient { BaseAddress = new Uri(listening[listening.IndexOf("http://", StringComparison.Ordinal)..]) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", app.AdminKey);
            var students = await client.Get("/api/v1/students").Expect(HttpStatusCode.OK);
            Assert.Single(students.GetProperty("items").EnumerateArray());
        }
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Rotation_re_encrypts_everything_under_a_new_key_that_alone_starts_afterwards(Engine engine)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new AidApp(engine);
        await app.StartAsync();
        var admin = app.Admin();
        var programme = (await admin.CreateProgramme(Scenario.UniqueCode("ZP"))).Id();
        var idA = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var a = await admin.Register(programme, "蒋晟晖", idNumber: idA);
        var bodyB = StudentScenario.Body(programme, "王小明", new DateOnly(2009, 5, 1), IdNumbers.Make(new DateOnly(2009, 5, 1)));
        var keyB = Guid.NewGuid().ToString();
        var b = await admin.PostJson("/api/v1/students", bodyB, keyB).Expect(HttpStatusCode.Created);
        var donorBody = new { kind = "person", name = "旧缓存的捐赠人", language = "zh-CN" };
        var donorKey = Guid.NewGuid().ToString();
        var donor = await admin.PostJson("/api/v1/donors", donorBody, donorKey).Expect(HttpStatusCode.Created);
        var person = await app.PersonAsync("manager", [programme]); // with two-step sign-in: its secret is encrypted too
        var enrolment = await app.SendAsync(new BeginTotpEnrolment(person.Id));
        await app.SendAsync(new ConfirmTotpEnrolment(person.Id, Accounts.TotpCode(enrolment.Secret)));

        var keyFile = app.Factory.Services.GetRequiredService<KeyRing>().KeyFile;
        var oldMaster = await File.ReadAllBytesAsync(keyFile, ct);
        var oldId = KeyRing.KeyIdOf(oldMaster);
        await using (var connection = await app.OpenDatabaseAsync())
        {
            // As stored before this change: a phone in the v1 format (no key id), a cached response in clear.
            await connection.ExecuteAsync("UPDATE students SET guardian_phone_enc = @phone WHERE code = @code",
                new { phone = V1(oldMaster, "13900000001"), code = a.Str("code") });
            var cipher = app.Factory.Services.GetRequiredService<IFieldCipher>();
            var stored = await connection.QuerySingleAsync<string>("SELECT response FROM idempotency_keys WHERE idempotency_key = @donorKey", new { donorKey });
            await connection.ExecuteAsync("UPDATE idempotency_keys SET response = @plain WHERE idempotency_key = @donorKey",
                new { plain = cipher.Decrypt(stored["enc:".Length..]), donorKey });
        }
        await app.Factory.DisposeAsync(); // every instance stopped

        string newId;
        await using (var rotate = ServiceProcess.Start(On(app, keyFile), "keys", "rotate"))
        {
            Assert.Equal(0, await rotate.WaitForExitAsync(Bounded));
            Assert.Empty(rotate.Stderr);
            var newMaster = await File.ReadAllBytesAsync(keyFile, ct);
            newId = KeyRing.KeyIdOf(newMaster);
            Assert.NotEqual(oldId, newId);
            Assert.Contains("students: 2 read, 2 re-encrypted, 2 ID-number fingerprints recomputed.", rotate.Stdout);
            Assert.Contains($"Done: key {newId} replaces key {oldId}", rotate.Stdout);

            // The files: the old key kept for reading (0600), nothing left half-way.
            var retiredFile = Path.Combine(keyFile + ".retired", oldId + ".key");
            Assert.Equal(oldMaster, await File.ReadAllBytesAsync(retiredFile, ct));
            Assert.False(File.Exists(keyFile + ".new"));
            Assert.Empty(Directory.GetFiles(keyFile + ".retired", "*.tmp"));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(retiredFile));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            }

            // The rows: every value under the new key, every fingerprint made with it.
            await using var connection = await app.OpenDatabaseAsync();
            var keys = (await connection.QueryAsync<(string Id, string? Retired)>("SELECT key_id, CAST(retired_at AS VARCHAR(40)) FROM crypto_keys")).ToList();
            Assert.Equal(2, keys.Count);
            Assert.NotNull(Assert.Single(keys, k => k.Id == oldId).Retired);
            Assert.Null(Assert.Single(keys, k => k.Id == newId).Retired);
            var rows = (await connection.QueryAsync<(string Code, string Enc, string Hmac, string? Phone, string? Address)>(
                "SELECT code, id_number_enc, id_number_hmac, guardian_phone_enc, address_enc FROM students")).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.All(new[] { r.Enc, r.Phone!, r.Address! }, v => Assert.StartsWith($"v2:{newId}:", v)));
            Assert.Equal(Fingerprint(newMaster, idA), Assert.Single(rows, r => r.Code == a.Str("code")).Hmac);
            var responses = (await connection.QueryAsync<string>("SELECT response FROM idempotency_keys WHERE response IS NOT NULL")).ToList();
            Assert.Equal(2, responses.Count);
            Assert.All(responses, r => Assert.StartsWith($"enc:v2:{newId}:", r));
            Assert.Contains("two-step sign-in secrets: 1 re-encrypted.", rotate.Stdout);
            Assert.StartsWith($"v2:{newId}:", await connection.QuerySingleAsync<string>("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL"));
        }

        await using (var list = ServiceProcess.Start(On(app, keyFile), "keys", "list"))
        {
            Assert.Equal(0, await list.WaitForExitAsync(Bounded));
            Assert.Matches($@"(?m)^{oldId} +\d{{4}}-\d\d-\d\d \d\d:\d\d +\d{{4}}-\d\d-\d\d \d\d:\d\d +the \.retired folder$", list.Stdout);
            Assert.Matches($@"(?m)^{newId} +\d{{4}}-\d\d-\d\d \d\d:\d\d +- +the key file$", list.Stdout);
        }

        // The service on the new key: old data decrypts, duplicates are still found by ID number, cached responses replay.
        await app.RestartAsync();
        admin = app.Admin();
        var revealed = await admin.Get($"/api/v1/students/{a.Id()}?reveal=idNumber").Expect(HttpStatusCode.OK);
        Assert.Equal(idA, revealed.Str("idNumber"));
        Assert.Equal("13900000001", revealed.Str("guardianPhone"));
        Assert.Equal("镇坪县城关镇新华街1号", revealed.Str("address"));
        var duplicate = await admin.PostJson("/api/v1/students", StudentScenario.Body(programme, "蒋晟晖", idNumber: idA)).Expect(HttpStatusCode.Conflict);
        Assert.Equal(a.Str("code"), duplicate.Str("existingCode"));
        Assert.Equal(b.GetRawText(), (await admin.PostJson("/api/v1/students", bodyB, keyB).Expect(HttpStatusCode.Created)).GetRawText());
        Assert.Equal(donor.GetRawText(), (await admin.PostJson("/api/v1/donors", donorBody, donorKey).Expect(HttpStatusCode.Created)).GetRawText());
        Assert.Equal(2, await app.CountAsync("students"));
        Assert.Equal([newId, oldId], app.Factory.Services.GetRequiredService<IKeyRing>().KeyIds);

        // Nothing left under a retired key: re-encryption changes nothing (its statements also go through the SQL Server shadow).
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var counts = await new KeyRotation(scope.ServiceProvider.GetRequiredService<IDbSession>(),
                app.Factory.Services.GetRequiredService<KeyRing>(), DateTimeOffset.UtcNow, TextWriter.Null).ReencryptAsync(ct);
            Assert.Equal((2, 0, 0, 2, 0), (counts.Students, counts.StudentsChanged, counts.Fingerprints, counts.Responses, counts.ResponsesChanged));
        }

        // An instance still holding the old key refuses.
        using var folder = new TempFolder();
        var stale = Path.Combine(folder.Path, "aid.key");
        await File.WriteAllBytesAsync(stale, oldMaster, ct);
        await using (var service = ServiceProcess.Start(On(app, stale)))
        {
            Assert.Equal(1, await service.WaitForExitAsync(Bounded));
            var line = Assert.Single(service.StderrLines);
            Assert.StartsWith($"Aid refuses to start: the key file {stale} (key {oldId}) holds a key that a key rotation retired on ", line);
            Assert.Contains($"this database is now written with key {newId}. Copy the current key file and its .retired folder", line);
            AssertNoStackTrace(service);
        }
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_rotation_that_committed_but_did_not_move_its_files_is_refused_at_start_and_finished_by_running_it_again(Engine engine)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = new AidApp(engine);
        await app.StartAsync();
        var programme = (await app.Admin().CreateProgramme(Scenario.UniqueCode("ZP"))).Id();
        var idNumber = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var student = await app.Admin().Register(programme, idNumber: idNumber);
        var ring = app.Factory.Services.GetRequiredService<KeyRing>();
        var keyFile = ring.KeyFile;
        var oldMaster = await File.ReadAllBytesAsync(keyFile, ct);

        // The rotation's transaction, run in-process; then "the crash": the new key stays in <KeyFile>.new.
        var newMaster = RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(keyFile + ".new", newMaster, ct);
        var next = new KeyRing(keyFile, newMaster, [oldMaster]);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IDbSession>();
            var cipher = new FieldCipher(next);
            await using var transaction = await db.BeginTransactionAsync(ct);
            await db.ExecuteAsync("UPDATE crypto_keys SET retired_at = @now", new { now = DateTimeOffset.UtcNow }, ct);
            await db.ExecuteAsync("INSERT INTO crypto_keys (key_id, check_value, created_at) VALUES (@id, @check, @now)",
                new { id = next.CurrentKeyId, check = next.CheckValue(next.CurrentKeyId), now = DateTimeOffset.UtcNow }, ct);
            var enc = await db.QuerySingleAsync<string>("SELECT id_number_enc FROM students", null, ct);
            await db.ExecuteAsync("UPDATE students SET id_number_enc = @enc, id_number_hmac = @hmac",
                new { enc = cipher.Encrypt(cipher.Decrypt(enc)), hmac = cipher.Fingerprint(idNumber) }, ct);
            await transaction.CommitAsync(ct);
        }
        await app.Factory.DisposeAsync();

        await using (var service = ServiceProcess.Start(On(app, keyFile)))
        {
            Assert.Equal(1, await service.WaitForExitAsync(Bounded));
            var line = Assert.Single(service.StderrLines);
            Assert.StartsWith($"Aid refuses to start: the key file {keyFile} (key {KeyRing.KeyIdOf(oldMaster)}) holds a key that a key rotation retired", line);
            Assert.EndsWith($"A key rotation did not finish: its new key is in {keyFile}.new; run \"keys rotate\" again to finish it.", line);
            AssertNoStackTrace(service);
        }
        await using (var rotate = ServiceProcess.Start(On(app, keyFile), "keys", "rotate"))
        {
            Assert.Equal(0, await rotate.WaitForExitAsync(Bounded));
            Assert.Contains($"A rotation to key {next.CurrentKeyId} committed but did not put the key file in place: finishing it.", rotate.Stdout);
        }
        Assert.Equal(newMaster, await File.ReadAllBytesAsync(keyFile, ct));
        Assert.Equal(oldMaster, await File.ReadAllBytesAsync(Path.Combine(keyFile + ".retired", KeyRing.KeyIdOf(oldMaster) + ".key"), ct));
        Assert.False(File.Exists(keyFile + ".new"));

        await app.RestartAsync();
        var revealed = await app.Admin().Get($"/api/v1/students/{student.Id()}?reveal=idNumber").Expect(HttpStatusCode.OK);
        Assert.Equal(idNumber, revealed.Str("idNumber"));
        await app.Admin().PostJson("/api/v1/students", StudentScenario.Body(programme, idNumber: idNumber)).Expect(HttpStatusCode.Conflict);
    }

    // ---- the registry, without a service ----

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Two_instances_with_different_keys_starting_together_on_an_empty_database_never_both_get_their_key_accepted(Engine engine)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(engine);
        var dbEngine = DatabaseEngines.Create(database.Options);
        await new MigrationRunner(dbEngine, NullLogger<MigrationRunner>.Instance).MigrateAsync(ct);
        for (var round = 0; round < 20; round++)
        {
            await using (var reset = new DbSession(dbEngine)) await reset.ExecuteAsync("DELETE FROM crypto_keys", null, ct);
            var rings = new[] { Ring(RandomNumberGenerator.GetBytes(32)), Ring(RandomNumberGenerator.GetBytes(32)) };
            var accepted = (await Task.WhenAll(rings.Select(ring => Task.Run(async () =>
            {
                await using var session = new DbSession(dbEngine);
                try
                {
                    await KeyRegistry.CheckAsync(session, ring, new FieldCipher(ring), DateTimeOffset.UtcNow, ct);
                    return ring.CurrentKeyId;
                }
                catch (KeyFileRefusedException)
                {
                    return null;
                }
            }, ct)))).OfType<string>().ToList();

            await using var check = new DbSession(dbEngine);
            var current = (await KeyRegistry.ListAsync(check, ct)).Where(k => k.RetiredAt is null).Select(k => k.KeyId).ToList();
            Assert.True(accepted.Count <= 1, $"round {round}: both keys were accepted");
            Assert.Equal(accepted, current); // the registry names exactly the accepted key (none when both withdrew)
        }
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_database_with_data_from_before_the_registry_is_not_given_a_key_that_cannot_read_it(Engine engine)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(engine);
        var dbEngine = DatabaseEngines.Create(database.Options);
        await new MigrationRunner(dbEngine, NullLogger<MigrationRunner>.Instance).MigrateAsync(ct);
        var writer = RandomNumberGenerator.GetBytes(32);
        await using var db = new DbSession(dbEngine);
        await db.ExecuteAsync(
            "INSERT INTO idempotency_keys (owner, idempotency_key, action, request_hash, response, created_at) VALUES ('key:1', 'k1', 'RegisterStudent', 'x', @response, @now)",
            new { response = "enc:" + V1(writer, """{"guardianPhone":"13912345678"}"""), now = DateTimeOffset.UtcNow }, ct);

        var stranger = Ring(RandomNumberGenerator.GetBytes(32));
        var refused = await Assert.ThrowsAsync<KeyFileRefusedException>(() => KeyRegistry.CheckAsync(db, stranger, new FieldCipher(stranger), DateTimeOffset.UtcNow, ct));
        Assert.Contains($"(key {stranger.CurrentKeyId}) cannot decrypt the personal data already in this database", refused.Message);
        Assert.Empty(await KeyRegistry.ListAsync(db, ct));

        var right = Ring(writer);
        Assert.True((await KeyRegistry.CheckAsync(db, right, new FieldCipher(right), DateTimeOffset.UtcNow, ct)).Registered);
        Assert.Equal(right.CurrentKeyId, Assert.Single(await KeyRegistry.ListAsync(db, ct)).KeyId);
        Assert.False((await KeyRegistry.CheckAsync(db, right, new FieldCipher(right), DateTimeOffset.UtcNow, ct)).Registered); // registered once
    }

    // ---- helpers ----

    private static Dictionary<string, string?> On(AidApp app, string? keyFile)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Aid__Database__Provider"] = app.Database.Provider,
            ["ConnectionStrings__Aid"] = app.Database.ConnectionString,
        };
        if (keyFile is not null) environment["Aid__Crypto__KeyFile"] = keyFile; // else the process's own folder (no file there)
        return environment;
    }

    private static async Task<List<string>> KeyIds(AidApp app)
    {
        await using var connection = await app.OpenDatabaseAsync();
        return (await connection.QueryAsync<string>("SELECT key_id FROM crypto_keys")).ToList();
    }

    private static KeyRing Ring(byte[] current, params byte[][] retired) => new("unused.key", current, retired);

    private static byte[] FieldKey(byte[] master) => HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "aid:field-encryption"u8.ToArray());

    /// <summary>The v1 format as the service wrote it before key ids: "v1:" + base64(nonce ‖ ciphertext ‖ tag).</summary>
    private static string V1(byte[] master, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(FieldKey(master), 16);
        aes.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(12, plain.Length), output.AsSpan(12 + plain.Length, 16));
        return "v1:" + Convert.ToBase64String(output);
    }

    private static string OpenGcm(byte[] key, byte[] data)
    {
        var plain = new byte[data.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(data.AsSpan(0, 12), data.AsSpan(12, plain.Length), data.AsSpan(12 + plain.Length, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }

    private static string Fingerprint(byte[] master, string idNumber) => Convert.ToHexStringLower(HMACSHA256.HashData(
        HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: "aid:field-fingerprint"u8.ToArray()), Encoding.UTF8.GetBytes(idNumber.ToUpperInvariant())));

    private static void AssertNoStackTrace(ServiceProcess service)
    {
        Assert.DoesNotContain("   at ", service.Stderr + service.Stdout);
        Assert.DoesNotContain("Exception", service.Stderr + service.Stdout);
        Assert.DoesNotContain("Unhandled", service.Stderr + service.Stdout);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("aid-keyfile-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
