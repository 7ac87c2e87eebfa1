using System.Buffers.Binary;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// One TrueType face ready for PDFsharp: a standalone sfnt (face 0 extracted from a .ttc collection, which
/// PDFsharp 6.2.4 cannot open) and the set of code points its cmap maps to a real glyph.
/// </summary>
public sealed class FontFile
{
    private readonly ulong[] _coverage = new ulong[0x110000 / 64];

    private FontFile(string path, string faceName, byte[] sfnt)
    {
        Path = path;
        FaceName = faceName;
        Bytes = sfnt;
    }

    public string Path { get; }
    public string FaceName { get; }
    public byte[] Bytes { get; }

    public bool Has(int codePoint) => codePoint is >= 0 and < 0x110000 && (_coverage[codePoint >> 6] & (1UL << (codePoint & 63))) != 0;

    /// <summary>Reads a .ttf or the first face of a .ttc; null when the file is not a usable TrueType font (CFF outlines included).</summary>
    public static FontFile? Load(string path, string faceName)
    {
        byte[] data;
        try { data = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        if (data.Length < 12) return null;

        var sfnt = Tag(data, 0) == "ttcf" ? ExtractFirstFace(data) : data;
        if (sfnt is null) return null;
        var version = BinaryPrimitives.ReadUInt32BigEndian(sfnt);
        if (version != 0x00010000 && Tag(sfnt, 0) != "true") return null; // "OTTO" = CFF: PDFsharp embeds it whole
        var font = new FontFile(path, faceName, sfnt);
        return font.ReadCmap() ? font : null;
    }

    /// <summary>Copies face 0's table directory and tables into a standalone font, offsets recomputed, 4-byte aligned.</summary>
    private static byte[]? ExtractFirstFace(byte[] ttc)
    {
        var faces = BinaryPrimitives.ReadUInt32BigEndian(ttc.AsSpan(8));
        if (faces == 0) return null;
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

    private bool ReadCmap()
    {
        var cmap = FindTable("cmap");
        if (cmap < 0) return false;
        var count = ReadU16(cmap + 2);
        int format12 = -1, format4 = -1;
        for (var i = 0; i < count; i++)
        {
            var platform = ReadU16(cmap + 4 + 8 * i);
            var encoding = ReadU16(cmap + 6 + 8 * i);
            var offset = cmap + (int)ReadU32(cmap + 8 + 8 * i);
            var format = ReadU16(offset);
            if (format == 12 && (platform == 3 && encoding == 10 || platform == 0)) format12 = offset;
            if (format == 4 && (platform == 3 && encoding == 1 || platform == 0)) format4 = offset;
        }
        if (format12 >= 0) { ReadFormat12(format12); return true; }
        if (format4 >= 0) { ReadFormat4(format4); return true; }
        return false;
    }

    private void ReadFormat12(int table)
    {
        var groups = ReadU32(table + 12);
        for (var g = 0; g < groups; g++)
        {
            var start = (int)ReadU32(table + 16 + 12 * g);
            var end = (int)ReadU32(table + 20 + 12 * g);
            var glyph = ReadU32(table + 24 + 12 * g);
            for (var c = start; c <= end && c < 0x110000; c++)
                if (glyph + (uint)(c - start) != 0) Mark(c);
        }
    }

    private void ReadFormat4(int table)
    {
        var segments = ReadU16(table + 6) / 2;
        var ends = table + 14;
        var starts = ends + 2 * segments + 2;
        var deltas = starts + 2 * segments;
        var rangeOffsets = deltas + 2 * segments;
        for (var s = 0; s < segments; s++)
        {
            var end = ReadU16(ends + 2 * s);
            var start = ReadU16(starts + 2 * s);
            var delta = (short)ReadU16(deltas + 2 * s);
            var rangeOffset = ReadU16(rangeOffsets + 2 * s);
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0) glyph = (c + delta) & 0xFFFF;
                else
                {
                    var at = rangeOffsets + 2 * s + rangeOffset + 2 * (c - start);
                    glyph = at + 1 < Bytes.Length ? ReadU16(at) : 0;
                    if (glyph != 0) glyph = (glyph + delta) & 0xFFFF;
                }
                if (glyph != 0) Mark(c);
            }
        }
    }

    private void Mark(int c) => _coverage[c >> 6] |= 1UL << (c & 63);

    private int FindTable(string tag)
    {
        var count = ReadU16(4);
        for (var i = 0; i < count; i++)
            if (Tag(Bytes, 12 + 16 * i) == tag) return (int)ReadU32(12 + 16 * i + 8);
        return -1;
    }

    private int ReadU16(int at) => BinaryPrimitives.ReadUInt16BigEndian(Bytes.AsSpan(at));
    private uint ReadU32(int at) => BinaryPrimitives.ReadUInt32BigEndian(Bytes.AsSpan(at));
    private static string Tag(byte[] data, int at) => System.Text.Encoding.ASCII.GetString(data, at, 4);
    private static int Align4(int length) => (length + 3) & ~3;
}
