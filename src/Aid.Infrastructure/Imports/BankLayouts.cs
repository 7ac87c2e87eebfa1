using System.Globalization;
using Aid.Application.Gifts;
using Aid.Application.Imports;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// ICBC's personal "明细查询文件下载" (v1 and v2 headers): one booked-amount column each way and no transaction id, so a line
/// is keyed by date, amount, running balance and counterparty, counted when a file holds the same line twice.
/// </summary>
internal sealed class IcbcPersonalLayout : ITabularLayout
{
    private const string Source = "bank:icbc";

    public string Format => ImportFormats.IcbcPersonal;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping) =>
        LayoutParsing.FindRow(firstRows, ["交易日期"], ["记账金额(收入)", "记账金额（收入）"], ["记账金额(支出)", "记账金额（支出）"], ["余额"]);

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var date = Cells.Index(header, "交易日期");
        var credit = Cells.Index(header, "记账金额(收入)", "记账金额（收入）");
        var debit = Cells.Index(header, "记账金额(支出)", "记账金额（支出）");
        var currency = Cells.Index(header, "记账币种");
        var balance = Cells.Index(header, "余额");
        var name = Cells.Index(header, "对方户名");
        var account = Cells.Index(header, "对方账户");
        var summary = Cells.Index(header, "摘要");
        var details = Cells.Index(header, "交易详情");
        var seen = new Occurrences();
        foreach (var row in rows)
        {
            var first = LayoutParsing.Cell(row, 0) ?? "";
            if (first.StartsWith("人民币合计", StringComparison.Ordinal) || first.StartsWith("合计", StringComparison.Ordinal)) yield break;
            if (row.IsBlank) continue;
            yield return LayoutParsing.BankLine(new BankLine(row, header, Source, seen)
            {
                DateColumn = date, CreditColumn = credit, DebitColumn = debit, BalanceColumn = balance,
                Currency = LayoutParsing.Currency(LayoutParsing.Cell(row, currency)),
                PayerName = LayoutParsing.Cell(row, name), PayerAccount = LayoutParsing.Id(row, account),
                Memo = LayoutParsing.Join(LayoutParsing.Cell(row, summary), LayoutParsing.Cell(row, details)),
            });
        }
    }
}

/// <summary>
/// CCB's personal "交易明细" .xls (BIFF, code page 936): five preamble rows, space-padded headers, yyyyMMdd dates with a
/// separate time, amounts as number cells, no transaction id (keyed like ICBC, with the time), a 以上数据仅供参考 footer.
/// </summary>
internal sealed class CcbPersonalLayout : ITabularLayout
{
    private const string Source = "bank:ccb";

    public string Format => ImportFormats.CcbPersonal;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping) =>
        LayoutParsing.FindRow(firstRows, ["记账日"], ["交易日期"], ["支出"], ["收入"], ["账户余额"]);

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        var date = Cells.Index(header, "交易日期");
        var booked = Cells.Index(header, "记账日");
        var time = Cells.Index(header, "交易时间");
        var credit = Cells.Index(header, "收入");
        var debit = Cells.Index(header, "支出");
        var balance = Cells.Index(header, "账户余额");
        var currency = Cells.Index(header, "币种");
        var summary = Cells.Index(header, "摘要");
        var account = Cells.Index(header, "对方账号");
        var name = Cells.Index(header, "对方户名");
        var seen = new Occurrences();
        foreach (var row in rows)
        {
            if ((LayoutParsing.Cell(row, 0) ?? "").StartsWith("以上数据仅供参考", StringComparison.Ordinal)) yield break;
            if (row.IsBlank) continue;
            yield return LayoutParsing.BankLine(new BankLine(row, header, Source, seen)
            {
                DateColumn = LayoutParsing.Cell(row, date) is null ? booked : date, TimeColumn = time,
                CreditColumn = credit, DebitColumn = debit, BalanceColumn = balance,
                Currency = LayoutParsing.Currency(LayoutParsing.Cell(row, currency)),
                PayerName = LayoutParsing.Cell(row, name), PayerAccount = LayoutParsing.Id(row, account),
                Memo = LayoutParsing.Cell(row, summary),
            });
        }
    }
}

/// <summary>
/// A corporate (对公) export read through a saved <see cref="ColumnMapping"/>, since no bank's layout is public. From the
/// bank's side 贷方 (credit) is money in. Keyed by the bank's 交易流水号 when mapped, else by a composite like ICBC.
/// </summary>
internal sealed class BankMappingLayout : ITabularLayout
{
    private const string Source = "bank";

