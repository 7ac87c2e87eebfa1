using Aid.Application.Common;
using Aid.Application.Receipts;
using Aid.Application.Statements;
using Aid.Infrastructure.Pdf;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// A donor's annual statement: gifts and receipts, pledge progress (as of the year's end), and the student terms the gifts paid for.
/// Payment methods in words, tables laid out by <see cref="StatementLayout"/> (no amount or receipt number broken, the footnote
/// never alone on the last page), the total also in capitals (人民币零元整 for nothing given).
/// </summary>
public sealed class DonorStatementPdf(CjkFonts fonts)
{
    public byte[] Render(DonorStatement s)
    {
        if (!fonts.Available)
            throw new UnavailableException("Statement PDFs cannot be rendered: no CJK font is configured or installed.", "Aid:Pdf:Fonts");
        var metadata = new PdfMetadata($"{s.Year} 年度捐赠报告 Donor statement", s.Issuer.Name, "Donor annual statement",
            s.GeneratedAt, $"{s.DonorName}|{s.Year}|{s.GeneratedAt:O}");
        using var pdf = new PdfCanvas(fonts, metadata);
        var layout = new StatementLayout(pdf, () => new PdfCanvas(fonts, metadata));
        pdf.Text($"{s.Year} 年度捐赠报告", 16, bold: true, TextAlign.Center);
        pdf.Text("Annual donor statement", 11, align: TextAlign.Center);
        pdf.Space(6);
        pdf.Text($"捐赠人 Donor：{s.DonorName}", 11, bold: true);
        pdf.Text($"开具单位 Issuer：{s.Issuer.Name}（{s.Issuer.Code}）", 9);
        pdf.Rule();

        layout.Table([new TableColumn("日期 Date", 14), new TableColumn("项目 Programme", 26), new TableColumn("内容 Gift", 20),
                      new TableColumn("金额 Amount", 15, TextAlign.Right), new TableColumn("收据 Receipt", 25)],
            s.Gifts.Select(g => (IReadOnlyList<string>)[g.ReceivedOn.ToString("yyyy-MM-dd"), g.Programme, g.Detail ?? StatementLabels.GiftKind(g.Kind),
                StatementPdf.Figures(g.Amount) + (g.Reversed ? "\n（已冲销）" : ""), g.Receipts ?? ""]).ToList(), 9,
            before: c => c.Text("捐赠与收据 Gifts and receipts", 12, bold: true),
            after: c => c.Text($"本年捐赠合计 Total given：{StatementPdf.Figures(s.Total)}{InWords(s.Total)}", 10, bold: true));

        layout.Table([new TableColumn("项目 Programme", 40), new TableColumn("认捐 Promised", 20, TextAlign.Right), new TableColumn("已付 Paid", 20, TextAlign.Right),
                      new TableColumn("未付 Outstanding", 20, TextAlign.Right)],
            s.Pledges.Select(p => (IReadOnlyList<string>)[p.Programme, StatementPdf.Figures(p.Total), StatementPdf.Figures(p.Paid), StatementPdf.Figures(p.Outstanding)]).ToList(),
            9, before: c =>
            {
                c.Space(8);
                c.Text($"认捐进度（截至 {s.Year} 年 12 月 31 日） Pledge progress at 31 December {s.Year}", 12, bold: true);
            });

        layout.Table([new TableColumn("支付日期 Paid on", 16), new TableColumn("学生代码 Student", 16), new TableColumn("学校 School", 26),
                      new TableColumn("学年 Year", 14), new TableColumn("学期 Term", 12), new TableColumn("金额 Amount", 16, TextAlign.Right)],
            s.PaidFor.Select(u => (IReadOnlyList<string>)[u.PaidOn?.ToString("yyyy-MM-dd") ?? "", u.StudentCode, u.School, u.AcademicYear, u.Term,
                StatementPdf.Figures(u.Amount)]).ToList(), 9,
            before: c =>
            {
                c.Space(8);
                c.Text("善款去向 What your gifts paid for", 12, bold: true);
            },
            after: c => c.Text("为保护未成年人隐私，受助学生仅以代码显示。Students are shown by code only, to protect minors' privacy.", 8));
        return pdf.Finish(s.Year.ToString());
    }

    /// <summary>
    /// The total in capitals: 人民币零元整 for nothing (the standard form; <see cref="ChineseAmount"/> writes positive amounts only),
    /// nothing beyond its 12 integer digits (the figures stand alone then).
    /// </summary>
    internal static string InWords(long fen) => fen switch
    {
        0 => "（人民币零元整）",
        > 0 and <= ChineseAmount.MaxFen => $"（{ChineseAmount.Renminbi(fen)}）",
        _ => "",
    };
}
