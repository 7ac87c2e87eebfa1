using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Aid.Application.Imports;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// ISO 20022 camt.053 bank-to-customer statements, v02 to v08+, read by local names so every version's namespace works.
/// Entries are loaded one at a time (a year's statement stays flat in memory). Only booked credits are gifts; the key is
/// the bank's AcctSvcrRef (else NtryRef, EndToEndId, UETR) within the statement's account.
/// </summary>
internal static class Camt053Reader
{
    private const string Namespace = "urn:iso:std:iso:20022:tech:xsd:camt.053";
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static bool IsCamt053(ReadOnlySpan<byte> head)
    {
        var text = head.Length >= 2 && head[0] == 0xFF && head[1] == 0xFE ? Encoding.Unicode.GetString(head[2..])
            : head.Length >= 2 && head[0] == 0xFE && head[1] == 0xFF ? Encoding.BigEndianUnicode.GetString(head[2..])
            : Encoding.UTF8.GetString(head);
        return text.Contains(Namespace, StringComparison.Ordinal);
    }

    public static IEnumerable<ImportedRow> Read(Stream xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
        };
        using var reader = XmlReader.Create(xml, settings);
        var source = "camt";
        var entry = 0;
        reader.MoveToContent();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }
            switch (reader.LocalName)
            {
                case "Stmt":
                    source = "camt";
                    reader.Read();
                    break;
                case "Acct":
                    // Entries are consumed whole below, so an Acct seen here is the statement's own account.
                    var account = (XElement)XNode.ReadFrom(reader);
                    var id = Path(account, "Id", "IBAN") ?? Path(account, "Id", "Othr", "Id");
                    if (id is not null) source = "camt:" + id;
                    break;
                case "Ntry":
                    yield return Entry((XElement)XNode.ReadFrom(reader), ++entry, source);
                    break;
                default:
                    reader.Read();
                    break;
            }
        }
    }

    private static ImportedRow Entry(XElement ntry, int line, string source)
    {
        var details = Children(ntry, "NtryDtls").SelectMany(d => Children(d, "TxDtls")).ToList();
        var amt = Child(ntry, "Amt");
        var rawAmount = amt?.Value.Trim();
        var currency = amt?.Attributes().FirstOrDefault(a => a.Name.LocalName == "Ccy")?.Value.Trim() ?? "CNY";
        var direction = Text(ntry, "CdtDbtInd");
        var sts = Child(ntry, "Sts");
        var status = sts is null ? null : Text(sts, "Cd") ?? sts.Value.Trim();
        var reversal = string.Equals(Text(ntry, "RvslInd"), "true", StringComparison.OrdinalIgnoreCase);

        var reference = Text(ntry, "AcctSvcrRef")
            ?? details.Select(d => Path(d, "Refs", "AcctSvcrRef")).FirstOrDefault(r => r is not null)
            ?? Text(ntry, "NtryRef")
            ?? details.Select(d => Path(d, "Refs", "EndToEndId")).FirstOrDefault(r => r is not null and not "NOTPROVIDED")
            ?? details.Select(d => Path(d, "Refs", "UETR")).FirstOrDefault(r => r is not null);

        var parties = details.Select(d => Child(d, "RltdPties")).OfType<XElement>().FirstOrDefault();
        var debtor = parties is null ? null : Child(parties, "Dbtr");
        var payerName = debtor is null ? null : Text(debtor, "Nm") ?? Path(debtor, "Pty", "Nm");
        var debtorAccount = parties is null ? null : Child(parties, "DbtrAcct");
        var payerAccount = debtorAccount is null ? null : Path(debtorAccount, "Id", "IBAN") ?? Path(debtorAccount, "Id", "Othr", "Id");

        var remittance = details.SelectMany(d => Children(d, "RmtInf")).SelectMany(r => Children(r, "Ustrd"))
            .Select(u => u.Value.Trim()).Where(u => u != "").ToList();
        var memo = remittance.Count > 0 ? string.Join(" ", remittance)
            : details.Select(d => Text(d, "AddtlTxInf")).FirstOrDefault(t => t is not null) ?? Text(ntry, "AddtlNtryInf");

        var (date, time, dateError) = Booked(ntry);
        var fen = Cells.Fen(rawAmount, out var amountError);

        var (kind, message) = status != "BOOK" ? (ImportedRowKind.Skipped, ImportMessages.NotBooked)
            : direction == "DBIT" ? (ImportedRowKind.Skipped, ImportMessages.Outgoing)
            : direction != "CRDT" ? (ImportedRowKind.Error, ImportMessages.NotAllowed("CdtDbtInd", direction))
            : reversal ? (ImportedRowKind.Skipped, ImportMessages.NotCompleted("reversal"))
            : amountError is not null || fen is null or <= 0 ? (ImportedRowKind.Error, ImportMessages.NotAnAmount("Amt", rawAmount))
            : dateError is not null ? (ImportedRowKind.Error, dateError)
            : reference is null ? (ImportedRowKind.Error, ImportMessages.Empty("AcctSvcrRef"))
            : details.Count > 1 ? (ImportedRowKind.Error, ImportMessages.BatchEntry) // one gift would go to the first payer only
            : (ImportedRowKind.Payment, (string?)null);

        return new ImportedRow
        {
            Line = line, Kind = kind, Message = message, Source = source, ExternalRef = reference, ReceivedOn = date, ReceivedAt = time,
            Amount = Math.Abs(fen ?? 0), Currency = currency, PayerName = payerName, PayerAccount = payerAccount,
            PayerAccountMasked = payerAccount?.Contains('*') ?? false, Memo = memo,
        };
    }

    /// <summary>BookgDt/Dt is a calendar date; BookgDt/DtTm an instant, shown in Beijing time when it carries an offset.</summary>
    private static (DateOnly? Date, string? Time, string? Error) Booked(XElement ntry)
    {
        var booking = Child(ntry, "BookgDt") ?? Child(ntry, "ValDt");
        if (booking is null) return (null, null, ImportMessages.Empty("BookgDt"));
        var day = Text(booking, "Dt");
        if (day is not null)
            return DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? (d, null, null)
                : (null, null, ImportMessages.NotADate("BookgDt/Dt", day));
        var stamp = Text(booking, "DtTm");
        if (stamp is null) return (null, null, ImportMessages.Empty("BookgDt"));
        var hasOffset = stamp.EndsWith('Z') || stamp.LastIndexOfAny(['+', '-']) > 10;
        if (hasOffset && DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            var local = instant.ToOffset(Beijing);
            return (DateOnly.FromDateTime(local.DateTime), local.ToString("HH:mm:ss", CultureInfo.InvariantCulture), null);
        }
        return DateTime.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.None, out var plain)
            ? (DateOnly.FromDateTime(plain), plain.ToString("HH:mm:ss", CultureInfo.InvariantCulture), null)
            : (null, null, ImportMessages.NotADate("BookgDt/DtTm", stamp));
    }

    private static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => e.Name.LocalName == name);

    private static string? Text(XElement parent, string name)
    {
        var text = Child(parent, name)?.Value.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    private static string? Path(XElement from, params string[] names)
    {
        XElement? at = from;
        foreach (var name in names[..^1])
        {
            at = Child(at, name);
            if (at is null) return null;
        }
        return Text(at, names[^1]);
    }
}
