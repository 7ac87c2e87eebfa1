namespace Aid.Tests.Support;

/// <summary>
/// Today as the service dates things: in its business time zone (Asia/Shanghai, UTC+8, the default <c>Aid:BusinessTimeZone</c>),
/// not in UTC. From 16:00 to 24:00 UTC the two differ by a day, and on 31 December by a year: a test comparing what the service
/// dated "today" with the UTC date fails for those hours.
/// </summary>
public static class BusinessToday
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateOnly Date => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);

    public static int Year => Date.Year;

    /// <summary><see cref="Date"/> as the API writes it, e.g. <c>2026-12-03</c>.</summary>
    public static string Text => Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
