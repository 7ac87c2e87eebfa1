using System.Globalization;
using Aid.Application.Receipts;

namespace Aid.Tests.Application;

public sealed class ChineseAmountTests
{
    [Theory] // 支付结算办法 附一: the official examples
    [InlineData(140950, "壹仟肆佰零玖元伍角整")]
    [InlineData(600714, "陆仟零柒元壹角肆分")]
    [InlineData(168032, "壹仟陆佰捌拾元零叁角贰分")]
    [InlineData(10700053, "壹拾万柒仟元零伍角叁分")]
    [InlineData(1640902, "壹万陆仟肆佰零玖元零贰分")]
    [InlineData(32504, "叁佰贰拾伍元零肆分")]
    public void Official_examples_come_out_exactly(long fen, string expected) => Assert.Equal(expected, ChineseAmount.Capitals(fen));

    [Theory]
    [InlineData(1000, "壹拾元整")]                          // a digit before a leading 拾
    [InlineData(10000000, "壹拾万元整")]
    [InlineData(100, "壹元整")]
    [InlineData(50, "伍角整")]                               // under one yuan starts at 角
    [InlineData(5, "伍分")]                                  // never 整 after 分
    [InlineData(55, "伍角伍分")]
    [InlineData(105, "壹元零伍分")]                          // 角 0, 分 not
    [InlineData(1030, "壹拾元零叁角整")]                     // 元 digit 0, 角 not
    [InlineData(100000, "壹仟元整")]                         // trailing zeros not written
    [InlineData(100500, "壹仟零伍元整")]                     // a run of zeros is one 零
    [InlineData(1000500, "壹万零伍元整")]
    [InlineData(100007000, "壹佰万零柒拾元整")]
    [InlineData(100700000, "壹佰万柒仟元整")]                // zeros ending at 万 before a non-zero 仟: no 零
    [InlineData(10000000500, "壹亿零伍元整")]                // an all-zero 万 group
    [InlineData(10001000000, "壹亿零壹万元整")]
    [InlineData(100100000000, "壹拾亿零壹佰万元整")]
    [InlineData(10500000000, "壹亿零伍佰万元整")]
    [InlineData(15000000000, "壹亿伍仟万元整")]              // zeros ending at 亿 before a non-zero 仟
    [InlineData(99999999999999, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分")] // 12 integer digits
    [InlineData(99999999999901, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元零壹分")]
    public void Every_rule_holds(long fen, string expected) => Assert.Equal(expected, ChineseAmount.Capitals(fen));

    [Theory] // the zero-boundary families of the pinned rule (DESIGN.md: 大写)
    [InlineData(10000100000, "壹亿零壹仟元整")]              // a zero run covering the whole 万 group writes 零 …
    [InlineData(1000000100000, "壹佰亿零壹仟元整")]
    [InlineData(5000800000, "伍仟万捌仟元整")]               // … one ending at 万 before a non-zero 仟 does not
    [InlineData(100100000, "壹佰万壹仟元整")]
    [InlineData(105000000000, "壹拾亿伍仟万元整")]           // the same at 亿
    [InlineData(100500000000, "壹拾亿零伍佰万元整")]         // a run ending before 佰 (not 仟) writes 零
    [InlineData(20030040000, "贰亿零叁拾万零肆佰元整")]
    [InlineData(10000001000, "壹亿零壹拾元整")]
    [InlineData(123000000500, "壹拾贰亿叁仟万零伍元整")]
    [InlineData(10000000000, "壹亿元整")]
    [InlineData(10000000005, "壹亿元零伍分")]                // 角分 after a round 亿
    [InlineData(10000000050, "壹亿元零伍角整")]
    [InlineData(10000000055, "壹亿元零伍角伍分")]
    [InlineData(1000010, "壹万元零壹角整")]
    [InlineData(1000101, "壹万零壹元零壹分")]
    public void Every_zero_boundary_family_is_written_as_pinned(long fen, string expected) => Assert.Equal(expected, ChineseAmount.Capitals(fen));

    [Fact]
    public void A_hundred_thousand_random_amounts_agree_with_an_independent_writing_of_the_rule()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 100_000; i++)
        {
            // Zero-heavy digits, so runs of zeros fall on every group boundary; up to 12 integer digits and two decimals.
            var length = random.Next(1, 15);
            long fen = 0;
            for (var d = 0; d < length; d++) fen = fen * 10 + (random.Next(3) == 0 ? random.Next(1, 10) : 0);
            if (fen == 0) fen = random.NextInt64(1, 100_000_000_000_000);
            Assert.Equal(Independent(fen), ChineseAmount.Capitals(fen));
        }
    }

    /// <summary>
    /// The rule written another way than production: digit by digit from the top with explicit zero runs. A run of zeros
    /// between non-zero digits is one 零, except a run that ends on the 万 or 亿 digit before a non-zero 仟 and does not cover
    /// a whole group of four; trailing zeros are not written; then 元 and the 角分 rules.
    /// </summary>
    private static string Independent(long fen)
    {
        const string digits = "零壹贰叁肆伍陆柒捌玖";
        string[] places = ["", "拾", "佰", "仟"];
        string[] groups = ["", "万", "亿"];
        var yuan = fen / 100;
        var (jiao, cents) = (fen / 10 % 10, fen % 10);
        var text = new System.Text.StringBuilder();
        var all = yuan.ToString(CultureInfo.InvariantCulture);
        var runStart = -1; // position (power of ten) where the current run of zeros began
        for (var i = 0; i < all.Length; i++)
        {
            var position = all.Length - 1 - i;
            var digit = all[i] - '0';
            if (digit == 0)
            {
                if (runStart < 0 && text.Length > 0) runStart = position;
            }
            else
            {
                if (runStart >= 0)
                {
                    var runEnd = position + 1; // the lowest zero of the run
                    var endsOnGroupDigit = runEnd is 4 or 8 && position == runEnd - 1;
                    var coversGroup = runStart - runEnd + 1 >= 4 && Enumerable.Range(0, 4).Any(k => (runEnd + k) % 4 == 0 && runEnd + k + 3 <= runStart);
                    if (!endsOnGroupDigit || coversGroup) text.Append('零');
                    runStart = -1;
                }
                text.Append(digits[digit]).Append(places[position % 4]);
            }
            if (position % 4 == 0 && position > 0)
            {
                var group = all.Substring(Math.Max(0, i - 3), Math.Min(4, i + 1));
                if (group.Any(c => c != '0')) text.Append(groups[position / 4]);
            }
        }
        if (yuan > 0) text.Append('元');
        if (jiao == 0 && cents == 0) return text.Append('整').ToString();
        if (jiao == 0) return text.Append(yuan > 0 ? "零" : "").Append(digits[(int)cents]).Append('分').ToString();
        if (yuan > 0 && yuan % 10 == 0) text.Append('零');
        text.Append(digits[(int)jiao]).Append('角');
        return (cents == 0 ? text.Append('整') : text.Append(digits[(int)cents]).Append('分')).ToString();
    }

    [Fact]
    public void Renminbi_prefixes_the_capitals() => Assert.Equal("人民币叁佰贰拾伍元零肆分", ChineseAmount.Renminbi(32504));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100000000000000)]
    public void Zero_negative_and_too_large_amounts_are_refused(long fen) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.Capitals(fen));
}