    public string Format => ImportFormats.BankMapping;

    public int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping)
    {
        if (mapping is null || (mapping.Credit is null && mapping.Amount is null)) return -1;
        string?[] named = [mapping.Date, mapping.Time, mapping.Credit, mapping.Debit, mapping.Amount, mapping.PayerName,
            mapping.PayerAccount, mapping.Reference, mapping.Memo, mapping.Balance];
        return LayoutParsing.FindRow(firstRows, named.OfType<string>().Where(n => n.Trim() != "").Select(n => new[] { n }).ToArray());
    }

    public IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping)
    {
        if (mapping is null) throw new ImportRefusedException(ImportMessages.UnknownLayout);
        int Column(string? name) => name is null ? -1 : Cells.Index(header, name);
        var reference = Column(mapping.Reference);
        var seen = new Occurrences();
        foreach (var row in rows)
        {
            if ((LayoutParsing.Cell(row, 0) ?? "").StartsWith("合计", StringComparison.Ordinal)) yield break;
            if (row.IsBlank) continue;
            yield return LayoutParsing.BankLine(new BankLine(row, header, Source, seen)
            {
                DateColumn = Column(mapping.Date), DateFormat = mapping.DateFormat, TimeColumn = Column(mapping.Time),
                CreditColumn = Column(mapping.Credit), DebitColumn = Column(mapping.Debit), SignedColumn = Column(mapping.Amount),
                BalanceColumn = Column(mapping.Balance), Reference = LayoutParsing.Id(row, reference),
                PayerName = LayoutParsing.Cell(row, Column(mapping.PayerName)),
                PayerAccount = LayoutParsing.Id(row, Column(mapping.PayerAccount)),
                Memo = LayoutParsing.Cell(row, Column(mapping.Memo)),
            });
        }
    }
}

/// <summary>Counts byte-identical composite keys within one file, so the second of two identical lines is "…#2".</summary>
internal sealed class Occurrences
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public string Next(string key)
    {
        var n = _counts[key] = _counts.GetValueOrDefault(key) + 1;
        return n == 1 ? key : $"{key}#{n}";
    }
}

/// <summary>What a bank layout found on one line, before the common rules (direction, strict checks, composite key).</summary>
internal sealed record BankLine(SheetRow Row, SheetRow Header, string Source, Occurrences Seen)
{
    public int DateColumn { get; init; } = -1;
    public string? DateFormat { get; init; }
    public int TimeColumn { get; init; } = -1;
    public int CreditColumn { get; init; } = -1;
    public int DebitColumn { get; init; } = -1;
    public int SignedColumn { get; init; } = -1;
    public int BalanceColumn { get; init; } = -1;
    public string? Reference { get; init; }
    public string Currency { get; init; } = "CNY";
    public string? PayerName { get; init; }
    public string? PayerAccount { get; init; }
    public string? Memo { get; init; }
}

/// <summary>What an Alipay layout found on one line; <see cref="LayoutParsing.Build"/> checks it and makes the row.</summary>
internal sealed class LineValues
{
    public required SheetRow Row { get; init; }
    public required SheetRow Header { get; init; }
    public required string Source { get; init; }
    public required ImportedRowKind Kind { get; init; }
    public string? Message { get; init; }
    public PaymentMethod Method { get; init; } = PaymentMethod.BankTransfer;
    public string? Id { get; init; }
    public int IdColumn { get; init; } = -1;
    public string? RefundOf { get; init; }
    public int DateColumn { get; init; } = -1;
    public int AmountColumn { get; init; } = -1;
    public string? PayerName { get; init; }
    public string? PayerAccount { get; init; }
    public string? Memo { get; init; }
}

