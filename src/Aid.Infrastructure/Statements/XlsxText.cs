using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Aid.Infrastructure.Statements;

/// <summary>
/// MiniExcel writes a character outside the BMP (𠮷, CJK Extension B) as two escaped UTF-16 halves, "_xD842__xDFB7_": Excel
/// decodes that, other readers (LibreOffice, parsers) show the escape. This copy of a workbook writes such pairs as the
/// characters themselves (plain UTF-8 XML), streaming entry by entry so a large statement never sits in memory. A user's own
/// "_x…_" text is not touched: MiniExcel escapes its underscore ("_x005F_x…"), which this pattern does not match (an
/// escaped underscore cut from its pair by a 64K block boundary aside).
/// </summary>
internal static partial class XlsxText
{
    public static void CopyWithPlainSupplementaryCharacters(Stream workbook, Stream output)
    {
        using var source = new ZipArchive(workbook, ZipArchiveMode.Read, leaveOpen: true);
        using var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var entry in source.Entries)
        {
            var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
            copy.LastWriteTime = entry.LastWriteTime;
            using var from = entry.Open();
            using var to = copy.Open();
            if (entry.FullName.EndsWith(".xml", StringComparison.Ordinal)) Rewrite(from, to);
            else from.CopyTo(to);
        }
    }

    private static void Rewrite(Stream from, Stream to)
    {
        using var reader = new StreamReader(from, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var writer = new StreamWriter(to, new UTF8Encoding(false));
        var buffer = new char[64 * 1024];
        var pending = "";
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            var text = pending + new string(buffer, 0, read);
            // A pair is 14 characters: hold back the last 13 (a pair cut by the block's end), and any pair reaching into them.
            var end = Math.Max(0, text.Length - 13);
            foreach (Match m in SurrogatePair().Matches(text))
                if (m.Index < end && m.Index + m.Length > end) end = m.Index;
            writer.Write(SurrogatePair().Replace(text[..end], Join));
            pending = text[end..];
        }
        writer.Write(SurrogatePair().Replace(pending, Join));
    }

    private static string Join(Match m) =>
        new string([(char)Convert.ToInt32(m.Groups[1].Value, 16), (char)Convert.ToInt32(m.Groups[2].Value, 16)]);

    [GeneratedRegex("(?<!_x005F)_x(D[89AB][0-9A-F]{2})__x(D[C-F][0-9A-F]{2})_")]
    private static partial Regex SurrogatePair();
}
