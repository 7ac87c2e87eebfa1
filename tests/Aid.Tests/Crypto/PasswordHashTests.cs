using System.Buffers.Binary;
using Aid.Application.Common;
using Aid.Application.Users;
using Aid.Infrastructure.Crypto;
using Aid.Tests.Pages;
using Aid.Tests.Support;
using Dapper;
using Mediator;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aid.Tests.Crypto;

/// <summary>
/// The test apps hash passwords with <see cref="TestServices.PasswordIterations"/> PBKDF2 iterations instead of 100,000 (each hash
/// at the real count is about 0.1 CPU-s here, and the suite makes over a hundred); the service itself keeps Identity's default,
/// and a hash made with fewer iterations is still accepted, and replaced at the service's count at the next sign-in.
/// </summary>
public sealed class PasswordHashTests
{
    [Fact]
    public void The_service_hashes_with_PBKDF2_HMAC_SHA512_and_100000_iterations_and_upgrades_a_weaker_hash()
    {
        var service = new IdentityPasswords(Options.Create(new PasswordHasherOptions()));
        var hash = service.Hash("镇坪助学2026");
        Assert.Equal((1, 2, 100_000), Header(hash)); // v3, HMAC-SHA512, iterations

        Assert.Equal(PasswordCheck.Right, service.Verify(hash, "镇坪助学2026"));
        Assert.Equal(PasswordCheck.Wrong, service.Verify(hash, "镇坪助学2025"));

        var weaker = new IdentityPasswords(Options.Create(new PasswordHasherOptions { IterationCount = TestServices.PasswordIterations }));
        var testHash = weaker.Hash("镇坪助学2026");
        Assert.Equal((1, 2, TestServices.PasswordIterations), Header(testHash));
        Assert.Equal(PasswordCheck.RightButRehash, service.Verify(testHash, "镇坪助学2026"));
        Assert.Equal(PasswordCheck.Wrong, service.Verify(testHash, "镇坪助学2025"));
    }

    [Fact]
    public async Task The_test_apps_hash_with_the_lower_count()
    {
        await using var app = new AidApp(Engine.Sqlite);
        await app.StartAsync();
        var passwords = app.Factory.Services.GetRequiredService<IPasswords>();
        Assert.Equal((1, 2, TestServices.PasswordIterations), Header(passwords.Hash("x")));
    }

    [Fact]
    public async Task A_sign_in_with_a_hash_weaker_than_the_services_stores_the_password_again_at_the_services_count()
    {
        await using var app = new AidApp(Engine.Sqlite, builder => builder.ConfigureServices(services =>
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = 100_000))); // the service's own count, not the tests'
        await app.StartAsync();
        var programme = (await app.Admin().CreateProgramme(Scenario.UniqueCode("ZP"))).Id();
        var person = await app.PersonAsync("manager", [programme]);
        var weaker = new IdentityPasswords(Options.Create(new PasswordHasherOptions { IterationCount = TestServices.PasswordIterations }));
        await using (var connection = await app.OpenDatabaseAsync())
        {
            Assert.Equal(100_000, Header(await StoredHash(connection, person.Id)).Iterations);
            await connection.ExecuteAsync("UPDATE users SET password_hash = @hash WHERE id = @id",
                new { hash = weaker.Hash(Accounts.Password), id = person.Id }); // as an older setting left it
        }

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            var outcome = await PasswordSignIn.RunAsync(sender, person.Login, null, Accounts.Password, PasswordUse.SignIn, TestContext.Current.CancellationToken);
            Assert.Equal(SignInStatus.SignedIn, outcome.Result);
        }

        await using (var connection = await app.OpenDatabaseAsync())
        {
            var stored = await StoredHash(connection, person.Id);
            Assert.Equal((1, 2, 100_000), Header(stored));
            Assert.Equal(PasswordCheck.Right, app.Factory.Services.GetRequiredService<IPasswords>().Verify(stored, Accounts.Password));
        }
    }

    private static Task<string> StoredHash(System.Data.Common.DbConnection connection, Guid userId) =>
        connection.QuerySingleAsync<string>("SELECT password_hash FROM users WHERE id = @userId", new { userId });

    /// <summary>The v3 format: 0x01, then the PRF, the iteration count and the salt length as big-endian 32-bit numbers.</summary>
    private static (int Version, int Prf, int Iterations) Header(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        return (bytes[0], (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }
}