/// <summary>
/// The rules the Alipay and bank layouts share: finding a header by names, reading dates, amounts and ids strictly for
/// lines that become gifts (best effort for skipped ones, which nobody books), and refusing a file Excel re-saved.
/// </summary>
internal static class LayoutParsing
{
    private static readonly string[] DateTimeFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy/MM/dd HH:mm:ss", "yyyy-M-d H:mm:ss", "yyyy/M/d H:mm:ss", "yyyyMMdd HH:mm:ss",
        "yyyy-MM-ddTHH:mm:ss", "yyyy.MM.dd HH:mm:ss",
    ];

    // What Excel shows a date-time as after a round-trip: the seconds are gone.
    private static readonly string[] WithoutSeconds = ["yyyy-MM-dd HH:mm", "yyyy/MM/dd HH:mm", "yyyy-M-d H:mm", "yyyy/M/d H:mm"];

    private static readonly string[] DateFormats =
        ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-M-d", "yyyy/M/d", "yyyyMMdd", "yyyy.MM.dd", "yyyy年M月d日"];

    private static readonly string[] TimeFormats = ["HH:mm:ss", "H:mm:ss", "HHmmss", "Hmmss", "HH:mm"];

    /// <summary>The index of the first row holding every group of names (any name of a group), or -1.</summary>
    public static int FindRow(IReadOnlyList<SheetRow> rows, params string[][] groups)
    {
        for (var i = 0; i < rows.Count; i++)
            if (groups.All(g => Cells.Index(rows[i], g) >= 0)) return i;
        return -1;
    }

    public static string? Cell(SheetRow row, int index) => index < 0 ? null : Cells.Clean(row.Cell(index));

    /// <summary>An id or account cell; a long number Excel turned into 4.2E+27 spoils the whole file.</summary>
    public static string? Id(SheetRow row, int index)
    {
        var text = Cell(row, index);
        if (Cells.LooksLikeExcelNumber(text)) throw new ImportRefusedException(ImportMessages.ExcelResaved);
        return text;
    }

    public static string ColumnName(SheetRow header, int index) => Cells.Clean(header.Cell(index)) ?? $"#{index + 1}";

    /// <summary>Fen, or null when empty; <paramref name="error"/> is the line's message when the cell is not an amount.</summary>
    public static long? Fen(SheetRow header, SheetRow row, int index, out string? error)
    {
        error = null;
        if (index < 0) return null;
        var fen = Cells.Fen(row.Cell(index), out var problem);
        if (problem is not null) error = ImportMessages.NotAnAmount(ColumnName(header, index), Cells.Clean(row.Cell(index)));
        return fen;
    }

    public static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray();
        return present.Length == 0 ? null : string.Join(" / ", present);
    }

    public static bool IsMasked(string? account) => account is not null && account.Contains('*');

    public static string Currency(string? text) => text switch
    {
        null or "人民币" or "人民币元" or "RMB" or "CNY" => "CNY",
        "美元" => "USD",
        "港币" or "港元" => "HKD",
        "欧元" => "EUR",
        "英镑" => "GBP",
        "日元" => "JPY",
        _ => text,
    };

    /// <summary>
    /// A date cell (with or without a time) and an optional separate time cell. Null with <paramref name="error"/> set
    /// when unreadable; a date-time without seconds is Excel's damage and says so.
    /// </summary>
    public static DateOnly? When(SheetRow header, SheetRow row, int dateColumn, int timeColumn, string? format, out string? time,
        out string? error)
    {
        time = null;
        error = null;
        var column = dateColumn < 0 ? "?" : ColumnName(header, dateColumn);
        var raw = Cell(row, dateColumn);
        if (raw is null)
        {
            error = ImportMessages.Empty(column);
            return null;
        }
        DateOnly date;
        if (format is not null)
        {
            // A saved mapping names its format: anything else is a mistake, not a guess to make; but a sheet's date
            // cell always arrives in the reader's own "yyyy-MM-dd HH:mm:ss".
            string[] accepted = [format, "yyyy-MM-dd HH:mm:ss"];
            if (!DateTime.TryParseExact(raw, accepted, CultureInfo.InvariantCulture, DateTimeStyles.None, out var custom))
            {
                error = ImportMessages.NotADate(column, raw);
                return null;
            }
            date = DateOnly.FromDateTime(custom);
            if (custom.TimeOfDay != TimeSpan.Zero) time = custom.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        }
        else if (DateTime.TryParseExact(raw, DateTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var stamp))
        {
            date = DateOnly.FromDateTime(stamp);
            // A sheet's date cell arrives as "yyyy-MM-dd 00:00:00": midnight there means "no time".
            if (stamp.TimeOfDay != TimeSpan.Zero) time = stamp.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        }
        else if (DateOnly.TryParseExact(raw, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            date = day;
        else
        {
            error = DateTime.TryParseExact(raw, WithoutSeconds, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? ImportMessages.ExcelDamage(column, raw)
                : ImportMessages.NotADate(column, raw);
            return null;
        }

        var rawTime = Cell(row, timeColumn);
        if (rawTime is not null)
        {
            // A sheet's time cell may arrive as a date-time on Excel's day zero.
            var clock = rawTime.Contains(' ') ? rawTime[(rawTime.LastIndexOf(' ') + 1)..] : rawTime;
            if (!TimeOnly.TryParseExact(clock, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                error = ImportMessages.NotADate(ColumnName(header, timeColumn), rawTime);
                return null;
            }
            time = t.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        }
        return date;
    }

    /// <summary>An Alipay line: strict for payments and refunds, best effort for skipped lines.</summary>
    public static ImportedRow Build(LineValues v)
    {
        var strict = v.Kind is ImportedRowKind.Payment or ImportedRowKind.Refund;
        var error = v.Kind == ImportedRowKind.Error ? v.Message : null;
        var date = When(v.Header, v.Row, v.DateColumn, -1, null, out var time, out var dateError);
        var fen = Fen(v.Header, v.Row, v.AmountColumn, out var amountError);
        if (strict)
        {
            error ??= dateError ?? amountError;
            if (error is null && fen is null) error = ImportMessages.Empty(ColumnName(v.Header, v.AmountColumn));
            if (error is null && fen <= 0)
                error = ImportMessages.NotAnAmount(ColumnName(v.Header, v.AmountColumn), Cell(v.Row, v.AmountColumn));
            if (error is null && v.Id is null) error = ImportMessages.Empty(ColumnName(v.Header, v.IdColumn));
        }
        var masked = IsMasked(v.PayerAccount);
        return new ImportedRow
        {
            Line = v.Row.Line, Source = v.Source, Kind = error is null ? v.Kind : ImportedRowKind.Error, Message = error ?? v.Message,
            ExternalRef = v.Id, RefundOf = v.RefundOf, ReceivedOn = date, ReceivedAt = time, Amount = Math.Abs(fen ?? 0),
            Method = v.Method, PayerName = v.PayerName, PayerAccount = v.PayerAccount, PayerAccountMasked = masked, Memo = v.Memo,
        };
    }

    /// <summary>
    /// A bank line: credit (or a positive signed amount) is a payment, debit is outgoing. Without the bank's reference the
    /// key is "date[|time]|amountFen|balanceFen|account|name", numbered "#2", "#3" for repeats within the file.
    /// </summary>
    public static ImportedRow BankLine(BankLine b)
    {
        var credit = Fen(b.Header, b.Row, b.CreditColumn, out var creditError);
        var debit = Fen(b.Header, b.Row, b.DebitColumn, out var debitError);
        var signed = Fen(b.Header, b.Row, b.SignedColumn, out var signedError);
        var balance = Fen(b.Header, b.Row, b.BalanceColumn, out var balanceError);
        var date = When(b.Header, b.Row, b.DateColumn, b.TimeColumn, b.DateFormat, out var time, out var dateError);

        string? error = creditError ?? signedError;
        ImportedRowKind kind;
        string? message = null;
        long amount;
        if (credit > 0 || signed > 0)
        {
            kind = ImportedRowKind.Payment;
            amount = credit > 0 ? credit.Value : signed!.Value;
        }
        else if (error is null && (debit is not null and not 0 || signed < 0))
        {
            (kind, message) = (ImportedRowKind.Skipped, ImportMessages.Outgoing);
            amount = Math.Abs(debit is not null and not 0 ? debit.Value : signed!.Value);
        }
        else
        {
            kind = ImportedRowKind.Error;
            amount = 0;
            var column = b.CreditColumn >= 0 ? b.CreditColumn : b.SignedColumn;
            error ??= debitError ?? ImportMessages.Empty(ColumnName(b.Header, column));
        }
        if (kind == ImportedRowKind.Payment) error ??= dateError ?? balanceError;

        var key = b.Reference;
        if (key is null && date is not null)
        {
            var when = time is null ? $"{date:yyyy-MM-dd}" : $"{date:yyyy-MM-dd}|{time}";
            key = b.Seen.Next($"{when}|{amount}|{balance}|{b.PayerAccount}|{b.PayerName}");
        }
        return new ImportedRow
        {
            Line = b.Row.Line, Source = b.Source, Kind = error is null ? kind : ImportedRowKind.Error, Message = error ?? message,
            ExternalRef = key, ComposedReference = b.Reference is null, ReceivedOn = date, ReceivedAt = time, Amount = amount, Currency = b.Currency,
            Method = PaymentMethod.BankTransfer, PayerName = b.PayerName, PayerAccount = b.PayerAccount,
            PayerAccountMasked = IsMasked(b.PayerAccount), Memo = b.Memo,
        };
    }
}
