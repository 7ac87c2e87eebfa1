using System.Globalization;
using Aid.Application.Gifts;
using Aid.Application.Imports;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// WeChat Pay's merchant trade bill (商户平台 交易账单, ALL / SUCCESS / REFUND): no preamble, every field prefixed with ` so
/// Excel keeps long ids as text, a summary after the row starting 总交易单数. The payer is an openid (用户标识), never a
/// name. A payment is keyed by 微信订单号, a refund by 微信退款单号 and names its payment by 微信订单号. Early merchants'
/// bills say 总金额/企业红包金额 where later ones say 应结订单金额/代金券金额.
/// </summary>
internal sealed class WechatMerchantLayout : ITabularLayout
{
    private const string Source = "wechat";

    public string Format => ImportFormats.WechatMerchant;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping)
    {
        for (var i = 0; i < firstRows.Count; i++)
            if (Cells.HeaderKey(firstRows[i].Cell(0)) == "交易时间" && Cells.HeaderKey(firstRows[i].Cell(1)) == "公众账号ID") return i;
        return -1;
    }

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var time = Cells.Index(header, "交易时间");
        var order = Cells.Index(header, "微信订单号");
        var openId = Cells.Index(header, "用户标识");
        var status = Cells.Index(header, "交易状态");
        var amount = Cells.Index(header, "应结订单金额", "总金额");
        var refundId = Cells.Index(header, "微信退款单号");
        var refundAmount = Cells.Index(header, "退款金额");
        var refundStatus = Cells.Index(header, "退款状态");
        var refundedAt = Cells.Index(header, "退款成功时间");
        var goods = Cells.Index(header, "商品名称");

        foreach (var row in rows)
        {
            if (Cells.HeaderKey(row.Cell(0)) == "总交易单数") yield break;
            if (row.IsBlank) continue;

            var orderId = Cells.Clean(row.Cell(order));
            var refundRef = Cells.Clean(row.Cell(refundId));
            if (Cells.LooksLikeExcelNumber(orderId) || Cells.LooksLikeExcelNumber(refundRef))
                throw new ImportRefusedException(ImportMessages.ExcelResaved);

            var state = Cells.Clean(row.Cell(status)) ?? "";
            var isRefund = state == "REFUND";
            var rawTime = isRefund && Cells.Clean(row.Cell(refundedAt)) is not null ? row.Cell(refundedAt) : row.Cell(time);
            var at = ParseTime(rawTime);
            var amountColumn = isRefund ? refundAmount : amount;
            var rawAmount = row.Cell(amountColumn);
            var fen = Cells.Fen(rawAmount, out _);
            var line = new ImportedRow
            {
                Line = row.Line,
                Kind = isRefund ? ImportedRowKind.Refund : ImportedRowKind.Payment,
                Source = Source,
                ExternalRef = isRefund ? refundRef : orderId,
                RefundOf = isRefund ? orderId : null,
                ReceivedOn = at is { } t ? DateOnly.FromDateTime(t) : null,
                ReceivedAt = at?.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                Amount = fen ?? 0,
                Method = PaymentMethod.WechatPay,
                PayerId = Cells.Clean(row.Cell(openId)),
                Memo = Cells.Clean(row.Cell(goods)),
            };

            if (state != "SUCCESS" && !isRefund)
            {
                yield return line with { Kind = ImportedRowKind.Skipped, Message = ImportMessages.NotCompleted(state) };
                continue;
            }
            // A refund still processing or closed has given nothing back yet.
            if (isRefund && Cells.Clean(row.Cell(refundStatus)) is { } refundState && refundState != "SUCCESS")
            {
                yield return line with { Kind = ImportedRowKind.Skipped, Message = ImportMessages.NotCompleted(refundState) };
                continue;
            }
            if (at is null)
            {
                yield return line with { Kind = ImportedRowKind.Error, Message = ImportMessages.NotADate(Header(header, time), rawTime) };
                continue;
            }
            if (fen is not > 0)
            {
                yield return line with
                {
                    Kind = ImportedRowKind.Error, Message = ImportMessages.NotAnAmount(Header(header, amountColumn), rawAmount),
                };
                continue;
            }
            if (line.ExternalRef is null)
            {
                yield return line with { Kind = ImportedRowKind.Error, Message = ImportMessages.Empty(Header(header, isRefund ? refundId : order)) };
                continue;
            }
            yield return line;
        }
    }

    private static DateTime? ParseTime(string raw)
    {
        var text = Cells.Clean(raw);
        if (text is null) return null;
        if (DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return at;
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm", "yyyy/M/d H:mm", "yyyy/M/d HH:mm"],
                CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new ImportRefusedException(ImportMessages.ExcelResaved);
        return null;
    }

    private static string Header(SheetRow header, int index) => Cells.Clean(header.Cell(index)) ?? $"#{index + 1}";
}
