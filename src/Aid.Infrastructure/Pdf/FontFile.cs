using System.Buffers.Binary;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// One TrueType face ready for PDFsharp: the set of code points its cmap maps to a real glyph, read at start-up from
/// the table directory and the cmap alone, and the standalone sfnt PDFsharp parses (face 0 extracted from a .ttc
/// collection, which PDFsharp 6.2.4 cannot open), read from disk only when a document first draws with the face:
/// a 30 MB fallback such as HanaMinB costs start-up a few kilobytes of reading, not 30 MB.
/// PDFsharp itself is given only <see cref="MetricsFont"/>: the font without its outlines, so it measures and maps text
/// exactly as with the whole font but has nothing to subset; the font program each document embeds is built from the
/// whole font by <see cref="ArchivalPdf"/> (<see cref="CompactFont"/>).
/// </summary>
public sealed class FontFile
{
    /// <summary>The private table of <see cref="MetricsFont"/> that names the face it was made from (its <see cref="FaceName"/>).</summary>
    internal const string MarkerTag = "AidF";

    private readonly ulong[] _coverage = new ulong[0x110000 / 64];
    private readonly Lazy<byte[]> _bytes;
    private readonly Lazy<byte[]> _metrics;

    private FontFile(string path, string faceName)
    {
        Path = path;
        FaceName = faceName;
        _bytes = new Lazy<byte[]>(() => ReadFace(path), LazyThreadSafetyMode.PublicationOnly); // a failed read is tried again, not remembered
        _metrics = new Lazy<byte[]>(() => CompactFont.MetricsOnly(Bytes, faceName), LazyThreadSafetyMode.PublicationOnly);
    }

    public string Path { get; }
    public string FaceName { get; }

    /// <summary>The standalone font file; read on first use (an unreadable file then throws).</summary>
    public byte[] Bytes => _bytes.Value;

    /// <summary>
    /// What PDFsharp is given: the face's cmap, metrics and names without glyf and loca (PDFsharp then embeds it as it is,
    /// as it does a CFF font, instead of copying a 30,000-glyph subset per document), marked with a private table that
    /// names the face, so <see cref="ArchivalPdf"/> knows which whole font to subset in its place.
    /// </summary>
    internal byte[] MetricsFont => _metrics.Value;

    public bool Has(int codePoint) => codePoint is >= 0 and < 0x110000 && (_coverage[codePoint >> 6] & (1UL << (codePoint & 63))) != 0;

