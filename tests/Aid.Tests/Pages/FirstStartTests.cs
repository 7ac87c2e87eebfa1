using System.Text.RegularExpressions;
using Aid.Tests.Support;

namespace Aid.Tests.Pages;

/// <summary>
/// A new installation needs no curl: the real service on an empty database prints its address and a one-time link for the
/// first admin; a later start says how to get a new one; <c>admin-link</c> prints it and voids the old one.
/// </summary>
public sealed partial class FirstStartTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    [GeneratedRegex(@"(http://127\.0\.0\.1:\d+)(/signin/link/[A-Za-z0-9_-]+)")]
    private static partial Regex LinkLine();

    [Fact]
    public async Task The_first_start_prints_the_first_admins_link_and_admin_link_makes_a_new_one()
    {
        var folder = Directory.CreateTempSubdirectory("aid-first-start-").FullName;
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__Aid"] = $"Data Source={Path.Combine(folder, "aid.db")}",
            ["Aid__Crypto__KeyFile"] = Path.Combine(folder, "aid.key"),
            ["Aid__Audit__CheckpointFile"] = Path.Combine(folder, "checkpoints.jsonl"),
        };
        try
        {
            string firstPath;
            await using (var service = ServiceProcess.Start(environment))
            {
                await service.WaitForLineAsync(l => l.StartsWith("Aid is running: the console is at http://127.0.0.1:", StringComparison.Ordinal), Bounded);
                var match = LinkLine().Match(await service.WaitForLineAsync(l => LinkLine().IsMatch(l), Bounded));
                firstPath = match.Groups[2].Value;
                using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
                var page = await http.GetStringAsync(firstPath, TestContext.Current.CancellationToken);
                Assert.Contains("设置密码", page);
                Assert.Contains("电子邮箱（今后用它登录）", page); // the first admin chooses their e-mail
                Assert.DoesNotContain(firstPath, service.Stderr);
            }

            await using (var again = ServiceProcess.Start(environment))
            {
                await again.WaitForLineAsync(l => l.StartsWith("No admin can sign in with a password yet: run ./scripts/run.sh admin-link", StringComparison.Ordinal), Bounded);
                Assert.DoesNotMatch(LinkLine(), again.Stdout); // no credential printed on every start
            }

            string newUrl;
            await using (var command = ServiceProcess.Start(environment, "admin-link"))
            {
                Assert.Equal(0, await command.WaitForExitAsync(Bounded));
                newUrl = LinkLine().Match(command.Stdout).Value;
                Assert.StartsWith("http://127.0.0.1:", newUrl); // --urls of the harness
            }

            await using (var service = ServiceProcess.Start(environment))
            {
                var running = await service.WaitForLineAsync(l => l.StartsWith("Aid is running:", StringComparison.Ordinal), Bounded);
                using var http = new HttpClient { BaseAddress = new Uri(Regex.Match(running, @"http://127\.0\.0\.1:\d+").Value) };
                Assert.Contains("链接无效或已过期", await http.GetStringAsync(firstPath, TestContext.Current.CancellationToken));
                Assert.Contains("设置密码", await http.GetStringAsync(new Uri(newUrl).PathAndQuery, TestContext.Current.CancellationToken));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
