using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Aid.Tests.Audit;

/// <summary>One thing the offline check found wrong in an audit pack.</summary>
/// <param name="Kind">record, seal, checkpoint or pack.</param>
public sealed record OfflineProblem(string Kind, string Detail, long? Record = null, string? Chain = null, long? Position = null);

/// <summary>What the offline check looked at, and what it found.</summary>
public sealed record OfflineResult(IReadOnlyList<OfflineProblem> Problems, int Records, int Seals, int Chains, int Checkpoints);

/// <summary>
/// An auditor's check of an audit pack, written from audit/VERIFY.txt alone with nothing but the .NET base library — no Aid code —
/// so that the pack's description, not the service's implementation, is what is tested:
/// 1. each record's hash recomputed from audit/records.jsonl, and the seal at its (chain, position) carries it;
/// 2. each chain in audit/seals.jsonl walked from 64 zeros, each seal's hash recomputed;
/// 3. each checkpoint: the seal at its position has its hash, and its ECDSA P-256 signature (IEEE P1363, base64) verifies with
///    the key of its keyId from audit/public-keys.pem.
/// </summary>
public static class OfflineVerifier
{
    private const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static OfflineResult Verify(byte[] pack)
    {
        var problems = new List<OfflineProblem>();
        using var zip = new ZipArchive(new MemoryStream(pack), ZipArchiveMode.Read);
        string? Read(string name)
        {
            var entry = zip.GetEntry(name);
            if (entry is null) { problems.Add(new OfflineProblem("pack", $"{name} is missing.")); return null; }
            using var reader = new StreamReader(entry.Open(), new UTF8Encoding(false));
            return reader.ReadToEnd();
        }

        var records = Lines(Read("audit/records.jsonl"));
        var seals = Lines(Read("audit/seals.jsonl"));
        var checkpoints = Lines(Read("audit/checkpoints.jsonl"));
        var keys = PublicKeys(Read("audit/public-keys.pem") ?? "", problems);
        if (Read("audit/VERIFY.txt") is { } text && !text.Contains("aid-checkpoint-v1|chain|position|hash|createdAt", StringComparison.Ordinal))
            problems.Add(new OfflineProblem("pack", "VERIFY.txt does not describe the checkpoint message this check follows."));

        // Step 2 first, so that step 1 can look up the seal of each record: every chain from position 1, no gaps.
        var byPosition = new Dictionary<(string Chain, long Position), JsonElement>();
        var chains = 0;
        foreach (var chain in seals.GroupBy(s => Str(s, "chain") ?? ""))
        {
            chains++;
            long position = 0;
            var previous = Genesis;
            foreach (var seal in chain.OrderBy(s => Long(s, "position")))
            {
                var at = Long(seal, "position");
                var sequence = Long(seal, "recordSequence");
                byPosition[(chain.Key, at)] = seal;
                if (at != position + 1)
                    problems.Add(new OfflineProblem("seal", $"Chain {chain.Key}: position {at} follows position {position}.", sequence, chain.Key, at));
                else if (Str(seal, "previousHash") != previous)
                    problems.Add(new OfflineProblem("seal", $"Chain {chain.Key} at position {at}: previousHash is not the hash of the position before.", sequence, chain.Key, at));
                var hash = Netstrings("aid-seal-v1", chain.Key, Decimal(at), Decimal(sequence), Str(seal, "recordHash"), Str(seal, "previousHash"));
                if (Str(seal, "hash") != hash)
                    problems.Add(new OfflineProblem("seal", $"Chain {chain.Key} at position {at}: its hash is not the SHA-256 of its netstrings.", sequence, chain.Key, at));
                position = at;
                previous = Str(seal, "hash") ?? "";
            }
        }

        // Step 1: each record's hash, and the seal that carries it.
        foreach (var record in records)
        {
            var sequence = Long(record, "sequence");
            string hash;
            if (Str(record, "previousHash") is { } previousHash)
                hash = LegacyHash(previousHash, record);
            else
                hash = Netstrings("aid-audit-v2", Decimal(sequence), Instant(Str(record, "occurredAt")), Str(record, "actor"), Str(record, "action"),
                    Str(record, "entity"), Str(record, "entityId"), Str(record, "programmeId")?.ToLowerInvariant(), Str(record, "summary"), Str(record, "rowDigests"));
            if (Str(record, "hash") != hash)
                problems.Add(new OfflineProblem("record", $"Record {sequence}: its hash is not the SHA-256 of its content (the record was changed).", sequence));

            var chain = Str(record, "chain");
            if (chain is null || !record.TryGetProperty("position", out var p) || p.ValueKind != JsonValueKind.Number)
            {
                problems.Add(new OfflineProblem("record", $"Record {sequence}: it names no chain and position (not sealed).", sequence));
                continue;
            }
            var position = p.GetInt64();
            if (!byPosition.TryGetValue((chain, position), out var seal))
                problems.Add(new OfflineProblem("record", $"Record {sequence}: chain {chain} has no seal at position {position}.", sequence, chain, position));
            else if (Long(seal, "recordSequence") != sequence || Str(seal, "recordHash") != Str(record, "hash") || Str(seal, "recordHash") != hash)
                problems.Add(new OfflineProblem("record", $"Record {sequence}: the seal of chain {chain} at position {position} does not carry its hash.", sequence, chain, position));
        }

        // Step 3: each checkpoint against its seal, and its signature.
        foreach (var checkpoint in checkpoints)
        {
            var chain = Str(checkpoint, "chain") ?? "";
            var position = Long(checkpoint, "position");
            var hash = Str(checkpoint, "hash") ?? "";
            if (!byPosition.TryGetValue((chain, position), out var seal))
                problems.Add(new OfflineProblem("checkpoint", $"Checkpoint of chain {chain} at position {position}: the chain has no seal there (cut off).", null, chain, position));
            else if (Str(seal, "hash") != hash)
                problems.Add(new OfflineProblem("checkpoint", $"Checkpoint of chain {chain} at position {position}: the seal there has another hash (rewritten).", Long(seal, "recordSequence"), chain, position));

            var message = $"aid-checkpoint-v1|{chain}|{Decimal(position)}|{hash}|{Instant(Str(checkpoint, "createdAt"))}";
            var keyId = Str(checkpoint, "keyId") ?? "";
            if (!keys.TryGetValue(keyId, out var key))
                problems.Add(new OfflineProblem("checkpoint", $"Checkpoint of chain {chain} at position {position}: key {keyId} is not in public-keys.pem.", null, chain, position));
            else if (!ValidSignature(key, message, Str(checkpoint, "signature")))
                problems.Add(new OfflineProblem("checkpoint", $"Checkpoint of chain {chain} at position {position}: its signature does not verify.", null, chain, position));
        }
        foreach (var key in keys.Values) key.Dispose();

        return new OfflineResult(problems, records.Count, seals.Count, chains, checkpoints.Count);
    }

