using System.Globalization;
using System.Text;

namespace Aid.Application.Donors;

/// <summary>
/// A name's search key: 张三明 → <c>zsm</c>, ABC公司 → <c>abcgs</c>. Each Han character gives the first letter of its
/// pinyin (zh, ch, sh give z, c, s); Latin letters and digits are kept, lower-cased (full-width forms and accents folded:
/// Ｊｏｓé → jose); everything else (spaces, punctuation, kana, Hangul…) is dropped. A person's name starting with a
/// surname read differently as a surname takes that reading (曾 zēng, 单 shàn, 解 xiè, 长孙 zhǎngsūn…).
/// The readings come from Unihan (kMandarin) through <c>scripts/pinyin-table.py</c>, which generates the embedded
/// <c>PinyinInitials.txt</c>; a character without a reading there is dropped.
/// </summary>
public static class PinyinInitials
{
    /// <summary>The longest key stored (<c>donors.name_initials</c>); a name is at most 200 characters too.</summary>
    public const int MaxLength = 200;

    /// <summary>The longest query that is also tried as initials.</summary>
    public const int MaxQueryLength = 10;

    private static readonly Lazy<Table> Data = new(Table.Load);

    /// <summary>The key of <paramref name="name"/>; <paramref name="person"/>: read a leading surname as a surname.</summary>
    public static string Of(string name, bool person)
    {
        var text = name.Trim().Normalize(NormalizationForm.FormKD);
        var table = Data.Value;
        var key = new StringBuilder(Math.Min(text.Length, MaxLength));
        var rest = text.AsSpan();
        if (person && table.Surname(rest) is { } surname)
        {
            key.Append(surname.Initials);
            rest = rest[surname.Length..];
        }
        foreach (var rune in rest.EnumerateRunes())
        {
            if (key.Length >= MaxLength) break;
            if (rune.IsAscii && char.IsAsciiLetterOrDigit((char)rune.Value)) key.Append(char.ToLowerInvariant((char)rune.Value));
            else if (table.Initial(rune.Value) is { } initial) key.Append(initial);
        }
        return key.Length > MaxLength ? key.ToString(0, MaxLength) : key.ToString();
    }

    /// <summary>
    /// The LIKE pattern (a prefix) a search text is also matched with against the keys, or null when the text is not
    /// 1 to <see cref="MaxQueryLength"/> ASCII letters: <c>ZSM</c> → <c>zsm%</c>. Letters only, so nothing needs escaping.
    /// </summary>
    public static string? QueryPrefix(string? text) =>
        text is { Length: > 0 and <= MaxQueryLength } && text.All(char.IsAsciiLetter) ? text.ToLowerInvariant() + "%" : null;

    /// <summary>The embedded table: segments of consecutive code points (binary searched) and the surname readings.</summary>
    private sealed class Table
    {
        private readonly int[] _starts;
        private readonly string[] _letters;
        private readonly Dictionary<string, string> _surnames;
        private readonly int _longestSurname;

        private Table(int[] starts, string[] letters, Dictionary<string, string> surnames)
        {
            _starts = starts;
            _letters = letters;
            _surnames = surnames;
            _longestSurname = surnames.Keys.Max(k => k.Length);
        }

        public const string ResourceName = "pinyin-initials.txt";

        public static Table Load()
        {
            using var stream = typeof(PinyinInitials).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var segments = new List<(int Start, string Letters)>();
            var surnames = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var parts = line.Split(' ');
                if (parts[0] == "=") surnames[parts[1]] = parts[2];
                else segments.Add((int.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture), parts[1]));
            }
            segments.Sort((a, b) => a.Start.CompareTo(b.Start));
            return new Table(segments.Select(s => s.Start).ToArray(), segments.Select(s => s.Letters).ToArray(), surnames);
        }

        public char? Initial(int codePoint)
        {
            var i = Array.BinarySearch(_starts, codePoint);
            if (i < 0) i = ~i - 1;
            if (i < 0) return null;
            var offset = codePoint - _starts[i];
            return offset < _letters[i].Length && _letters[i][offset] != '.' ? _letters[i][offset] : null;
        }

        /// <summary>The longest listed surname <paramref name="name"/> starts with (compound surnames before single ones).</summary>
        public (int Length, string Initials)? Surname(ReadOnlySpan<char> name)
        {
            for (var length = Math.Min(_longestSurname, name.Length); length > 0; length--)
                if (_surnames.TryGetValue(name[..length].ToString(), out var initials))
                    return (length, initials);
            return null;
        }
    }
}
