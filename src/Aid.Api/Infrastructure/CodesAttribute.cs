using Aid.Application.Common;

namespace Aid.Api.Infrastructure;

/// <summary>The codes a request field accepts: listed as the field's <c>enum</c> in the OpenAPI document.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class CodesAttribute : Attribute
{
    public CodesAttribute(Type enumType) => Values = Codes.All(enumType);

    public CodesAttribute(params string[] values) => Values = values;

    public IReadOnlyList<string> Values { get; }
}
