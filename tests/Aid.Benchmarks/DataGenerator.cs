using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Infrastructure.Crypto;
using Aid.Infrastructure.Database;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Benchmarks;

/// <summary>
/// Deterministic (seeded) data in Aid's own schema, through a documented bulk path: plain parameterised INSERTs into the
/// service's tables inside large transactions (one statement per row, prepared once), the same rows the commands write:
/// each gift with its balanced journal entry (Dr cash at bank / Cr restricted fund), each paid disbursement with its
/// entry (Dr aid paid / Cr cash). Donors' gift counts follow a Zipf law; names are Chinese; ~10% organisations,
/// ~5% anonymous. Pledges and funding allocations are not generated (no measure reads them).
/// Then what the service would have written beside them (docs/AUDIT-CHAIN.md): one audit record per gift (RecordGift) and
/// per paid disbursement (PayDisbursement), with the digests of the entity's rows as read back from the database, the
/// record hash and MAC (key file <paramref name="keyFile"/>, the one the hosted service is given), and its audit_entities
/// row. Sealing is left to the service's sealer. Students' ID numbers are encrypted with the same key, as the service does.
/// </summary>
public sealed class DataGenerator(DatabaseOptions options, string keyFile, int seed = 2021)
{
    private delegate void RowValues(params object?[] values);

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "蒋", "欧阳"];
    private static readonly string[] Given = ["晟晖", "雨桐", "子涵", "浩然", "思远", "欣怡", "梓萱", "宇航", "一诺", "佳怡", "俊杰", "诗涵", "明轩", "博文", "伟", "芳", "䶮"];
    private static readonly string[] Methods = ["bank_transfer", "wechat_pay", "alipay", "cheque"];

    /// <param name="Elapsed">Writing the data rows (what the generator did before the audit chain).</param>
    /// <param name="AuditElapsed">Writing their audit records (digests read back, hashes, MACs, audit_entities).</param>
    public sealed record Result(Guid ProgrammeId, Guid BusiestDonorId, int Donors, int Gifts, int Disbursements, TimeSpan Elapsed,
        int AuditRecords, TimeSpan AuditElapsed);

    /// <summary>The actor of every generated row and record (created_by is 'bench' too).</summary>
    private const string Actor = "bench";

    /// <summary>As AuditRecorder serialises summaries.</summary>
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Records (and their digests) per transaction.</summary>
    private const int AuditChunk = 10_000;

    private bool Postgres => options.Provider == DatabaseProvider.Postgres;

    public async Task<Result> GenerateAsync(int gifts)
    {
        var clock = Stopwatch.StartNew();
        IDatabaseEngine engine = Postgres ? new PostgresEngine(options) : new SqliteEngine(options);
        await new MigrationRunner(engine, NullLogger<MigrationRunner>.Instance).MigrateAsync(CancellationToken.None);

        var random = new Random(seed);
        await using var connection = await engine.OpenAsync(CancellationToken.None);
        var now = new DateTimeOffset(2024, 9, 1, 0, 0, 0, TimeSpan.Zero);
        var programme = Guid.CreateVersion7();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await Exec(connection, tx, """
                INSERT INTO programmes (id, code, name, region, partner, currency, start_date, end_date, annual_standard, target, status, created_at, created_by)
                VALUES (@p0, @p1, '青系镇坪，雏鹰伴翔（基准）', '陕西省安康市镇坪县', '镇坪县教育局', 'CNY', @p2, @p3, 100000, 3600000000, 'active', @p4, 'bench')
                """, Id(programme), "BENCH-" + gifts, Date(new DateOnly(2021, 9, 1)), Date(new DateOnly(2024, 8, 31)), Stamp(now));
            await tx.CommitAsync();
        }

        // Zipf gift counts: donor k gets ~ C / k^1.1 gifts until the total is reached.
        var donorCount = Math.Max(10, gifts / 4);
        var weights = Enumerable.Range(1, donorCount).Select(k => 1.0 / Math.Pow(k, 1.1)).ToArray();
        var scale = gifts / weights.Sum();
        var counts = weights.Select(w => Math.Max(1, (int)Math.Round(w * scale))).ToArray();
        var excess = counts.Sum() - gifts;
        for (var k = donorCount - 1; excess > 0 && k >= 0; k--) { var take = Math.Min(excess, counts[k] - 1); counts[k] -= take; excess -= take; }
        for (var k = 0; excess < 0; k = (k + 1) % donorCount) { counts[k]++; excess++; }

        var donors = new Guid[donorCount];
        await Batch(connection, """
            INSERT INTO donors (id, kind, name, anonymous, language, email, phone, address, organisation_code, created_at, created_by)
            VALUES (@p0, @p1, @p2, @p3, 'zh-CN', NULL, NULL, NULL, NULL, @p4, 'bench')
            """, donorCount, (i, p) =>
        {
            donors[i] = Guid.CreateVersion7();
            var organisation = i % 10 == 3;
            p(Id(donors[i]), organisation ? "organisation" : "person",
                organisation ? $"安康爱心企业{i}号有限公司" : Surnames[random.Next(Surnames.Length)] + Given[random.Next(Given.Length)],
                Bool(i % 20 == 7), Stamp(now));
        });

        var start = new DateOnly(2021, 9, 1);
        var giftRows = 0;
        var donorOf = new int[gifts];
        var giftIds = new Guid[gifts];
        for (var d = 0; d < donorCount; d++) for (var c = 0; c < counts[d]; c++) donorOf[giftRows++] = d;
        await Batch(connection, """
            INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
            VALUES (@p0, @p1, @p2, 'cash_gift', 'gift', @p3, NULL, NULL, @p4, 'bench');
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 1, @p1, 'cash_at_bank', @p5);
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 2, @p1, 'restricted_fund', @p6);
            INSERT INTO gifts (id, programme_id, donor_id, pledge_id, kind, received_on, currency, amount, method, reference, description, quantity, unit,
                               valuation_basis, journal_entry_id, created_at, created_by)
            VALUES (@p3, @p1, @p7, NULL, 'cash', @p2, 'CNY', @p5, @p8, @p9, NULL, NULL, NULL, NULL, @p0, @p4, 'bench');
            """, gifts, (i, p) =>
        {
            var amount = random.Next(1, 500) * 1000L + random.Next(0, 100);
            var day = start.AddDays(random.Next(0, 1095));
            giftIds[i] = Guid.CreateVersion7();
            p(Id(Guid.CreateVersion7()), Id(programme), Date(day), Id(giftIds[i]), Stamp(now), amount, -amount, Id(donors[donorOf[i]]),
                Methods[i % Methods.Length], "B" + i.ToString("D8", CultureInfo.InvariantCulture));
        });

        // 120 students paid 500.00 per term, six terms (when the money suffices, which it does from 10k gifts up).
        var keys = new KeyRing(keyFile);
        var cipher = new FieldCipher(keys);
        var students = new Guid[120];
        var studentCodes = new Dictionary<string, string>(StringComparer.Ordinal);
        await Batch(connection, """
            INSERT INTO students (id, programme_id, code, sequence, name, gender, birth_date, id_number_enc, id_number_hmac, school, grade, county,
                                  poverty_registered, status, created_at, created_by)
            VALUES (@p0, @p1, @p2, @p3, '学生', 'female', @p4, @p8, @p5, '镇坪县中学', '初二', '镇坪县', @p6, 'active', @p7, 'bench')
            """, students.Length, (i, p) =>
        {
            students[i] = Guid.CreateVersion7();
            studentCodes[students[i].ToString("D")] = $"ZP-{i + 1:0000}";
            // Encrypted and fingerprinted as RegisterStudent does: the service decrypts one at its first start (KeyRegistry).
            var idNumber = $"61092720080101{i:D4}";
            p(Id(students[i]), Id(programme), $"ZP-{i + 1:0000}", i + 1, Date(new DateOnly(2008, 1, 1)), cipher.Fingerprint(idNumber), Bool(true), Stamp(now),
                cipher.Encrypt(idNumber));
        });
        var terms = new[] { new DateOnly(2021, 10, 15), new DateOnly(2022, 3, 15), new DateOnly(2022, 10, 14), new DateOnly(2023, 3, 15), new DateOnly(2023, 10, 16), new DateOnly(2024, 3, 15) };
        var disbursements = gifts >= 10_000 ? students.Length * terms.Length : 0;
        var disbursementIds = new Guid[disbursements];
        await Batch(connection, """
            INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
            VALUES (@p0, @p1, @p2, 'disbursement', 'disbursement', @p3, NULL, NULL, @p4, 'bench');
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 1, @p1, 'aid_paid', 50000);
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 2, @p1, 'cash_at_bank', -50000);
            INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, reference, status, requested_on,
                                       requested_at, requested_by, decided_at, decided_by, paid_on, paid_at, paid_by, payout_reference, evidence_reference,
                                       journal_entry_id)
            VALUES (@p3, @p1, @p5, @p6, @p7, '助学金', 50000, 'aid_card', NULL, 'paid', @p2, @p4, 'bench', @p4, 'bench2', @p2, @p4, 'bench', 'PAY', 'SIGN', @p0);
            """, disbursements, (i, p) =>
        {
            var term = terms[i / students.Length];
            disbursementIds[i] = Guid.CreateVersion7();
            p(Id(Guid.CreateVersion7()), Id(programme), Date(term), Id(disbursementIds[i]), Stamp(now), Id(students[i % students.Length]),
                $"{(term.Month >= 9 ? term.Year : term.Year - 1)}-{(term.Month >= 9 ? term.Year + 1 : term.Year)}", term.Month >= 9 ? "秋季学期" : "春季学期");
        });
        var dataElapsed = clock.Elapsed;

        // The audit records the service would have written with these rows.
        clock.Restart();
        var trail = new AuditWriter(engine, new AuditMac(keys), programme, now);
        await trail.StartAsync();
        await trail.WriteAsync("gift", "RecordGift", giftIds, row => new
        {
            donorId = AsGuid(row["donor_id"]), pledgeId = (Guid?)null, kind = (string)row["kind"]!, amount = Money.Format(Convert.ToInt64(row["amount"])),
            method = (string?)row["method"], reference = (string?)row["reference"], receivedOn = AsDate(row["received_on"]), valuationBasis = (string?)null,
        });
        await trail.WriteAsync("disbursement", "PayDisbursement", disbursementIds, row => new
        {
            StudentCode = studentCodes[AsGuid(row["student_id"]).ToString("D")], paid = true, amount = Money.Format(Convert.ToInt64(row["amount"])),
            paidOn = AsDate(row["paid_on"]), gifts = 0, // the generator writes no funding allocations
        });
        var records = (int)await trail.FinishAsync();
        return new Result(programme, donors[0], donorCount, gifts, disbursements, dataElapsed, records, clock.Elapsed);
    }

    /// <summary>
    /// Writes one audit record per entity exactly as AuditTrail.AppendAsync does, in large transactions: for a chunk of
    /// entities (ids sorted as the database sorts uuids, so a chunk is one key range) it streams each digested table's rows
    /// in that range through the service's own read path and RowDigests.Digest, then inserts the records and audit_entities rows.
    /// </summary>
    private sealed class AuditWriter(IDatabaseEngine engine, AuditMac mac, Guid programme, DateTimeOffset occurredAt)
    {
        private readonly DbSession _db = new(engine);
        private bool Postgres => engine.Name == "postgres";
        private long _next;
        private long _written;

        public async Task StartAsync()
        {
            DapperTypeHandlers.Register();
            _next = Postgres
                ? await _db.QuerySingleAsync<long>("SELECT nextval('audit_log_sequence')", null, CancellationToken.None)
                : await _db.QuerySingleAsync<long>("SELECT COALESCE(MAX(sequence), 0) + 1 FROM audit_log", null, CancellationToken.None);
        }

        /// <summary>On PostgreSQL the sequence continues after the last record written here.</summary>
        public async Task<long> FinishAsync()
        {
            if (Postgres && _written > 0)
                await _db.QuerySingleAsync<long>("SELECT setval('audit_log_sequence', @last)", new { last = _next - 1 }, CancellationToken.None);
            await _db.DisposeAsync();
            return _written;
        }

        public async Task WriteAsync(string kind, string action, Guid[] ids, Func<IDictionary<string, object?>, object> summary)
        {
            var ct = CancellationToken.None;
            var tables = RowDigests.Tables.Where(t => t.Kind == kind).ToList(); // the first is the entity's own table
            var sorted = (Guid[])ids.Clone();
            Array.Sort(sorted); // Guid order = the order of the lower-case text (SQLite) = uuid order (PostgreSQL)
            for (var offset = 0; offset < sorted.Length; offset += AuditChunk)
            {
                var chunk = sorted.AsSpan(offset, Math.Min(AuditChunk, sorted.Length - offset)).ToArray();
                var digests = chunk.ToDictionary(id => new EntityRef(kind, id).Key, _ => new SortedDictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
                var owners = new Dictionary<string, IDictionary<string, object?>>(StringComparer.Ordinal);
                await using var transaction = await _db.BeginTransactionAsync(ct);
                var range = new DynamicParameters();
                range.Add("lo", Postgres ? chunk[0] : chunk[0].ToString("D"));
                range.Add("hi", Postgres ? chunk[^1] : chunk[^1].ToString("D"));
                foreach (var table in tables)
                {
                    var sql = $"SELECT {table.Owner} AS owner_, {table.Columns} FROM {table.From} WHERE {(table.Where is null ? "" : table.Where + " AND ")}{table.Owner} BETWEEN @lo AND @hi";
                    await foreach (var row in _db.StreamAsync<dynamic>(sql, range, ct))
                    {
                        var values = (IDictionary<string, object?>)row;
                        var (entity, key, digest) = RowDigests.Digest(table, values);
                        if (!digests.TryGetValue(entity, out var rows))
                            throw new InvalidOperationException($"{table.Table} row {key} belongs to {entity}, which is in the range of this chunk but not in it (the uuid orders disagree).");
                        rows[key] = digest;
                        if (table == tables[0]) owners[entity] = values;
                    }
                }

                var connection = await _db.GetConnectionAsync(ct);
                await using var insert = connection.CreateCommand();
                insert.Transaction = _db.Transaction;
                insert.CommandText = $"""
                    INSERT INTO audit_log (sequence, occurred_at, actor, action, entity, entity_id, programme_id, summary, previous_hash, hash, row_digests, commit_order, mac)
                    VALUES (@sequence, @occurredAt, @actor, @action, @entity, @entityId, @programmeId, @summary, '', @hash, @rowDigests, {engine.Dialect.AuditCommitOrderValue}, @mac);
                    INSERT INTO audit_entities (entity_key, record_sequence) VALUES (@key, @sequence);
                    """;
                DbParameter Parameter(string name, object? value = null)
                {
                    var parameter = insert.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = value ?? DBNull.Value;
                    insert.Parameters.Add(parameter);
                    return parameter;
                }
                var (sequence, entityId, summaryText, hash, rowDigests, macText, entityKey) =
                    (Parameter("sequence"), Parameter("entityId"), Parameter("summary"), Parameter("hash"), Parameter("rowDigests"), Parameter("mac"), Parameter("key"));
                Parameter("occurredAt", Postgres ? occurredAt.UtcDateTime : DapperTypeHandlers.FormatTimestamp(occurredAt));
                Parameter("actor", Actor);
                Parameter("action", action);
                Parameter("entity", kind);
                Parameter("programmeId", Postgres ? programme : programme.ToString("D"));

                string? first = null;
                foreach (var id in chunk)
                {
                    var key = new EntityRef(kind, id).Key;
                    if (!owners.TryGetValue(key, out var owner)) throw new InvalidOperationException($"{key} has no {tables[0].Table} row.");
                    var digestText = Write(key, digests[key]);
                    var summaryJson = JsonSerializer.Serialize(summary(owner), SummaryJson);
                    var recordHash = AuditHash.Record(_next, occurredAt, Actor, action, kind, id.ToString(), programme, summaryJson, digestText);
                    (sequence.Value, entityId.Value, summaryText.Value, hash.Value, rowDigests.Value, macText.Value, entityKey.Value) =
                        (_next, id.ToString(), summaryJson, recordHash, digestText, mac.Sign(recordHash), key);
                    await insert.ExecuteNonQueryAsync(ct);
                    _next++;
                    _written++;
                    first ??= digestText;
                }
                // The service's own capture of the first entity must give the same text: the format of row_digests is RowDigests'.
                if (offset == 0 && await RowDigests.CaptureAsync(_db, [new EntityRef(kind, chunk[0])], ct) is var captured && captured != first)
                    throw new InvalidOperationException($"row_digests of {kind}:{chunk[0]:D} differs from RowDigests.CaptureAsync: {first} vs {captured}");
                await transaction.CommitAsync(ct);
            }
        }

        /// <summary>The text RowDigests.CaptureAsync writes for one entity (checked against it on each kind's first entity).</summary>
        private static string Write(string entity, SortedDictionary<string, string> rows)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteStartObject(entity);
                foreach (var (row, digest) in rows) writer.WriteString(row, digest);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
    }

    private static Guid AsGuid(object? value) => value switch { Guid g => g, string s => Guid.Parse(s), _ => throw new InvalidCastException($"uuid from {value}") };

    private static DateOnly AsDate(object? value) => value switch
    {
        DateOnly d => d,
        DateTime d => DateOnly.FromDateTime(d),
        string s => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => throw new InvalidCastException($"date from {value}"),
    };

    private async Task Batch(DbConnection connection, string sql, int rows, Action<int, RowValues> fill)
    {
        const int perTransaction = 20_000;
        for (var offset = 0; offset < rows; offset += perTransaction)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            var parameters = new List<DbParameter>();
            for (var i = offset; i < Math.Min(rows, offset + perTransaction); i++)
            {
                fill(i, (values) =>
                {
                    while (parameters.Count < values.Length)
                    {
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = "p" + parameters.Count;
                        command.Parameters.Add(parameter);
                        parameters.Add(parameter);
                    }
                    for (var v = 0; v < values.Length; v++) parameters[v].Value = values[v] ?? DBNull.Value;
                });
                await command.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
    }

    private static async Task Exec(DbConnection connection, DbTransaction tx, string sql, params object[] values)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "p" + i;
            parameter.Value = values[i];
            command.Parameters.Add(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }

    // The same representations the service's Dapper type handlers write.
    private object Id(Guid id) => Postgres ? id : id.ToString("D");
    private object Date(DateOnly d) => Postgres ? d : d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private object Stamp(DateTimeOffset t) => Postgres ? t.UtcDateTime : t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    private object Bool(bool b) => Postgres ? b : b ? 1 : 0;

}
