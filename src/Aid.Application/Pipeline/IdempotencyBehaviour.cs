using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Pipeline;

/// <summary>A command that a client may safely retry with an <c>Idempotency-Key</c> header.</summary>
public interface IIdempotentCommand;

/// <summary>
/// The request's <c>Idempotency-Key</c> (scoped): set once at the edge (an endpoint filter) and owned by the first
/// idempotent command of the request (also when the transaction retries it), so a command sent from inside another
/// never reuses it.
/// </summary>
public sealed class IdempotencyKey
{
    private string? _key;
    private object? _owner;

    public void Set(string? key) => _key = key;

    internal string? For(object message)
    {
        if (_key is null) return null;
        _owner ??= message;
        return ReferenceEquals(_owner, message) ? _key : null;
    }
}

/// <summary>
/// Same key + same request → the first response again; same key + different request → 409.
/// The key is claimed first inside the command's transaction, so a concurrent duplicate waits for the
/// first one (PostgreSQL: on the unique index; SQLite: on the single writer) and then replays it.
/// The stored response is personal data (a registered student's name, guardian phone, address): it is kept encrypted with
/// the field cipher, "enc:" + ciphertext; a row stored in plain JSON before encryption still replays as it is.
/// </summary>
public sealed class IdempotencyBehaviour<TMessage, TResponse>(IDbSession db, AccessScope scope, BusinessClock clock, IdempotencyKey requestKey, IFieldCipher cipher)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Marks an encrypted response; plain JSON (rows written before encryption) never starts with it.</summary>
    private const string Encrypted = "enc:";

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IIdempotentCommand || requestKey.For(message) is not { Length: > 0 } key)
            return await next(message, cancellationToken);

        var action = typeof(TMessage).Name;
        var requestHash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(message, typeof(TMessage), Json)));
        var owner = scope.AuditActor;

        var claimed = await db.ExecuteAsync(ClaimSql(db.Dialect), new { owner, key, action, requestHash, createdAt = clock.UtcNow() }, cancellationToken);
        if (claimed == 0)
        {
            var existing = await db.QuerySingleAsync<StoredResponse>(FindSql, new { owner, key }, cancellationToken);
            if (existing.Action != action || existing.RequestHash != requestHash)
                throw new ConflictException("This Idempotency-Key was already used with a different request.",
                    new Dictionary<string, object?> { ["idempotencyKey"] = key });
            if (existing.Response is null)
                throw new ConflictException("A request with this Idempotency-Key is still being processed; retry later.");
            var stored = existing.Response.StartsWith(Encrypted, StringComparison.Ordinal)
                ? cipher.Decrypt(existing.Response[Encrypted.Length..])
                : existing.Response;
            return JsonSerializer.Deserialize<TResponse>(stored, Json)!;
        }

        var response = await next(message, cancellationToken);
        await db.ExecuteAsync(StoreSql, new { owner, key, response = Encrypted + cipher.Encrypt(JsonSerializer.Serialize(response, Json)) }, cancellationToken);
        return response;
    }

    private static string ClaimSql(ISqlDialect dialect) => dialect.InsertIfAbsent("idempotency_keys",
        "owner, idempotency_key, action, request_hash, created_at", "@owner, @key, @action, @requestHash, @createdAt", "owner, idempotency_key");

    private const string FindSql = """
        SELECT action AS Action, request_hash AS RequestHash, response AS Response
        FROM idempotency_keys WHERE owner = @owner AND idempotency_key = @key
        """;

    private const string StoreSql = """
        UPDATE idempotency_keys SET response = @response WHERE owner = @owner AND idempotency_key = @key
        """;

    private sealed class StoredResponse
    {
        public required string Action { get; init; }
        public required string RequestHash { get; init; }
        public string? Response { get; init; }
    }
}
