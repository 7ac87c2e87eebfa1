using Aid.Application.Gifts;
using Aid.Application.Imports;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// Alipay's app statement "开具交易流水证明 → 用于个人对账": the 2023+ header and the 2021–22 reordered one, found by column
/// names because the separator line (Oct 2025) and the preamble (June 2026) keep changing. A refund (不计收支 + 退款成功)
/// names its payment by the order number before the refund suffix.
/// </summary>
internal sealed class AlipayAppLayout : ITabularLayout
{
    private const string Source = "alipay";

    public string Format => ImportFormats.AlipayApp;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping) =>
        LayoutParsing.FindRow(firstRows, ["交易时间"], ["收/支"], ["金额"], ["交易状态"], ["交易订单号"]);

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var time = Cells.Index(header, "交易时间");
        var direction = Cells.Index(header, "收/支");
        var amount = Cells.Index(header, "金额");
        var status = Cells.Index(header, "交易状态");
        var order = Cells.Index(header, "交易订单号");
        var counterparty = Cells.Index(header, "交易对方");
        var account = Cells.Index(header, "对方账号");
        var item = Cells.Index(header, "商品说明");
        var note = Cells.Index(header, "备注");
        foreach (var row in rows)
        {
            if (row.Cell(0).TrimStart().StartsWith("------", StringComparison.Ordinal)) yield break;
            if (row.IsBlank) continue;

            var id = LayoutParsing.Id(row, order);
            var state = LayoutParsing.Cell(row, status) ?? "";
            var (kind, message) = LayoutParsing.Cell(row, direction) switch
            {
                "收入" when state == "交易成功" => (ImportedRowKind.Payment, null),
                "收入" => (ImportedRowKind.Skipped, ImportMessages.NotCompleted(state)),
                "支出" => (ImportedRowKind.Skipped, ImportMessages.Outgoing),
                _ when state == "退款成功" => (ImportedRowKind.Refund, null),
                _ => (ImportedRowKind.Skipped, (string?)ImportMessages.Neutral),
            };
            var payerAccount = LayoutParsing.Cell(row, account);
            yield return LayoutParsing.Build(new LineValues
            {
                Row = row, Header = header, Source = Source, Kind = kind, Message = message, Method = PaymentMethod.Alipay,
                Id = id, IdColumn = order, RefundOf = kind == ImportedRowKind.Refund ? RefundTarget(id) : null,
                DateColumn = time, AmountColumn = amount,
                PayerName = LayoutParsing.Cell(row, counterparty), PayerAccount = payerAccount,
                Memo = LayoutParsing.Join(LayoutParsing.Cell(row, item), LayoutParsing.Cell(row, note)),
            });
        }
    }

    /// <summary>Alipay numbers a refund after its payment: "2025…0001_R1" or "2025…0001*1" gives back "2025…0001".</summary>
    private static string? RefundTarget(string? id)
    {
        if (id is null) return null;
        var cut = id.IndexOfAny(['_', '*']);
        return cut > 0 ? id[..cut] : id;
    }
}

/// <summary>
/// Alipay's legacy web export "支付宝交易记录明细查询" (16 columns, full-width brackets): keyed by 交易号, dated by 付款时间
/// (交易创建时间 when never paid), followed by a dash line and totals.
/// </summary>
internal sealed class AlipayWebLayout : ITabularLayout
{
    private const string Source = "alipay";

