using System.Buffers.Binary;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// Renumbers the glyphs of an embedded TrueType subset compactly. PDFsharp 6.2.4 subsets a font by emptying the
/// glyphs it does not use but keeps every glyph id, so a subset of a 30,000-glyph CJK font still carries full-size
/// loca and hmtx tables (tens of kilobytes per font per document). Here only the glyphs drawn, their composite
/// components and glyph 0 are kept, numbered 0..n-1 in their original order; the PDF keeps its CIDs (the original
/// glyph ids, used by the content streams, /W and ToUnicode) and maps them to the new ids with a /CIDToGIDMap.
/// The tables PDFsharp embeds (glyf, loca, hmtx, hhea, maxp, head and the hinting tables cvt, fpgm, prep) are
/// rewritten or copied; anything else is dropped.
/// </summary>
internal static class CompactFont
{
    /// <summary>The compact font and the CIDToGIDMap (two bytes per CID 0..max, big-endian new glyph id).</summary>
    public sealed record Result(byte[] Font, byte[] CidToGidMap);

    /// <summary>Null when the font is not a TrueType font this can read: the caller then keeps PDFsharp's subset.</summary>
    public static Result? Build(byte[] font, IReadOnlyCollection<int> usedGlyphs)
    {
        var tables = ReadTables(font);
        if (tables is null || !tables.TryGetValue("glyf", out var glyf) || !tables.TryGetValue("loca", out var loca)
            || !tables.TryGetValue("head", out var head) || !tables.TryGetValue("hhea", out var hhea)
            || !tables.TryGetValue("hmtx", out var hmtx) || !tables.TryGetValue("maxp", out var maxp))
            return null;

        var numGlyphs = U16(font, maxp.Offset + 4);
        var longLoca = U16(font, head.Offset + 50) == 1;
        var metrics = U16(font, hhea.Offset + 34);
        if (metrics == 0 || metrics > numGlyphs) return null;

        int GlyphStart(int g) => longLoca ? (int)U32(font, loca.Offset + 4 * g) : 2 * U16(font, loca.Offset + 2 * g);
        int GlyphLength(int g) => GlyphStart(g + 1) - GlyphStart(g);

        // Glyph 0, the glyphs drawn, and (repeatedly) the components of composite glyphs.
        var keep = new SortedSet<int> { 0 };
        var pending = new Stack<int>();
        foreach (var g in usedGlyphs)
            if (g >= 0 && g < numGlyphs && keep.Add(g)) pending.Push(g);
        pending.Push(0);
        while (pending.Count > 0)
        {
            var g = pending.Pop();
            if (GlyphLength(g) <= 0) continue;
            var at = glyf.Offset + GlyphStart(g);
            if ((short)U16(font, at) >= 0) continue;
            foreach (var (_, component) in Components(font, at, GlyphLength(g)))
                if (component < numGlyphs && keep.Add(component)) pending.Push(component);
        }

        var order = keep.ToArray();
        var newId = new Dictionary<int, int>(order.Length);
        for (var i = 0; i < order.Length; i++) newId[order[i]] = i;

        // glyf and loca (long offsets, each glyph 4-byte aligned); composite component ids renumbered.
        var glyfLength = order.Sum(g => Align4(Math.Max(0, GlyphLength(g))));
        var newGlyf = new byte[glyfLength];
        var newLoca = new byte[4 * (order.Length + 1)];
        var position = 0;
        for (var i = 0; i < order.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * i), (uint)position);
            var length = Math.Max(0, GlyphLength(order[i]));
            if (length == 0) continue;
            var source = glyf.Offset + GlyphStart(order[i]);
            font.AsSpan(source, length).CopyTo(newGlyf.AsSpan(position));
            if ((short)U16(font, source) < 0)
                foreach (var (indexAt, component) in Components(font, source, length))
                    BinaryPrimitives.WriteUInt16BigEndian(newGlyf.AsSpan(position + indexAt - source), (ushort)newId[component]);
            position += Align4(length);
        }
        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * order.Length), (uint)position);

        // hmtx: a full metric per kept glyph.
        var newHmtx = new byte[4 * order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            var g = order[i];
            var advance = U16(font, hmtx.Offset + 4 * Math.Min(g, metrics - 1));
            var lsb = g < metrics ? U16(font, hmtx.Offset + 4 * g + 2) : U16(font, hmtx.Offset + 4 * metrics + 2 * (g - metrics));
            BinaryPrimitives.WriteUInt16BigEndian(newHmtx.AsSpan(4 * i), (ushort)advance);
            BinaryPrimitives.WriteUInt16BigEndian(newHmtx.AsSpan(4 * i + 2), (ushort)lsb);
        }

        var newHead = font.AsSpan(head.Offset, head.Length).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(newHead.AsSpan(8), 0); // checkSumAdjustment, set below
        BinaryPrimitives.WriteUInt16BigEndian(newHead.AsSpan(50), 1); // indexToLocFormat: long
        var newHhea = font.AsSpan(hhea.Offset, hhea.Length).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(newHhea.AsSpan(34), (ushort)order.Length);
        var newMaxp = font.AsSpan(maxp.Offset, maxp.Length).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(newMaxp.AsSpan(4), (ushort)order.Length);

        var output = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["glyf"] = newGlyf, ["head"] = newHead, ["hhea"] = newHhea, ["hmtx"] = newHmtx, ["loca"] = newLoca, ["maxp"] = newMaxp,
        };
        foreach (var tag in new[] { "cvt ", "fpgm", "prep" })
            if (tables.TryGetValue(tag, out var t)) output[tag] = font.AsSpan(t.Offset, t.Length).ToArray();

        var maxCid = usedGlyphs.Count == 0 ? 0 : usedGlyphs.Max();
        var map = new byte[2 * (maxCid + 1)];
        foreach (var g in usedGlyphs)
            if (newId.TryGetValue(g, out var id)) BinaryPrimitives.WriteUInt16BigEndian(map.AsSpan(2 * g), (ushort)id);
        return new Result(WriteSfnt(output), map);
    }

    /// <summary>
    /// The font PDFsharp measures and maps text with (<see cref="FontFile.MetricsFont"/>): the tables it reads (cmap, head,
    /// hhea, hmtx, maxp, name, OS/2 and the header of post) copied unchanged, no glyf and no loca, and a private table
    /// <see cref="FontFile.MarkerTag"/> holding <paramref name="faceName"/>. Throws when the font lacks one of them.
    /// </summary>
    public static byte[] MetricsOnly(byte[] font, string faceName)
    {
        var tables = ReadTables(font) ?? throw new InvalidOperationException($"{faceName}: not a TrueType font.");
        var output = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var tag in new[] { "cmap", "head", "hhea", "hmtx", "maxp", "name", "OS/2", "post" })
        {
            if (!tables.TryGetValue(tag, out var t)) throw new InvalidOperationException($"{faceName}: the font has no {tag} table.");
            output[tag] = font.AsSpan(t.Offset, t.Length).ToArray();
        }
        // post: the 32-byte header PDFsharp reads (italic angle, underline, fixed pitch); version 3, no glyph names.
        output["post"] = output["post"].AsSpan(0, Math.Min(32, output["post"].Length)).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(output["post"], 0x00030000);
        output[FontFile.MarkerTag] = System.Text.Encoding.UTF8.GetBytes(faceName);
        return WriteSfnt(output);
    }

    /// <summary>The face named by a metrics font's <see cref="FontFile.MarkerTag"/> table, or null (any other font).</summary>
    public static string? MarkedFace(ReadOnlySpan<byte> font)
    {
        if (font.Length < 12) return null;
        var count = BinaryPrimitives.ReadUInt16BigEndian(font[4..]);
        for (var i = 0; i < count && 12 + 16 * i + 16 <= font.Length; i++)
        {
            var record = font.Slice(12 + 16 * i, 16);
            if (!record[..4].SequenceEqual(System.Text.Encoding.ASCII.GetBytes(FontFile.MarkerTag))) continue;
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]);
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            return offset >= 0 && length >= 0 && offset + (long)length <= font.Length
                ? System.Text.Encoding.UTF8.GetString(font.Slice(offset, length))
                : null;
        }
        return null;
    }

    /// <summary>Where each component glyph id of a composite glyph is stored, and its value.</summary>
    private static List<(int At, int Glyph)> Components(byte[] font, int glyph, int length)
    {
        const int argsAreWords = 0x0001, haveScale = 0x0008, moreComponents = 0x0020, haveXyScale = 0x0040, haveTwoByTwo = 0x0080;
        var components = new List<(int, int)>();
        var at = glyph + 10;
        var end = glyph + length;
        while (at + 4 <= end)
        {
            var flags = U16(font, at);
            components.Add((at + 2, U16(font, at + 2)));
            at += 4 + ((flags & argsAreWords) != 0 ? 4 : 2);
            if ((flags & haveScale) != 0) at += 2;
            else if ((flags & haveXyScale) != 0) at += 4;
            else if ((flags & haveTwoByTwo) != 0) at += 8;
            if ((flags & moreComponents) == 0) break;
        }
        return components;
    }

    private static Dictionary<string, (int Offset, int Length)>? ReadTables(byte[] font)
    {
        if (font.Length < 12) return null;
        var count = U16(font, 4);
        if (12 + 16 * count > font.Length) return null;
        var tables = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var record = 12 + 16 * i;
            var offset = (int)U32(font, record + 8);
            var length = (int)U32(font, record + 12);
            if (offset < 0 || length < 0 || offset + (long)length > font.Length) return null;
            tables[System.Text.Encoding.ASCII.GetString(font, record, 4)] = (offset, length);
        }
        return tables;
    }

    private static byte[] WriteSfnt(SortedDictionary<string, byte[]> tables)
    {
        var count = tables.Count;
        var headerLength = 12 + 16 * count;
        var output = new byte[headerLength + tables.Values.Sum(t => Align4(t.Length))];
        var power = 1;
        var log = 0;
        while (power * 2 <= count) { power *= 2; log++; }
        BinaryPrimitives.WriteUInt32BigEndian(output, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(4), (ushort)count);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(6), (ushort)(16 * power));
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(8), (ushort)log);
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(10), (ushort)(16 * count - 16 * power));
        var position = headerLength;
        var headAt = -1;
        var i = 0;
        foreach (var (tag, data) in tables)
        {
            var record = output.AsSpan(12 + 16 * i++, 16);
            System.Text.Encoding.ASCII.GetBytes(tag, record);
            BinaryPrimitives.WriteUInt32BigEndian(record[4..], Checksum(data));
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)position);
            BinaryPrimitives.WriteUInt32BigEndian(record[12..], (uint)data.Length);
            data.CopyTo(output.AsSpan(position));
            if (tag == "head") headAt = position;
            position += Align4(data.Length);
        }
        if (headAt >= 0) BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(headAt + 8), 0xB1B0AFBA - Checksum(output));
        return output;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        var whole = data.Length & ~3;
        for (var i = 0; i < whole; i += 4) sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        if (whole < data.Length)
        {
            Span<byte> last = stackalloc byte[4];
            last.Clear();
            data[whole..].CopyTo(last);
            sum += BinaryPrimitives.ReadUInt32BigEndian(last);
        }
        return sum;
    }

    private static int U16(byte[] data, int at) => BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at));
    private static uint U32(byte[] data, int at) => BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
    private static int Align4(int length) => (length + 3) & ~3;
}
