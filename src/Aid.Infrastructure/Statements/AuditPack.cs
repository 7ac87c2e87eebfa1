using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Auditing;
using Aid.Application.Receipts;
using Aid.Application.Statements;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// The audit pack of a programme's year: the statement as PDF, CSV (ZIP) and XLSX, the year's audit-trail export,
/// every receipt PDF of the year, the chain material for the offline check (audit/: the year's records of the programme, every seal
/// of the programme's and the organisation's chain, their signed checkpoints, the public keys and VERIFY.txt), and MANIFEST.txt with
/// the SHA-256 of each file and the verification result.
/// </summary>
public sealed class AuditPack(StatementPdf statementPdf, IReceiptRenderer receipts)
{
    /// <summary>
    /// Writes the pack; each source is read once, in this order: the statement's registers (its copies), the trail, the records,
    /// the seals, the receipts, the imports.
    /// </summary>
    public async Task WriteAsync(ProgrammeStatement statement, StatementRegister auditTrail, IAsyncEnumerable<StoredReceipt> receiptContents,
        IAsyncEnumerable<AuditRecord> records, IAsyncEnumerable<AuditSeal> seals, AuditPackChain chain, AuditVerification verification,
        Stream output, CancellationToken ct, Func<IAsyncEnumerable<Aid.Application.Imports.ImportArchiveFile>>? imports = null)
    {
        var manifest = new StringBuilder();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            async Task Add(string name, byte[] bytes)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                await using (var stream = entry.Open()) await stream.WriteAsync(bytes, ct);
                manifest.Append(Convert.ToHexStringLower(SHA256.HashData(bytes))).Append("  ").Append(name).Append('\n');
            }

            var stem = statement.FileStem;
            await Add($"{stem}.pdf", await statementPdf.RenderAsync(statement, ct));
            using (var csv = new MemoryStream())
            {
                await StatementFiles.WriteCsvZipAsync(statement, csv, ct);
                await Add($"{stem}-csv.zip", csv.ToArray());
            }
            using (var xlsx = new MemoryStream())
            {
                await Task.Run(() => StatementFiles.WriteXlsx(statement, xlsx), ct);
                await Add($"{stem}.xlsx", xlsx.ToArray());
            }
            using (var trail = new MemoryStream())
            {
                await CsvText.WriteAsync(auditTrail, trail, ct);
                await Add($"audit-trail-{statement.Year}.csv", trail.ToArray());
            }
            await Add("audit/records.jsonl", await JsonLinesAsync(records, ct));
            await Add("audit/seals.jsonl", await JsonLinesAsync(seals, ct));
            await Add("audit/checkpoints.jsonl", await JsonLinesAsync(chain.Checkpoints.ToAsyncEnumerable(), ct));
            await Add("audit/public-keys.pem", Encoding.UTF8.GetBytes(string.Concat(chain.PublicKeys.Select(k => $"# key id {k.KeyId}\n{k.Pem}\n"))));
            await Add("audit/VERIFY.txt", Encoding.UTF8.GetBytes(OfflineCheck));
            await foreach (var receipt in receiptContents.WithCancellation(ct))
                await Add($"receipts/{receipt.Number}.pdf", receipts.Render(receipt.Content, receipt.Mark, receipt.Voided));
            if (imports is not null) await AddImportsAsync(imports(), Add, ct);

