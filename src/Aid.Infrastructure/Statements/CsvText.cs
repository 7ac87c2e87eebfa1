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
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>Writes a register as CSV, returning its row count, money totals and the SHA-256 of the bytes written.</summary>
    public static async Task<RegisterDigest> WriteAsync(StatementRegister register, Stream output, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var totals = new long[register.Columns.Count];
        long rows = 0;
        async Task Write(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            hash.AppendData(bytes);
            await output.WriteAsync(bytes, ct);
        }
        hash.AppendData(Bom);
        await output.WriteAsync(Bom, ct);
        await Write(Line(register.Columns.Select(SafeText)));
        await foreach (var row in register.Rows().WithCancellation(ct))
        {
            rows++;
            foreach (var column in register.MoneyColumns) totals[column] += row[column].Fen ?? 0;
            await Write(Line(row.Select(Cell)));
        }
        return new RegisterDigest(rows, totals, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}

public sealed record RegisterDigest(long Rows, long[] Totals, string Sha256);
