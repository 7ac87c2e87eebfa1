using Aid.Application.Common;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>The idempotency cache holds whole responses: a student's are personal data, so they are stored encrypted.</summary>
public sealed class IdempotencyPrivacyTests(EngineApps apps) : IClassFixture<EngineApps>
{
    private const string Name = "蒋晟晖", Phone = "13912345678", Address = "镇坪县城关镇新华街1号";

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_registered_students_cached_response_is_encrypted_and_still_replays(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var programme = await admin.CreateProgramme(Scenario.UniqueCode("ZP"));
        var id = IdNumbers.Make(new DateOnly(2008, 3, 14));
        var body = StudentScenario.Body(programme.Id(), Name, idNumber: id);
        var key = Guid.NewGuid().ToString();

        var first = await admin.PostJson("/api/v1/students", body, key).Expect(HttpStatusCode.Created);
        Assert.Equal(Phone, first.Str("guardianPhone")); // the response does carry them: what is cached is personal

        await using (var connection = await app.OpenDatabaseAsync())
        {
            var response = await connection.QuerySingleAsync<string>(
                "SELECT response FROM idempotency_keys WHERE idempotency_key = @key", new { key });
            Assert.StartsWith("enc:v2:", response);
            // No column of the row, nor of any row of the table, holds them in clear.
            var dump = string.Join("|", (await connection.QueryAsync("SELECT * FROM idempotency_keys")).Select(r => string.Join(",", ((IDictionary<string, object>)r).Values)));
            foreach (var secret in new[] { Name, Phone, Address, "城关镇", id, "蒋父" })
                Assert.DoesNotContain(secret, dump);
        }

        var students = await app.CountAsync("students");
        var replay = await admin.PostJson("/api/v1/students", body, key).Expect(HttpStatusCode.Created);
        Assert.Equal(first.GetRawText(), replay.GetRawText());
        Assert.Equal(students, await app.CountAsync("students"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_row_cached_in_plain_text_before_encryption_still_replays(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var key = Guid.NewGuid().ToString();
        var body = new { kind = "person", name = "旧缓存的捐赠人", language = "zh-CN" };
        var first = await admin.PostJson("/api/v1/donors", body, key).Expect(HttpStatusCode.Created);

        // Rewrite the row as the service stored it before this change: the response JSON in clear.
        var cipher = app.Factory.Services.GetRequiredService<IFieldCipher>();
        await using (var connection = await app.OpenDatabaseAsync())
        {
            var stored = await connection.QuerySingleAsync<string>("SELECT response FROM idempotency_keys WHERE idempotency_key = @key", new { key });
            var plain = cipher.Decrypt(stored["enc:".Length..]);
            Assert.StartsWith("{", plain);
            await connection.ExecuteAsync("UPDATE idempotency_keys SET response = @plain WHERE idempotency_key = @key", new { plain, key });
        }

        var donors = await app.CountAsync("donors");
        var replay = await admin.PostJson("/api/v1/donors", body, key).Expect(HttpStatusCode.Created);
        Assert.Equal(first.GetRawText(), replay.GetRawText());
        Assert.Equal(donors, await app.CountAsync("donors"));
    }
}
