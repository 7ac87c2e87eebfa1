using Aid.Api.Infrastructure;
using Aid.Application.ApiKeys;
using Aid.Application.Common;
using Aid.Application.Users;
using Aid.Tests.Support;
using Mediator;
using IPage = Microsoft.Playwright.IPage;
using AriaRole = Microsoft.Playwright.AriaRole;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Pages;

/// <summary>People for page tests, made as an admin would (CreateUser, then the password link used), through the app's own Mediator.</summary>
internal static class Accounts
{
    public const string Password = "长城-long-enough-1";

    /// <summary>
    /// Signs <paramref name="page"/> in through the sign-in page as a person made by <see cref="PersonAsync"/>; lands on the person's
    /// home: /account (admins, managers), /audit (auditors), /my (donors).
    /// </summary>
    public static async Task SignInAsync(this IPage page, string login)
    {
        await page.SignInWithAsync(login, Password);
        await Expect(page).ToHaveURLAsync(new Regex("/(account|audit|my)$"));
    }

    /// <summary>
    /// Signs <paramref name="client"/> in through the sign-in form over plain HTTP (no browser) as a person made by
    /// <see cref="PersonAsync"/>; the client must keep cookies: it then holds the page session.
    /// </summary>
    public static async Task<HttpClient> SignInWithFormAsync(this HttpClient client, string login)
    {
        var form = await client.GetStringAsync("/signin", TestContext.Current.CancellationToken);
        var response = await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = login, ["Password"] = Password, ["__RequestVerificationToken"] = AntiforgeryToken(form),
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("aid.session=", StringComparison.Ordinal));
        return client;
    }

    /// <summary>The antiforgery token of a page's form.</summary>
    public static string AntiforgeryToken(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"") is { Success: true } m ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException("No antiforgery token in the form.");

    /// <summary>Fills and sends the sign-in form, whatever the outcome (a wrong password, a lock-out).</summary>
    public static async Task SignInWithAsync(this IPage page, string login, string password)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("电子邮箱").FillAsync(login);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    public static async Task<UserView> PersonAsync(this AidApp app, string role = "manager", IReadOnlyList<Guid>? programmes = null, Guid? donorId = null,
        string? login = null)
    {
        login ??= $"{role}-{Guid.NewGuid():N}@example.org";
        var created = await app.SendAsync(new CreateUser(login, $"测试{PageText(role)}", Codes.Parse<Role>(role), programmes ?? [], donorId, "zh-CN"));
        await app.SendAsync(new SetPasswordWithLink(created.PasswordLink.Token, null, Password));
        return created.User;
    }

    /// <summary>Sends a command as <paramref name="actor"/>, or as the system (no caller) as the start-up work and the demo seeder do.</summary>
    public static Task<T> SendAsync<T>(this AidApp app, ICommand<T> command, Actor? actor = null) =>
        app.AsAsync(actor, sender => sender.Send(command, TestContext.Current.CancellationToken));

    /// <summary>Asks a query as <paramref name="actor"/> (null: the system, which sees everything).</summary>
    public static Task<T> SendAsync<T>(this AidApp app, IQuery<T> query, Actor? actor = null) =>
        app.AsAsync(actor, sender => sender.Send(query, TestContext.Current.CancellationToken));

    private static async Task<T> AsAsync<T>(this AidApp app, Actor? actor, Func<ISender, ValueTask<T>> send)
    {
        HttpActor.Override.Value = actor;
        try
        {
            await using var scope = app.Factory.Services.CreateAsyncScope();
            return await send(scope.ServiceProvider.GetRequiredService<ISender>());
        }
        finally
        {
            HttpActor.Override.Value = null;
        }
    }

    /// <summary>The admin actor of the app's bootstrap key (admins may disable people, issue links…).</summary>
    public static async Task<Actor> AdminActorAsync(this AidApp app)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ISender>().Send(new AuthenticateApiKey(app.AdminKey), TestContext.Current.CancellationToken))!;
    }

    /// <summary>The code an authenticator app shows for the secret as the page printed it (groups of four), at the given step offset.</summary>
    public static string TotpCode(string printedSecret, int stepsFromNow = 0) =>
        Totp.Code(Totp.FromBase32(printedSecret.Replace(" ", "")), Totp.StepAt(DateTimeOffset.UtcNow) + stepsFromNow);

    private static string PageText(string role) => role switch { "admin" => "管理员", "manager" => "经理", "auditor" => "审计", _ => "捐赠人" };
}
