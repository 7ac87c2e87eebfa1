using System.Globalization;
using System.Text;
using Aid.Application.Batches;
using Aid.Application.Common;
using Aid.Application.Statements;
using Microsoft.Extensions.Logging;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// A batch's files. The bank payment CSV follows the statements' CSV rules (<see cref="CsvText"/>: BOM, CRLF, formula-safe
/// text, "1234.50"). The 学生/监护人签领表 is an A4 portrait grid drawn on PDFsharp with the receipts' CJK fonts: title, the
/// batch's programme, school, year and term, then one row per student tall enough to sign in (序号, 学生编号, 姓名, 年级, 金额,
/// 签名, 日期), the header repeated on every page, the total, and "第 n 页 / 共 m 页" with the batch on every footer.
/// Output is deterministic for the same batch (fixed dates and document id, pinned font-subset tags).
/// </summary>
public sealed class BatchDocuments(CjkFonts fonts, ILogger<BatchDocuments> logger) : IBatchDocuments
{
    public bool Available => fonts.Available;

    public byte[] PaymentCsv(BatchSheet sheet)
    {
        var text = new StringBuilder();
        text.Append(CsvText.Line(["序号", "学生编号", "姓名", "学校", "年级", "金额", "用途", "批次"]));
        foreach (var line in sheet.Lines)
            text.Append(CsvText.Line(
            [
                line.Number.ToString(CultureInfo.InvariantCulture), CsvText.SafeText(line.StudentCode), CsvText.SafeText(line.StudentName),
                CsvText.SafeText(line.School), CsvText.SafeText(line.Grade), Money.Format(line.Amount), CsvText.SafeText(line.Purpose),
                CsvText.SafeText(sheet.Label),
            ]));
        return [.. CsvText.Bom, .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public byte[] SignatureSheet(BatchSheet sheet)
    {
        if (!fonts.Available) throw new InvalidOperationException("No CJK font is available for PDF rendering.");
        using var document = new PdfDocument();
        var layout = new SheetLayout(fonts, document, codePoint => logger.LogWarning("No font has U+{CodePoint:X5}; a replacement was drawn", codePoint));
        layout.Draw(sheet);
        return layout.Finish(sheet);
    }

    private sealed class SheetLayout(CjkFonts fonts, PdfDocument document, Action<int> missing)
    {
        private const double Margin = 50;
        private const double FooterSpace = 36;
        private const double HeaderHeight = 24;
        private const double RowHeight = 34; // room for a handwritten name
        private const double TextSize = 10;
        private static readonly (string Header, double Width, TextAlign Align)[] Columns =
        [
            ("序号", 34, TextAlign.Center), ("学生编号", 78, TextAlign.Left), ("姓名", 72, TextAlign.Left), ("年级", 62, TextAlign.Left),
            ("金额", 70, TextAlign.Right), ("签名", 104, TextAlign.Left), ("日期", 75, TextAlign.Left),
        ];

        private XGraphics? _g;
        private PdfPage? _page;
        private double _y;

        private double PageWidth => _page!.Width.Point;
        private double Bottom => _page!.Height.Point - Margin - FooterSpace;
        private double Width => PageWidth - 2 * Margin;

        public void Draw(BatchSheet sheet)
        {
            NewPage();
            Line("学生/监护人签领表", 18, bold: true, TextAlign.Center);
            _y += 4;
            Line($"项目：{sheet.ProgrammeName}（{sheet.ProgrammeCode}）", 10.5);
            Line($"学校：{sheet.School}", 10.5);
            Line($"学年：{sheet.AcademicYear}　　学期：{sheet.Term}　　人数：{sheet.Lines.Count}　　合计：{sheet.Currency} {Figures(sheet.Total)}", 10.5);
            _y += 6;

            Header();
            foreach (var line in sheet.Lines)
            {
                if (_y + RowHeight > Bottom)
                {
                    NewPage();
                    Header();
                }
                Row([line.Number.ToString(CultureInfo.InvariantCulture), line.StudentCode, line.StudentName, line.Grade, Figures(line.Amount), "", ""],
                    RowHeight, bold: false);
            }
            if (_y + HeaderHeight > Bottom)
            {
                NewPage();
                Header();
            }
            Row(["", "合计", $"{sheet.Lines.Count} 人", "", Figures(sheet.Total), "", ""], HeaderHeight, bold: true);

            const double signOff = 70;
            if (_y + signOff > Bottom) NewPage();
            _y += 24;
            Line("经办人签字：________________　　学校（盖章）：________________　　日期：____________", 10);
            _y += 6;
            Line("说明：请学生本人或其监护人在领取时签名并填写日期；代领请注明与学生的关系。", 9);
        }

        public byte[] Finish(BatchSheet sheet)
        {
            _g?.Dispose();
            _g = null;
            var count = document.PageCount;
            for (var i = 0; i < count; i++)
            {
                var page = document.Pages[i];
                using var g = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
                _g = g;
                _page = page;
                var y = page.Height.Point - Margin - 12;
                Text($"第 {i + 1} 页 / 共 {count} 页", Margin, y, Width, 8, false, TextAlign.Center);
                Text($"{sheet.School} {sheet.AcademicYear} {sheet.Term}", Margin, y, Width, 8, false, TextAlign.Left);
                Text(sheet.ProgrammeCode, Margin, y, Width, 8, false, TextAlign.Right);
                _g = null;
            }

            var seed = $"batch|{sheet.BatchId}|{string.Join(",", sheet.Lines.Select(l => $"{l.StudentCode}:{l.Amount}"))}";
            return ArchivalPdf.Save(document, new PdfMetadata($"学生/监护人签领表 {sheet.School} {sheet.AcademicYear} {sheet.Term}", sheet.ProgrammeName,
                "Signature sheet", sheet.CreatedAt, seed));
        }

        private void NewPage()
        {
            _g?.Dispose();
            _page = document.AddPage();
            _page.Size = PageSize.A4;
            _page.Orientation = PageOrientation.Portrait;
            _g = XGraphics.FromPdfPage(_page);
            _y = Margin;
        }

        private void Header()
        {
            _g!.DrawRectangle(new XSolidBrush(XColor.FromArgb(235, 235, 235)), Margin, _y, Width, HeaderHeight);
            Row(Columns.Select(c => c.Header).ToArray(), HeaderHeight, bold: true, centred: true);
        }

        /// <summary>One row of cells with a full grid; text vertically centred, shrunk (never below 7 pt) to fit its cell.</summary>
        private void Row(IReadOnlyList<string> cells, double height, bool bold, bool centred = false)
        {
            var total = Columns.Sum(c => c.Width);
            var pen = new XPen(XColors.Black, 0.6);
            var x = Margin;
            for (var i = 0; i < Columns.Length; i++)
            {
                var w = Columns[i].Width / total * Width;
                _g!.DrawRectangle(pen, x, _y, w, height);
                var text = cells[i];
                if (text.Length > 0)
                {
                    const double pad = 4;
                    var size = TextSize;
                    while (size > 7 && Measure(text, size, bold) > w - 2 * pad) size -= 0.5;
                    Text(text, x + pad, _y + (height - size * 1.2) / 2, w - 2 * pad, size, bold, centred ? TextAlign.Center : Columns[i].Align);
                }
                x += w;
            }
            _y += height;
        }

        private void Line(string text, double size, bool bold = false, TextAlign align = TextAlign.Left)
        {
            Text(text, Margin, _y, Width, size, bold, align);
            _y += size * 1.6;
        }

        private double Measure(string text, double size, bool bold) =>
            fonts.Runs(text).Sum(r => _g!.MeasureString(r.Text, Font(r.Font, size, bold)).Width);

        private void Text(string text, double x, double y, double width, double size, bool bold, TextAlign align)
        {
            var runs = fonts.Runs(text, missing).ToList();
            var widths = runs.Select(r => _g!.MeasureString(r.Text, Font(r.Font, size, bold)).Width).ToList();
            var cursor = align switch
            {
                TextAlign.Center => x + (width - widths.Sum()) / 2,
                TextAlign.Right => x + width - widths.Sum(),
                _ => x,
            };
            for (var i = 0; i < runs.Count; i++)
            {
                _g!.DrawString(runs[i].Text, Font(runs[i].Font, size, bold), XBrushes.Black, new XPoint(cursor, y), XStringFormats.TopLeft);
                cursor += widths[i];
            }
        }

        private XFont Font(int index, double size, bool bold) => fonts.XFontFor(index, size, bold);

        private static string Figures(long fen) => ReceiptPdf.Figures(Money.Format(fen));
    }
}
