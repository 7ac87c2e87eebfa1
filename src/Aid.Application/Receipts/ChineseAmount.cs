using System.Text;

namespace Aid.Application.Receipts;

/// <summary>
/// An amount in Chinese capitals (大写) as printed on receipts, from the same integer as the figures.
/// Rules of 支付结算办法 附一: a digit before every unit (壹拾), one 零 for a run of zeros between non-zero
/// digits except a run ending exactly at 万/亿 before a non-zero 仟 digit, no trailing zeros, 零 after 元 when
/// 角 is 0 and 分 is not or when the 元 digit is 0 and 角 is not, 整 after 元 or 角 but never after 分.
/// </summary>
public static class ChineseAmount
{
    private const string Digits = "零壹贰叁肆伍陆柒捌玖";
    private static readonly string[] SmallUnits = ["", "拾", "佰", "仟"];
    private static readonly string[] GroupUnits = ["", "万", "亿"];
    public const long MaxFen = 99_999_999_999_999; // 12 integer digits

    /// <summary>人民币 followed by the capitals: 140950 → 人民币壹仟肆佰零玖元伍角整.</summary>
    public static string Renminbi(long fen) => "人民币" + Capitals(fen);

    public static string Capitals(long fen)
    {
        if (fen <= 0) throw new ArgumentOutOfRangeException(nameof(fen), fen, "Only positive amounts are written in capitals (0 is never receipted).");
        if (fen > MaxFen) throw new ArgumentOutOfRangeException(nameof(fen), fen, "At most 12 integer digits.");

        var yuan = fen / 100;
        var jiao = (int)(fen / 10 % 10);
        var cents = (int)(fen % 10);
        var text = new StringBuilder();

        if (yuan > 0)
        {
            AppendInteger(text, yuan);
            text.Append('元');
            if (jiao == 0 && cents == 0) return text.Append('整').ToString();
            if (jiao == 0) return text.Append('零').Append(Digits[cents]).Append('分').ToString();
            if (yuan % 10 == 0) text.Append('零');
        }
        if (jiao > 0)
        {
            text.Append(Digits[jiao]).Append('角');
            return cents == 0 ? text.Append('整').ToString() : text.Append(Digits[cents]).Append('分').ToString();
        }
        return text.Append(Digits[cents]).Append('分').ToString();
    }

    private static void AppendInteger(StringBuilder text, long value)
    {
        var digits = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pendingZero = false;
        var groupHasDigit = false;
        for (var i = 0; i < digits.Length; i++)
        {
            var position = digits.Length - 1 - i; // 0 = 元 digit
            var digit = digits[i] - '0';
            if (digit == 0)
            {
                pendingZero = true;
            }
            else
            {
                if (pendingZero) text.Append('零');
                pendingZero = false;
                groupHasDigit = true;
                text.Append(Digits[digit]).Append(SmallUnits[position % 4]);
            }

            if (position % 4 == 0 && position > 0)
            {
                if (groupHasDigit)
                {
                    text.Append(GroupUnits[position / 4]);
                    // Zeros that end exactly at 万/亿 are absorbed by the unit; zeros after it start a new run.
                    pendingZero = false;
                }
                groupHasDigit = false;
            }
        }
    }
}