    /// <summary>Reads the cmap of a .ttf or of the first face of a .ttc; null when the file is not a usable TrueType font (CFF outlines included).</summary>
    public static FontFile? Load(string path, string faceName)
    {
        try
        {
            using var file = File.OpenHandle(path);
            var length = RandomAccess.GetLength(file);
            var header = Read(file, 0, 12);
            if (header is null) return null;
            long face = 0;
            if (Tag(header, 0) == "ttcf")
            {
                if (BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8)) == 0) return null;
                face = BinaryPrimitives.ReadUInt32BigEndian(Read(file, 12, 4)!);
                header = Read(file, face, 12);
                if (header is null) return null;
            }
            var version = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (version != 0x00010000 && Tag(header, 0) != "true") return null; // "OTTO" = CFF: PDFsharp embeds it whole
            var tableCount = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4));
            var directory = Read(file, face + 12, 16 * tableCount);
            if (directory is null) return null;
            for (var i = 0; i < tableCount; i++)
            {
                if (Tag(directory, 16 * i) != "cmap") continue;
                var offset = BinaryPrimitives.ReadUInt32BigEndian(directory.AsSpan(16 * i + 8));
                var size = BinaryPrimitives.ReadUInt32BigEndian(directory.AsSpan(16 * i + 12));
                if (offset + (long)size > length) return null;
                var cmap = Read(file, offset, (int)size);
                var font = new FontFile(path, faceName);
                return cmap is not null && font.ReadCmap(cmap) ? font : null;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static byte[]? Read(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, int count)
    {
        var buffer = new byte[count];
        var done = 0;
        while (done < count)
        {
            var read = RandomAccess.Read(file, buffer.AsSpan(done), offset + done);
            if (read == 0) return null;
            done += read;
        }
        return buffer;
    }

    private static byte[] ReadFace(string path)
    {
        var data = File.ReadAllBytes(path);
        return Tag(data, 0) == "ttcf" ? ExtractFirstFace(data) : data;
    }

    /// <summary>Copies face 0's table directory and tables into a standalone font, offsets recomputed, 4-byte aligned.</summary>
    private static byte[] ExtractFirstFace(byte[] ttc)
    {
        var faceOffset = (int)BinaryPrimitives.ReadUInt32BigEndian(ttc.AsSpan(12));
        var tableCount = BinaryPrimitives.ReadUInt16BigEndian(ttc.AsSpan(faceOffset + 4));
        var headerLength = 12 + 16 * tableCount;

        var tables = new List<(uint Tag, uint Checksum, int Offset, int Length)>();
        for (var i = 0; i < tableCount; i++)
        {
            var record = ttc.AsSpan(faceOffset + 12 + 16 * i, 16);
            tables.Add((BinaryPrimitives.ReadUInt32BigEndian(record), BinaryPrimitives.ReadUInt32BigEndian(record[4..]),
                (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]), (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..])));
        }
        var total = headerLength + tables.Sum(t => Align4(t.Length));
        var output = new byte[total];
        ttc.AsSpan(faceOffset, 12).CopyTo(output); // sfnt version, numTables, searchRange, entrySelector, rangeShift
        var position = headerLength;
        for (var i = 0; i < tables.Count; i++)
        {
            var (tag, checksum, offset, length) = tables[i];
            var record = output.AsSpan(12 + 16 * i, 16);
            BinaryPrimitives.WriteUInt32BigEndian(record, tag);
            BinaryPrimitives.WriteUInt32BigEndian(record[4..], checksum);
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)position);
            BinaryPrimitives.WriteUInt32BigEndian(record[12..], (uint)length);
            ttc.AsSpan(offset, length).CopyTo(output.AsSpan(position));
            position += Align4(length);
        }
        return output;
    }

    private bool ReadCmap(byte[] cmap)
    {
        var count = U16(cmap, 2);
        int format12 = -1, format4 = -1;
        for (var i = 0; i < count; i++)
        {
            var platform = U16(cmap, 4 + 8 * i);
            var encoding = U16(cmap, 6 + 8 * i);
            var offset = (int)U32(cmap, 8 + 8 * i);
            var format = U16(cmap, offset);
            if (format == 12 && (platform == 3 && encoding == 10 || platform == 0)) format12 = offset;
            if (format == 4 && (platform == 3 && encoding == 1 || platform == 0)) format4 = offset;
        }
        if (format12 >= 0) { ReadFormat12(cmap, format12); return true; }
        if (format4 >= 0) { ReadFormat4(cmap, format4); return true; }
        return false;
    }

    private void ReadFormat12(byte[] cmap, int table)
    {
        var groups = U32(cmap, table + 12);
        for (var g = 0; g < groups; g++)
        {
            var start = (int)U32(cmap, table + 16 + 12 * g);
            var end = (int)U32(cmap, table + 20 + 12 * g);
            var glyph = U32(cmap, table + 24 + 12 * g);
            for (var c = start; c <= end && c < 0x110000; c++)
                if (glyph + (uint)(c - start) != 0) Mark(c);
        }
    }

    private void ReadFormat4(byte[] cmap, int table)
    {
        var segments = U16(cmap, table + 6) / 2;
        var ends = table + 14;
        var starts = ends + 2 * segments + 2;
        var deltas = starts + 2 * segments;
        var rangeOffsets = deltas + 2 * segments;
        for (var s = 0; s < segments; s++)
        {
            var end = U16(cmap, ends + 2 * s);
            var start = U16(cmap, starts + 2 * s);
            var delta = (short)U16(cmap, deltas + 2 * s);
            var rangeOffset = U16(cmap, rangeOffsets + 2 * s);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0) glyph = (c + delta) & 0xFFFF;
                else
                {
                    var at = rangeOffsets + 2 * s + rangeOffset + 2 * (c - start);
                    glyph = at + 1 < cmap.Length ? U16(cmap, at) : 0;
                    if (glyph != 0) glyph = (glyph + delta) & 0xFFFF;
                }
                if (glyph != 0) Mark(c);
            }
        }
    }

    private void Mark(int c) => _coverage[c >> 6] |= 1UL << (c & 63);

    private static int U16(byte[] data, int at) => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at));
    private static uint U32(byte[] data, int at) => BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
    private static string Tag(byte[] data, int at) => System.Text.Encoding.ASCII.GetString(data, at, 4);
    private static int Align4(int length) => (length + 3) & ~3;
}
