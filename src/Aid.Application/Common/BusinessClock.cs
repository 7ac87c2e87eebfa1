namespace Aid.Application.Common;

/// <summary>
/// Business dates ("today", a receipt's year) in the organisation's time zone, and timestamps
/// truncated to microseconds so that they survive every engine unchanged (the audit hash depends on it).
/// </summary>
public sealed class BusinessClock(TimeProvider time, TimeZoneInfo zone)
{
    public TimeZoneInfo Zone { get; } = zone;

    public DateTimeOffset UtcNow()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero);
    }

    public DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);
}
