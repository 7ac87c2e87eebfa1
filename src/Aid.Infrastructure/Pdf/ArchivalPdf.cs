using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// Saves a PDFsharp document as the file Aid hands out: PDF/A-2b, compact and reproducible. PDFsharp 6.2.4 writes the
/// document uncompressed; the result is then rewritten object by object:
/// <list type="bullet">
/// <item>every stream except the XMP packet is deflated with a complete zlib stream (PDFsharp's own FlateDecode leaves
/// out the Adler-32 trailer, which <c>qpdf --check</c> reports as "input stream is complete but output may still be
/// valid");</item>
/// <item>each embedded TrueType font is a compact subset with a /CIDToGIDMap (<see cref="CompactFont"/>): a receipt with
/// a HanaMin B name is 39 KB instead of 164 KB with PDFsharp's own subset, a plain one 36 KB instead of 68 KB. PDFsharp
/// embeds only the outline-less metrics font it was given (<see cref="FontFile.MetricsFont"/>); it is replaced here by a
/// subset of the whole font it names, cached per process by the glyphs drawn;</item>
/// <item>the XMP metadata declares PDF/A-2b (pdfaid:part 2, conformance B) and repeats the document information
/// exactly, and the catalog gets an sRGB output intent (the sRGB2014 ICC profile shipped inside PDFsharp).</item>
/// </list>
/// The same document and seed give the same bytes: fixed dates, a document id and XMP ids derived from the seed, and
/// pinned font-subset tags (<see cref="PdfCanvas.PinRandomParts"/>).
/// </summary>
public static partial class ArchivalPdf
{
    /// <summary>
    /// Compacted, deflated font programs and CIDToGIDMaps by font, PDFsharp subset length and CIDs: a run of receipts
    /// draws the same rare fallback glyphs and much the same primary-font glyphs again and again.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (byte[] Font, int Length, byte[] Map)> Compacted = new();

    private const string SrgbResource = "PdfSharp.Resources.sRGB2014.icc";
    private static readonly Lazy<byte[]> SrgbProfile = new(() =>
    {
        using var stream = typeof(PdfDocument).Assembly.GetManifestResourceStream(SrgbResource)
            ?? throw new InvalidOperationException($"PDFsharp no longer ships {SrgbResource}: embed an sRGB ICC profile in Aid instead.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Deflate(copy.ToArray());
    });

    /// <summary>Sets the document information and id from <paramref name="metadata"/>, saves and rewrites the file.</summary>
    public static byte[] Save(PdfDocument document, PdfMetadata metadata)
    {
        document.Info.Title = metadata.Title;
        document.Info.Author = metadata.Author;
        document.Info.Subject = metadata.Subject;
        document.Info.Creator = "Aid";
        document.Info.CreationDate = metadata.Created.UtcDateTime;
        document.Info.ModificationDate = metadata.Created.UtcDateTime;
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(metadata.IdSeed)))[..32];
        var idText = new string(Convert.FromHexString(id).Select(b => (char)b).ToArray());
        document.Internals.FirstDocumentID = idText;
        document.Internals.SecondDocumentID = idText;
        document.Options.NoCompression = true; // streams are deflated in Rewrite
        document.Options.CompressContentStreams = false;

