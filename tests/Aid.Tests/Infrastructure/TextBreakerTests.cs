using Aid.Infrastructure.Pdf;

namespace Aid.Tests.Infrastructure;

public sealed class TextBreakerTests
{
    // One unit per character: Chinese and Latin alike, so widths are easy to reason about.
    private static double Width(string s) => s.EnumerateRunes().Count();

    [Fact]
    public void Chinese_breaks_between_any_two_characters()
    {
        var lines = TextBreaker.Wrap("青系镇坪雏鹰伴翔助学项目", 5, Width);
        Assert.Equal(["青系镇坪雏", "鹰伴翔助学", "项目"], lines);
    }

    [Fact]
    public void Closing_punctuation_never_starts_a_line_and_opening_never_ends_one()
    {
        var lines = TextBreaker.Wrap("青系镇坪，雏鹰伴翔（镇坪县）。", 5, Width);
        Assert.All(lines, l => Assert.False("，。）".Contains(l[0]), $"line starts with closing punctuation: {string.Join("|", lines)}"));
        Assert.All(lines, l => Assert.False("（".Contains(l[^1]), $"line ends with opening punctuation: {string.Join("|", lines)}"));
        Assert.Equal("青系镇坪，雏鹰伴翔（镇坪县）。", string.Concat(lines));
    }

    [Fact]
    public void Latin_words_break_at_spaces_and_overlong_words_are_cut()
    {
        Assert.Equal(["Donation", "receipt for", "2022"], TextBreaker.Wrap("Donation receipt for 2022", 11, Width));
        Assert.Equal(["ABCDE", "FGHIJ", "K"], TextBreaker.Wrap("ABCDEFGHIJK", 5, Width));
    }

    [Fact]
    public void Mixed_text_keeps_every_character()
    {
        const string text = "捐赠人 Jiang Shenghui 蒋晟晖 捐赠人民币 1,000.00 元整，用于2022-2023学年助学金。";
        var lines = TextBreaker.Wrap(text, 9, Width);
        Assert.All(lines, l => Assert.True(Width(l) <= 9, l));
        Assert.Equal(text.Replace(" ", ""), string.Concat(lines).Replace(" ", ""));
    }
}
