namespace Aid.ClientTests.Support;

/// <summary>Valid 18-digit resident ID numbers (GB 11643 check character) with a chosen birth date.</summary>
public static class IdNumbers
{
    private static int _sequence = 100;

    public static string Make(DateOnly birthDate, string region = "610927")
    {
        var body = $"{region}{birthDate:yyyyMMdd}{Interlocked.Increment(ref _sequence) % 1000:000}";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }
}