    /// <summary>The netstrings of the fields (UTF-8 length, ":", bytes, ","; "~," for an absent value), SHA-256, lower-case hex.</summary>
    public static string Netstrings(params string?[] fields)
    {
        using var bytes = new MemoryStream();
        foreach (var field in fields)
        {
            if (field is null) { bytes.Write("~,"u8); continue; }
            var utf8 = Encoding.UTF8.GetBytes(field);
            bytes.Write(Encoding.ASCII.GetBytes(utf8.Length.ToString(CultureInfo.InvariantCulture) + ":"));
            bytes.Write(utf8);
            bytes.WriteByte((byte)',');
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes.ToArray()));
    }

    /// <summary>A record written before per-programme chains: SHA-256 of the compact JSON array of its previous hash and fields.</summary>
    private static string LegacyHash(string previousHash, JsonElement record)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(previousHash);
            writer.WriteNumberValue(Long(record, "sequence"));
            writer.WriteStringValue(Instant(Str(record, "occurredAt")));
            foreach (var name in new[] { "actor", "action", "entity", "entityId", "programmeId", "summary" })
                writer.WriteStringValue(Str(record, name));
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>The keys of public-keys.pem by key id: the first 8 bytes of SHA-256 of the DER SubjectPublicKeyInfo, hex.</summary>
    private static Dictionary<string, ECDsa> PublicKeys(string pem, List<OfflineProblem> problems)
    {
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        const string begin = "-----BEGIN PUBLIC KEY-----", end = "-----END PUBLIC KEY-----";
        for (var at = pem.IndexOf(begin, StringComparison.Ordinal); at >= 0; at = pem.IndexOf(begin, at + 1, StringComparison.Ordinal))
        {
            var stop = pem.IndexOf(end, at, StringComparison.Ordinal);
            if (stop < 0) { problems.Add(new OfflineProblem("pack", "public-keys.pem has a key without its END line.")); break; }
            var key = ECDsa.Create();
            key.ImportFromPem(pem.AsSpan(at, stop + end.Length - at));
            if (key.ExportParameters(false).Curve.Oid.FriendlyName is not ("nistP256" or "ECDSA_P256"))
                problems.Add(new OfflineProblem("pack", "public-keys.pem holds a key that is not on P-256."));
            keys[Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 8))] = key;
        }
        return keys;
    }

    private static bool ValidSignature(ECDsa key, string message, string? signature)
    {
        try
        {
            var bytes = Convert.FromBase64String(signature ?? "");
            return bytes.Length == 64 && key.VerifyData(Encoding.UTF8.GetBytes(message), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (FormatException) { return false; }
    }

    /// <summary>
    /// An instant as VERIFY.txt hashes and signs it, yyyy-MM-ddTHH:mm:ss.ffffffZ in UTC. VERIFY.txt says occurredAt is in that form
    /// "exactly as in the file", but the pack writes ISO 8601 with an offset and trailing zeros trimmed (2026-12-02T21:38:11.42669+00:00),
    /// for occurredAt and createdAt alike: taken as written, no record hash would match. Reformatted here; pinned by
    /// OfflineVerifierTests.The_pack_writes_instants_exactly_as_VERIFY_txt_hashes_them.
    /// </summary>
    private static string Instant(string? value) =>
        value is null ? "" : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static List<JsonElement> Lines(string? text) =>
        (text ?? "").Split('\n').Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement s, string name) =>
        s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);
}
