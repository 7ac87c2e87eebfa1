using System.Collections.Concurrent;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// The fonts receipts and statements are drawn with, primary first, chosen per character: WenQuanYi Micro Hei
/// for nearly everything, Droid Sans Fallback for rarer name characters (CJK Extension A: 䶮), HanaMin B for CJK
/// Extension B and beyond (𠮷) and HanaMin A for the BMP characters the first two lack. The cmaps are read once per
/// process; a font file itself only when a document first draws with it (<see cref="FontFile"/>).
/// </summary>
public sealed class CjkFonts
{
    public static readonly IReadOnlyList<string> WellKnownFiles =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", // fonts-hanazono: Extension B-F, TrueType outlines
        "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
        @"C:\Windows\Fonts\msyh.ttc",
        @"C:\Windows\Fonts\simsun.ttc",
        "/System/Library/Fonts/PingFang.ttc",
    ];

    /// <summary>The replacement drawn for a character no font has (𠮷 when fonts-hanazono is missing).</summary>
    public const string Replacement = "□";

    private CjkFonts(IReadOnlyList<FontFile> fonts, IReadOnlyList<string> problems)
    {
        Fonts = fonts;
        Problems = problems;
    }

    public IReadOnlyList<FontFile> Fonts { get; }
    public IReadOnlyList<string> Problems { get; }
    public bool Available => Fonts.Count > 0 && Fonts[0].Has('元') && Fonts[0].Has('A') && Fonts[0].Has('1');

    /// <summary>Configured files (Aid:Pdf:Fonts) if any are given, else the well-known system files that exist.</summary>
    public static CjkFonts Load(IReadOnlyList<string> configured)
    {
        var candidates = configured.Count > 0 ? configured : WellKnownFiles.Where(File.Exists).ToList();
        var fonts = new List<FontFile>();
        var problems = new List<string>();
        foreach (var path in candidates)
        {
            var font = FontFile.Load(path, FontRegistry.FaceNameFor(path));
            if (font is null) problems.Add($"{path}: missing, unreadable or not a TrueType font");
            else fonts.Add(font);
        }
        if (fonts.Count > 0 && !(fonts[0].Has('元') && fonts[0].Has('A')))
            problems.Add($"{fonts[0].Path}: the primary font must have both Chinese and Latin glyphs");
        var set = new CjkFonts(fonts, problems);
        if (set.Available) FontRegistry.Register(fonts);
        return set;
    }

    /// <summary>
    /// The XFont of one face, size and weight, made once per process and shared by all documents and threads (an XFont is
    /// read-only once made; making one takes PDFsharp's process-wide font lock, which rendering on two cores waited for).
    /// </summary>
    public XFont XFontFor(int index, double size, bool bold) => _xfonts.GetOrAdd((index, size, bold), static (key, fonts) =>
        new XFont(fonts[key.Font].FaceName, key.Size, key.Bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, new XPdfFontOptions(PdfFontEncoding.Unicode)),
        Fonts);

    private readonly ConcurrentDictionary<(int Font, double Size, bool Bold), XFont> _xfonts = new();

    /// <summary>
    /// Widths of single characters as PdfCanvas measures them, by code point, size and weight, shared by every document
    /// (<see cref="PdfCanvas.Measure"/>). Emptied if it ever holds a million entries.
    /// </summary>
    internal ConcurrentDictionary<(int Rune, double Size, bool Bold), double> Widths { get; } = new();

    /// <summary>Index of the first font that has the character, or -1.</summary>
    public int FontFor(int codePoint)
    {
        for (var i = 0; i < Fonts.Count; i++)
            if (Fonts[i].Has(codePoint)) return i;
        return -1;
    }

    /// <summary>Splits text into runs drawable with one font each; unknown characters become <see cref="Replacement"/>.</summary>
    public IEnumerable<(int Font, string Text)> Runs(string text, Action<int>? missing = null)
    {
        var current = -1;
        var run = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var font = FontFor(rune.Value);
            var piece = rune.ToString();
            if (font < 0)
            {
                missing?.Invoke(rune.Value);
                font = FontFor(Replacement[0]);
                piece = Replacement;
                if (font < 0) { font = 0; piece = "?"; }
            }
            if (font != current && run.Length > 0)
            {
                yield return (current, run.ToString());
                run.Clear();
            }
            current = font;
            run.Append(piece);
        }
        if (run.Length > 0) yield return (current, run.ToString());
    }
}

/// <summary>
/// PDFsharp's font resolver is process-global: it serves every face registered here by its face name
/// (also used as the family name). Bold is simulated: the CJK fonts have no bold face.
/// </summary>
internal static class FontRegistry
{
    private static readonly ConcurrentDictionary<string, FontFile> Faces = new();
    private static readonly Lock Gate = new();
    private static bool _installed;

    public static string FaceNameFor(string path) =>
        "Aid" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(path)))[..12];

    public static void Register(IEnumerable<FontFile> fonts)
    {
        foreach (var font in fonts) Faces.TryAdd(font.FaceName, font);
        lock (Gate)
        {
            if (_installed) return;
            GlobalFontSettings.FontResolver = new Resolver();
            _installed = true;
        }
    }

    /// <summary>The registered face of that name (the name a metrics font carries, <see cref="FontFile.MarkerTag"/>).</summary>
    public static FontFile? Find(string faceName) => Faces.GetValueOrDefault(faceName);

    private sealed class Resolver : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            Faces.ContainsKey(familyName) ? new FontResolverInfo(familyName, bold, italic) : null;

        public byte[]? GetFont(string faceName) => Faces.TryGetValue(faceName, out var font) ? font.MetricsFont : null;
    }
}
