using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aid.Api.Infrastructure;

/// <summary>Timestamps go out as ISO 8601 UTC with a Z and microseconds: 2026-11-27T01:26:03.511863Z.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
}
