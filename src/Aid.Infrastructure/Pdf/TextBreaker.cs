using System.Text;

namespace Aid.Infrastructure.Pdf;

/// <summary>
/// Line breaking for mixed Chinese and Latin text: a break may fall between any two CJK characters or at a
/// space, never before closing punctuation (，。）》…) and never after opening punctuation (（《“…).
/// </summary>
public static class TextBreaker
{
    private const string Closing = "，。、；：！？）》」』】〕〉”’…—·．,.;:!?)]}%％";
    private const string Opening = "（《「『【〔〈“‘([{";

    public static bool IsCjk(int c) =>
        c is >= 0x2E80 and <= 0x9FFF or >= 0xF900 and <= 0xFAFF or >= 0xFF00 and <= 0xFFEF or >= 0x20000 and <= 0x3FFFF;

    /// <summary>Pieces that must stay together on a line; trailing spaces belong to the piece before them.</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var glueNext = false; // after opening punctuation
        foreach (var rune in text.EnumerateRunes())
        {
            var s = rune.ToString();
            var c = rune.Value;
            if (c == ' ')
            {
                current.Append(' ');
                if (!glueNext) Flush();
                continue;
            }
            var isClosing = Closing.Contains(s, StringComparison.Ordinal);
            var isOpening = Opening.Contains(s, StringComparison.Ordinal);
            if (isClosing)
            {
                if (current.Length == 0 && tokens.Count > 0) { tokens[^1] += s; continue; }
                current.Append(s);
                continue;
            }
            if (IsCjk(c) && !glueNext)
            {
                Flush();
                current.Append(s);
                if (!isOpening) Flush();
            }
            else
            {
                if (current.Length > 0 && current[^1] == ' ' && !glueNext) Flush();
                current.Append(s);
            }
            glueNext = isOpening;
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (current.Length == 0) return;
            tokens.Add(current.ToString());
            current.Clear();
        }
    }

    /// <summary>
    /// Greedy wrap into lines no wider than <paramref name="width"/>. A token (a receipt number, a reference, a date, an amount) is
    /// never broken unless it alone is wider than a line; then it is cut after its last '-' or '/' that fits, else by character.
    /// </summary>
    public static List<string> Wrap(string text, double width, Func<string, double> measure)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = "";
            foreach (var token in Tokens(paragraph).SelectMany(t => measure(t.TrimEnd()) > width ? Unglue(t) : [t]))
            {
                var candidate = line.Length == 0 ? token.TrimStart() : line + token;
                if (line.Length > 0 && measure(candidate.TrimEnd()) > width)
                {
                    lines.Add(line.TrimEnd());
                    candidate = token.TrimStart();
                }
                line = candidate;
                if (measure(line.TrimEnd()) > width) line = CutByCharacter(line.TrimEnd(), width, measure, lines);
            }
            lines.Add(line.TrimEnd());
        }
        return lines;
    }

    /// <summary>
    /// A token too wide for a line, without the punctuation glued to it ("（AID-2022-000012）" → "（", "AID-2022-000012", "）"):
    /// a bracket may then stand at a line's edge, but the number inside stays whole.
    /// </summary>
    private static IEnumerable<string> Unglue(string token)
    {
        var text = token.TrimEnd();
        if (text.Length == 0) return [token];
        var start = 0;
        while (start < text.Length && Opening.Contains(text[start])) start++;
        var end = text.Length;
        while (end > start && Closing.Contains(text[end - 1])) end--;
        var parts = new[] { text[..start], text[start..end], text[end..] }.Where(p => p.Length > 0).ToList();
        parts[^1] += token[text.Length..];
        return parts;
    }

    private static string CutByCharacter(string text, double width, Func<string, double> measure, List<string> lines)
    {
        var piece = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            while (piece.Length > 0 && measure(piece + rune.ToString()) > width)
            {
                // "AID-2022-" | "000012" rather than "AID-2022-0000" | "12"; never a lone leading sign ("-" | "1,234.56").
                var cut = piece.ToString().LastIndexOfAny(['-', '/'], piece.Length - 1) + 1;
                if (cut <= 1) cut = piece.Length;
                lines.Add(piece.ToString(0, cut));
                piece.Remove(0, cut);
            }
            piece.Append(rune.ToString());
        }
        return piece.ToString();
    }
}
