using Aid.Application.Common;

namespace Aid.Tests.Application;

public sealed class MoneyTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.5", 50)]
    [InlineData("0.05", 5)]
    [InlineData("1", 100)]
    [InlineData("1000.00", 100000)]
    [InlineData("1234.56", 123456)]
    [InlineData("999999999999.99", 99999999999999)]
    public void Parses_valid_amounts_to_minor_units(string text, long expected)
    {
        Assert.True(Money.TryParse(text, out var minor, out var error), error);
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("1.001")]          // more than two decimals
    [InlineData("-1.00")]          // sign
    [InlineData("+1.00")]          // sign
    [InlineData("1e3")]            // exponent
    [InlineData("1E3")]
    [InlineData("1,000.00")]       // thousands separator
    [InlineData("1 000.00")]
    [InlineData(" 1.00")]          // spaces
    [InlineData("1.00 ")]
    [InlineData("1000000000000")]  // 13 integer digits
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("01.00")]          // leading zero
    [InlineData("１２")]           // full-width digits
    [InlineData("٣")]              // other Unicode digits
    [InlineData("NaN")]
    [InlineData("0x10")]
    [InlineData("1.0.0")]
    public void Rejects_every_other_form(string? text)
    {
        Assert.False(Money.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(5, "0.05")]
    [InlineData(50, "0.50")]
    [InlineData(123456, "1234.56")]
    [InlineData(-123456, "-1234.56")]
    [InlineData(99999999999999, "999999999999.99")]
    [InlineData(-5, "-0.05")]
    [InlineData(-100, "-1.00")]
    [InlineData(long.MaxValue, "92233720368547758.07")]
    [InlineData(long.MinValue, "-92233720368547758.08")]
    public void Formats_with_exactly_two_decimals(long minor, string expected) => Assert.Equal(expected, Money.Format(minor));

    [Fact]
    public void Format_and_parse_round_trip()
    {
        var random = new Random(20211);
        for (var i = 0; i < 10_000; i++)
        {
            var minor = random.NextInt64(0, 99999999999999);
            Assert.Equal(minor, Money.Parse(Money.Format(minor)));
        }
    }
}
