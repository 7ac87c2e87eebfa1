using Aid.Infrastructure.Pdf;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// The statements' tables and blocks on a <see cref="PdfCanvas"/>. Columns are sized to what they hold: every column at least as
/// wide as its widest token (a receipt number, a reference, a date, an amount: <see cref="TextBreaker"/> never breaks one that fits),
/// the room left shared by how much more each would like; when the tokens do not fit at the table's size the size goes down to
/// <see cref="SmallestSize"/>. A table and the lines that close it (its total, a footnote) stay together: if those would open a
/// page alone, the last row goes over with them. Both rules are checked by laying the table out on a scratch canvas first, so they
/// follow whatever the canvas does.
/// </summary>
internal sealed class StatementLayout(PdfCanvas pdf, Func<PdfCanvas> scratch)
{
    public const double SmallestSize = 6;
    private const double Pad = 3; // PdfCanvas.Table's cell padding
    private const double Slack = 1; // measuring a token alone and within its line may differ by a fraction of a point
    private readonly Dictionary<(string, bool), double> _widths = new(); // at 10 pt; widths scale with the size

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
            dry.Table(fitted, rows, fittedSize);
            y = dry.Y;
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

    private double Measure(string text, bool bold)
    {
        if (text.Length == 0) return 0;
        if (!_widths.TryGetValue((text, bold), out var width))
            _widths[(text, bold)] = width = pdf.Measure(text, 10, bold);
        return width;
    }
}
