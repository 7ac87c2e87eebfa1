using System.Collections;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace Aid.Infrastructure.Pdf;

public enum TextAlign { Left, Center, Right }

public sealed record TableColumn(string Header, double Width, TextAlign Align = TextAlign.Left);

/// <summary>Title, author (the issuer), subject and the fixed creation time that makes the output reproducible.</summary>
public sealed record PdfMetadata(string Title, string Author, string Subject, DateTimeOffset Created, string IdSeed);

/// <summary>
/// The small layout layer Aid draws documents with on PDFsharp's XGraphics: wrapped CJK text with per-character
/// font fallback, rules, tables whose header repeats on every page, QR codes, a diagonal mark, and "第 n 页 / 共 m 页"
/// footers. Saved as PDF/A-2b by <see cref="ArchivalPdf"/>: deterministic (fixed dates, a document id derived from the
/// content seed) and with compact font subsets.
/// </summary>
public sealed partial class PdfCanvas : IDisposable
{
    private const double Margin = 50;
    private const double FooterSpace = 40;
    private static readonly string[] FractionFormats = ["", "0", "00", "000", "0000"];
    private static readonly XSolidBrush MarkBrush = new(XColor.FromArgb(242, 178, 178));
    private readonly CjkFonts _fonts;
    private readonly PdfMetadata _metadata;
    private readonly PdfDocument _document = new();
    private readonly Action<int>? _missingGlyph;
    private XGraphics? _graphics;
    private PdfPage? _page;
    private string? _mark;

    public PdfCanvas(CjkFonts fonts, PdfMetadata metadata, Action<int>? missingGlyph = null)
    {
        if (!fonts.Available) throw new InvalidOperationException("No CJK font is available for PDF rendering.");
        _fonts = fonts;
        _metadata = metadata;
        _missingGlyph = missingGlyph;
        NewPage();
    }

    public double Left => Margin;
    public double Width => (_page?.Width.Point ?? 595) - 2 * Margin;
    public double Right => Left + Width;
    public double Y { get; set; }
    private double Bottom => (_page?.Height.Point ?? 842) - Margin - FooterSpace;
    private XGraphics G => _graphics!;

    public void NewPage()
    {
        _graphics?.Dispose();
        _page = _document.AddPage();
        _page.Size = PageSize.A4;
        _graphics = XGraphics.FromPdfPage(_page);
        Y = Margin;
    }

    public void EnsureSpace(double height)
    {
        if (Y + height > Bottom) NewPage();
    }

    public void Space(double height) => Y += height;

    public double LineHeight(double size) => size * 1.45;

