using System.Security.Cryptography;
using Aid.Application.Statements;

namespace Aid.Tests.Application;

/// <summary>
/// A register read once keeps its CSV, written in the same pass as its rows: the bytes, the SHA-256 and the totals the PDF
/// prints for a long register must be exactly those of the CSV written from the rows themselves.
/// </summary>
public sealed class RegisterSpillTests
{
    private static readonly string[] Columns = ["日期 Date", "捐赠人 Donor", "方式 Method", "说明 Note", "金额 Amount", "退款 Refund"];

    [Fact]
    public async Task A_register_read_once_gives_the_csv_digest_and_rows_of_the_rows_it_was_read_from()
    {
        var ct = TestContext.Current.CancellationToken;
        var rows = Rows(6_000); // several of the writer's chunks
        // Expected bytes by another road than the writer's: whole lines through CsvText.Line (its own quoting)
        using var expected = new MemoryStream([.. CsvText.Bom, .. System.Text.Encoding.UTF8.GetBytes(
            CsvText.Line(Columns) + string.Concat(rows.Select(r => CsvText.Line(r.Select(CsvText.Cell)))))]);
        var fromRows = new StatementRegister("gifts", "捐赠登记 Gifts register", Columns, [4, 5], () => rows.ToAsyncEnumerable(), codeColumns: [2]);
        var expectedDigest = await CsvText.WriteAsync(fromRows, Stream.Null, ct);

        using var readOnce = await StatementRegister.ReadOnceAsync("gifts", "捐赠登记 Gifts register", Columns, [4, 5], rows.ToAsyncEnumerable(), ct, codeColumns: [2]);
        for (var attempt = 0; attempt < 2; attempt++) // each copy of the CSV reads it from its start
        {
            using var written = new MemoryStream();
            await readOnce.WriteCsvAsync(written, ct);
            Assert.Equal(expected.ToArray(), written.ToArray());
        }
        var digest = await readOnce.DigestAsync(ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected.ToArray())), digest.Sha256);
        Assert.Equal(expectedDigest.Sha256, digest.Sha256);
        Assert.Equal(6_000, digest.Rows);
        Assert.Equal(rows.Sum(r => r[4].Fen!.Value), digest.Totals[4]);
        Assert.Equal(rows.Sum(r => r[5].Fen!.Value), digest.Totals[5]);
        Assert.Equal(expectedDigest.Totals, digest.Totals);
        Assert.Equal(rows, await readOnce.Rows().ToListAsync(ct), new CellsComparer());
    }

    [Fact]
    public async Task An_empty_register_read_once_is_its_header_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        using var readOnce = await StatementRegister.ReadOnceAsync("goods", "物资登记 Goods register", Columns, [4, 5], AsyncEnumerable.Empty<StatementCell[]>(), ct);
        using var written = new MemoryStream();
        await readOnce.WriteCsvAsync(written, ct);
        Assert.Equal([.. CsvText.Bom, .. System.Text.Encoding.UTF8.GetBytes(CsvText.Line(Columns))], written.ToArray());
        var digest = await readOnce.DigestAsync(ct);
        Assert.Equal((0L, Convert.ToHexStringLower(SHA256.HashData(written.ToArray()))), (digest.Rows, digest.Sha256));
    }

    /// <summary>Cells CSV must quote or defuse (commas, quotes, line breaks, formulas), Chinese beyond the BMP, negative money.</summary>
    private static List<StatementCell[]> Rows(int count) => Enumerable.Range(1, count).Select(i => new StatementCell[]
    {
        $"2022-{i % 12 + 1:00}-01",
        (i % 5) switch { 0 => "𠮷野家, \"分店\"", 1 => "=SUM(A1:A9)", 2 => "周慷慨\r\n第二行", 3 => "-5", _ => $"捐赠人{i}" },
        StatementCell.Coded(i % 2 == 0 ? "bank_transfer" : "wechat_pay", i % 2 == 0 ? "银行转账 Bank transfer" : "微信支付 WeChat Pay"),
        i % 7 == 0 ? null : "@note",
        StatementCell.Money(i * 1_234L),
        StatementCell.Money(i % 3 == 0 ? -i : 0),
    }).ToList();

    private sealed class CellsComparer : IEqualityComparer<StatementCell[]>
    {
        public bool Equals(StatementCell[]? x, StatementCell[]? y) => x!.SequenceEqual(y!);
        public int GetHashCode(StatementCell[] obj) => obj.Length;
    }
}
