using Aid.Application.Donors;

namespace Aid.Tests.Application;

public sealed class PinyinInitialsTests
{
    [Theory]
    [InlineData("张三明", "zsm")]
    [InlineData("李四", "ls")]
    [InlineData("蒋晟晖", "jsh")] // 晟 is read shèng in names (Unihan's first reading is chéng): scripts/pinyin-table.py NAME_READINGS
    [InlineData("  王 芳 ", "wf")]
    [InlineData("刘䶮", "ly")] // 䶮 U+4DAE, CJK Extension A
    [InlineData("𪚥", "z")] // U+2A6A5, Extension B
    [InlineData("𰻝𰻝面", "bbm")] // U+30EDD, Extension G
    [InlineData("𠮷田", "jt")] // U+20BB7, no reading of its own: that of 吉, which it looks like
    [InlineData("欧阳娜娜", "oynn")]
    public void A_person_s_name_gives_the_first_letter_of_each_character_s_pinyin(string name, string initials) =>
        Assert.Equal(initials, PinyinInitials.Of(name, person: true));

    [Theory]
    [InlineData("曾小贤", "zxx")] // everyday 曾 céng
    [InlineData("单田芳", "stf")] // 单 dān
    [InlineData("解缙", "xj")] // 解 jiě
    [InlineData("仇英", "qy")] // 仇 chóu
    [InlineData("区志坚", "ozj")] // 区 qū
    [InlineData("查良镛", "zly")] // 查 chá
    [InlineData("乐嘉", "yj")] // 乐 lè
    [InlineData("翟志刚", "zzg")] // 翟 dí
    [InlineData("覃雪", "qx")] // 覃 tán
    [InlineData("长孙无忌", "zswj")] // 长 alone is the surname cháng
    [InlineData("长江", "cj")]
    [InlineData("万俟卨", "mqx")] // 万 alone is wàn
    [InlineData("万里", "wl")]
    [InlineData("尉迟恭", "ycg")]
    [InlineData("单于", "cy")]
    [InlineData("沈从文", "scw")]
    [InlineData("朴树", "ps")]
    [InlineData("盖聂", "gn")]
    public void A_leading_surname_takes_its_reading_as_a_surname(string name, string initials) =>
        Assert.Equal(initials, PinyinInitials.Of(name, person: true));

    [Theory]
    [InlineData("曾经公司", "cjgs")] // an organisation's name has no surname: everyday readings
    [InlineData("单位捐款", "dwjk")]
    [InlineData("解放路小学", "jflxx")]
    public void An_organisation_s_name_uses_everyday_readings(string name, string initials) =>
        Assert.Equal(initials, PinyinInitials.Of(name, person: false));

    [Theory]
    [InlineData("ABC公司", "abcgs")]
    [InlineData("Zhang San 张三", "zhangsanzs")]
    [InlineData("３Ｍ中国", "3mzg")] // full-width letters and digits fold
    [InlineData("José 李", "josel")] // accents fold
    [InlineData("爱心-基金会（安康）No.1", "axjjhakno1")] // punctuation dropped
    [InlineData("さくら株式会社", "zshs")] // kana dropped, the Han characters kept
    [InlineData("김철수", "")] // Hangul dropped
    [InlineData("!!!", "")]
    public void Latin_letters_and_digits_are_kept_and_everything_else_is_dropped(string name, string initials) =>
        Assert.Equal(initials, PinyinInitials.Of(name, person: false));

    [Fact]
    public void The_key_is_at_most_200_characters() =>
        Assert.Equal(PinyinInitials.MaxLength, PinyinInitials.Of(new string('张', 150) + new string('a', 150), person: true).Length);

    [Fact]
    public void Every_Han_character_Unihan_reads_in_Mandarin_has_an_initial()
    {
        static List<string> Missing(int from, int to) => Enumerable.Range(from, to - from + 1).Select(char.ConvertFromUtf32)
            .Where(ch => PinyinInitials.Of(ch, person: false) is not { Length: 1 } key || !char.IsAsciiLetterLower(key[0])).ToList();
        // CJK Unified Ideographs to U+9FA5 (GBK's Han repertoire): all but ten Japanese-made characters (兙 decagram…).
        var unified = Missing(0x4E00, 0x9FA5);
        Assert.True(string.Concat(unified) == "兙兡嗧桛烪瓧瓰瓱瓼甅", $"{unified.Count} without an initial: {string.Concat(unified.Take(50))}");
        // Extension A: Unihan gives 5775 of its 6592 characters a Mandarin reading, and variants a few more.
        var extensionA = Missing(0x3400, 0x4DBF);
        Assert.True(extensionA.Count < 6592 - 5775, $"{extensionA.Count} of Extension A without an initial");
        Assert.DoesNotContain("䶮", extensionA);
    }

    [Theory]
    [InlineData("zsm", "zsm%")]
    [InlineData("ZSM", "zsm%")]
    [InlineData("z", "z%")]
    [InlineData("abcdefghij", "abcdefghij%")]
    [InlineData("abcdefghijk", null)] // longer than 10 letters: a name, not initials
    [InlineData("zs m", null)]
    [InlineData("zs1", null)]
    [InlineData("z%", null)]
    [InlineData("张三", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Only_1_to_10_ASCII_letters_are_searched_as_initials(string? query, string? prefix) =>
        Assert.Equal(prefix, PinyinInitials.QueryPrefix(query));
}
