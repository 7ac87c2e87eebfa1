using Aid.Infrastructure.Pdf;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// The statements' tables and blocks on a <see cref="PdfCanvas"/>. Columns are sized to what they hold: every column at least as
/// wide as its widest token (a receipt number, a reference, a date, an amount: <see cref="TextBreaker"/> never breaks one that fits),
/// the room left shared by how much more each would like; when the tokens do not fit at the table's size the size goes down to
/// <see cref="SmallestSize"/>. A table and the lines that close it (its total, a footnote) stay together: if those would open a
/// page alone, the last row goes over with them. The table is drawn once: the rule for the heading is checked by laying the heading
/// and first row out on a scratch canvas, the rule for the closing lines by adding up the rows' measured heights page by page
/// (<see cref="End"/>, breaking pages where the canvas does) and laying only the closing lines out after them.
/// </summary>
internal sealed class StatementLayout(PdfCanvas pdf, Func<PdfCanvas> scratch)
{
    public const double SmallestSize = 6;
    private const double Pad = 3; // PdfCanvas.Table's cell padding
    private const double Slack = 1; // measuring a token alone and within its line may differ by a fraction of a point
    private readonly Dictionary<(string, bool), double> _widths = new(); // at 10 pt; widths scale with the size
    private readonly Dictionary<(string, double, bool), double> _sized = new(); // exactly as the canvas measures at a size

    public PdfCanvas Canvas => pdf;

    /// <summary>
    /// A table with <paramref name="before"/> (its heading) and <paramref name="after"/> (total lines, a footnote) kept with it:
    /// the heading never ends a page, the closing lines never open one alone.
    /// </summary>
    public void Table(IReadOnlyList<TableColumn> columns, IReadOnlyList<IReadOnlyList<string>> rows, double size,
        Action<PdfCanvas>? before = null, Action<PdfCanvas>? after = null)
    {
        var (fitted, fittedSize) = Fit(columns, rows, size);
        bool headingAlone, afterAlone;
        using (var dry = scratch())
        {
            dry.Y = pdf.Y;
            before?.Invoke(dry);
            var y = dry.Y;
            dry.Table(fitted, rows.Take(1), fittedSize);
            headingAlone = dry.Y < y; // the heading stayed behind, the first row went to the next page
            dry.Y = pdf.Y;
            before?.Invoke(dry);
            y = End(dry, fitted, rows, fittedSize);
            dry.Y = y;
            after?.Invoke(dry);
            afterAlone = dry.Y < y;
        }
        if (headingAlone || (afterAlone && rows.Count < 2)) pdf.NewPage();
        before?.Invoke(pdf);
        if (afterAlone && rows.Count >= 2)
        {
            pdf.Table(fitted, rows.Take(rows.Count - 1), fittedSize);
            pdf.NewPage();
            pdf.Table(fitted, rows.Skip(rows.Count - 1), fittedSize); // the header repeats, as on every page a table continues on
        }
        else
        {
            pdf.Table(fitted, rows, fittedSize);
        }
        after?.Invoke(pdf);
    }

    /// <summary>
    /// Where <see cref="PdfCanvas.Table"/> would end the table started at <paramref name="dry"/>'s position, from each row's height
    /// (its cells wrapped and measured as the table wraps them, nothing drawn): a row that does not fit opens a page, under the
    /// repeated header. The page breaks themselves are the canvas's (<see cref="PdfCanvas.EnsureSpace"/>), so the rule is its own.
    /// </summary>
    private double End(PdfCanvas dry, IReadOnlyList<TableColumn> columns, IReadOnlyList<IReadOnlyList<string>> rows, double size)
    {
        var total = columns.Sum(c => c.Width);
        var widths = columns.Select(c => c.Width / total * dry.Width).ToArray();
        var lineHeight = dry.LineHeight(size);
        double Height(IReadOnlyList<string> cells, bool bold)
        {
            var lines = 0;
            for (var i = 0; i < widths.Length; i++)
                lines = Math.Max(lines, TextBreaker.Wrap(i < cells.Count ? cells[i] : "", widths[i] - 2 * Pad, s => Measure(dry, s, size, bold)).Count);
            return lines * lineHeight + 2 * Pad;
        }

        var header = Height(columns.Select(c => c.Header).ToList(), bold: true);
        dry.EnsureSpace(4 * lineHeight);
        var y = dry.Y + header;
        foreach (var row in rows)
        {
            var height = Height(row, bold: false);
            dry.Y = y;
            dry.EnsureSpace(height);
            if (dry.Y != y) y = dry.Y + header; // a new page, its header first
            y += height;
        }
        return y;
    }

    /// <summary>Lines that belong together (a heading and what follows it): started on a new page rather than split.</summary>
    public void Block(Action<PdfCanvas> draw)
    {
        bool split;
        using (var dry = scratch())
        {
            dry.Y = pdf.Y;
            var y = dry.Y;
            draw(dry);
            split = dry.Y < y;
        }
        if (split) pdf.NewPage();
        draw(pdf);
    }

    /// <summary>Absolute column widths (points, summing to the canvas width) and the size at which every token fits its column.</summary>
    public (IReadOnlyList<TableColumn> Columns, double Size) Fit(IReadOnlyList<TableColumn> columns, IReadOnlyList<IReadOnlyList<string>> rows, double size)
    {
        var least = new double[columns.Count]; // widest token, at 10 pt
        var most = new double[columns.Count]; // widest cell on one line, at 10 pt
        for (var i = 0; i < columns.Count; i++)
        {
            Take(i, columns[i].Header, bold: true);
            foreach (var row in rows) Take(i, i < row.Count ? row[i] : "", bold: false);
        }

        var width = pdf.Width;
        var weights = columns.Sum(c => c.Width);
        for (var s = size; ; s -= 0.5)
        {
            var min = least.Select(w => w * s / 10 + 2 * Pad + Slack).ToArray();
            var max = most.Select((w, i) => Math.Max(w * s / 10 + 2 * Pad + Slack, min[i])).ToArray();
            double[] widths;
            if (max.Sum() <= width)
                widths = max.Select((m, i) => m + (width - max.Sum()) * columns[i].Width / weights).ToArray();
            else if (min.Sum() <= width)
            {
                var wish = max.Sum() - min.Sum();
                widths = min.Select((m, i) => m + (width - min.Sum()) * (max[i] - m) / wish).ToArray();
            }
            else if (s - 0.5 >= SmallestSize)
                continue;
            else // not even the tokens fit at the smallest size: each column its share of the page by its tokens (a token wider than its column is cut)
                widths = min.Select(m => m * width / min.Sum()).ToArray();
            return (columns.Select((c, i) => c with { Width = widths[i] }).ToList(), s);
        }

        void Take(int column, string text, bool bold)
        {
            foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
            {
                most[column] = Math.Max(most[column], Measure(line.Trim(), bold));
                foreach (var token in TextBreaker.Tokens(line))
                    least[column] = Math.Max(least[column], Measure(token.Trim(), bold));
            }
        }
    }

    private double Measure(PdfCanvas canvas, string text, double size, bool bold)
    {
        if (!_sized.TryGetValue((text, size, bold), out var width))
            _sized[(text, size, bold)] = width = canvas.Measure(text, size, bold);
        return width;
    }

    private double Measure(string text, bool bold)
    {
        if (text.Length == 0) return 0;
        if (!_widths.TryGetValue((text, bold), out var width))
            _widths[(text, bold)] = width = pdf.Measure(text, 10, bold);
        return width;
    }
}