    /// <summary>
    /// The width of <paramref name="text"/>: the sum of its characters' widths, each measured once per size and weight (PDFsharp
    /// adds advance widths, and its bold simulation a fixed amount per character). Line breaking measures every growing
    /// candidate line, so measuring whole strings each time made layout quadratic. The widths are kept per process
    /// (<see cref="CjkFonts.Widths"/>): they depend only on the font, not on the document.
    /// </summary>
    public double Measure(string text, double size, bool bold = false)
    {
        var widths = _fonts.Widths;
        double width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!widths.TryGetValue((rune.Value, size, bold), out var w))
            {
                w = 0;
                foreach (var (font, run) in _fonts.Runs(rune.ToString()))
                    w += G.MeasureString(run, Font(font, size, bold)).Width;
                if (widths.Count >= 1_000_000) widths.Clear();
                widths[(rune.Value, size, bold)] = w;
            }
            width += w;
        }
        return width;
    }

    /// <summary>Wrapped text in a column (default: the full width); advances Y, breaking pages as needed.</summary>
    public void Text(string text, double size = 10, bool bold = false, TextAlign align = TextAlign.Left, double? x = null, double? width = null)
    {
        var left = x ?? Left;
        var w = width ?? Right - left;
        foreach (var line in TextBreaker.Wrap(text, w, s => Measure(s, size, bold)))
        {
            EnsureSpace(LineHeight(size));
            DrawLine(line, left, Y, w, size, bold, align);
            Y += LineHeight(size);
        }
    }

    /// <summary>One line of text at a fixed place; nothing moves.</summary>
    public void TextAt(string text, double x, double y, double size = 10, bool bold = false, TextAlign align = TextAlign.Left, double width = 0) =>
        DrawLine(text, x, y, width, size, bold, align);

    public void Rule(double thickness = 0.6)
    {
        EnsureSpace(6);
        G.DrawLine(new XPen(XColors.Gray, thickness), Left, Y + 2, Right, Y + 2);
        Y += 6;
    }

    /// <summary>A table: header on every page it spans, cells wrapped, rows never split across pages.</summary>
    public void Table(IReadOnlyList<TableColumn> columns, IEnumerable<IReadOnlyList<string>> rows, double size = 9)
    {
        var total = columns.Sum(c => c.Width);
        var widths = columns.Select(c => c.Width / total * Width).ToArray();
        const double pad = 3;

        void Header()
        {
            var lines = columns.Select((c, i) => TextBreaker.Wrap(c.Header, widths[i] - 2 * pad, s => Measure(s, size, true))).ToList();
            var height = lines.Max(l => l.Count) * LineHeight(size) + 2 * pad;
            G.DrawRectangle(new XSolidBrush(XColor.FromArgb(235, 235, 235)), Left, Y, Width, height);
            DrawCells(lines, height, bold: true);
        }

        void DrawCells(List<List<string>> lines, double height, bool bold)
        {
            var x = Left;
            for (var i = 0; i < columns.Count; i++)
            {
                var y = Y + pad;
                foreach (var line in lines[i])
                {
                    DrawLine(line, x + pad, y, widths[i] - 2 * pad, size, bold, columns[i].Align);
                    y += LineHeight(size);
                }
                x += widths[i];
            }
            Y += height;
            G.DrawLine(new XPen(XColors.LightGray, 0.4), Left, Y, Right, Y);
        }

        EnsureSpace(4 * LineHeight(size));
        Header();
        foreach (var row in rows)
        {
            var lines = columns.Select((_, i) => TextBreaker.Wrap(i < row.Count ? row[i] : "", widths[i] - 2 * pad, s => Measure(s, size))).ToList();
            var height = lines.Max(l => l.Count) * LineHeight(size) + 2 * pad;
            if (Y + height > Bottom)
            {
                NewPage();
                Header();
            }
            DrawCells(lines, height, bold: false);
        }
    }

    /// <summary>
    /// A QR code drawn as vector rectangles (crisp at any zoom, no image, deterministic): one rectangle per run of dark modules
    /// in a row, all filled as one path. The path is written as a content stream of its own after the page's drawing (the
    /// same numbers PDFsharp would write, as <c>re</c> operators): through XGraphics each rectangle cost four formatted
    /// points, a fifth of a receipt's rendering. Placed in page coordinates; XGraphics transforms do not apply.
    /// </summary>
    public void Qr(string text, double x, double y, double size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var module = size / matrix.Count;
        var pageHeight = _page!.Height.Point;
        var content = new System.Text.StringBuilder("q\n0 0 0 rg\n", 64 * matrix.Count * 4);
        for (var row = 0; row < matrix.Count; row++)
        {
            BitArray bits = matrix[row];
            for (var col = 0; col < bits.Length; col++)
            {
                if (!bits[col]) continue;
                var run = 1;
                while (col + run < bits.Length && bits[col + run]) run++;
                var height = module + 0.01;
                AppendNumber(content, x + col * module).Append(' ');
                AppendNumber(content, pageHeight - (y + row * module) - height).Append(' '); // PDF space: y up from the bottom
                AppendNumber(content, run * module + 0.01).Append(' ');
                AppendNumber(content, height).Append(" re\n");
                col += run - 1;
            }
        }
        content.Append("f\nQ\n");
        _page.Contents.AppendContent().CreateStream(System.Text.Encoding.ASCII.GetBytes(content.ToString()));
    }

    /// <summary>A number as PDFsharp writes one: at most four decimals, no trailing zeros ("0.####").</summary>
    private static System.Text.StringBuilder AppendNumber(System.Text.StringBuilder to, double value)
    {
        var scaled = (long)Math.Round(value * 10000, MidpointRounding.AwayFromZero);
        if (scaled < 0)
        {
            to.Append('-');
            scaled = -scaled;
        }
        to.Append(scaled / 10000);
        var fraction = scaled % 10000;
        if (fraction == 0) return to;
        var digits = 4;
        while (fraction % 10 == 0) { fraction /= 10; digits--; }
        return to.Append('.').Append(fraction.ToString(FractionFormats[digits], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A large word drawn diagonally across the centre of every page ("已作废 VOID", "副本 COPY") when the document is
    /// finished: a solid light red under the content, so the text stays readable and a photocopy keeps the mark.
    /// </summary>
    public void DiagonalMark(string text) => _mark = text;

    /// <summary>Adds the diagonal mark and the page footers and writes the document (<see cref="ArchivalPdf"/>).</summary>
    public byte[] Finish(string? footerLeft = null)
    {
        _graphics?.Dispose();
        _graphics = null;
        var count = _document.PageCount;
        for (var i = 0; i < count; i++)
        {
            var page = _document.Pages[i];
            if (_mark is not null)
            {
                using var under = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Prepend);
                _graphics = under;
                DrawMark(_mark, page.Width.Point, page.Height.Point);
            }
            using var g = XGraphics.FromPdfPage(page, XGraphicsPdfPageOptions.Append);
            _graphics = g;
            var y = page.Height.Point - Margin - 12;
            DrawLine($"第 {i + 1} 页 / 共 {count} 页", Left, y, Width, 8, false, TextAlign.Center);
            if (footerLeft is not null) DrawLine(footerLeft, Left, y, Width, 8, false, TextAlign.Left);
            _graphics = null;
        }
        return ArchivalPdf.Save(_document, _metadata);
    }

    private void DrawMark(string text, double pageWidth, double pageHeight)
    {
        const double largest = 100;
        var diagonal = Math.Sqrt(pageWidth * pageWidth + pageHeight * pageHeight);
        var size = Math.Min(largest, largest * 0.7 * diagonal / Math.Max(1, Measure(text, largest, bold: true)));
        var centre = new XPoint(pageWidth / 2, pageHeight / 2);
        var state = G.Save();
        G.RotateAtTransform(-Math.Atan2(pageHeight, pageWidth) * 180 / Math.PI, centre);
        DrawLine(text, centre.X, centre.Y - size * 0.6, 0, size, true, TextAlign.Center, MarkBrush);
        G.Restore(state);
    }

    /// <summary>
    /// PDFsharp names each embedded font subset with a random six-letter tag ("GOXDFQ+WenQuanYi…") and writes random
    /// XMP uuids: the parts of its output that differ between two renders. Replace them, in place and at the same
    /// length (Latin-1 text of uncompressed objects), with values derived from the document seed.
    /// </summary>
    internal static void PinRandomParts(byte[] pdf, string seed)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var tags = SubsetTag().Matches(text)
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        for (var i = 0; i < tags.Count; i++)
        {
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}|font|{i}"));
            var pinned = System.Text.Encoding.ASCII.GetBytes(new string(hash.Take(6).Select(b => (char)('A' + b % 26)).ToArray()));
            var needle = System.Text.Encoding.ASCII.GetBytes("/" + tags[i] + "+");
            var span = pdf.AsSpan();
            for (var at = span.IndexOf(needle); at >= 0;)
            {
                pinned.CopyTo(span.Slice(at + 1, 6));
                var next = span[(at + needle.Length)..].IndexOf(needle);
                at = next < 0 ? -1 : at + needle.Length + next;
            }
        }

        // The XMP metadata carries DocumentID/InstanceID uuids of its own: pin them the same way.
        var uuids = XmpUuid().Matches(text);
        for (var i = 0; i < uuids.Count; i++)
        {
            var match = uuids[i];
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}|uuid|{i}"));
            var pinned = new Guid(hash.AsSpan(0, 16)).ToString("D");
            System.Text.Encoding.ASCII.GetBytes(pinned).CopyTo(pdf.AsSpan(match.Groups[1].Index, 36));
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("/FontName/([A-Z]{6})\\+")]
    private static partial System.Text.RegularExpressions.Regex SubsetTag();

    [System.Text.RegularExpressions.GeneratedRegex("uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")]
    private static partial System.Text.RegularExpressions.Regex XmpUuid();

    /// <summary>Whether PDFsharp can draw <paramref name="image"/> (checked once at start for a configured seal, not on every receipt).</summary>
    public static bool CanDraw(byte[] image)
    {
        try
        {
            using var document = new PdfDocument();
            using var graphics = XGraphics.FromPdfPage(document.AddPage());
            using var stream = new MemoryStream(image, writable: false);
            using var picture = XImage.FromStream(stream);
            graphics.DrawImage(picture, 0, 0, 10, 10);
            return picture.PixelWidth > 0 && picture.PixelHeight > 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>A raster image (a PNG such as the issuer's seal) scaled into the box; nothing moves.</summary>
    public void Image(byte[] image, double x, double y, double width, double height)
    {
        using var stream = new MemoryStream(image, writable: false);
        using var picture = XImage.FromStream(stream);
        G.DrawImage(picture, x, y, width, height);
    }

    public void Dispose()
    {
        _graphics?.Dispose();
        _document.Dispose();
    }

    private void DrawLine(string text, double x, double y, double width, double size, bool bold, TextAlign align, XBrush? brush = null)
    {
        var runs = _fonts.Runs(text, _missingGlyph).ToList();
        var fonts = runs.Select(r => Font(r.Font, size, bold)).ToList();
        var widths = runs.Select((r, i) => G.MeasureString(r.Text, fonts[i]).Width).ToList();
        var total = widths.Sum();
        var cursor = align switch
        {
            TextAlign.Center => x + (width - total) / 2,
            TextAlign.Right => x + width - total,
            _ => x,
        };
        for (var i = 0; i < runs.Count; i++)
        {
            G.DrawString(runs[i].Text, fonts[i], brush ?? XBrushes.Black, new XPoint(cursor, y), XStringFormats.TopLeft);
            cursor += widths[i];
        }
    }

    private XFont Font(int index, double size, bool bold) => _fonts.XFontFor(index, size, bold);
}
