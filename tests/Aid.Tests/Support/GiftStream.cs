namespace Aid.Tests.Support;

/// <summary>
/// Clients recording small cash gifts into one programme over the API, one after another each, until disposed: for checks
/// that must hold while the database keeps moving. Disposing stops them and surfaces a client's failure.
/// </summary>
public sealed class GiftStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients;
    private int _recorded;

    /// <param name="afterEach">Run by a client after each gift it recorded (for instance, a checkpoint).</param>
    private GiftStream(HttpClient admin, Guid programme, Guid donor, int clients, string referencePrefix, Func<Task>? afterEach) =>
        _clients = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                await admin.PostJson("/api/v1/gifts", MoneyScenario.Cash(programme, donor, $"{c + 1}.{i % 100:00}", reference: $"{referencePrefix}{c}-{i}"))
                    .Expect(HttpStatusCode.Created);
                Interlocked.Increment(ref _recorded);
                if (afterEach is not null) await afterEach();
            }
        })).ToList();

    public static GiftStream Start(HttpClient admin, Guid programme, Guid donor, int clients, string referencePrefix, Func<Task>? afterEach = null) =>
        new(admin, programme, donor, clients, referencePrefix, afterEach);

    /// <summary>Gifts recorded so far.</summary>
    public int Recorded => Volatile.Read(ref _recorded);

    /// <summary>Returns once <paramref name="condition"/> holds, or once a client has stopped (its failure shows on disposal).</summary>
    public async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition() && !_clients.Any(c => c.IsCompleted)) await Task.Delay(1, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        _stop.Dispose();
    }
}
