using System.Globalization;
using Aid.Api.Pages;
using Aid.Application.Common;

namespace Aid.Tests.Pages;

/// <summary>
/// Amounts as people type them on the gift form become Aid's strict "1000.00"; what could be read two ways, or is not an amount
/// at all, is refused with the reason (and a Chinese message beside the field).
/// </summary>
public sealed class AmountInputTests
{
    [Theory]
    [InlineData("1000", "1000.00")]
    [InlineData("1,000.00", "1000.00")]
    [InlineData("1000.5", "1000.50")]
    [InlineData("1,000.5", "1000.50")]
    [InlineData("１０００", "1000.00")] // full-width digits (a Chinese input method)
    [InlineData("１，０００．５", "1000.50")] // full-width comma and point
    [InlineData("1000。5", "1000.50")] // the ideographic full stop as the decimal point
    [InlineData("¥1,000", "1000.00")]
    [InlineData("￥1000", "1000.00")] // full-width yen
    [InlineData("¥ 1,000.00", "1000.00")]
    [InlineData("1000元", "1000.00")]
    [InlineData("人民币 1,234,567.89 元", "1234567.89")]
    [InlineData("RMB1000", "1000.00")]
    [InlineData("cny 1000", "1000.00")]
    [InlineData("  1000\u3000", "1000.00")] // spaces around, ideographic space too
    [InlineData("1000.", "1000.00")]
    [InlineData(".5", "0.50")]
    [InlineData("0.01", "0.01")]
    [InlineData("01000", "1000.00")]
    [InlineData("999,999,999,999.99", "999999999999.99")]
    public void What_people_type_becomes_a_strict_amount(string typed, string expected)
    {
        Assert.Equal(InputProblem.None, AmountInput.TryAmount(typed, "CNY", out var amount));
        Assert.Equal(expected, amount);
        Assert.True(Money.TryParse(amount, out _, out _)); // what the application accepts
    }

    [Theory]
    [InlineData(null, InputProblem.Missing)]
    [InlineData("", InputProblem.Missing)]
    [InlineData("   ", InputProblem.Missing)]
    [InlineData("abc", InputProblem.NotANumber)]
    [InlineData("一千", InputProblem.NotANumber)]
    [InlineData("1e3", InputProblem.NotANumber)]
    [InlineData("12a", InputProblem.NotANumber)]
    [InlineData("1 000", InputProblem.NotANumber)] // a space inside the number: not guessed
    [InlineData("¥", InputProblem.NotANumber)]
    [InlineData(".", InputProblem.NotANumber)]
    [InlineData("+1000", InputProblem.NotANumber)]
    [InlineData("$1000", InputProblem.NotANumber)] // not the programme's currency
    [InlineData("1000.555", InputProblem.Decimals)]
    [InlineData("1,000.555", InputProblem.Decimals)]
    [InlineData("1000.500", InputProblem.Decimals)]
    [InlineData("-1000", InputProblem.Negative)]
    [InlineData("－１０００", InputProblem.Negative)] // full-width minus
    [InlineData("\u22121000", InputProblem.Negative)] // the minus sign
    [InlineData("¥-1,000", InputProblem.Negative)]
    [InlineData("-¥1,000", InputProblem.Negative)]
    [InlineData("0", InputProblem.Zero)]
    [InlineData("0.00", InputProblem.Zero)]
    [InlineData("¥0", InputProblem.Zero)]
    [InlineData("1,00", InputProblem.Grouping)] // a decimal comma, or a misplaced separator: never guessed
    [InlineData("1000,5", InputProblem.Grouping)]
    [InlineData("10,00.50", InputProblem.Grouping)]
    [InlineData("1.000,50", InputProblem.Grouping)]
    [InlineData("1.000.000", InputProblem.NotANumber)]
    [InlineData("1234567890123", InputProblem.TooLarge)]
    public void Anything_else_is_refused_with_its_reason(string? typed, InputProblem problem)
    {
        Assert.Equal(problem, AmountInput.TryAmount(typed, "CNY", out var amount));
        Assert.Equal("", amount);
    }

    [Theory]
    [InlineData("USD 1,000.50", "USD", "1000.50")]
    [InlineData("1000 usd", "USD", "1000.00")]
    [InlineData("¥1000", "USD", null)] // the yen sign is CNY's only
    public void Another_currency_takes_its_code(string typed, string currency, string? expected)
    {
        var problem = AmountInput.TryAmount(typed, currency, out var amount);
        Assert.Equal(expected is null ? InputProblem.NotANumber : InputProblem.None, problem);
        Assert.Equal(expected ?? "", amount);
    }

    [Theory]
    [InlineData("200", "200")]
    [InlineData("１２．５", "12.5")]
    [InlineData("1,200", "1200")]
    [InlineData("0.125", "0.125")]
    public void Quantities_take_up_to_three_decimals(string typed, string expected)
    {
        Assert.Equal(InputProblem.None, AmountInput.TryQuantity(typed, out var quantity));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), quantity);
    }

    [Theory]
    [InlineData("0", InputProblem.Zero)]
    [InlineData("1.2345", InputProblem.Decimals)]
    [InlineData("-3", InputProblem.Negative)]
    [InlineData("¥3", InputProblem.NotANumber)]
    [InlineData("", InputProblem.Missing)]
    public void Quantities_refuse_the_same_way(string typed, InputProblem problem) =>
        Assert.Equal(problem, AmountInput.TryQuantity(typed, out _));

    [Fact]
    public void The_messages_are_Chinese_on_a_Chinese_page_and_English_on_an_English_one()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            Assert.Equal("金额最多两位小数（精确到分），例如 1000.50。", AmountInput.AmountMessage(InputProblem.Decimals));
            Assert.Contains("数字", AmountInput.AmountMessage(InputProblem.NotANumber));
            foreach (var problem in Enum.GetValues<InputProblem>().Where(p => p != InputProblem.None))
            {
                Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", AmountInput.AmountMessage(problem));
                Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", AmountInput.QuantityMessage(problem));
            }
            CultureInfo.CurrentUICulture = new CultureInfo("en");
            Assert.Equal("An amount has at most two decimals, e.g. 1000.50.", AmountInput.AmountMessage(InputProblem.Decimals));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
