using System.Globalization;

namespace Aid.Application.Students;

/// <summary>Codes: <c>active</c>, <c>graduated</c>, <c>withdrawn</c> (see <see cref="Common.Codes"/>).</summary>
public enum StudentStatus { Active, Graduated, Withdrawn }

/// <summary>Codes: <c>female</c>, <c>male</c>.</summary>
public enum Gender { Female, Male }

/// <summary>Pure rules about students' personal data: ID numbers (GB 11643), masking, age.</summary>
public static class StudentRules
{
    /// <summary>
    /// The earliest birth date a student may have (the latest is <see cref="Common.BusinessDates.Latest"/>): the programmes
    /// help pupils and students in school, so a birth date before 1990 is a typo.
    /// </summary>
    public static readonly DateOnly EarliestBirthDate = new(1990, 1, 1);

    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckCharacters = "10X98765432";

    /// <summary>Under this age a guardian's consent is needed before sponsoring or paying (sensitive personal information of a minor).</summary>
    public const int ConsentAge = 14;

    /// <summary>An 18-character resident ID number: 17 digits, a check character per GB 11643, and a real birth date inside.</summary>
    public static bool IsValidIdNumber(string? id)
    {
        if (id is null || id.Length != 18) return false;
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (id[i] is < '0' or > '9') return false;
            sum += (id[i] - '0') * Weights[i];
        }
        return char.ToUpperInvariant(id[17]) == CheckCharacters[sum % 11] && BirthDateOf(id) is not null;
    }

    public static DateOnly? BirthDateOf(string id) =>
        id.Length >= 14 && DateOnly.TryParseExact(id.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>6124**********1234: first four and last four only.</summary>
    public static string MaskIdNumber(string id) => id.Length < 8 ? new string('*', id.Length) : id[..4] + new string('*', id.Length - 8) + id[^4..];

    /// <summary>13912345678 → 139****5678: the first three and last four characters, the digits between starred (spaces and dashes stay).</summary>
    public static string MaskPhone(string phone)
    {
        var p = phone.Trim();
        if (p.Length < 8) return new string('*', p.Length);
        return p[..3] + string.Concat(p[3..^4].Select(c => char.IsAsciiDigit(c) ? '*' : c)) + p[^4..];
    }

    /// <summary>镇坪县城关镇新华街1号 → 镇坪县城关镇****: the first six characters (county and town), the rest hidden, its length too.</summary>
    public static string MaskAddress(string address)
    {
        var runes = address.Trim().EnumerateRunes().Select(r => r.ToString()).ToList();
        return runes.Count <= 6 ? "****" : string.Concat(runes.Take(6)) + "****";
    }

    /// <summary>蒋晟晖 → 蒋*晖; 李四 → 李*.</summary>
    public static string MaskName(string name)
    {
        var runes = name.EnumerateRunes().Select(r => r.ToString()).ToList();
        return runes.Count switch
        {
            0 => "",
            1 => "*",
            2 => runes[0] + "*",
            _ => runes[0] + new string('*', runes.Count - 2) + runes[^1],
        };
    }

    private static readonly string[] CompoundSurnames = ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文", "轩辕", "端木"];

    /// <summary>The first character of the given name (蒋晟晖 → 晟; 欧阳娜娜 → 娜): all a donor learns of a sponsored student's name.</summary>
    public static string GivenNameInitial(string name)
    {
        var surnameLength = CompoundSurnames.Any(s => name.StartsWith(s, StringComparison.Ordinal)) ? 2 : 1;
        var runes = name.EnumerateRunes().Select(r => r.ToString()).ToList();
        return runes.Count > surnameLength ? runes[surnameLength] : "";
    }

    public static int AgeOn(DateOnly birthDate, DateOnly day)
    {
        var age = day.Year - birthDate.Year;
        if (day < birthDate.AddYears(age)) age--;
        return age;
    }

    /// <summary>"2021-2022": consecutive years.</summary>
    public static bool IsAcademicYear(string? text) =>
        text is { Length: 9 } && text[4] == '-' && int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var from)
        && int.TryParse(text.AsSpan(5, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var to) && to == from + 1 && from is >= 2000 and <= 2100;
}