    public string Format => ImportFormats.AlipayWeb;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping) =>
        LayoutParsing.FindRow(firstRows, ["交易号"], ["交易创建时间"], ["金额（元）", "金额(元)"], ["收/支"], ["交易状态"]);

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var id = Cells.Index(header, "交易号");
        var created = Cells.Index(header, "交易创建时间");
        var paid = Cells.Index(header, "付款时间");
        var amount = Cells.Index(header, "金额（元）", "金额(元)");
        var direction = Cells.Index(header, "收/支");
        var status = Cells.Index(header, "交易状态");
        var counterparty = Cells.Index(header, "交易对方");
        var item = Cells.Index(header, "商品名称");
        var note = Cells.Index(header, "备注");
        foreach (var row in rows)
        {
            if (row.Cell(0).TrimStart().StartsWith("---", StringComparison.Ordinal)) yield break;
            if (row.IsBlank) continue;

            var trade = LayoutParsing.Id(row, id);
            var state = LayoutParsing.Cell(row, status) ?? "";
            var (kind, message) = LayoutParsing.Cell(row, direction) switch
            {
                "收入" when state == "交易成功" => (ImportedRowKind.Payment, null),
                "收入" => (ImportedRowKind.Skipped, ImportMessages.NotCompleted(state)),
                "支出" => (ImportedRowKind.Skipped, ImportMessages.Outgoing),
                _ => (ImportedRowKind.Skipped, (string?)ImportMessages.Neutral),
            };
            yield return LayoutParsing.Build(new LineValues
            {
                Row = row, Header = header, Source = Source, Kind = kind, Message = message, Method = PaymentMethod.Alipay,
                Id = trade, IdColumn = id,
                DateColumn = LayoutParsing.Cell(row, paid) is null ? created : paid, AmountColumn = amount,
                PayerName = LayoutParsing.Cell(row, counterparty),
                Memo = LayoutParsing.Join(LayoutParsing.Cell(row, item), LayoutParsing.Cell(row, note)),
            });
        }
    }
}

/// <summary>
/// The enterprise Alipay ledger "账务明细": '#' comment lines around the table (it ends at #---账务明细列表结束), one income
/// and one expense column, keyed by 账务流水号.
/// </summary>
internal sealed class AlipayEnterpriseLayout : ITabularLayout
{
    // Its key (账务流水号) is another id than the app statement's 交易订单号: its own namespace, never compared with "alipay".
    private const string Source = "alipay:ledger";

    public string Format => ImportFormats.AlipayEnterprise;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping) =>
        LayoutParsing.FindRow(firstRows, ["账务流水号"], ["发生时间"], ["收入金额（+元）", "收入金额(+元)"], ["支出金额（-元）", "支出金额(-元)"]);

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var id = Cells.Index(header, "账务流水号");
        var time = Cells.Index(header, "发生时间");
        var income = Cells.Index(header, "收入金额（+元）", "收入金额(+元)");
        var expense = Cells.Index(header, "支出金额（-元）", "支出金额(-元)");
        var account = Cells.Index(header, "对方账号");
        var counterparty = Cells.Index(header, "对方名称", "对方户名");
        var item = Cells.Index(header, "商品名称");
        var note = Cells.Index(header, "备注");
        foreach (var row in rows)
        {
            var first = row.Cell(0).TrimStart();
            if (first.StartsWith("#---账务明细列表结束", StringComparison.Ordinal)) yield break;
            if (first.StartsWith('#') || row.IsBlank) continue;

            var entry = LayoutParsing.Id(row, id);
            var incomeFen = LayoutParsing.Fen(header, row, income, out var incomeError);
            var expenseFen = LayoutParsing.Fen(header, row, expense, out _);
            var (kind, message) = incomeFen > 0 ? (ImportedRowKind.Payment, null)
                : incomeError is not null ? (ImportedRowKind.Error, incomeError)
                : expenseFen is not null and not 0 ? (ImportedRowKind.Skipped, ImportMessages.Outgoing)
                : (ImportedRowKind.Skipped, (string?)ImportMessages.Neutral);
            yield return LayoutParsing.Build(new LineValues
            {
                Row = row, Header = header, Source = Source, Kind = kind, Message = message, Method = PaymentMethod.Alipay,
                Id = entry, IdColumn = id, DateColumn = time,
                AmountColumn = kind == ImportedRowKind.Skipped && message == ImportMessages.Outgoing ? expense : income,
                PayerName = LayoutParsing.Cell(row, counterparty), PayerAccount = LayoutParsing.Cell(row, account),
                Memo = LayoutParsing.Join(LayoutParsing.Cell(row, item), LayoutParsing.Cell(row, note)),
            });
        }
    }
}
