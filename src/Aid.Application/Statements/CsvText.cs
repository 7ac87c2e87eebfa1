using System.Security.Cryptography;
using System.Text;
using Aid.Application.Common;

namespace Aid.Application.Statements;

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

    /// <summary>Writes a register as CSV from its rows, returning its row count, money totals and the SHA-256 of the bytes written.</summary>
    public static async Task<RegisterDigest> WriteAsync(StatementRegister register, Stream output, CancellationToken ct)
    {
        using var csv = new RegisterCsvWriter(register.Columns, register.MoneyColumns, output);
        await foreach (var row in register.Rows().WithCancellation(ct)) await csv.AddAsync(row, ct);
        return await csv.FinishAsync(ct);
    }

    internal static void AppendQuoted(StringBuilder text, string field)
    {
        if (field.AsSpan().IndexOfAny(NeedsQuotes) < 0) text.Append(field);
        else text.Append('"').Append(field.Replace("\"", "\"\"")).Append('"');
    }
}

/// <summary>
/// A register's CSV (<see cref="CsvText"/>) written row by row as the rows come: the bytes to a stream, and on the way their
/// SHA-256, the row count and each money column's total — what the PDF prints for a register too long to print.
/// </summary>
internal sealed class RegisterCsvWriter : IDisposable
{
    private const int Chunk = 32 * 1024; // characters written at a time
    private readonly IReadOnlyList<int> _moneyColumns;
    private readonly Stream _output;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long[] _totals;
    private readonly StringBuilder _text = new(Chunk + 4096);
    private long _rows;
    private bool _started;
    private bool _finished;

    public RegisterCsvWriter(IReadOnlyList<string> columns, IReadOnlyList<int> moneyColumns, Stream output)
    {
        _moneyColumns = moneyColumns;
        _output = output;
        _totals = new long[columns.Count];
        _text.Append(CsvText.Line(columns.Select(CsvText.SafeText)));
    }

    public ValueTask AddAsync(StatementCell[] row, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _rows++;
        foreach (var column in _moneyColumns) _totals[column] += row[column].Fen ?? 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0) _text.Append(',');
            CsvText.AppendQuoted(_text, CsvText.Cell(row[i]));
        }
        _text.Append("\r\n");
        return _text.Length >= Chunk ? FlushAsync(ct) : ValueTask.CompletedTask;
    }

    /// <summary>Writes what is left; the digest of everything written.</summary>
    public async ValueTask<RegisterDigest> FinishAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        await FlushAsync(ct);
        return new RegisterDigest(_rows, _totals, Convert.ToHexStringLower(_hash.GetHashAndReset()));
    }

    public void Dispose() => _hash.Dispose();

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        if (!_started)
        {
            _started = true;
            _hash.AppendData(CsvText.Bom);
            await _output.WriteAsync(CsvText.Bom, ct);
        }
        var bytes = Encoding.UTF8.GetBytes(_text.ToString()); // whole lines only: no character is cut
        _text.Clear();
        _hash.AppendData(bytes);
        await _output.WriteAsync(bytes, ct);
    }
}

/// <summary>A register's row count, the totals of its money columns (by column; 0 elsewhere) and the SHA-256 of its CSV.</summary>
public sealed record RegisterDigest(long Rows, IReadOnlyList<long> Totals, string Sha256);
