using System.IO.Compression;
using Aid.Application.Common;
using Aid.Application.Statements;
using MiniExcelLibs;

namespace Aid.Infrastructure.Statements;

/// <summary>The statement as CSV files (in a ZIP) and as one XLSX workbook: the same numbers as the PDF.</summary>
public static class StatementFiles
{
    public static IEnumerable<(string Name, IReadOnlyList<string> Cells)> SummaryRows(ProgrammeStatement s)
    {
        yield return ("开具单位 Issuer", [s.Issuer.Name, s.Issuer.Code]);
        yield return ("项目 Programme", [s.Programme.Code, s.Programme.Name]);
        yield return ("地区 Region", [s.Programme.Region ?? ""]);
        yield return ("合作方 Partner", [s.Programme.Partner ?? ""]);
        yield return ("期间 Period", [$"{s.Year}-01-01", $"{s.Year}-12-31"]);
        yield return ("币种 Currency", [s.Programme.Currency]);
        yield return ("口径 Basis", [s.Basis]);
        yield return ("收据首号 First receipt", [s.Receipts.First ?? ""]);
        yield return ("收据末号 Last receipt", [s.Receipts.Last ?? ""]);
        yield return ("已开收据 Issued", [s.Receipts.Issued.ToString()]);
        yield return ("作废收据 Void", [s.Receipts.Void.ToString()]);
        yield return ("缺号 Gaps", [s.Receipts.Gaps.ToString()]);
        yield return ("本项目收据 Receipts of this programme", [s.Receipts.ForProgramme.ToString()]);
        yield return ("审计记录数 Audit records", [s.AuditRecords.ToString()]);
        yield return ("审计链头哈希 Audit head hash", [s.AuditHeadHash]);
        yield return ("机构链长度 Organisation chain length", [s.OrganisationAuditRecords.ToString()]);
        yield return ("机构链头哈希 Organisation chain head", [s.OrganisationAuditHeadHash]);
        yield return ("生成时间 Generated at", [s.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")]);
    }

    /// <summary>A ZIP of summary.csv, fund_movement.csv, pledges.csv and one CSV per register.</summary>
    public static async Task WriteCsvZipAsync(ProgrammeStatement s, Stream output, CancellationToken ct)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        await WriteEntry(zip, "summary.csv", SummaryRows(s).Select(r => CsvText.Line(new[] { r.Name }.Concat(r.Cells).Select(CsvText.SafeText))), ct);
        await WriteEntry(zip, "fund_movement.csv",
            new[] { CsvText.Line(["项目 Item", $"{s.Year} 年度 Year", "累计 Cumulative"]) }
                .Concat(s.ForYear.Lines().Zip(s.Cumulative.Lines()).Select(l => CsvText.Line([l.First.Label, Money.Format(l.First.Amount), Money.Format(l.Second.Amount)]))), ct);
        await WriteEntry(zip, "pledges.csv",
            new[] { CsvText.Line(["捐赠人 Donor", "认捐 Promised", "已收 Received", "未收 Outstanding", "状态 Status"]) }
                .Concat(s.Pledges.Select(p => CsvText.Line([CsvText.SafeText(p.Donor), Money.Format(p.Promised), Money.Format(p.Received), Money.Format(p.Outstanding), p.Status]))), ct);
        foreach (var register in s.Registers)
        {
            var entry = zip.CreateEntry(register.File + ".csv", CompressionLevel.Fastest);
            await using var stream = entry.Open();
            await register.WriteCsvAsync(stream, ct);
        }
    }

    private static async Task WriteEntry(ZipArchive zip, string name, IEnumerable<string> lines, CancellationToken ct)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var stream = entry.Open();
        await stream.WriteAsync(CsvText.Bom, ct);
        foreach (var line in lines) await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line), ct);
    }

    /// <summary>
    /// One sheet per register plus the summary, fund movement and pledges. Money cells are numbers (yuan, exact decimals). A column of
    /// codes (as in the CSV) is followed by its words ("渠道名称 Channel name"), so a reader needs no code table.
    /// </summary>
    public static void WriteXlsx(ProgrammeStatement s, Stream output)
    {
        var sheets = new Dictionary<string, object>
        {
            ["Summary"] = SummaryRows(s).Select(r => new Dictionary<string, object?> { ["项目 Item"] = r.Name, ["值 Value"] = CsvText.SafeText(string.Join(" ", r.Cells)) }),
            ["Fund movement"] = s.ForYear.Lines().Zip(s.Cumulative.Lines()).Select(l => new Dictionary<string, object?>
            {
                ["项目 Item"] = l.First.Label, [$"{s.Year} 年度 Year"] = Yuan(l.First.Amount), ["累计 Cumulative"] = Yuan(l.Second.Amount),
            }),
            ["Pledges"] = s.Pledges.Select(p => new Dictionary<string, object?>
            {
                ["捐赠人 Donor"] = CsvText.SafeText(p.Donor), ["认捐 Promised"] = Yuan(p.Promised), ["已收 Received"] = Yuan(p.Received),
                ["未收 Outstanding"] = Yuan(p.Outstanding), ["状态 Status"] = p.Status, [LabelHeader("状态 Status")] = StatementLabels.PledgeStatus(p.Status),
            }),
        };
        foreach (var register in s.Registers)
            sheets[register.Title.Split(' ', 2)[1]] = register.Rows().ToBlockingEnumerable().Select(row =>
            {
                var values = new Dictionary<string, object?>();
                for (var i = 0; i < register.Columns.Count; i++)
                {
                    values[register.Columns[i]] = row[i].Fen is { } fen ? Yuan(fen) : CsvText.SafeText(row[i].Text);
                    if (register.CodeColumns.Contains(i)) values[LabelHeader(register.Columns[i])] = CsvText.SafeText(row[i].Words);
                }
                return values;
            });
        // Through a temporary file: MiniExcel escapes characters beyond the BMP (𠮷), which the copy writes as themselves.
        using var workbook = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        MiniExcel.SaveAs(workbook, sheets, excelType: ExcelType.XLSX);
        workbook.Position = 0;
        XlsxText.CopyWithPlainSupplementaryCharacters(workbook, output);
    }

    /// <summary>The header of a code column's words: "渠道 Channel" → "渠道名称 Channel name".</summary>
    internal static string LabelHeader(string header) => header.Split(' ', 2) is [var zh, var en] ? $"{zh}名称 {en} name" : header + "名称";

    /// <summary>Fen as an exact decimal number of yuan (never floating point on our side).</summary>
    public static decimal Yuan(long fen) => fen / 100m;
}
