using Aid.Application.Students;
using Aid.Tests.Support;

namespace Aid.Tests.Application;

public sealed class StudentRulesTests
{
    [Theory]
    [InlineData("11010519491231002X")] // the GB 11643 example
    [InlineData("440524188001010014")]
    public void Accepts_id_numbers_with_the_right_check_character(string id) => Assert.True(StudentRules.IsValidIdNumber(id));

    [Theory]
    [InlineData("110105194912310021")] // wrong check character
    [InlineData("11010519491231002")]  // 17 characters
    [InlineData("11010519491231002XX")]
    [InlineData("1101051949123100AX")] // letters inside
    [InlineData("110105194913310026")] // month 13
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_everything_else(string? id) => Assert.False(StudentRules.IsValidIdNumber(id));

    [Fact]
    public void Generated_numbers_validate_and_carry_their_birth_date()
    {
        for (var i = 0; i < 200; i++)
        {
            var birth = new DateOnly(2005, 1, 1).AddDays(i * 17);
            var id = IdNumbers.Make(birth);
            Assert.True(StudentRules.IsValidIdNumber(id), id);
            Assert.Equal(birth, StudentRules.BirthDateOf(id));
            var wrong = id[..17] + (id[17] == '0' ? '1' : '0');
            Assert.False(StudentRules.IsValidIdNumber(wrong), wrong);
        }
    }

    [Fact]
    public void Masks_show_only_what_the_design_allows()
    {
        Assert.Equal("6109**********1234", StudentRules.MaskIdNumber("610927200803141234"));
        Assert.Equal("蒋*晖", StudentRules.MaskName("蒋晟晖"));
        Assert.Equal("李*", StudentRules.MaskName("李四"));
        Assert.Equal("欧**娜", StudentRules.MaskName("欧阳娜娜"));
        Assert.Equal("晟", StudentRules.GivenNameInitial("蒋晟晖"));
        Assert.Equal("娜", StudentRules.GivenNameInitial("欧阳娜娜"));
    }

    [Theory]
    [InlineData("13912345678", "139****5678")]
    [InlineData("+86 139-1234-5678", "+86 ***-****-5678")]
    [InlineData("0915-8812345", "091*-***2345")]
    [InlineData("1234567", "*******")]
    public void A_phone_keeps_its_first_three_and_last_four_characters(string phone, string masked) =>
        Assert.Equal(masked, StudentRules.MaskPhone(phone));

    [Theory]
    [InlineData("镇坪县城关镇新华街1号", "镇坪县城关镇****")]
    [InlineData("镇坪县城关镇新华街1号3单元502室", "镇坪县城关镇****")] // the length is hidden too
    [InlineData("城关镇", "****")]
    public void An_address_keeps_its_county_and_town_only(string address, string masked) =>
        Assert.Equal(masked, StudentRules.MaskAddress(address));

    [Fact]
    public void Age_counts_whole_years()
    {
        Assert.Equal(13, StudentRules.AgeOn(new DateOnly(2010, 6, 1), new DateOnly(2024, 5, 31)));
        Assert.Equal(14, StudentRules.AgeOn(new DateOnly(2010, 6, 1), new DateOnly(2024, 6, 1)));
    }
}
