using Aid.Application.Common;
using Aid.Application.Statements;
using Aid.Infrastructure.Pdf;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// The annual programme statement as a PDF. Registers are printed in full up to <see cref="MaxPrintedRows"/> lines;
/// a longer register prints its row count, totals and the SHA-256 of the matching CSV instead. Codes (payment methods, channels,
/// statuses, valuation bases) are printed in words; tables are laid out by <see cref="StatementLayout"/> (no amount or number broken,
/// no total or closing block alone on a page).
/// </summary>
public sealed class StatementPdf(CjkFonts fonts)
{
    public const int MaxPrintedRows = 5000;

    public async Task<byte[]> RenderAsync(ProgrammeStatement s, CancellationToken ct)
    {
        if (!fonts.Available)
            throw new UnavailableException("Statement PDFs cannot be rendered: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
        var metadata = new PdfMetadata($"{s.Programme.Name} {s.Year} 年度项目报告 Annual statement", s.Issuer.Name, "Annual programme statement",
            s.GeneratedAt, $"{s.Programme.Id}|{s.Year}|{s.GeneratedAt:O}");
        using var pdf = new PdfCanvas(fonts, metadata);
        var layout = new StatementLayout(pdf, () => new PdfCanvas(fonts, metadata));

        pdf.Text($"{s.Programme.Name}", 16, bold: true, TextAlign.Center);
        pdf.Text($"{s.Year} 年度项目报告 Annual programme statement", 12, align: TextAlign.Center);
        pdf.Space(6);
        foreach (var (name, cells) in StatementFiles.SummaryRows(s).Take(7))
            pdf.Text($"{name}：{string.Join(" ", cells)}", 9);
        pdf.Rule();

        layout.Table([new TableColumn("项目 Item", 50), new TableColumn($"{s.Year} 年度 Year", 25, TextAlign.Right), new TableColumn("累计 Cumulative", 25, TextAlign.Right)],
            s.ForYear.Lines().Zip(s.Cumulative.Lines()).Select(l => (IReadOnlyList<string>)[l.First.Label, Figures(l.First.Amount), Figures(l.Second.Amount)]).ToList(),
            9, before: c => Heading(c, "资金变动 Fund movement"));

        layout.Table([new TableColumn("捐赠人 Donor", 34), new TableColumn("认捐 Promised", 18, TextAlign.Right), new TableColumn("已收 Received", 18, TextAlign.Right),
                      new TableColumn("未收 Outstanding", 18, TextAlign.Right), new TableColumn("状态 Status", 12)],
            s.Pledges.Select(p => (IReadOnlyList<string>)[p.Donor, Figures(p.Promised), Figures(p.Received), Figures(p.Outstanding), StatementLabels.PledgeStatus(p.Status)]).ToList(),
            9, before: c => Heading(c, "认捐情况 Pledge schedule"),
            after: c => c.Text($"合计 Total：认捐 {Figures(s.Pledges.Sum(p => p.Promised))}，已收 {Figures(s.Pledges.Sum(p => p.Received))}，" +
                               $"未收 {Figures(s.Pledges.Sum(p => p.Outstanding))}", 9, bold: true));

        foreach (var register in s.Registers)
        {
            ct.ThrowIfCancellationRequested();
            // Its count, totals and CSV digest come from the read that kept it; its rows are read only if they are to be printed.
            var digest = await register.DigestAsync(ct);
            List<IReadOnlyList<string>> rows = [];
            if (digest.Rows <= MaxPrintedRows)
                await foreach (var row in register.Rows().WithCancellation(ct))
                    rows.Add(row.Select(c => c.Fen is { } fen ? Figures(fen) : c.Words).ToList());
            var totals = string.Join("，", register.MoneyColumns.Select(c => $"{register.Columns[c]} {Figures(digest.Totals[c])}"));
            void Total(PdfCanvas c) => c.Text($"合计 Total：{digest.Rows} 行 lines；{totals}", 9, bold: true);
            if (rows.Count > 0)
            {
                layout.Table(register.Columns.Select((c, i) => new TableColumn(c, register.MoneyColumns.Contains(i) ? 14 : 12,
                    register.MoneyColumns.Contains(i) ? TextAlign.Right : TextAlign.Left)).ToList(), rows, 7,
                    before: c => Heading(c, register.Title), after: Total);
            }
            else
            {
                layout.Block(c =>
                {
                    Heading(c, register.Title);
                    if (digest.Rows > MaxPrintedRows)
                        c.Text($"本登记共 {digest.Rows} 行，超过 {MaxPrintedRows} 行，明细见 {register.File}.csv。 " +
                               $"The register has {digest.Rows} lines; see {register.File}.csv (SHA-256 {digest.Sha256}).", 9);
                    Total(c);
                });
            }
        }

        layout.Block(c =>
        {
            Heading(c, "收据号码核对 Receipt-number reconciliation");
            foreach (var (name, cells) in StatementFiles.SummaryRows(s).Skip(7).Take(6))
                c.Text($"{name}：{string.Join(" ", cells)}", 9);
        });
        layout.Block(c =>
        {
            Heading(c, "审计链 Audit trail");
            c.Text($"本项目链长度 Programme chain length：{s.AuditRecords}", 9);
            c.Text($"本项目链头哈希 Programme chain head：{s.AuditHeadHash}", 9);
            c.Text($"机构链长度 Organisation chain length：{s.OrganisationAuditRecords}", 9);
            c.Text($"机构链头哈希 Organisation chain head：{s.OrganisationAuditHeadHash}", 9);
            c.Text($"生成时间 Generated at：{s.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", 9);
        });
        return pdf.Finish($"{s.Programme.Code} {s.Year}");
    }

    private static void Heading(PdfCanvas pdf, string text)
    {
        pdf.Space(8);
        pdf.EnsureSpace(60);
        pdf.Text(text, 12, bold: true);
    }

    internal static string Figures(long fen) => ReceiptPdf.Figures(Money.Format(fen));
}
