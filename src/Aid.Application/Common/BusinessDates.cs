namespace Aid.Application.Common;

/// <summary>The span every business date (received, paid, due, consent) must fall in: a typo such as 0001 or 9999 is refused.</summary>
public static class BusinessDates
{
    public static readonly DateOnly Earliest = new(2000, 1, 1);
    public static readonly DateOnly Latest = new(2100, 12, 31);
}
