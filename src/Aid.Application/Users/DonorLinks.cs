using Aid.Application.Common;
using Aid.Application.Email;
using Aid.Application.Receipts;

namespace Aid.Application.Users;

/// <summary>
/// What the donor sign-in link and the staff invitation share: the donor's account (made on first use: role donor, login = the
/// donor's e-mail, their name and language) and a one-time sign-in link e-mailed to the login through the outbox. The link is
/// bound to that address (user_links.sent_to): once the login changes, it stops working.
/// </summary>
internal static class DonorLinks
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(7);

    /// <summary>The donor's account, made now if the donor has none (null when the login it would take is someone else's).</summary>
    public static async Task<(UserRow User, bool Created)?> AccountAsync(IDbSession db, BusinessClock clock, AccessScope scope, Guid donorId, string name,
        string language, string email, CancellationToken ct)
    {
        // A donor may have several accounts (one per donor API key made before accounts existed): the one with a login first.
        var accounts = await db.QueryAsync<UserRow>($"{UserRow.Select} WHERE donor_id = @donorId AND role = 'donor'", new { donorId }, ct);
        if (accounts.OrderBy(u => u.Login is null).ThenBy(u => u.CreatedAt).FirstOrDefault() is { } existing) return (existing, false);
        if (await UserRow.FindByLoginAsync(db, email, ct) is not null) return null;
        var id = await UserStore.InsertAsync(db, email, name, Roles.Donor, [], donorId, language is "en" ? "en" : "zh-CN", clock.UtcNow(), scope.AuditActor, ct);
        return ((await UserRow.FindAsync(db, id, ct))!, true);
    }

    /// <summary>Issues a sign-in link for <paramref name="user"/> (a donor with a login) and queues the message that carries it.</summary>
    public static async Task<OneTimeLink> SendAsync(IDbSession db, BusinessClock clock, AccessScope scope, EmailOutbox outbox, ReceiptSettings settings,
        IRequestBaseUrl baseUrl, UserRow user, string kind, TimeSpan lifetime, CancellationToken ct)
    {
        var to = user.Login ?? throw new ConflictException("The donor has no e-mail address to sign in with.");
        var link = await UserLinkStore.IssueAsync(db, user.Id, LinkPurpose.SignIn, clock.UtcNow(), scope.AuditActor, ct, lifetime, sentTo: to);
        var url = (settings.PublicBaseUrl ?? baseUrl.Current ?? "http://127.0.0.1:5080").TrimEnd('/') + link.Path;
        var english = user.Language == "en";
        var (subject, body) = kind == EmailKinds.Invitation ? Invitation(settings, user.DisplayName, url, link.ExpiresAt, english)
            : SignIn(settings, user.DisplayName, url, english);
        await outbox.EnqueueAsync(new OutgoingEmail(kind, to, english ? "en" : "zh-CN", subject, body, DonorId: user.DonorId, UserId: user.Id), ct);
        return link;
    }

    private static (string, string) SignIn(ReceiptSettings settings, string name, string url, bool english) => english
        ? ("Your Aid sign-in link", $"""
            Dear {name},

            Open this link to sign in to your donor pages on Aid. It works once, within {LinkLifetimes.SignIn.TotalMinutes:0} minutes:
            {url}

            If you did not ask to sign in, ignore this message: nothing happens without the link.

            {settings.Issuer.Name}
            """)
        : ("Aid 登录链接", $"""
            尊敬的{name}：

            请打开下面的链接，登录您在 Aid 的捐赠人页面。此链接只能使用一次，{LinkLifetimes.SignIn.TotalMinutes:0} 分钟内有效：
            {url}

            如果您没有申请登录，请忽略这封邮件：没有这个链接，谁也无法登录。

            {settings.Issuer.Name}
            """);

    private static (string, string) Invitation(ReceiptSettings settings, string name, string url, DateTimeOffset expiresAt, bool english)
    {
        var until = expiresAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        return english
            ? ($"{settings.Issuer.Name} invites you to your donor pages", $"""
                Dear {name},

                {settings.Issuer.Name} invites you to see your gifts, receipts and what your gifts paid for on Aid.
                Open this link to sign in (it works once, until {until} Beijing time):
                {url}

                Later, ask for a new sign-in link on the sign-in page with this e-mail address.

                {settings.Issuer.Name}
                """)
            : ($"{settings.Issuer.Name}邀请您查看捐赠记录", $"""
                尊敬的{name}：

                {settings.Issuer.Name}邀请您在 Aid 查看您的捐赠、收据，以及您的捐款资助了哪些学生的学期。
                请打开下面的链接登录（只能使用一次，北京时间 {until} 前有效）：
                {url}

                以后登录时，请在登录页面用这个电子邮箱申请新的登录链接。

                {settings.Issuer.Name}
                """);
    }
}
