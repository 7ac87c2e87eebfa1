using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aid.Application.Common;

namespace Aid.Application.Auditing;

/// <summary>One record of the audit trail as the API shows it, with its place in its chain once sealed.</summary>
public sealed record AuditRecord
{
    public required long Sequence { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? Entity { get; init; }
    public string? EntityId { get; init; }
    public Guid? ProgrammeId { get; init; }
    public required string Summary { get; init; }
    /// <summary>Digests of the money rows the command wrote (docs/AUDIT-CHAIN.md, "Row digests"), as hashed.</summary>
    public string? RowDigests { get; init; }
    /// <summary>The record's own hash (docs/AUDIT-CHAIN.md).</summary>
    public required string Hash { get; init; }
    /// <summary>Records written before the per-programme chains: the hash of the record before it in the one global chain.</summary>
    public string? PreviousHash { get; init; }
    /// <summary>The chain the record belongs to: its programme's id, or <c>org</c>.</summary>
    public required string Chain { get; init; }
    /// <summary>Its position in the chain; null until the sealer has chained it (normally within a second).</summary>
    public long? Position { get; init; }
    /// <summary>The chain hash at this record (the seal's hash); null until sealed.</summary>
    public string? ChainHash { get; init; }
}

/// <summary>One row of audit_log (left-joined to its seal) as stored.</summary>
internal sealed class AuditRecordRow
{
    public required long Sequence { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public string? Entity { get; init; }
    public string? EntityId { get; init; }
    public Guid? ProgrammeId { get; init; }
    public required string Summary { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }
    public string? RowDigests { get; init; }
    public long? CommitOrder { get; init; }
    public string? Mac { get; init; }
    public long? Position { get; init; }
    public string? ChainHash { get; init; }
    /// <summary>The record hash its seal carries (null until sealed); verification compares it with <see cref="Hash"/>.</summary>
    public string? SealedHash { get; init; }

    /// <summary>Written before migration 0006: part of the one global chain, no MAC.</summary>
    public bool IsLegacy => PreviousHash.Length > 0;

    public string Chain => AuditChains.Of(ProgrammeId);

    public string ComputeHash() => IsLegacy
        ? AuditHash.Legacy(PreviousHash, Sequence, OccurredAt, Actor, Action, Entity, EntityId, ProgrammeId, Summary)
        : AuditHash.Record(Sequence, OccurredAt, Actor, Action, Entity, EntityId, ProgrammeId, Summary, RowDigests);

    public AuditRecord ToView() => new()
    {
        Sequence = Sequence, OccurredAt = OccurredAt, Actor = Actor, Action = Action, Entity = Entity, EntityId = EntityId,
        ProgrammeId = ProgrammeId, Summary = Summary, RowDigests = RowDigests, Hash = Hash, PreviousHash = IsLegacy ? PreviousHash : null,
        Chain = Chain, Position = Position, ChainHash = ChainHash,
    };

    /// <summary>The columns, in the order <see cref="Read"/> reads them by position (Dapper maps them by name).</summary>
    public const string Columns = """
        a.sequence AS Sequence, a.occurred_at AS OccurredAt, a.actor AS Actor, a.action AS Action, a.entity AS Entity, a.entity_id AS EntityId,
        a.programme_id AS ProgrammeId, a.summary AS Summary, a.previous_hash AS PreviousHash, a.hash AS Hash, a.row_digests AS RowDigests,
        a.commit_order AS CommitOrder, a.mac AS Mac, s.position AS Position, s.hash AS ChainHash, s.record_hash AS SealedHash
        """;

    public const string From = "audit_log a LEFT JOIN audit_seals s ON s.record_sequence = a.sequence";

    /// <summary>The current row of a cursor over <see cref="Columns"/>, as Dapper maps it (a NULL leaves the property at its default).</summary>
    public static AuditRecordRow Read(IRowCursor row) => new()
    {
        Sequence = row.IsNull(0) ? 0 : row.GetInt64(0),
        OccurredAt = row.IsNull(1) ? default : row.GetDateTimeOffset(1),
        Actor = row.GetStringOrNull(2)!,
        Action = row.GetStringOrNull(3)!,
        Entity = row.GetStringOrNull(4),
        EntityId = row.GetStringOrNull(5),
        ProgrammeId = row.GetGuidOrNull(6),
        Summary = row.GetStringOrNull(7)!,
        PreviousHash = row.GetStringOrNull(8)!,
        Hash = row.GetStringOrNull(9)!,
        RowDigests = row.GetStringOrNull(10),
        CommitOrder = row.GetInt64OrNull(11),
        Mac = row.GetStringOrNull(12),
        Position = row.GetInt64OrNull(13),
        ChainHash = row.GetStringOrNull(14),
        SealedHash = row.GetStringOrNull(15),
    };
}

public static class AuditChains
{
    public const string Organisation = "org";

