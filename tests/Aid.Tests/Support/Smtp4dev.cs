using System.Diagnostics;
using System.Net.Sockets;
using MimeKit;

namespace Aid.Tests.Support;

/// <summary>One message as smtp4dev received it: its summary and, read on demand, the raw source parsed by MimeKit.</summary>
public sealed record ReceivedEmail(string Id, IReadOnlyList<string> To, string Subject, DateTimeOffset ReceivedDate);

/// <summary>
/// A real SMTP server for the e-mail tests: smtp4dev (scripts/smtp4dev.sh), reached through its SMTP port and its REST API
/// (<c>/api/messages</c>, <c>/api/messages/{id}/raw</c>). The test script starts one and sets <c>AID_TEST_SMTP</c>
/// (<c>Host=127.0.0.1;SmtpPort=…;ApiPort=…</c>); without it the e-mail tests are skipped with the reason. Several test classes
/// share that server at once, so a test never deletes messages: it gives its messages unique recipients and looks for those.
/// A test that needs the server to go away puts a <see cref="TcpForwarder"/> in front of it and cuts that.
/// Recipients at <c>@reject.invalid</c> are refused with 550 by the script's configuration.
/// </summary>
public sealed class Smtp4dev : IAsyncDisposable
{
    public const string Variable = "AID_TEST_SMTP";
    public const string RejectedDomain = "reject.invalid";

    /// <summary>
    /// The first pause between two looks at the server; each pause is half again as long as the one before, up to
    /// <see cref="SlowestPoll"/>. Every look lists all the messages the shared server holds (smtp4dev's cost grows with them):
    /// at a steady 100 ms, a test waiting 20 s for a run's messages cost smtp4dev more CPU than the test itself.
    /// </summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan SlowestPoll = TimeSpan.FromMilliseconds(500);

    private static TimeSpan Next(TimeSpan pause) => TimeSpan.FromTicks(Math.Min(pause.Ticks * 3 / 2, SlowestPoll.Ticks));
    private readonly HttpClient _api;

    private Smtp4dev(string host, int smtpPort, int apiPort)
    {
        Host = host;
        SmtpPort = smtpPort;
        ApiPort = apiPort;
        _api = new HttpClient { BaseAddress = new Uri($"http://{host}:{apiPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Host { get; }
    public int SmtpPort { get; }
    public int ApiPort { get; }

    public static string? SkipReason => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } ? null
        : $"E-mail tests need a real SMTP server: {Variable}=\"Host=127.0.0.1;SmtpPort=…;ApiPort=…\" (scripts/test.sh starts smtp4dev and sets it).";

    /// <summary>The shared server of the test run; skips the test when <see cref="Variable"/> is not set.</summary>
    public static Smtp4dev Shared()
    {
        if (SkipReason is { } reason) Assert.Skip(reason);
        var parts = Environment.GetEnvironmentVariable(Variable)!.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.OrdinalIgnoreCase);
        return new Smtp4dev(parts.GetValueOrDefault("Host") ?? "127.0.0.1", int.Parse(parts["SmtpPort"]), int.Parse(parts["ApiPort"]));
    }

    /// <summary>The <c>Aid__Smtp__*</c> settings that send to this server (plain SMTP, quick retries and leases for tests).</summary>
    public Dictionary<string, string> Settings(int leaseSeconds = 10, int retrySeconds = 1) => new()
    {
        ["Aid:Smtp:Host"] = Host,
        ["Aid:Smtp:Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aid:Smtp:Security"] = "none",
        ["Aid:Smtp:From"] = "镇坪县青少年发展基金会 <receipts@aid.test>",
        ["Aid:Smtp:LeaseSeconds"] = leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aid:Smtp:RetrySeconds"] = retrySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Aid:Smtp:TimeoutSeconds"] = "5",
    };