        using var stream = new RentedStream();
        document.Save(stream, closeStream: false);
        var xmp = Xmp(document.Info, metadata.Created, metadata.IdSeed);
        var bytes = Rewrite(stream.Buffer, (int)stream.Length, xmp);
        PdfCanvas.PinRandomParts(bytes, metadata.IdSeed);
        return bytes;
    }

    /// <summary>The XMP packet: PDF/A-2b identification and the document information, value for value.</summary>
    internal static string Xmp(PdfDocumentInformation info, DateTimeOffset created, string seed)
    {
        static string X(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);
        string Uuid(int i) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|uuid|{i}")).AsSpan(0, 16)).ToString("D");
        var date = created.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture);
        return $"""
            <?xpacket begin="{'\uFEFF'}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
              <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
                <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
                  <pdfaid:part>2</pdfaid:part>
                  <pdfaid:conformance>B</pdfaid:conformance>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
                  <dc:format>application/pdf</dc:format>
                  <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{X(info.Title)}</rdf:li></rdf:Alt></dc:title>
                  <dc:creator><rdf:Seq><rdf:li>{X(info.Author)}</rdf:li></rdf:Seq></dc:creator>
                  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{X(info.Subject)}</rdf:li></rdf:Alt></dc:description>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
                  <xmp:CreatorTool>{X(info.Creator)}</xmp:CreatorTool>
                  <xmp:CreateDate>{date}</xmp:CreateDate>
                  <xmp:ModifyDate>{date}</xmp:ModifyDate>
                  <xmp:MetadataDate>{date}</xmp:MetadataDate>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
                  <pdf:Producer>{X(info.Producer)}</pdf:Producer>
                </rdf:Description>
                <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
                  <xmpMM:DocumentID>uuid:{Uuid(0)}</xmpMM:DocumentID>
                  <xmpMM:InstanceID>uuid:{Uuid(1)}</xmpMM:InstanceID>
                </rdf:Description>
              </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="r"?>
            """.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private sealed class PdfObject(string value, ArraySegment<byte>? stream)
    {
        /// <summary>The object's value as Latin-1 text: the whole value, or a stream's dictionary.</summary>
        public string Value { get; set; } = value;

        /// <summary>The stream's data: at first a slice of PDFsharp's output (not copied), or data made here.</summary>
        public ArraySegment<byte>? Stream { get; set; } = stream;
        public bool Compressed { get; set; }
    }

    /// <summary>Rewrites PDFsharp's uncompressed output, the first <paramref name="length"/> bytes of <paramref name="pdf"/> (one classic xref table, direct stream lengths).</summary>
    internal static byte[] Rewrite(byte[] pdf, int length, string xmp)
    {
        // Only the dictionaries and the xref table are decoded as text: stream data (most of the file) stays bytes.
        var startXref = pdf.AsSpan(0, length).LastIndexOf("startxref"u8);
        var xrefAt = int.Parse(Digits().Match(Encoding.Latin1.GetString(pdf, startXref + 9, Math.Min(40, length - startXref - 9))).Value,
            CultureInfo.InvariantCulture);
        var tail = Encoding.Latin1.GetString(pdf, xrefAt, length - xrefAt);
        var trailerAt = tail.IndexOf("trailer", StringComparison.Ordinal);
        var objects = new SortedDictionary<int, PdfObject>();
        var firstObject = pdf.AsSpan(0, length).IndexOf(" obj"u8);
        var header = Encoding.Latin1.GetString(pdf, 0, pdf.AsSpan(0, firstObject).LastIndexOf((byte)'\n') + 1);

        var lines = tail[4..trailerAt].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var l = 0; l < lines.Length;)
        {
            var section = lines[l++].Split(' ');
            var first = int.Parse(section[0], CultureInfo.InvariantCulture);
            var count = int.Parse(section[1], CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++, l++)
            {
                var entry = lines[l].Split(' ');
                if (entry[2] != "n") continue;
                objects[first + i] = ReadObject(pdf, length, int.Parse(entry[0], CultureInfo.InvariantCulture));
            }
        }
        var trailerStart = xrefAt + tail.IndexOf("<<", trailerAt, StringComparison.Ordinal);
        var trailer = Encoding.Latin1.GetString(pdf, trailerStart, DictionaryEnd(pdf, length, trailerStart) - trailerStart);

        var next = objects.Keys.Max() + 1;
        PdfObject Resolve(string reference) => objects[int.Parse(reference.Split(' ')[0], CultureInfo.InvariantCulture)];

        // XMP and output intent.
        var catalog = Resolve(Reference(trailer, "Root")!);
        var metadata = Reference(catalog.Value, "Metadata");
        var xmpBytes = Encoding.UTF8.GetBytes(xmp);
        if (metadata is null)
        {
            metadata = $"{next} 0 R";
            objects[next++] = new PdfObject("<</Type/Metadata/Subtype/XML>>", null);
            catalog.Value = catalog.Value[..^2] + $"/Metadata {metadata}>>";
        }
        var metadataObject = Resolve(metadata);
        metadataObject.Value = "<</Type/Metadata/Subtype/XML>>";
        metadataObject.Stream = xmpBytes;
        if (!catalog.Value.Contains("/OutputIntents", StringComparison.Ordinal))
        {
            objects[next] = new PdfObject("<</N 3/Filter/FlateDecode>>", SrgbProfile.Value) { Compressed = true };
            catalog.Value = catalog.Value[..^2] + "/OutputIntents[<</Type/OutputIntent/S/GTS_PDFA1/OutputConditionIdentifier(sRGB IEC61966-2.1)" +
                $"/RegistryName(http://www.color.org)/Info(sRGB IEC61966-2.1)/DestOutputProfile {next} 0 R>>]>>";
            next++;
        }

        // PDFsharp writes a character outside the BMP into ToUnicode as its code point (<20BB7>); a CMap wants UTF-16 (<D842DFB7>).
        foreach (var type0 in objects.Values.Where(o => o.Stream is null && o.Value.Contains("/Subtype/Type0", StringComparison.Ordinal)).ToList())
        {
            var toUnicode = Reference(type0.Value, "ToUnicode");
            if (toUnicode is null || Resolve(toUnicode) is not { Stream: { } cmap } map || map.Value.Contains("/Filter", StringComparison.Ordinal)) continue;
            map.Stream = Encoding.Latin1.GetBytes(NonBmpCode().Replace(Encoding.Latin1.GetString(cmap.AsSpan()), m =>
            {
                var rune = new Rune(int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                return "<" + string.Concat(rune.ToString().Select(c => ((int)c).ToString("X4", CultureInfo.InvariantCulture))) + ">";
            }));
        }

        // Compact font subsets.
        foreach (var cidFont in objects.Values.Where(o => o.Stream is null && o.Value.Contains("/Subtype/CIDFontType2", StringComparison.Ordinal)).ToList())
        {
            var descriptorRef = Reference(cidFont.Value, "FontDescriptor");
            var fontFileRef = descriptorRef is null ? null : Reference(Resolve(descriptorRef).Value, "FontFile2");
            if (fontFileRef is null) continue;
            var fontFile = Resolve(fontFileRef);
            if (fontFile.Stream is null || fontFile.Value.Contains("/Filter", StringComparison.Ordinal)) continue;
            var cids = Cids(cidFont.Value);
            // Aid's own faces reach PDFsharp as metrics fonts (FontFile.MetricsFont): the glyphs come from the whole font.
            var program = fontFile.Stream.Value;
            var face = CompactFont.MarkedFace(program);
            var whole = face is null ? null
                : FontRegistry.Find(face) ?? throw new InvalidOperationException($"The PDF draws with font {face}, which is not registered.");
            var name = face ?? BaseFont().Match(cidFont.Value).Groups[1].Value;
            var key = $"{name}|{program.Count}|{string.Join(',', cids)}";
            if (!Compacted.TryGetValue(key, out var compact))
            {
                var built = CompactFont.Build(whole?.Bytes ?? program.ToArray(), cids);
                if (built is null && whole is not null) throw new InvalidOperationException($"{whole.Path}: cannot subset the font.");
                if (built is null) continue;
                compact = (Deflate(built.Font), built.Font.Length, Deflate(built.CidToGidMap));
                if (Compacted.Count >= 1000) Compacted.Clear();
                Compacted[key] = compact;
            }
            fontFile.Stream = compact.Font;
            fontFile.Value = Length1().Replace(fontFile.Value, $"/Length1 {compact.Length}")[..^2] + "/Filter/FlateDecode>>";
            fontFile.Compressed = true;
            objects[next] = new PdfObject("<</Filter/FlateDecode>>", compact.Map) { Compressed = true };
            var withoutMap = IdentityMap().Replace(cidFont.Value, "");
            cidFont.Value = withoutMap[..^2] + $"/CIDToGIDMap {next} 0 R>>";
            next++;
        }

        // Write: every stream but the XMP packet deflated, offsets recorded for a fresh xref table.
        var output = new MemoryStream(length / 2);
        void Write(string s) => output.Write(Encoding.Latin1.GetBytes(s));
        Write(header);
        var offsets = new long[next];
        foreach (var (number, o) in objects)
        {
            offsets[number] = output.Position;
            Write($"{number} 0 obj\n");
            if (o.Stream is null)
            {
                Write(o.Value);
            }
            else
            {
                var data = o.Stream.Value;
                var dictionary = DirectLength().Replace(o.Value, "");
                if (!o.Compressed && !ReferenceEquals(o, metadataObject))
                {
                    if (FlateFilter().IsMatch(dictionary)) // images: PDFsharp deflates them whatever the options
                        data = Deflate(Inflate(data));
                    else if (!dictionary.Contains("/Filter", StringComparison.Ordinal))
                    {
                        data = Deflate(data);
                        dictionary = dictionary[..^2] + "/Filter/FlateDecode>>";
                    }
                }
                Write(dictionary[..^2] + $"/Length {data.Count}>>\nstream\n");
                output.Write(data.AsSpan());
                Write("\nendstream");
            }
            Write("\nendobj\n");
        }
        var xrefOffset = output.Position;
        var table = new StringBuilder($"xref\n0 {next}\n0000000000 65535 f\r\n");
        for (var i = 1; i < next; i++)
            table.Append(offsets[i] > 0 ? $"{offsets[i]:D10} 00000 n\r\n" : "0000000000 00000 f\r\n");
        Write(table.ToString());
        Write($"trailer\n{Size().Replace(trailer, $"/Size {next}")}\nstartxref\n{xrefOffset}\n%%EOF\n");
        return output.ToArray();
    }

    private static PdfObject ReadObject(byte[] pdf, int size, int offset)
    {
        var start = offset + pdf.AsSpan(offset, size - offset).IndexOf(" obj"u8) + 4;
        while (IsWhiteSpace(pdf[start])) start++;
        if (!pdf.AsSpan(start, size - start).StartsWith("<<"u8))
        {
            var endobj = start + pdf.AsSpan(start, size - start).IndexOf("endobj"u8);
            return new PdfObject(Encoding.Latin1.GetString(pdf, start, endobj - start).TrimEnd(), null);
        }
        var end = DictionaryEnd(pdf, size, start);
        var dictionary = Encoding.Latin1.GetString(pdf, start, end - start);
        var after = end;
        while (after < size && IsWhiteSpace(pdf[after])) after++;
        if (!pdf.AsSpan(after, size - after).StartsWith("stream"u8)) return new PdfObject(dictionary, null);
        after += 6;
        if (pdf[after] == '\r') after++;
        if (pdf[after] == '\n') after++;
        var length = DirectLength().Match(dictionary);
        if (!length.Success) throw new InvalidOperationException($"PDF object at {offset} has no direct /Length.");
        var streamLength = int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
        if (streamLength > size - after) throw new InvalidOperationException($"PDF object at {offset}: its stream runs past the end of the file.");
        return new PdfObject(dictionary, new ArraySegment<byte>(pdf, after, streamLength));
    }

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\f' or 0;

    /// <summary>The index just after the dictionary that opens at <paramref name="start"/> ("&lt;&lt;").</summary>
    private static int DictionaryEnd(byte[] pdf, int size, int start)
    {
        var depth = 0;
        for (var i = start; i < size; i++)
        {
            var c = pdf[i];
            if (c == '(')
            {
                var nesting = 0;
                for (; i < size; i++)
                {
                    if (pdf[i] == '\\') i++;
                    else if (pdf[i] == '(') nesting++;
                    else if (pdf[i] == ')' && --nesting == 0) break;
                }
            }
            else if (c == '<' && i + 1 < size && pdf[i + 1] == '<') { depth++; i++; }
            else if (c == '<') i += pdf.AsSpan(i, size - i).IndexOf((byte)'>');
            else if (c == '>' && i + 1 < size && pdf[i + 1] == '>')
            {
                i++;
                if (--depth == 0) return i + 1;
            }
        }
        throw new InvalidOperationException("Unterminated PDF dictionary.");
    }

    private static string? Reference(string dictionary, string key)
    {
        var match = References.GetOrAdd(key, k => new Regex($@"/{k}\s*(\d+\s+\d+\s+R)", RegexOptions.CultureInvariant)).Match(dictionary);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>The CIDs a CIDFont's /W array lists: PDFsharp writes one entry per glyph drawn.</summary>
    private static List<int> Cids(string cidFont)
    {
        var cids = new List<int>();
        var w = Widths().Match(cidFont);
        if (!w.Success) return cids;
        var at = w.Index + w.Length;
        var numbers = new List<int>();
        while (at < cidFont.Length && cidFont[at] != ']')
        {
            var c = cidFont[at];
            if (char.IsDigit(c))
            {
                var end = at;
                while (end < cidFont.Length && (char.IsDigit(cidFont[end]) || cidFont[end] == '.')) end++;
                numbers.Add((int)double.Parse(cidFont[at..end], CultureInfo.InvariantCulture));
                at = end;
                if (numbers.Count == 3) // "first last width"
                {
                    for (var cid = numbers[0]; cid <= numbers[1]; cid++) cids.Add(cid);
                    numbers.Clear();
                }
            }
            else if (c == '[') // "first [w1 w2 …]"
            {
                var close = cidFont.IndexOf(']', at);
                var widths = cidFont[(at + 1)..close].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
                for (var i = 0; i < widths; i++) cids.Add(numbers[0] + i);
                numbers.Clear();
                at = close + 1;
            }
            else at++;
        }
        return cids;
    }

    private static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 2 + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>Inflates PDFsharp's FlateDecode data (a zlib header and raw deflate, the Adler-32 trailer missing).</summary>
    private static byte[] Inflate(ArraySegment<byte> data)
    {
        using var input = new MemoryStream(data.Array!, data.Offset + 2, data.Count - 2);
        using var deflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        deflate.CopyTo(output);
        return output.ToArray();
    }

    // Compiled once: Regex's static methods keep only 15 patterns in their cache, fewer than a document's rewrite uses, so
    // each call parsed its pattern again under the cache's lock (a tenth of the rewrite, and contention on two cores).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> References = new();

    [GeneratedRegex(@"\d+")] private static partial Regex Digits();
    [GeneratedRegex("<([0-9A-Fa-f]{5,6})>")] private static partial Regex NonBmpCode();
    [GeneratedRegex(@"/BaseFont\s*/(?:[A-Z]{6}\+)?([^\s/<>\[\]()]+)")] private static partial Regex BaseFont();
    [GeneratedRegex(@"/Length1\s+\d+")] private static partial Regex Length1();
    [GeneratedRegex(@"/CIDToGIDMap\s*/Identity")] private static partial Regex IdentityMap();
    [GeneratedRegex(@"/Length\s+(\d+)(?![\d.\s]*R)")] private static partial Regex DirectLength();
    [GeneratedRegex(@"/Filter\s*/FlateDecode\b")] private static partial Regex FlateFilter();
    [GeneratedRegex(@"/Size\s+\d+")] private static partial Regex Size();
    [GeneratedRegex(@"/W\s*\[")] private static partial Regex Widths();

    /// <summary>
    /// Where PDFsharp writes the uncompressed document: a seekable write-only buffer rented from the shared array pool (a
    /// receipt is some hundred kilobytes: a fresh MemoryStream grew through five arrays on the large object heap and was then
    /// copied whole). <see cref="Rewrite"/> reads it in place; disposing returns the buffer. Buffers above 4 MiB (long
    /// statements) are plain arrays, left to the GC: the pool would keep them after the download.
    /// </summary>
    private sealed class RentedStream : Stream
    {
        private const int MaxPooled = 4 * 1024 * 1024;
        private byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(512 * 1024);
        private long _position;
        private long _length;

        public byte[] Buffer => _buffer;
        public override bool CanRead => false;
        public override bool CanSeek => true;
        public override bool CanWrite => true;
        public override long Length => _length;

        public override long Position
        {
            get => _position;
            set => _position = value is >= 0 && value <= int.MaxValue ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> data)
        {
            var end = _position + data.Length;
            if (end > _buffer.Length)
            {
                var size = (int)Math.Min(Array.MaxLength, Math.Max(end, 2L * _buffer.Length));
                var larger = size <= MaxPooled ? System.Buffers.ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
                _buffer.AsSpan(0, (int)_length).CopyTo(larger);
                Release(_buffer);
                _buffer = larger;
            }
            if (_position > _length) _buffer.AsSpan((int)_length, (int)(_position - _length)).Clear();
            data.CopyTo(_buffer.AsSpan((int)_position));
            _position = end;
            _length = Math.Max(_length, end);
        }

        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && _buffer.Length > 0)
            {
                Release(_buffer);
                _buffer = [];
            }
            base.Dispose(disposing);
        }

        private static void Release(byte[] buffer)
        {
            if (buffer.Length <= MaxPooled) System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
