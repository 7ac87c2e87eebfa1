using System.IO.Compression;
using System.Xml.Linq;
using Aid.Application.Receipts;
using Aid.Infrastructure.Pdf;
using Aid.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Tokens;
using static Aid.Tests.Infrastructure.ReceiptPdfTests;
using PdfPigDocument = UglyToad.PdfPig.PdfDocument;

namespace Aid.Tests.Infrastructure;

/// <summary>What every PDF Aid writes must be: compact, qpdf-clean, PDF/A-2b in structure, reproducible, and readable.</summary>
public sealed class PdfStructureTests
{
    private const string RareName = "𠮷野家䶮"; // 𠮷 CJK Extension B (HanaMin B), 䶮 Extension A (Droid Sans Fallback)

    private static ReceiptPdf Renderer()
    {
        Assert.SkipUnless(Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        Assert.True(Fonts.FontFor(0x20BB7) >= 0 && Fonts.FontFor(0x4DAE) >= 0,
            "No font for 𠮷 or 䶮: install fonts-hanazono and fonts-droid-fallback (scripts/test.sh does).");
        return new ReceiptPdf(Fonts, NullLogger<ReceiptPdf>.Instance);
    }

    [Fact]
    public void A_receipt_with_extension_A_and_B_characters_stays_small_and_reads_back_exactly()
    {
        var pdf = Renderer().Render(Sample(RareName), ReceiptMark.Original);

        Assert.True(pdf.Length <= 80 * 1024, $"{pdf.Length / 1024.0:F1} KB");
        Assert.Contains($"捐赠人：{RareName}", Pdf.Text(pdf)); // Pdf.Text also runs qpdf --check
    }

    [Theory]
    [InlineData(ReceiptMark.Original)]
    [InlineData(ReceiptMark.Copy)]
    [InlineData(ReceiptMark.Void)]
    public void Every_receipt_passes_qpdf_check_without_warnings(ReceiptMark mark)
    {
        var pdf = Renderer().Render(Sample(RareName, lines: 3), mark);

        Pdf.Check(pdf);
        Assert.Contains("公益事业捐赠收据", Pdf.Text(pdf));
    }

    [Fact]
    public void The_same_receipt_gives_the_same_bytes_with_rare_characters_too()
    {
        var renderer = Renderer();
        var first = renderer.Render(Sample(RareName), ReceiptMark.Void);
        var second = renderer.Render(Sample(RareName), ReceiptMark.Void);

        Assert.Equal(first, second);
        Assert.NotEqual(first, renderer.Render(Sample("𠮷野家"), ReceiptMark.Void));
    }

    [Fact]
    public void A_diagonal_mark_is_drawn_large_rotated_and_coloured_on_every_page_under_readable_text()
    {
        Assert.SkipUnless(Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        using var canvas = new PdfCanvas(Fonts, new PdfMetadata("t", "a", "s", new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero), "mark"));
        canvas.DiagonalMark("已作废 VOID");
        canvas.Text("第一页正文 First page body");
        canvas.NewPage();
        canvas.Text("第二页正文 Second page body");
        var pdf = canvas.Finish();

        var text = Pdf.Text(pdf);
        Assert.Contains("已作废VOID", text);
        Assert.Contains("第一页正文Firstpagebody", text);
        Assert.Contains("第二页正文Secondpagebody", text);
        using var document = PdfPigDocument.Open(pdf);
        foreach (var page in document.GetPages())
        {
            var mark = page.Letters.Where(l => l.PointSize >= 60).ToList();
            Assert.Equal("已作废VOID", string.Concat(mark.Select(l => l.Value)).Replace(" ", ""));
            Assert.All(mark, l => Assert.Equal(TextOrientation.Other, l.TextOrientation));
            var (r, g, b) = mark[0].Color.ToRGBValues();
            Assert.True(r > 0.8 && g is > 0.5 and < 0.8 && b is > 0.5 and < 0.8, $"mark colour {r} {g} {b}");
            var body = page.Letters.Where(l => l.PointSize < 20 && !l.Value.Any(char.IsWhiteSpace)).ToList();
            Assert.NotEmpty(body);
            Assert.All(body, l => Assert.Equal((0d, 0d, 0d), l.Color.ToRGBValues()));
        }
    }

    [Fact]
    public void A_receipt_is_structured_as_PDF_A_2b()
    {
        var pdf = Renderer().Render(Sample(RareName), ReceiptMark.Copy);
        Pdf.Check(pdf);

        Assert.StartsWith("%PDF-1.7\n%", System.Text.Encoding.Latin1.GetString(pdf, 0, 10));
        Assert.True(pdf[10] > 127 && pdf[11] > 127 && pdf[12] > 127 && pdf[13] > 127, "binary comment after the header");
        Assert.EndsWith("%%EOF\n", System.Text.Encoding.Latin1.GetString(pdf, pdf.Length - 6, 6));

        using var document = PdfPigDocument.Open(pdf);
        Assert.True(document.TryGetXmpMetadata(out var xmp));
        var x = XDocument.Load(new MemoryStream(xmp.MetadataStreamToken.Data.ToArray())); // UTF-8 (PdfPig's GetXDocument reads Latin-1)
        XNamespace pdfaid = "http://www.aiim.org/pdfa/ns/id/", dc = "http://purl.org/dc/elements/1.1/", xmpNs = "http://ns.adobe.com/xap/1.0/",
            pdfNs = "http://ns.adobe.com/pdf/1.3/";
        Assert.Equal("2", x.Descendants(pdfaid + "part").Single().Value);
        Assert.Equal("B", x.Descendants(pdfaid + "conformance").Single().Value);
        Assert.Equal(document.Information.Title, x.Descendants(dc + "title").Single().Value);
        Assert.Equal(document.Information.Author, x.Descendants(dc + "creator").Single().Value);
        Assert.Equal(document.Information.Subject, x.Descendants(dc + "description").Single().Value);
        Assert.Equal(document.Information.Creator, x.Descendants(xmpNs + "CreatorTool").Single().Value);
        Assert.Equal(document.Information.Producer, x.Descendants(pdfNs + "Producer").Single().Value);
        Assert.Equal("2026-09-10T02:03:04+00:00", x.Descendants(xmpNs + "CreateDate").Single().Value);
        Assert.Contains("20260910020304", document.Information.CreationDate);

        IToken Resolve(IToken token) => token is IndirectReferenceToken r ? document.Structure.GetObject(r.Data).Data : token;
        var catalog = document.Structure.Catalog.CatalogDictionary;
        Assert.True(catalog.TryGet(NameToken.Create("OutputIntents"), out var intentsToken));
        var intent = (DictionaryToken)Resolve(((ArrayToken)Resolve(intentsToken)).Data.Single());
        Assert.Equal("GTS_PDFA1", ((NameToken)intent.Data["S"]).Data);
        var profile = (StreamToken)Resolve(intent.Data["DestOutputProfile"]);
        var icc = Inflate(profile.Data.ToArray());
        Assert.Equal("mntrRGB XYZ ", System.Text.Encoding.ASCII.GetString(icc, 12, 12));
        Assert.Equal("acsp", System.Text.Encoding.ASCII.GetString(icc, 36, 4));

        // Every font is an embedded TrueType CIDFont with a CIDToGIDMap stream (the compact subsets).
        var fonts = document.Structure.CrossReferenceTable.ObjectOffsets.Keys
            .Select(k => document.Structure.GetObject(k).Data).OfType<DictionaryToken>()
            .Where(d => d.TryGet(NameToken.Subtype, out var s) && s is NameToken { Data: "CIDFontType2" }).ToList();
        Assert.Equal(3, fonts.Count); // WenQuanYi, Droid (䶮), HanaMin B (𠮷)
        foreach (var font in fonts)
        {
            Assert.IsType<StreamToken>(Resolve(font.Data["CIDToGIDMap"]));
            var descriptor = (DictionaryToken)Resolve(font.Data["FontDescriptor"]);
            var program = (StreamToken)Resolve(descriptor.Data["FontFile2"]);
            var sfnt = Inflate(program.Data.ToArray());
            Assert.True(sfnt.Length < 40 * 1024, $"{((NameToken)font.Data["BaseFont"]).Data}: {sfnt.Length} bytes");
            var tables = Tables(sfnt);
            Assert.Contains("glyf", tables.Keys); // outlines, not the outline-less font PDFsharp was given
            Assert.Contains("loca", tables.Keys);
            Assert.DoesNotContain(FontFile.MarkerTag, tables.Keys);
        }
    }

    [Fact]
    public void Each_embedded_font_carries_the_outlines_of_the_glyphs_drawn_copied_from_the_whole_font()
    {
        var pdf = Renderer().Render(Sample(RareName), ReceiptMark.Original);

        using var document = PdfPigDocument.Open(pdf);
        IToken Resolve(IToken token) => token is IndirectReferenceToken r ? document.Structure.GetObject(r.Data).Data : token;
        var fonts = document.Structure.CrossReferenceTable.ObjectOffsets.Keys
            .Select(k => document.Structure.GetObject(k).Data).OfType<DictionaryToken>()
            .Where(d => d.TryGet(NameToken.Subtype, out var s) && s is NameToken { Data: "CIDFontType2" }).ToList();
        Assert.Equal(3, fonts.Count);
        foreach (var font in fonts)
        {
            var descriptor = (DictionaryToken)Resolve(font.Data["FontDescriptor"]);
            var subset = Inflate(((StreamToken)Resolve(descriptor.Data["FontFile2"])).Data.ToArray());
            var map = Inflate(((StreamToken)Resolve(font.Data["CIDToGIDMap"])).Data.ToArray());
            var drawn = Enumerable.Range(1, map.Length / 2 - 1).Where(cid => map[2 * cid] != 0 || map[2 * cid + 1] != 0).ToList();
            var whole = Fonts.Fonts.Select(f => f.Bytes).Single(bytes => Same(Glyph(bytes, 0), Glyph(subset, 0))
                && drawn.All(cid => Same(Glyph(bytes, cid), Glyph(subset, map[2 * cid] << 8 | map[2 * cid + 1]))));
            Assert.NotEmpty(drawn);
            Assert.Contains(drawn, cid => Glyph(whole, cid).Length > 0); // real outlines, byte for byte from the font file
            // The glyphs drawn and the components of composite ones (WenQuanYi builds many characters from parts), not the font.
            Assert.True(Count(subset) > drawn.Count && Count(subset) < Count(whole) / 50, $"{Count(subset)} of {Count(whole)} glyphs embedded for {drawn.Count} drawn");
        }

        // A composite glyph's component ids are renumbered in the subset: compared are simple glyphs, which are copied as they are.
        static bool Same(byte[] original, byte[] copy) => original.Length >= 2 && (short)(original[0] << 8 | original[1]) < 0
            || original.SequenceEqual(copy);

        static int Count(byte[] sfnt) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(sfnt.AsSpan(Tables(sfnt)["maxp"].Offset + 4));
    }

    [Fact]
    public void A_document_larger_than_the_first_save_buffer_is_written_whole()
    {
        Assert.SkipUnless(Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        using var canvas = new PdfCanvas(Fonts, new PdfMetadata("t", "a", "s", new DateTimeOffset(2026, 9, 10, 0, 0, 0, TimeSpan.Zero), "long"));
        canvas.Table([new TableColumn("编号", 30), new TableColumn("姓名", 40), new TableColumn("金额", 30, TextAlign.Right)],
            Enumerable.Range(1, 3000).Select(i => (IReadOnlyList<string>)[$"AID-2026-{i:000000}", $"捐赠人{i}号", $"{i * 13.7:F2}"]));
        var pdf = canvas.Finish();

        var text = Pdf.Text(pdf); // qpdf --check too
        Assert.Contains("AID-2026-000001", text);
        Assert.Contains("AID-2026-003000捐赠人3000号41100.00", text);
        using var document = PdfPigDocument.Open(pdf);
        Assert.True(document.NumberOfPages > 50, $"{document.NumberOfPages} pages");
    }

    [Fact]
    public void PDFsharp_is_given_each_face_without_its_outlines()
    {
        Assert.SkipUnless(Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        foreach (var face in Fonts.Fonts)
        {
            var metrics = Tables(face.MetricsFont);
            Assert.DoesNotContain("glyf", metrics.Keys);
            Assert.DoesNotContain("loca", metrics.Keys);
            Assert.Equal(Tables(face.Bytes)["hmtx"].Length, metrics["hmtx"].Length);
            Assert.Equal(face.FaceName, CompactFont.MarkedFace(face.MetricsFont));
            Assert.True(face.MetricsFont.Length < face.Bytes.Length / 4, $"{face.Path}: {face.MetricsFont.Length} of {face.Bytes.Length} bytes");
        }
    }

    /// <summary>The table directory of a TrueType font: tag → offset and length.</summary>
    private static Dictionary<string, (int Offset, int Length)> Tables(byte[] sfnt)
    {
        var count = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(sfnt.AsSpan(4));
        return Enumerable.Range(0, count).ToDictionary(i => System.Text.Encoding.ASCII.GetString(sfnt, 12 + 16 * i, 4),
            i => ((int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sfnt.AsSpan(12 + 16 * i + 8)),
                (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sfnt.AsSpan(12 + 16 * i + 12))));
    }

    /// <summary>The outline bytes of one glyph (empty for a glyph without outline or an id out of range).</summary>
    private static byte[] Glyph(byte[] sfnt, int glyph)
    {
        var tables = Tables(sfnt);
        var (glyf, loca, head, maxp) = (tables["glyf"].Offset, tables["loca"].Offset, tables["head"].Offset, tables["maxp"].Offset);
        if (glyph >= System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(sfnt.AsSpan(maxp + 4))) return [];
        var longLoca = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(sfnt.AsSpan(head + 50)) == 1;
        int At(int g) => longLoca ? (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sfnt.AsSpan(loca + 4 * g))
            : 2 * System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(sfnt.AsSpan(loca + 2 * g));
        var length = At(glyph + 1) - At(glyph);
        var bytes = sfnt.AsSpan(glyf + At(glyph), length).ToArray();
        var end = bytes.Length; // without trailing zeros: the subset pads each glyph to four bytes
        while (end > 0 && bytes[end - 1] == 0) end--;
        return bytes[..end];
    }

    /// <summary>Inflates with .NET's zlib reader, which needs the complete zlib stream (Adler-32 included).</summary>
    private static byte[] Inflate(byte[] data)
    {
        using var input = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
