using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Aid.Infrastructure.Database;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Aid.Benchmarks;

/// <summary>
/// Deterministic (seeded) data in Aid's own schema, through a documented bulk path: plain parameterised INSERTs into the
/// service's tables inside large transactions (one statement per row, prepared once), the same rows the commands write:
/// each gift with its balanced journal entry (Dr cash at bank / Cr restricted fund), each paid disbursement with its
/// entry (Dr aid paid / Cr cash). Donors' gift counts follow a Zipf law; names are Chinese; ~10% organisations,
/// ~5% anonymous. Pledges and funding allocations are not generated (no measure reads them).
/// </summary>
public sealed class DataGenerator(DatabaseOptions options, int seed = 2021)
{
    private delegate void RowValues(params object?[] values);

    private static readonly string[] Surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "蒋", "欧阳"];
    private static readonly string[] Given = ["晟晖", "雨桐", "子涵", "浩然", "思远", "欣怡", "梓萱", "宇航", "一诺", "佳怡", "俊杰", "诗涵", "明轩", "博文", "伟", "芳", "䶮"];
    private static readonly string[] Methods = ["bank_transfer", "wechat_pay", "alipay", "cheque"];

    public sealed record Result(Guid ProgrammeId, Guid BusiestDonorId, int Donors, int Gifts, int Disbursements, TimeSpan Elapsed);

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
            p(Id(Guid.CreateVersion7()), Id(programme), Date(day), Id(Guid.CreateVersion7()), Stamp(now), amount, -amount, Id(donors[donorOf[i]]),
                Methods[i % Methods.Length], "B" + i.ToString("D8", CultureInfo.InvariantCulture));
        });

        // 120 students paid 500.00 per term, six terms (when the money suffices, which it does from 10k gifts up).
        var students = new Guid[120];
        await Batch(connection, """
            INSERT INTO students (id, programme_id, code, sequence, name, gender, birth_date, id_number_enc, id_number_hmac, school, grade, county,
                                  poverty_registered, status, created_at, created_by)
            VALUES (@p0, @p1, @p2, @p3, '学生', 'female', @p4, 'v1:bench', @p5, '镇坪县中学', '初二', '镇坪县', @p6, 'active', @p7, 'bench')
            """, students.Length, (i, p) =>
        {
            students[i] = Guid.CreateVersion7();
            p(Id(students[i]), Id(programme), $"ZP-{i + 1:0000}", i + 1, Date(new DateOnly(2008, 1, 1)), "h" + i, Bool(true), Stamp(now));
        });
        var terms = new[] { new DateOnly(2021, 10, 15), new DateOnly(2022, 3, 15), new DateOnly(2022, 10, 14), new DateOnly(2023, 3, 15), new DateOnly(2023, 10, 16), new DateOnly(2024, 3, 15) };
        var disbursements = gifts >= 10_000 ? students.Length * terms.Length : 0;
        await Batch(connection, """
            INSERT INTO journal_entries (id, programme_id, entry_date, kind, source_type, source_id, reverses_entry_id, memo, created_at, created_by)
            VALUES (@p0, @p1, @p2, 'disbursement', 'disbursement', @p3, NULL, NULL, @p4, 'bench');
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 1, @p1, 'aid_paid', 50000);
            INSERT INTO postings (journal_entry_id, line, programme_id, account, amount) VALUES (@p0, 2, @p1, 'cash_at_bank', -50000);
            INSERT INTO disbursements (id, programme_id, student_id, academic_year, term, purpose, amount, channel, reference, status, requested_at,
                                       requested_by, decided_at, decided_by, paid_on, paid_at, paid_by, payout_reference, evidence_reference, journal_entry_id)
            VALUES (@p3, @p1, @p5, @p6, @p7, '助学金', 50000, 'aid_card', NULL, 'paid', @p4, 'bench', @p4, 'bench2', @p2, @p4, 'bench', 'PAY', 'SIGN', @p0);
            """, disbursements, (i, p) =>
        {
            var term = terms[i / students.Length];
            p(Id(Guid.CreateVersion7()), Id(programme), Date(term), Id(Guid.CreateVersion7()), Stamp(now), Id(students[i % students.Length]),
                $"{(term.Month >= 9 ? term.Year : term.Year - 1)}-{(term.Month >= 9 ? term.Year + 1 : term.Year)}", term.Month >= 9 ? "秋季学期" : "春季学期");
        });
        return new Result(programme, donors[0], donorCount, gifts, disbursements, clock.Elapsed);
    }

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
