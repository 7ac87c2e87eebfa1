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

    [Theory]
    [InlineData("AID-2022-000012")]
    [InlineData("2022-01-05")]
    [InlineData("12,345,678,901.23")]
    [InlineData("-1,234.56")]
    [InlineData("TX20220105-0001/A")]
    [InlineData("bank_transfer")]
    public void A_token_that_fits_a_line_is_never_broken(string token)
    {
        foreach (var text in new[] { $"收据 {token} 已开", $"收据{token}已开", $"Receipt {token}, issued", $"（{token}）", $"{token}（已冲销）" })
        {
            var lines = TextBreaker.Wrap(text, Width(token) + 1, Width);
            Assert.Contains(lines, l => l.Contains(token));
            Assert.Equal(text.Replace(" ", ""), string.Concat(lines).Replace(" ", ""));
        }
    }

    [Fact]
    public void A_token_longer_than_a_line_is_cut_after_a_hyphen_or_slash_when_it_can_be()
    {
        Assert.Equal(["AID-2022-", "000012"], TextBreaker.Wrap("AID-2022-000012", 12, Width));
        Assert.Equal(["AID-", "2022-", "000012"], TextBreaker.Wrap("AID-2022-000012", 6, Width));
        Assert.Equal(["ref/2022/", "A17"], TextBreaker.Wrap("ref/2022/A17", 10, Width));
        Assert.Equal(["-1,234,567.", "89"], TextBreaker.Wrap("-1,234,567.89", 11, Width)); // no "-" alone on a line
    }
}
