using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;
using Aid.Application.Statements;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// RFC 4180 CSV in UTF-8 with a BOM (so Excel opens Chinese correctly). Text that Excel would run as a formula
/// (starting with =, +, -, @, tab or CR) is written with a leading apostrophe. Money is "1234.56".
/// </summary>
public static class CsvText
{
    public static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static string SafeText(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    public static string Cell(StatementCell cell) => cell.Fen is { } fen ? Money.Format(fen) : SafeText(cell.Text);

    public static string Line(IEnumerable<string> fields) => string.Join(",", fields.Select(Quote)) + "\r\n";

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(NeedsQuotes) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create(",\"\r\n");

    /// <summary>
    /// Writes a register as CSV, returning its row count, money totals and the SHA-256 of the bytes written: one read of the rows,
    /// each also handed to <paramref name="each"/> (the PDF keeps what it prints from the same read).
    /// </summary>
    public static async Task<RegisterDigest> WriteAsync(StatementRegister register, Stream output, CancellationToken ct,
        Action<StatementCell[]>? each = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var totals = new long[register.Columns.Count];
        long rows = 0;
        var text = new StringBuilder(Chunk + 4096);
        async Task Flush()
        {
            var bytes = Encoding.UTF8.GetBytes(text.ToString()); // whole lines only: no character is cut
            text.Clear();
            hash.AppendData(bytes);
            await output.WriteAsync(bytes, ct);
        }
        hash.AppendData(Bom);
        await output.WriteAsync(Bom, ct);
        text.Append(Line(register.Columns.Select(SafeText)));
        await foreach (var row in register.Rows().WithCancellation(ct))
        {
            rows++;
            foreach (var column in register.MoneyColumns) totals[column] += row[column].Fen ?? 0;
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) text.Append(',');
                AppendQuoted(text, Cell(row[i]));
            }
            text.Append("\r\n");
            each?.Invoke(row);
            if (text.Length >= Chunk) await Flush();
        }
        await Flush();
        return new RegisterDigest(rows, totals, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private const int Chunk = 32 * 1024; // characters written at a time

    private static void AppendQuoted(StringBuilder text, string field)
    {
        if (field.AsSpan().IndexOfAny(NeedsQuotes) < 0) text.Append(field);
        else text.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
    }
}

public sealed record RegisterDigest(long Rows, long[] Totals, string Sha256);
