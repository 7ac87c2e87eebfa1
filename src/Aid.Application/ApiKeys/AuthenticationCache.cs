using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.ApiKeys;

/// <summary>
/// Successful API-key and session lookups (<see cref="AuthenticateApiKey"/>, <see cref="Users.AuthenticateSession"/>), kept in
/// this process for at most <see cref="Bound"/> (<c>Aid:Security:CredentialCacheSeconds</c>, default 5 s, 0 turns it off) from
/// the moment they were read, never longer however often they are used. So a key revoked, a person disabled, a password or role
/// changed through another instance is refused there within the bound; through this instance at once: every command of
/// <c>Aid.Application.Users</c> or <c>.ApiKeys</c> empties the cache once it has committed (<see cref="AuthenticationCacheBehaviour{TMessage,TResponse}"/>).
/// Entries are keyed by SHA-256 of the presented secret (the key, or the session's person and stamp), never the secret itself,
/// and hold only the actor. Failed lookups are never kept: each one reads the database and counts against the
/// failed-authentication limit as before.
/// </summary>
public sealed class AuthenticationCache(TimeSpan bound)
{
    public const int DefaultSeconds = 5;
    public const int MaxSeconds = 60;
    /// <summary>Distinct keys and sessions kept at once; past it, expired entries go, then everything (only successes enter).</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long _boundTicks = (long)(bound.TotalSeconds * Stopwatch.Frequency);
    private long _generation;

    public TimeSpan Bound { get; } = bound;

    private sealed record Entry(Actor Actor, long ExpiresAt);

    /// <summary>The cache key of a presented API key: its SHA-256, as stored in api_keys.key_hash.</summary>
    internal static string KeyOf(string apiKeyHash) => "k:" + apiKeyHash;

    /// <summary>The cache key of a session: SHA-256 of its person and security stamp.</summary>
    internal static string SessionOf(Guid userId, string stamp) =>
        "s:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(userId.ToString("N") + ":" + stamp)));

    /// <summary>The keys held now (for tests: none may contain a secret).</summary>
    internal IReadOnlyCollection<string> Keys => _entries.Keys.ToList();

    /// <summary>The cached actor for <paramref name="key"/>, or the one <paramref name="lookup"/> reads (kept only when not null).</summary>
    internal async ValueTask<Actor?> GetOrReadAsync(string key, Func<ValueTask<Actor?>> lookup)
    {
        if (_boundTicks <= 0) return await lookup();
        var now = Stopwatch.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.ExpiresAt > now) return entry.Actor;
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
        }
        // A lookup that overlaps an eviction may have read the rows before the change committed: it answers, but is not kept.
        var generation = Interlocked.Read(ref _generation);
        var actor = await lookup();
        if (actor is null) return null;
        if (_entries.Count >= Capacity) Trim();
        _entries[key] = new Entry(actor, now + _boundTicks);
        if (Interlocked.Read(ref _generation) != generation) _entries.TryRemove(key, out _);
        return actor;
    }

    /// <summary>Forgets every lookup: called after a change to people or keys has committed in this process.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    private void Trim()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (key, entry) in _entries)
            if (entry.ExpiresAt <= now) _entries.TryRemove(key, out _);
        if (_entries.Count >= Capacity) _entries.Clear();
    }
}

/// <summary>
/// After a command about people or API keys (namespaces <c>Aid.Application.Users</c> and <c>Aid.Application.ApiKeys</c>) has
/// run, even nested in another command, the outermost command empties the <see cref="AuthenticationCache"/> once it has committed
/// (or failed): the next request on this instance reads the person and key as they are now. Registered before the
/// transaction behaviour, so it wraps the commit.
/// </summary>
public sealed class AuthenticationCacheBehaviour<TMessage, TResponse>(AuthenticationCache cache, CredentialChanges changes)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    private static readonly bool Touches = typeof(TMessage).Namespace is "Aid.Application.Users" or "Aid.Application.ApiKeys";

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var outermost = !changes.Running;
        if (Touches) changes.Pending = true;
        if (outermost) changes.Running = true;
        try
        {
            return await next(message, cancellationToken);
        }
        finally
        {
            if (outermost)
            {
                changes.Running = false;
                if (changes.Pending) cache.Clear();
                changes.Pending = false;
            }
        }
    }
}

/// <summary>Scoped: whether the command running in this scope changed people or keys (see <see cref="AuthenticationCacheBehaviour{TMessage,TResponse}"/>).</summary>
public sealed class CredentialChanges
{
    internal bool Running { get; set; }
    internal bool Pending { get; set; }
}
