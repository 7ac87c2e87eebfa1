using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using MiniExcelLibs;

namespace Aid.Tests.Support;

/// <summary>Reads the three statement formats back the way an auditor's tools would.</summary>
public sealed partial class StatementFilesReader
{
    public required byte[] Pdf { get; init; }
    public required Dictionary<string, string> Csv { get; init; }
    public required byte[] Xlsx { get; init; }
    /// <summary>The PDF's text, extracted (and the PDF checked) once: the registers' totals and the privacy checks all read it.</summary>
    public string PdfText => _pdfText ??= Support.Pdf.Text(Pdf);

    private string? _pdfText;

    public static async Task<StatementFilesReader> Fetch(HttpClient client, Guid programme, int year)
    {
        var csv = new Dictionary<string, string>();
        using (var zip = new ZipArchive(new MemoryStream(await client.Bytes($"/api/v1/programmes/{programme}/statements/{year}.csv", "application/zip"))))
            foreach (var entry in zip.Entries)
            {
                using var reader = new StreamReader(entry.Open(), Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                csv[entry.Name] = await reader.ReadToEndAsync();
            }
        return new StatementFilesReader
        {
            Pdf = await client.Bytes($"/api/v1/programmes/{programme}/statements/{year}.pdf"),
            Csv = csv,
            Xlsx = await client.Bytes($"/api/v1/programmes/{programme}/statements/{year}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        };
    }

    /// <summary>Sum of a money column of a register CSV, in fen.</summary>
    public long CsvTotal(string file, int column) =>
        Rows(Csv[file]).Skip(1).Sum(r => (long)(decimal.Parse(r[column], CultureInfo.InvariantCulture) * 100));

    public long CsvRows(string file) => Rows(Csv[file]).Count() - 1;

    /// <summary>Sum of a money column of an XLSX sheet, in fen.</summary>
    public long XlsxTotal(string sheet, string column)
    {
        var rows = MiniExcel.Query(new MemoryStream(Xlsx), useHeaderRow: true, sheetName: sheet).Cast<IDictionary<string, object>>();
        return rows.Sum(r => (long)Math.Round(Convert.ToDecimal(r[column], CultureInfo.InvariantCulture) * 100));
    }

    /// <summary>The "合计 Total：n 行 lines；… a,bcd.ef" lines the PDF prints under each register, in order: (rows, first money total).</summary>
    public List<(long Rows, long Total)> PdfRegisterTotals() =>
        RegisterTotal().Matches(PdfText).Select(m => (long.Parse(m.Groups[1].Value), Fen(m.Groups[2].Value))).ToList();

    public long PdfFundLine(string label) => Fen(Regex.Match(PdfText, Regex.Escape(label) + @"(-?[\d,]+\.\d\d)").Groups[1].Value);

    public static long Fen(string figures) => (long)(decimal.Parse(figures.Replace(",", ""), CultureInfo.InvariantCulture) * 100);

    public static IEnumerable<string[]> Rows(string csv)
    {
        // Enough of RFC 4180 for our own files: quoted fields may hold commas, quotes and line breaks.
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var text = csv.TrimStart('\uFEFF');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString().TrimEnd('\r')); field.Clear(); yield return row.ToArray(); row.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); yield return row.ToArray(); }
    }

    [GeneratedRegex(@"合计Total：(\d+)行lines；[^\d-]*(-?[\d,]+\.\d\d)")]
    private static partial Regex RegisterTotal();
}