    /// <summary>
    /// A free loopback TCP port (nothing listens on it when this returns) below the kernel's ephemeral range: a port from that
    /// range, once released, may be handed to any of the suite's outgoing connections or port-0 listeners before the server binds
    /// it (seen: the API port of an smtp4dev a test started, chosen when its fixture was made, taken by the time the test started it).
    /// </summary>
    public static int FreePort()
    {
        var below = EphemeralPortsFrom();
        lock (Handed)
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(below / 2, below);
                if (Handed.Contains(port)) continue;
                var listener = new TcpListener(IPAddress.Loopback, port);
                try { listener.Start(); }
                catch (SocketException) { continue; } // in use
                listener.Stop();
                Handed.Add(port);
                return port;
            }
        throw new InvalidOperationException($"No free loopback port between {below / 2} and {below}.");
    }

    private static readonly HashSet<int> Handed = [];

    /// <summary>The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range; 32768 if unreadable).</summary>
    private static int EphemeralPortsFrom()
    {
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0];
            return int.TryParse(first, out var port) && port >= 2048 ? port : 32768;
        }
        catch (IOException) { return 32768; }
        catch (UnauthorizedAccessException) { return 32768; }
    }

    /// <summary>Every message received so far (newest first, as the API lists them).</summary>
    public async Task<IReadOnlyList<ReceivedEmail>> MessagesAsync()
    {
        var json = await _api.GetFromJsonAsync<JsonElement>("api/messages?pageSize=100000", TestContext.Current.CancellationToken);
        return json.GetProperty("results").EnumerateArray().Select(m => new ReceivedEmail(
            m.GetProperty("id").GetString()!,
            m.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList(),
            m.GetProperty("subject").GetString() ?? "",
            m.GetProperty("receivedDate").GetDateTimeOffset())).ToList();
    }

    /// <summary>The messages to recipients that <paramref name="recipient"/> accepts.</summary>
    public async Task<IReadOnlyList<ReceivedEmail>> MessagesToAsync(Func<string, bool> recipient) =>
        (await MessagesAsync()).Where(m => m.To.Any(recipient)).ToList();

    /// <summary>
    /// Polls (every 100 ms at first, then less often, up to every 500 ms) until messages to at least <paramref name="count"/>
    /// different matching recipients arrived, and returns all the messages to matching recipients (a repeat delivery counts once
    /// towards <paramref name="count"/>); fails with what did arrive when <paramref name="timeout"/> runs out.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedEmail>> WaitForAsync(Func<string, bool> recipient, int count, TimeSpan timeout, Func<Task<string>>? explain = null)
    {
        var deadline = Stopwatch.StartNew();
        var pause = Poll;
        while (true)
        {
            var messages = await MessagesToAsync(recipient);
            var recipients = messages.SelectMany(m => m.To).Where(recipient).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            if (recipients >= count) return messages;
            if (deadline.Elapsed > timeout)
                Assert.Fail($"Messages to only {recipients} of {count} recipients arrived at smtp4dev within {timeout.TotalSeconds:0} s."
                    + (explain is null ? "" : "\n" + await explain()));
            await Task.Delay(pause, TestContext.Current.CancellationToken);
            pause = Next(pause);
        }
    }

    /// <summary>
    /// The newest message to <paramref name="to"/> (waiting up to <paramref name="timeout"/> for one to arrive, or for one newer
    /// than <paramref name="after"/>), parsed: e.g. to read a sign-in link from its <c>TextBody</c>.
    /// </summary>
    public async Task<MimeMessage> LatestToAsync(string to, TimeSpan timeout, DateTimeOffset? after = null)
    {
        var deadline = Stopwatch.StartNew();
        var pause = Poll;
        while (true)
        {
            var newest = (await MessagesToAsync(r => string.Equals(r, to, StringComparison.OrdinalIgnoreCase)))
                .Where(m => after is null || m.ReceivedDate > after).OrderByDescending(m => m.ReceivedDate).FirstOrDefault();
            if (newest is not null) return await MimeAsync(newest.Id);
            if (deadline.Elapsed > timeout) Assert.Fail($"No message to {to} arrived at smtp4dev within {timeout.TotalSeconds:0} s.");
            await Task.Delay(pause, TestContext.Current.CancellationToken);
            pause = Next(pause);
        }
    }

    /// <summary>The message's source exactly as the server received it.</summary>
    public async Task<string> RawAsync(string id) =>
        await _api.GetStringAsync($"api/messages/{id}/raw", TestContext.Current.CancellationToken);

    /// <summary>The message as MimeKit parses its raw source.</summary>
    public async Task<MimeMessage> MimeAsync(string id)
    {
        var bytes = await _api.GetByteArrayAsync($"api/messages/{id}/raw", TestContext.Current.CancellationToken);
        return await MimeMessage.LoadAsync(new MemoryStream(bytes), TestContext.Current.CancellationToken);
    }

    /// <summary>The message's source as text and as MimeKit parses it, from one request.</summary>
    public async Task<(string Raw, MimeMessage Message)> SourceAsync(string id)
    {
        var bytes = await _api.GetByteArrayAsync($"api/messages/{id}/raw", TestContext.Current.CancellationToken);
        return (System.Text.Encoding.UTF8.GetString(bytes), await MimeMessage.LoadAsync(new MemoryStream(bytes), TestContext.Current.CancellationToken));
    }

    /// <summary>The bytes of the message's only attachment.</summary>
    public static byte[] AttachmentBytes(MimeMessage message)
    {
        var part = Assert.IsType<MimePart>(Assert.Single(message.Attachments));
        using var bytes = new MemoryStream();
        part.Content!.DecodeTo(bytes);
        return bytes.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _api.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Like <see cref="KestrelEngineApps"/> (browser tests), with the outbox delivered to the shared smtp4dev of the test run
/// (when <see cref="Smtp4dev.Variable"/> is set; a test calls <see cref="Smtp4dev.Shared"/> first, which skips without it).
/// </summary>
public class SmtpKestrelApps : KestrelEngineApps
{
    protected override void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        if (Smtp4dev.SkipReason is not null) return;
        foreach (var (key, value) in Smtp4dev.Shared().Settings())
            builder.UseSetting(key, value);
    }
}
