using System.Globalization;
using System.Text.RegularExpressions;
using Aid.Application.Gifts;
using Aid.Application.Imports;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// WeChat Pay's personal bill (微信支付账单明细): CSV until mid-2025, XLSX since, with a preamble of 16 lines (17 since
/// March 2026, when the amount also became a number cell). The header is found by its column names, never by its line.
/// The payer is a nickname. An income fully refunded (已全额退款) is a refund of itself: the application decides whether
/// Aid booked it. Damage from a round-trip through Excel (4.2E+27 ids, lost seconds, split thousands) refuses the file.
/// </summary>
internal sealed partial class WechatPersonalLayout : ITabularLayout
{
    private const string Source = "wechat";
    private const string AmountColumn = "金额(元)";

    /// <summary>Income statuses that mean the money arrived.</summary>
    private static readonly HashSet<string> Received =
        ["已收钱", "已存入零钱", "已到账", "支付成功", "已收款", "朋友已收钱", "对方已收钱", "已入账"];

    public string Format => ImportFormats.WechatPersonal;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping)
    {
        for (var i = 0; i < firstRows.Count; i++)
        {
            var row = firstRows[i];
            if (Cells.Index(row, "交易时间") >= 0 && Cells.Index(row, "交易类型") >= 0 && Cells.Index(row, "收/支") >= 0
                && Cells.Index(row, AmountColumn, "金额（元）") >= 0 && Cells.Index(row, "当前状态") >= 0)
                return i;
        }
        return -1;
    }

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var time = Cells.Index(header, "交易时间");
        var direction = Cells.Index(header, "收/支");
        var amount = Cells.Index(header, AmountColumn, "金额（元）");
        var status = Cells.Index(header, "当前状态");
        var id = Cells.Index(header, "交易单号");
        var merchantId = Cells.Index(header, "商户单号");
        var counterparty = Cells.Index(header, "交易对方");
        var goods = Cells.Index(header, "商品");
        var note = Cells.Index(header, "备注");
        var width = header.Cells.Length;
        while (width > 0 && string.IsNullOrWhiteSpace(header.Cells[width - 1])) width--;

        foreach (var row in rows)
        {
            if (row.IsBlank) continue;
            var reference = Cells.Clean(row.Cell(id));
            if (Cells.LooksLikeExcelNumber(reference) || Cells.LooksLikeExcelNumber(row.Cell(merchantId)))
                throw new ImportRefusedException(ImportMessages.ExcelResaved);
            if (row.Cells.Length > width && ThousandsHead().IsMatch(row.Cell(amount).Trim()) && ThousandsTail().IsMatch(row.Cell(amount + 1).Trim()))
                throw new ImportRefusedException(ImportMessages.ExcelResaved);

            var rawTime = row.Cell(time);
            var at = ParseTime(rawTime);
            var rawAmount = row.Cell(amount);
            var fen = Cells.Fen(rawAmount, out var amountError);
            var state = Cells.Clean(row.Cell(status)) ?? "";
            var memo = Cells.Clean(row.Cell(note)) ?? Cells.Clean(row.Cell(goods));
            var line = new ImportedRow
            {
                Line = row.Line,
                Kind = ImportedRowKind.Payment,
                Source = Source,
                ExternalRef = reference,
                ReceivedOn = at is { } t ? DateOnly.FromDateTime(t) : null,
                ReceivedAt = at?.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                Amount = fen ?? 0,
                Method = PaymentMethod.WechatPay,
                PayerName = Cells.Clean(row.Cell(counterparty)),
                Memo = memo,
            };

            switch (Cells.Clean(row.Cell(direction)))
            {
                case null:
                    yield return line with { Kind = ImportedRowKind.Skipped, Message = ImportMessages.Neutral };
                    continue;
                case "支出":
                    yield return line with { Kind = ImportedRowKind.Skipped, Message = ImportMessages.Outgoing };
                    continue;
                case "收入":
                    break;
                case var other:
                    yield return line with { Kind = ImportedRowKind.Error, Message = ImportMessages.NotAllowed(Header(header, direction), other) };
                    continue;
            }

            var refunded = state == "已全额退款";
            if (!refunded && !Received.Contains(state))
            {
                var kind = state.StartsWith("已退款", StringComparison.Ordinal) ? ImportedRowKind.Error : ImportedRowKind.Skipped;
                yield return line with { Kind = kind, Message = ImportMessages.NotCompleted(state) };
                continue;
            }
            if (at is null)
            {
                yield return line with { Kind = ImportedRowKind.Error, Message = ImportMessages.NotADate(Header(header, time), rawTime) };
                continue;
            }
            if (fen is not > 0)
            {
                yield return line with { Kind = ImportedRowKind.Error, Message = ImportMessages.NotAnAmount(Header(header, amount), rawAmount) };
                continue;
            }
            if (reference is null)
            {
                yield return line with { Kind = ImportedRowKind.Error, Message = ImportMessages.Empty(Header(header, id)) };
                continue;
            }
            yield return refunded
                ? line with { Kind = ImportedRowKind.Refund, RefundOf = reference, ExternalRef = reference + "#refund" }
                : line;
        }
    }

    /// <summary>The bill's time; a time without seconds (or Excel's 2025/3/2 10:15) means Excel re-saved the file.</summary>
    private static DateTime? ParseTime(string raw)
    {
        var text = Cells.Clean(raw);
        if (text is null) return null;
        if (DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return at;
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm", "yyyy-MM-dd H:mm", "yyyy/M/d H:mm", "yyyy/M/d HH:mm"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new ImportRefusedException(ImportMessages.ExcelResaved);
        return null;
    }

    private static string Header(SheetRow header, int index) => Cells.Clean(header.Cell(index)) ?? $"#{index + 1}";

    /// <summary>What is left of "1,020.00" in the amount cell when Excel wrote it unquoted: "¥1" or "1".</summary>
    [GeneratedRegex(@"^[¥￥]?-?\d{1,3}$")]
    private static partial Regex ThousandsHead();

    [GeneratedRegex(@"^\d{3}(\.\d*)?$")]
    private static partial Regex ThousandsTail();
}