    public static string Of(Guid? programmeId) => programmeId?.ToString("D") ?? Organisation;
}

/// <summary>
/// The hashes of docs/AUDIT-CHAIN.md. Records and seals hash a sequence of netstrings (<c>length:bytes,</c> of the UTF-8 text;
/// <c>~,</c> for an absent value): an encoding any language reproduces byte for byte, in which no field can imitate a separator.
/// </summary>
public static class AuditHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Instant(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A record written since migration 0006.</summary>
    public static string Record(long sequence, DateTimeOffset occurredAt, string actor, string action, string? entity, string? entityId,
        Guid? programmeId, string summary, string? rowDigests) =>
        Netstrings("aid-audit-v2", sequence.ToString(CultureInfo.InvariantCulture), Instant(occurredAt), actor, action, entity, entityId,
            programmeId?.ToString("D"), summary, rowDigests);

    /// <summary>A link of a chain: the seal of one record at one position.</summary>
    public static string Seal(string chain, long position, long recordSequence, string recordHash, string previousHash) =>
        Netstrings("aid-seal-v1", chain, position.ToString(CultureInfo.InvariantCulture), recordSequence.ToString(CultureInfo.InvariantCulture),
            recordHash, previousHash);

    public static string Netstrings(params string?[] fields)
    {
        // Verification hashes every record and seal: one buffer per thread instead of one per hash.
        var bytes = t_netstrings ??= new ArrayBufferWriter<byte>(1024);
        bytes.ResetWrittenCount();
        foreach (var field in fields)
        {
            if (field is null) { bytes.Write(AbsentField); continue; }
            WriteLength(bytes, Encoding.UTF8.GetByteCount(field));
            Encoding.UTF8.GetBytes(field, bytes);
            bytes.Write(","u8);
        }
        Span<byte> hash = stackalloc byte[32];
        Sha256Engine.Current.Hash(bytes.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>A field of <see cref="Netstrings"/> already in UTF-8 (<c>length:bytes,</c>), for hashes built from stored bytes.</summary>
    internal static void WriteField(ArrayBufferWriter<byte> bytes, ReadOnlySpan<byte> utf8)
    {
        WriteLength(bytes, utf8.Length);
        bytes.Write(utf8);
        bytes.Write(","u8);
    }

    /// <summary>A whole number as a field of <see cref="Netstrings"/>: its invariant decimal digits, as the string path writes it.</summary>
    internal static void WriteField(ArrayBufferWriter<byte> bytes, long number)
    {
        Span<byte> digits = stackalloc byte[20];
        number.TryFormat(digits, out var length, provider: CultureInfo.InvariantCulture);
        WriteField(bytes, digits[..length]);
    }

    /// <summary>An absent field of <see cref="Netstrings"/>.</summary>
    internal static ReadOnlySpan<byte> AbsentField => "~,"u8;

    private static void WriteLength(ArrayBufferWriter<byte> bytes, int size)
    {
        Span<byte> length = stackalloc byte[12];
        size.TryFormat(length, out var digits, provider: CultureInfo.InvariantCulture);
        bytes.Write(length[..digits]);
        bytes.Write(":"u8);
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_netstrings;

    /// <summary>A record written before migration 0006: the one global chain, a JSON array of the previous hash and the fields.</summary>
    public static string Legacy(string previousHash, long sequence, DateTimeOffset occurredAt, string actor, string action,
        string? entity, string? entityId, Guid? programmeId, string summary)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(previousHash);
            writer.WriteNumberValue(sequence);
            writer.WriteStringValue(Instant(occurredAt));
            writer.WriteStringValue(actor);
            writer.WriteStringValue(action);
            writer.WriteStringValue(entity);
            writer.WriteStringValue(entityId);
            writer.WriteStringValue(programmeId?.ToString());
            writer.WriteStringValue(summary);
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }
}

/// <summary>The record MAC: <c>keyId:hex(HMAC-SHA256(K, hash))</c>, K derived from the master key file (docs/AUDIT-CHAIN.md).</summary>
public sealed class AuditMac(IKeyRing keys)
{
    private const string Purpose = "audit-record-mac";

    // Deriving the key (HKDF) for every record would cost verification more than the MAC itself; a key ring's keys never change.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _derived = new(StringComparer.Ordinal);

    public string Sign(string hash) => keys.CurrentKeyId + ":" + Compute(KeyOf(keys.CurrentKeyId)!, hash);

    /// <summary>Null when the MAC fits the hash; else what is wrong.</summary>
    public string? Check(string hash, string? mac)
    {
        if (string.IsNullOrEmpty(mac)) return "it has no MAC";
        var colon = mac.IndexOf(':');
        if (colon <= 0) return "its MAC is malformed";
        if (KeyOf(mac[..colon]) is not { } key) return $"its MAC was made with key {mac[..colon]}, which this instance does not hold";
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(key, hash)), Encoding.ASCII.GetBytes(mac[(colon + 1)..]))
            ? null : "its MAC does not match (the record was changed or made without the key file)";
    }

    /// <summary>
    /// <see cref="Check"/> on UTF-8 bytes, for verification's quick pass (<see cref="QuickRecordCheck"/>): true only when
    /// <see cref="Check"/> would find nothing wrong with that hash and MAC.
    /// </summary>
    internal bool Matches(ReadOnlySpan<byte> hashAscii, ReadOnlySpan<byte> mac)
    {
        var colon = mac.IndexOf((byte)':');
        if (colon <= 0 || colon > 64 || !Ascii.IsValid(mac)) return false;
        Span<char> keyId = stackalloc char[colon];
        Ascii.ToUtf16(mac[..colon], keyId, out _);
        var key = _derived.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(keyId, out var known) ? known : KeyOf(new string(keyId));
        if (key is null) return false;
        Span<byte> computed = stackalloc byte[32];
        HmacFor(key).Compute(hashAscii, computed);
        Span<byte> hex = stackalloc byte[64];
        Convert.TryToHexStringLower(computed, hex, out _);
        return CryptographicOperations.FixedTimeEquals(hex, mac[(colon + 1)..]);
    }

    private byte[]? KeyOf(string keyId)
    {
        if (_derived.TryGetValue(keyId, out var key)) return key;
        key = keys.DeriveKey(Purpose, keyId);
        if (key is not null) _derived.TryAdd(keyId, key);
        return key;
    }

    // Keyed once per thread and key: HMACSHA256.HashData would hash the key's pads again for every record verification reads.
    private readonly ThreadLocal<Dictionary<byte[], Sha256Engine.KeyedHmac>> _hmacs = new(() => new(ReferenceEqualityComparer.Instance));

    private Sha256Engine.KeyedHmac HmacFor(byte[] key)
    {
        var hmacs = _hmacs.Value!;
        if (!hmacs.TryGetValue(key, out var hmac)) hmacs[key] = hmac = Sha256Engine.Current.Hmac(key);
        return hmac;
    }

    private string Compute(byte[] key, string hash)
    {
        Span<byte> mac = stackalloc byte[32];
        HmacFor(key).Compute(Encoding.ASCII.GetBytes(hash), mac);
        return Convert.ToHexStringLower(mac);
    }
}

/// <summary>
/// Writes one record per command, inside its transaction. Takes no lock: the sequence comes from the database, the chain is
/// built afterwards by <see cref="AuditSealer"/>. Only ever INSERTs: no code path updates or deletes audit rows.
/// </summary>
public sealed class AuditTrail(IDbSession db, AccessScope scope, BusinessClock clock, AuditMac mac)
{
    internal async Task AppendAsync(string action, AuditEntry entry, CancellationToken ct)
    {
        var sequence = await db.QuerySingleAsync<long>(db.Dialect.AuditNextSequence, null, ct);
        var rowDigests = await RowDigests.CaptureAsync(db, entry.Covered, ct);
        var occurredAt = clock.UtcNow();
        var actor = scope.AuditActor;
        var programmeId = entry.ProgrammeId;
        var hash = AuditHash.Record(sequence, occurredAt, actor, action, entry.Entity, entry.EntityId, programmeId, entry.Summary, rowDigests);

        await db.ExecuteAsync($"""
            INSERT INTO audit_log (sequence, occurred_at, actor, action, entity, entity_id, programme_id, summary, previous_hash, hash, row_digests, commit_order, mac)
            VALUES (@sequence, @occurredAt, @actor, @action, @entity, @entityId, @programmeId, @summary, '', @hash, @rowDigests, {db.Dialect.AuditCommitOrderValue}, @mac)
            """, new
        {
            sequence, occurredAt, actor, action, entity = entry.Entity, entityId = entry.EntityId,
            programmeId, summary = entry.Summary, hash, rowDigests, mac = mac.Sign(hash),
        }, ct);
        await db.ExecuteEachAsync("INSERT INTO audit_entities (entity_key, record_sequence) VALUES (@key, @sequence)",
            entry.Covered.Select(covered => new { key = covered.Key, sequence }).ToList(), ct);
    }
}
