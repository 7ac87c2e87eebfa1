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

    [Fact]
    public void Renminbi_prefixes_the_capitals() => Assert.Equal("人民币叁佰贰拾伍元零肆分", ChineseAmount.Renminbi(32504));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100000000000000)]
    public void Zero_negative_and_too_large_amounts_are_refused(long fen) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.Capitals(fen));
}
