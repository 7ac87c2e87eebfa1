using Aid.Application.Imports;

namespace Aid.Infrastructure.Imports;

/// <summary>One decoded row of a CSV file or a worksheet: its 1-based line (CSV) or row (sheet) number and its cells as text.</summary>
internal sealed record SheetRow(int Line, string[] Cells)
{
    public string Cell(int index) => index >= 0 && index < Cells.Length ? Cells[index] : "";

    public bool IsBlank => Cells.All(c => string.IsNullOrWhiteSpace(c));
}

/// <summary>
/// A layout of rows and columns (every format but camt.053). The reader decodes the file, shows each layout the first
/// rows, and the first that finds its header by column names reads the rest. Layouts drift: find the header by its names,
/// never by a fixed line number.
/// </summary>
internal interface ITabularLayout
{
    string Format { get; }

    /// <summary>The index in <paramref name="firstRows"/> of this layout's header row, or -1 when the file is not this layout.</summary>
    int FindHeader(IReadOnlyList<SheetRow> firstRows, ColumnMapping? mapping);

    /// <summary>
    /// The lines after the header (the table and any footer). <paramref name="rows"/> is read once, lazily: keep no list of
    /// them. Stop at the layout's footer. Throw <see cref="ImportRefusedException"/> for damage that spoils the whole file
    /// (re-saved by Excel); a single bad line is an <see cref="ImportedRowKind.Error"/> row naming the column and the value.
    /// </summary>
    IEnumerable<ImportedRow> Read(SheetRow header, IEnumerable<SheetRow> rows, ColumnMapping? mapping);
}
