using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>
/// Where checkpoints are appended outside the database, how often the background work runs, and how long a programme statement
/// may rely on an earlier full verification while nobody else has written (<see cref="LastIntactVerification"/>; zero: never).
/// </summary>
public sealed record AuditSettings(string CheckpointFile, TimeSpan SealInterval, TimeSpan CheckpointInterval, TimeSpan ReuseVerificationFor);

/// <summary>A signed chain head (docs/AUDIT-CHAIN.md, "Checkpoints"), as stored and as written to the checkpoint file.</summary>
public sealed record AuditCheckpoint
{
    public required string Chain { get; init; }
    public required long Position { get; init; }
    public required string Hash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Reason { get; init; }
    public required string KeyId { get; init; }
    public required string Signature { get; init; }

    /// <summary>The exact text that is signed.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Message => SignedText(Chain, Position, Hash, CreatedAt);

    public static string SignedText(string chain, long position, string hash, DateTimeOffset createdAt) =>
        $"aid-checkpoint-v1|{chain}|{position}|{hash}|{AuditHash.Instant(createdAt)}";
}

/// <summary>The checkpoints read from the checkpoint file, and the numbers of its lines that could not be read.</summary>
public sealed record CheckpointFileContents(IReadOnlyList<AuditCheckpoint> Checkpoints, IReadOnlyList<int> UnreadableLines);

/// <summary>The checkpoint signing keys: ECDSA P-256, derived from each master key the instance holds.</summary>
public sealed class AuditSigningKeys
{
    private static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private readonly Dictionary<string, ECDsa> _byKeyId = [];

    public AuditSigningKeys(IKeyRing keys)
    {
        foreach (var masterId in keys.KeyIds)
        {
            var ecdsa = Derive(masterId == keys.CurrentKeyId ? keys.DeriveKey : purpose => keys.DeriveKey(purpose, masterId)!);
            var id = KeyIdOf(ecdsa);
            _byKeyId[id] = ecdsa;
            if (masterId == keys.CurrentKeyId) { Current = ecdsa; CurrentKeyId = id; }
        }
        if (Current is null || CurrentKeyId is null) throw new InvalidOperationException("No current master key.");
    }

    public ECDsa Current { get; }
    public string CurrentKeyId { get; }

    /// <summary>Every public key (current first), as SubjectPublicKeyInfo PEM, by key id.</summary>
    public IEnumerable<(string KeyId, string Pem)> PublicKeys =>
        _byKeyId.OrderBy(k => k.Key == CurrentKeyId ? 0 : 1).Select(k => (k.Key, k.Value.ExportSubjectPublicKeyInfoPem()));

    public string Sign(string message) => Convert.ToBase64String(Current.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256));

    /// <summary>Null when the signature verifies under the named key; else what is wrong.</summary>
    public string? Check(AuditCheckpoint checkpoint)
    {
        if (checkpoint.KeyId is null || checkpoint.Signature is null || checkpoint.Chain is null || checkpoint.Hash is null)
            return "it lacks a field (chain, hash, keyId or signature)";
        if (!_byKeyId.TryGetValue(checkpoint.KeyId, out var key)) return $"it is signed with key {checkpoint.KeyId}, which is not one of this deployment's";
        byte[] signature;
        try { signature = Convert.FromBase64String(checkpoint.Signature); }
        catch (FormatException) { return "its signature is not base64"; }
        return key.VerifyData(Encoding.UTF8.GetBytes(checkpoint.Message), signature, HashAlgorithmName.SHA256) ? null : "its signature does not verify";
    }

    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 8));

    /// <summary>A private scalar in [1, n−1] from the key file: HKDF output, re-derived with a counter in the rare case it falls outside.</summary>
    private static ECDsa Derive(Func<string, byte[]> derive)
    {
        for (var attempt = 0; ; attempt++)
        {
            var d = derive(attempt == 0 ? "audit-checkpoint-signing" : $"audit-checkpoint-signing/{attempt}");
            var value = new BigInteger(d, isUnsigned: true, isBigEndian: true);
            if (value.IsZero || value >= Order) continue;
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        }
    }
}