            // The verification the statement stands on, and the chains as that check found them (a reused check is older than
            // the pack's seals and checkpoints, which are read now).
            manifest
                .Append('\n')
                .Append($"audit-trail verification: {(verification.Valid ? "valid" : "BROKEN")}; records {verification.Records}; head {verification.HeadHash}")
                .Append(verification.Valid ? "" : $"; {verification.Problem}")
                .Append($"; checked at {verification.CheckedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}")
                .Append(verification.Reused ? " (reused: only Aid's own commands have written to the database since)" : "").Append('\n');
            foreach (var c in verification.Chains)
                manifest.Append($"chain {c.Chain} as checked: length {c.Length}; head {c.HeadHash}; last checkpoint at {c.CheckpointedPosition?.ToString() ?? "none"}\n");
            manifest.Append($"generated at {statement.GeneratedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} by Aid\n");
            var entry = zip.CreateEntry("MANIFEST.txt", CompressionLevel.Fastest);
            await using var manifestStream = entry.Open();
            await manifestStream.WriteAsync(Encoding.UTF8.GetBytes(manifest.ToString()), ct);
        }
    }

    /// <summary>
    /// imports/: every import behind the year's gifts, its original file as uploaded (the manifest's SHA-256 equals the one
    /// recorded at upload) and imports.csv saying who uploaded and committed it, when, and what it booked.
    /// </summary>
    private static async Task AddImportsAsync(IAsyncEnumerable<Aid.Application.Imports.ImportArchiveFile> imports, Func<string, byte[], Task> add, CancellationToken ct)
    {
        var list = new StringBuilder(CsvText.Line(["import", "file", "sha256", "bytes", "format", "status", "uploaded_at", "uploaded_by",
            "committed_at", "committed_by", "rows", "booked", "archived_as"]));
        await foreach (var import in imports.WithCancellation(ct))
        {
            var safeName = string.Concat(import.FileName.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c is '/' or '\\' ? '_' : c));
            var archivedAs = $"imports/{import.Id:N}-{safeName}";
            await add(archivedAs, import.Content);
            list.Append(CsvText.Line([import.Id.ToString(), CsvText.SafeText(import.FileName), import.Sha256, import.Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                import.Format, import.Status, import.UploadedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                import.UploadedBy, import.CommittedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                import.CommittedBy ?? "", import.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture),
                import.Booked.ToString(System.Globalization.CultureInfo.InvariantCulture), archivedAs]));
        }
        await add("imports/imports.csv", [.. CsvText.Bom, .. Encoding.UTF8.GetBytes(list.ToString())]);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new HashedInstant() },
    };

    /// <summary>Instants exactly as they are hashed and signed (yyyy-MM-ddTHH:mm:ss.ffffffZ), so VERIFY.txt can say "as in the file".</summary>
    private sealed class HashedInstant : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value, System.Text.Json.JsonSerializerOptions options) =>
            writer.WriteStringValue(AuditHash.Instant(value));
    }

    private static async Task<byte[]> JsonLinesAsync<T>(IAsyncEnumerable<T> items, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await foreach (var item in items.WithCancellation(ct))
        {
            await System.Text.Json.JsonSerializer.SerializeAsync(buffer, item, Json, ct);
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    /// <summary>The offline check, for an auditor with no Aid software (docs/AUDIT-CHAIN.md).</summary>
    internal const string OfflineCheck = """
        How to check this audit trail without Aid
        ==========================================

        Files: audit/records.jsonl (the records of this programme's chain written during the year, with their chain and position),
        audit/seals.jsonl (every link of this programme's chain and of the organisation chain "org", whose records are not in the
        pack: their hashes are), audit/checkpoints.jsonl (signed chain heads), audit/public-keys.pem (ECDSA P-256 keys). Instants are written as yyyy-MM-ddTHH:mm:ss.ffffffZ (UTC), exactly as
        they are hashed and signed; whole numbers (sequence, position, recordSequence) are hashed in decimal.

        A netstring of a text is: its UTF-8 byte length in decimal, ":", the UTF-8 bytes, ","; an absent value (JSON null) is "~,".
        SHA-256 results are written in lower-case hex.

        1. Each record: if previousHash is null, hash = SHA-256 of the netstrings of
           "aid-audit-v2", sequence, occurredAt, actor, action, entity, entityId, programmeId, summary, rowDigests
           (the values as in the file; programmeId lower-case). A record with a previousHash (written before per-programme chains)
           hashes the compact JSON array [previousHash, sequence, occurredAt, actor, action, entity, entityId, programmeId, summary]
           written by System.Text.Json with its default encoder (characters outside printable ASCII, and HTML-sensitive ones such
           as < > & ' + ", written as \uXXXX with upper-case hex; other JSON writers escape differently: reproduce that rule).
           The result must equal the record's "hash", and the seal of its chain at its position must carry it as recordHash.
           (The previousHash links between such older records cannot be checked from a pack that holds one year of one programme.)
        2. Each chain, ordered by position from 1 with no gaps: previousHash of position 1 is 64 zeros, then the hash of the position
           before; hash = SHA-256 of the netstrings of "aid-seal-v1", chain, position, recordSequence, recordHash, previousHash.
        3. Each checkpoint: the seal of its chain at its position must have its hash; the signed message is the UTF-8 text
           aid-checkpoint-v1|chain|position|hash|createdAt  (createdAt as yyyy-MM-ddTHH:mm:ss.ffffffZ),
           the signature is base64 of r‖s (64 bytes, IEEE P1363), ECDSA P-256 with SHA-256, by the key whose id is keyId
           (id = first 8 bytes of SHA-256 of the key's DER SubjectPublicKeyInfo, hex). With OpenSSL: convert r‖s to a DER
           ECDSA-Sig-Value, then: openssl dgst -sha256 -verify key.pem -signature sig.der message.txt
        4. The statement in this pack was made right after a checkpoint of both chains: its printed heads must match those checkpoints.
           Links after a chain's latest checkpoint were added after the pack's statement was signed.

        What this check cannot see: whether the money rows still match the records' rowDigests, and the records' MACs (both need
        the live database and the key file): GET /api/v1/audit/verify does those. MANIFEST.txt gives the result of the full
        verification the statement stands on and when it ran: a statement may reuse the last one while only Aid has written to
        the database since (SQLite proves that; "reused" then says so).
        """;
}
