using System.Globalization;
using System.IO.Compression;
using System.Text;
using Aid.Application.Imports;
using ExcelDataReader;
using ExcelDataReader.Exceptions;

namespace Aid.Infrastructure.Imports;

/// <summary>
/// Reads an uploaded gift file whatever its name says: sniffs the container by content (XLSX zip, BIFF .xls, HTML saved
/// as .xls, camt.053 XML, text CSV), decodes text (BOM, else strict UTF-8, else GB18030), shows the first rows to each
/// layout and lets the first that finds its header by column names read the rest. Rows stream: a 100k-line bank export
/// is never held in memory, so the stream must stay open until the caller has enumerated <see cref="ImportFile.Rows"/>.
/// </summary>
internal sealed class ImportFileReader : IImportFileReader
{
    private const int DetectionRows = 60;
    private const int HeadBytes = 4096;
    private static readonly byte[] Ole2Signature = [0xD0, 0xCF, 0x11, 0xE0];
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    private static readonly Encoding Gb18030;
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, true);

    private readonly IReadOnlyList<ITabularLayout> _layouts;
    private readonly long _maxUnpackedBytes;

    static ImportFileReader()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Gb18030 = Encoding.GetEncoding(54936);
    }

    public ImportFileReader(IEnumerable<ITabularLayout> layouts, long maxUnpackedBytes)
    {
        _layouts = [.. layouts];
        _maxUnpackedBytes = maxUnpackedBytes;
    }

    /// <summary>Every layout Aid reads, in detection order: the most specific headers first, the bank mapping last.</summary>
    public static ImportFileReader Create(long maxUnpackedBytes = 256L * 1024 * 1024) => new(
        [
            new AidTemplateLayout(),
            new WechatPersonalLayout(),
            new WechatMerchantLayout(),
            new AlipayAppLayout(),
            new AlipayWebLayout(),
            new AlipayEnterpriseLayout(),
            new IcbcPersonalLayout(),
            new CcbPersonalLayout(),
            new BankMappingLayout(),
        ],
        maxUnpackedBytes);

    /// <summary>
    /// A damaged file (truncated XML, a corrupt sheet, a date out of range) is refused like an unknown one, also when the
    /// damage is only found while the lines are read: never an exception a caller would answer with a 500.
    /// </summary>
    public ImportFile Read(Stream file, string? fileName, string? format, ColumnMapping? mapping)
    {
        try
        {
            var read = ReadUnguarded(file, fileName, format, mapping);
            return read with { Rows = Guarded(read.Rows) };
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw new ImportRefusedException(ImportMessages.Damaged);
        }
    }

    private static bool IsDamage(Exception e) => e is not (ImportRefusedException or OperationCanceledException or ArgumentException { ParamName: "file" })
        && e is System.Xml.XmlException or InvalidDataException or EndOfStreamException or IOException or FormatException or ArgumentException
            or InvalidOperationException or IndexOutOfRangeException or NullReferenceException or ExcelDataReader.Exceptions.ExcelReaderException
            or System.Text.DecoderFallbackException or OverflowException;

    private static IEnumerable<ImportedRow> Guarded(IEnumerable<ImportedRow> rows)
    {
        using var enumerator = rows.GetEnumerator();
        while (true)
        {
            try
            {
                if (!enumerator.MoveNext()) yield break;
            }
            catch (Exception e) when (IsDamage(e))
            {
                throw new ImportRefusedException(ImportMessages.Damaged);
            }
            yield return enumerator.Current;
        }
    }

    private ImportFile ReadUnguarded(Stream file, string? fileName, string? format, ColumnMapping? mapping)
    {
        if (!file.CanSeek) throw new ArgumentException("The import file must be a seekable stream.", nameof(file));
        file.Position = 0;
        var head = new byte[HeadBytes];
        var headLength = file.ReadAtLeast(head, HeadBytes, throwOnEndOfStream: false);
        file.Position = 0;
        var span = head.AsSpan(0, headLength);

        if (span.IsEmpty) throw new ImportRefusedException(ImportMessages.EmptyFile);
        if (span.StartsWith("PK\x03\x04"u8))
        {
            CheckZip(file);
            return Tabular(OpenSheet(file), "xlsx", format, mapping);
        }
        if (span.StartsWith(Ole2Signature))
        {
            if (IsEncryptedPackage(file)) throw new ImportRefusedException(ImportMessages.Encrypted);
            return Tabular(OpenSheet(file), "xls", format, mapping);
        }

        var text = SkipBomAndWhitespace(span);
        if (text.IsEmpty) throw new ImportRefusedException(ImportMessages.EmptyFile);
        if (text[0] == (byte)'<')
        {
            var markup = Encoding.Latin1.GetString(text[..Math.Min(1024, text.Length)]);
            if (markup.Contains("<html", StringComparison.OrdinalIgnoreCase) || markup.Contains("<table", StringComparison.OrdinalIgnoreCase))
                throw new ImportRefusedException(ImportMessages.HtmlPretendingToBeXls);
        }
        if (Camt053Reader.IsCamt053(span))
        {
            if (format is not null && format != ImportFormats.Camt053) throw new ImportRefusedException(ImportMessages.UnknownLayout);
            return new ImportFile(ImportFormats.Camt053, "xml", Camt053Reader.Read(file));
        }
        if (format == ImportFormats.Camt053) throw new ImportRefusedException(ImportMessages.UnknownLayout);

        var (encoding, label, skip) = DetectEncoding(file, span);
        file.Position = skip;
        var reader = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        return Tabular(CsvRows(reader), label, format, mapping);
    }

    private ImportFile Tabular(IEnumerable<SheetRow> source, string encoding, string? format, ColumnMapping? mapping)
    {
        var rows = source.GetEnumerator();
        try
        {
            var first = new List<SheetRow>(DetectionRows);
            while (first.Count < DetectionRows && rows.MoveNext()) first.Add(rows.Current);
            if (first.All(r => r.IsBlank)) throw new ImportRefusedException(ImportMessages.EmptyFile);

            foreach (var layout in Candidates(format, mapping))
            {
                var header = layout.FindHeader(first, mapping);
                if (header < 0) continue;
                var lines = layout.Read(first[header], Rest(first, header + 1, rows), mapping);
                return new ImportFile(layout.Format, encoding, lines);
            }
            throw new ImportRefusedException(ImportMessages.UnknownLayout);
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    private IEnumerable<ITabularLayout> Candidates(string? format, ColumnMapping? mapping)
    {
        if (format is not null) return _layouts.Where(l => l.Format == format);
        if (mapping is not null)
            return _layouts.Where(l => l.Format == ImportFormats.BankMapping).Concat(_layouts.Where(l => l.Format != ImportFormats.BankMapping));
        return _layouts;
    }

    /// <summary>The detection rows after the header, then the rest of the file, read once; disposing ends the file's reader.</summary>
    private static IEnumerable<SheetRow> Rest(List<SheetRow> first, int from, IEnumerator<SheetRow> rows)
    {
        using (rows)
        {
            for (var i = from; i < first.Count; i++) yield return first[i];
            first.Clear();
            while (rows.MoveNext()) yield return rows.Current;
        }
    }

    /// <summary>
    /// Refuses a zip bomb before anything unpacks it (the central directory's sizes; .NET's reader stops an entry at its
    /// declared size) and a password-protected archive.
    /// </summary>
    private void CheckZip(Stream file)
    {
        try
        {
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                if (entry.IsEncrypted) throw new ImportRefusedException(ImportMessages.Encrypted);
                total += entry.Length;
                if (total > _maxUnpackedBytes) throw new ImportRefusedException(ImportMessages.TooLargeUnpacked);
            }
        }
        catch (InvalidDataException)
        {
            throw new ImportRefusedException(ImportMessages.UnknownLayout);
        }
        finally
        {
            file.Position = 0;
        }
    }

    /// <summary>
    /// A password-protected .xlsx is an OLE2 file holding an "EncryptedPackage" stream; its directory entry names it in
    /// UTF-16. (A password-protected BIFF .xls is refused by ExcelDataReader's InvalidPasswordException.)
    /// </summary>
    private static bool IsEncryptedPackage(Stream file)
    {
        var name = Encoding.Unicode.GetBytes("EncryptedPackage");
        var buffer = new byte[64 * 1024];
        var kept = 0;
        try
        {
            int read;
            while ((read = file.Read(buffer, kept, buffer.Length - kept)) > 0)
            {
                var filled = kept + read;
                if (buffer.AsSpan(0, filled).IndexOf(name) >= 0) return true;
                kept = Math.Min(name.Length - 1, filled);
                buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
            }
            return false;
        }
        finally
        {
            file.Position = 0;
        }
    }

    /// <summary>Opens the first worksheet now, so a damaged or encrypted workbook is refused by Read itself.</summary>
    private static IEnumerable<SheetRow> OpenSheet(Stream file)
    {
        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateReader(file, new ExcelReaderConfiguration { FallbackEncoding = Gb18030, LeaveOpen = true });
        }
        catch (InvalidPasswordException)
        {
            throw new ImportRefusedException(ImportMessages.Encrypted);
        }
        catch (Exception e) when (e is ExcelReaderException or InvalidDataException or NotSupportedException)
        {
            throw new ImportRefusedException(ImportMessages.UnknownLayout);
        }
        return SheetRows(reader);
    }

    private static IEnumerable<SheetRow> SheetRows(IExcelDataReader reader)
    {
        using (reader)
        {
            var line = 0;
            while (reader.Read())
            {
                line++;
                var cells = new string[reader.FieldCount];
                for (var i = 0; i < cells.Length; i++) cells[i] = CellText(reader.GetValue(i));
                yield return new SheetRow(line, cells);
            }
        }
    }

    /// <summary>
    /// A sheet cell as the text a CSV would have. The reader cannot know which column is money, so a number prints as its
    /// exact decimal when it has at most two decimals, else round-trip ("R"): an id Excel turned into 4.2E+27 stays visibly
    /// damaged instead of becoming a plausible integer.
    /// </summary>
    internal static string CellText(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => Number(d),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Number(double d)
    {
        if (double.IsFinite(d) && Math.Abs(d) < 1e15)
        {
            var rounded = Math.Round((decimal)d, 10);
            if (rounded == Math.Round(rounded, 2)) return rounded.ToString("0.##", CultureInfo.InvariantCulture);
        }
        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    private static ReadOnlySpan<byte> SkipBomAndWhitespace(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Utf8Bom)) head = head[3..];
        return head.TrimStart(" \t\r\n"u8);
    }

    /// <summary>
    /// BOM first; else strict UTF-8 over the whole file (a GBK file is almost never valid UTF-8, the reverse misreads);
    /// else GB18030, the superset of GBK that Alipay and the banks write.
    /// </summary>
    private static (Encoding Encoding, string Label, int Skip) DetectEncoding(Stream file, ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(Utf8Bom)) return (new UTF8Encoding(false), "utf-8-bom", 3);
        var decoder = StrictUtf8.GetDecoder();
        var bytes = new byte[64 * 1024];
        var chars = new char[StrictUtf8.GetMaxCharCount(bytes.Length)];
        try
        {
            int read;
            while ((read = file.Read(bytes, 0, bytes.Length)) > 0) decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
            return (new UTF8Encoding(false), "utf-8", 0);
        }
        catch (DecoderFallbackException)
        {
            return (Gb18030, "gb18030", 0);
        }
        finally
        {
            file.Position = 0;
        }
    }

    private static IEnumerable<SheetRow> CsvRows(TextReader reader)
    {
        using (reader)
        {
            var csv = new CsvTokenizer(reader);
            while (csv.Next() is { } row) yield return row;
        }
    }

    /// <summary>
    /// RFC 4180 with the leniency real exports need: quoted cells with doubled quotes and newlines, CRLF, LF or CR, ragged
    /// rows, a trailing comma (an extra empty cell), padding before an opening quote, stray quotes inside a bare cell.
    /// Each row carries the 1-based line it starts on.
    /// </summary>
    private sealed class CsvTokenizer(TextReader reader)
    {
        private readonly char[] _buffer = new char[64 * 1024];
        private readonly List<string> _cells = [];
        private readonly StringBuilder _cell = new();
        private int _position;
        private int _length;
        private int _line = 1;

        public SheetRow? Next()
        {
            var c = Read();
            if (c < 0) return null;
            var start = _line;
            _cells.Clear();
            _cell.Clear();
            var quoted = false;
            var bare = true; // nothing but padding in the cell so far: a quote here opens a quoted cell
            while (true)
            {
                if (quoted)
                {
                    if (c < 0) break;
                    if (c == '"')
                    {
                        if (Peek() == '"') { Read(); _cell.Append('"'); }
                        else quoted = false;
                    }
                    else
                    {
                        if (c == '\n' || (c == '\r' && Peek() != '\n')) _line++;
                        _cell.Append((char)c);
                    }
                }
                else if (c < 0) break;
                else if (c == ',')
                {
                    _cells.Add(_cell.ToString());
                    _cell.Clear();
                    bare = true;
                    c = Read();
                    continue;
                }
                else if (c == '\n' || c == '\r')
                {
                    if (c == '\r' && Peek() == '\n') Read();
                    _line++;
                    break;
                }
                else if (c == '"' && bare)
                {
                    _cell.Clear();
                    quoted = true;
                    bare = false;
                }
                else
                {
                    _cell.Append((char)c);
                    if (c != ' ' && c != '\t') bare = false;
                }
                c = Read();
            }
            _cells.Add(_cell.ToString());
            return new SheetRow(start, [.. _cells]);
        }

        private int Read()
        {
            if (_position == _length && !Fill()) return -1;
            return _buffer[_position++];
        }

        private int Peek()
        {
            if (_position == _length && !Fill()) return -1;
            return _buffer[_position];
        }

        private bool Fill()
        {
            _length = reader.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            return _length > 0;
        }
    }
}