/// <summary>
/// Signs chain heads and keeps them in two places: <c>audit_checkpoints</c> and the checkpoint file outside the database.
/// A checkpoint is written in its own transaction, after sealing; the file line is appended (and flushed to disk) before commit.
/// </summary>
public sealed class AuditCheckpoints(IDbSession db, BusinessClock clock, AuditSigningKeys keys, AuditSettings settings, AuditSealer sealer)
{
    private static readonly SemaphoreSlim FileGate = new(1, 1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Seals, then checkpoints the heads of <paramref name="chains"/> (null: every chain whose head moved since its last checkpoint).</summary>
    public async Task<IReadOnlyList<AuditCheckpoint>> TakeAsync(IReadOnlyCollection<string>? chains, string reason, CancellationToken ct)
    {
        await sealer.SealCommittedAsync(TimeSpan.FromSeconds(5), ct);
        var taken = await RolledBackWrites.RetryAsync(() => CheckpointHeadsAsync(chains, reason, ct));
        // After the commit: a line in the file is always a checkpoint the database has (a crash in between loses only the line).
        if (taken.Count > 0) await AppendToFileAsync(taken, ct);
        return taken;
    }

    private async Task<List<AuditCheckpoint>> CheckpointHeadsAsync(IReadOnlyCollection<string>? chains, string reason, CancellationToken ct)
    {
        await using var transaction = await db.BeginTransactionAsync(ct);
        if (db.Dialect.TransactionLock("aid-audit-sealer") is { } sealerLock)
            await db.ExecuteAsync(sealerLock, null, ct);
        var now = clock.UtcNow();
        var taken = new List<AuditCheckpoint>();
        // Each chain's head found through the seals' key, one chain at a time: one query for every chain's head at once read every
        // seal and looked up its chain's last position (0.4 s at a million gifts, for each statement). The schedule's list of
        // chains still reads the key's entries, not the seals.
        foreach (var chain in chains?.Distinct() ?? await db.QueryAsync<string>("SELECT DISTINCT chain FROM audit_seals", null, ct))
        {
            var head = await db.QuerySingleOrDefaultAsync<ChainHead>("""
                SELECT s.chain AS Chain, s.position AS Position, s.hash AS Hash,
                       (SELECT MAX(c.position) FROM audit_checkpoints c WHERE c.chain = s.chain) AS Checkpointed
                FROM audit_seals s
                WHERE s.chain = @chain AND s.position = (SELECT MAX(x.position) FROM audit_seals x WHERE x.chain = @chain)
                """, new { chain }, ct);
            if (head is null || (chains is null && head.Checkpointed >= head.Position)) continue; // no seal yet, or nothing new to sign

            var message = AuditCheckpoint.SignedText(head.Chain, head.Position, head.Hash, now);
            var checkpoint = new AuditCheckpoint
            {
                Chain = head.Chain, Position = head.Position, Hash = head.Hash, CreatedAt = now, Reason = reason,
                KeyId = keys.CurrentKeyId, Signature = keys.Sign(message),
            };
            await db.ExecuteAsync("""
                INSERT INTO audit_checkpoints (id, chain, position, hash, created_at, reason, key_id, signature)
                VALUES (@id, @Chain, @Position, @Hash, @CreatedAt, @Reason, @KeyId, @Signature)
                """, new { id = Guid.CreateVersion7(), checkpoint.Chain, checkpoint.Position, checkpoint.Hash, checkpoint.CreatedAt, checkpoint.Reason,
                checkpoint.KeyId, checkpoint.Signature }, ct);
            taken.Add(checkpoint);
        }
        await transaction.CommitAsync(ct);
        return taken;
    }

    /// <summary>The checkpoints stored in the database, oldest first.</summary>
    public Task<IReadOnlyList<AuditCheckpoint>> StoredAsync(CancellationToken ct) => db.QueryAsync<AuditCheckpoint>("""
        SELECT chain AS Chain, position AS Position, hash AS Hash, created_at AS CreatedAt, reason AS Reason, key_id AS KeyId, signature AS Signature
        FROM audit_checkpoints ORDER BY created_at, chain
        """, null, ct);

    /// <summary>The checkpoints in the file (none when it does not exist yet), with the numbers of lines that could not be read.</summary>
    public async Task<CheckpointFileContents> FromFileAsync(CancellationToken ct)
    {
        string[] lines;
        await FileGate.WaitAsync(ct); // not in the middle of this service's own append: a half-written line would read as broken
        try
        {
            if (!File.Exists(settings.CheckpointFile)) return new([], []);
            lines = await File.ReadAllLinesAsync(settings.CheckpointFile, ct);
        }
        finally { FileGate.Release(); }
        var checkpoints = new List<AuditCheckpoint>();
        var unreadable = new List<int>();
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0) continue;
            try
            {
                if (JsonSerializer.Deserialize<AuditCheckpoint>(line, Json) is { } c) checkpoints.Add(c);
                else unreadable.Add(number);
            }
            catch (JsonException) { unreadable.Add(number); }
        }
        return new(checkpoints, unreadable);
    }

    private async Task AppendToFileAsync(IEnumerable<AuditCheckpoint> checkpoints, CancellationToken ct)
    {
        var text = new StringBuilder();
        foreach (var c in checkpoints) text.Append(JsonSerializer.Serialize(c, Json)).Append('\n');
        await FileGate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.CheckpointFile))!);
            await using var stream = new FileStream(settings.CheckpointFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), ct);
            stream.Flush(flushToDisk: true);
        }
        finally { FileGate.Release(); }
    }

    private sealed class ChainHead
    {
        public required string Chain { get; init; }
        public required long Position { get; init; }
        public required string Hash { get; init; }
        public long? Checkpointed { get; init; }
    }
}
