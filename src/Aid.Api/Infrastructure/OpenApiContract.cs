using System.Text.Json.Nodes;
using Aid.Application.Common;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Aid.Api.Infrastructure;

/// <summary>
/// Makes <c>/openapi/v1.json</c> tell the truth, so generated clients work on the first error too: a bearer security
/// scheme, an operationId per operation, every error answer with its ProblemDetails schema, typed file answers,
/// the Idempotency-Key header where honoured, timestamps as date-time, money as a pattern, and request fields
/// required exactly when their validator requires them.
/// </summary>
internal static class OpenApiContract
{
    public const string SecurityScheme = "bearer";
    private const string Problem = "ProblemDetails";
    private const string ValidationProblem = "ValidationProblemDetails";

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Programmes", "Aid programmes (项目): their money is restricted to them. Balance and annual statements."),
        ("Donors", "People and organisations who give (捐赠人)."),
        ("Pledges", "Promises to give, with an instalment schedule (认捐)."),
        ("Gifts", "Money and goods received (捐赠), each a balanced journal entry; reversed, never deleted."),
        ("Goods", "Handing out goods received in kind."),
        ("Receipts", "Donation receipts (捐赠收据) with gap-free numbers, a PDF with the amount in 大写 and a verification QR code."),
        ("Receipt runs", "All receipts of a programme and year in one resumable batch."),
        ("Students", "Registered students (pseudonymous codes; ID numbers, phones and addresses encrypted)."),
        ("Sponsorships", "A donor sponsoring a student (结对) for academic years."),
        ("Disbursements", "Aid paid to students: requested, approved by a second person, paid; never beyond the balance."),
        ("Statements", "Annual programme statements (PDF, CSV, XLSX), audit packs and donor statements."),
        ("Audit", "The tamper-evident audit trail and its verification."),
        ("API keys", "Keys for programs and people: roles admin, manager, auditor, donor, with programme/donor scope. Every key belongs to a person and acts with their role and scope."),
        ("Users", "People's accounts (admins): roles and scopes as for API keys, one-time links to choose a password, disabling, further keys; "
            + "everyone's own account and keys; the organisation's sign-in rules."),
        ("Verification", "Public verification of a receipt by number and code (no key)."),
        ("Health", "Liveness and readiness (no key)."),
    ];

    public static IServiceCollection AddAidOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer(DescribeDocument);
        options.AddOperationTransformer(DescribeOperation);
        options.AddSchemaTransformer(DescribeSchema);
    });

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "Aid API";
        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };
        document.Info.Description = "Donations and student aid, exact to the fen. Amounts are decimal strings with two places (\"1000.00\"), " +
            "dates yyyy-MM-dd, timestamps ISO 8601 UTC. Send `Authorization: Bearer <api key>`. Errors are RFC 9457 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "API key (aid_…)",
            Description = "An Aid API key: `Authorization: Bearer aid_…`.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[Problem] = ProblemSchema(withErrors: false);
        document.Components.Schemas[ValidationProblem] = ProblemSchema(withErrors: true);
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, document)] = [] }];
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
        // Liveness and readiness are for load balancers, not API clients: they stay out of the contract (/health stays in).
        foreach (var health in document.Paths.Keys.Where(p => p.StartsWith("/health/", StringComparison.Ordinal)).ToList())
            document.Paths.Remove(health);
        return Task.CompletedTask;
    }

    private static OpenApiSchema ProblemSchema(bool withErrors)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = withErrors ? "A problem with the request's fields: `errors` names each bad field with its messages." : "RFC 9457 problem details.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
            },
            AdditionalPropertiesAllowed = true,
        };
        if (withErrors)
            schema.Properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            };
        return schema;
    }

    private static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var path = "/" + (description.RelativePath ?? "").TrimStart('/');
        var method = description.HttpMethod ?? "GET";
        var document = context.Document!;
        operation.OperationId ??= OperationId(method, path);

        var anonymous = metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any();
        if (anonymous) operation.Security = [];

        operation.Responses ??= new OpenApiResponses();
        var hasBody = description.ParameterDescriptions.Any(p => p.Source.Id == "Body");
        var hasInput = hasBody || description.ParameterDescriptions.Any(p => p.Source.Id is "Query" or "Path" or "Header");
        if (hasInput) AddProblem(operation, document, "400", "The request is not valid: `errors` names each bad field.", ValidationProblem);
        if (!anonymous)
        {
            AddProblem(operation, document, "401", "No valid API key was sent.", Problem);
            AddProblem(operation, document, "403", "The key's role may not do this.", Problem);
        }
        if (path.Contains('{')) AddProblem(operation, document, "404", "Not found, or outside the key's programmes.", Problem);
        if (method is "POST" or "PATCH" or "PUT" or "DELETE")
            AddProblem(operation, document, "409", "Conflicts with the current state (duplicate reference, insufficient balance, state change not allowed).", Problem);
        if (method == "PATCH")
        {
            AddProblem(operation, document, "412", "If-Match does not match the resource's current ETag: read it again.", Problem);
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match", In = ParameterLocation.Header, Required = false,
                Description = "The ETag you read: the update is refused (412) when the resource changed since.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (hasBody)
        {
            AddProblem(operation, document, "413", "The request body is larger than allowed.", Problem);
            AddProblem(operation, document, "415", "The body is not application/json.", Problem);
        }
        if (!anonymous || path.StartsWith("/verify", StringComparison.Ordinal))
        {
            AddProblem(operation, document, "429", "Too many requests (failed authentications, or public verifications): wait Retry-After seconds.", Problem);
            if (operation.Responses["429"] is OpenApiResponse throttled)
                throttled.Headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                };
        }

        if (FileType(path) is { } contentType)
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = $"The file ({contentType}).",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [contentType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                },
            };

        if (path.EndsWith("/statements/{year}.csv", StringComparison.Ordinal)) operation.Deprecated = true;

        // The public verification answers JSON when asked for it, otherwise a page for people.
        if (path.StartsWith("/verify/", StringComparison.Ordinal) && operation.Responses.TryGetValue("200", out var verified) && verified.Content is { } media)
            media["text/html"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

        if (metadata.OfType<IdempotentEndpointMetadata>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Idempotency.Header, In = ParameterLocation.Header, Required = false,
                Description = "Makes a retry safe: the same key with the same body answers the first response again; with a different body, 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200, Pattern = "^[!-~]+$" },
                Example = JsonValue.Create("gift-2026-09-05-0001"),
            });
        }
        return Task.CompletedTask;
    }

    private static void AddProblem(OpenApiOperation operation, OpenApiDocument document, string status, string description, string schema)
    {
        // An error answer the endpoint declared without a body (TypedResults.NotFound()) still carries a problem body.
        if (operation.Responses!.TryGetValue(status, out var declared))
        {
            if (declared is OpenApiResponse response && (response.Content is null || response.Content.Count == 0))
                response.Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
                };
            return;
        }
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
            },
        };
    }

    private static string? FileType(string path) =>
        path.EndsWith("/imports/template.csv", StringComparison.Ordinal) ? "text/csv"
        : path.StartsWith("/api/v1/imports/", StringComparison.Ordinal) && path.EndsWith("/file", StringComparison.Ordinal) ? "application/octet-stream"
        : path.EndsWith(".pdf", StringComparison.Ordinal) || path.EndsWith("/pdf", StringComparison.Ordinal) ? "application/pdf"
        : path.EndsWith(".zip", StringComparison.Ordinal) || path.EndsWith(".csv", StringComparison.Ordinal) || path.EndsWith("/zip", StringComparison.Ordinal) ? "application/zip"
        : path.EndsWith(".xlsx", StringComparison.Ordinal) ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        : null;

    /// <summary>POST /api/v1/gifts/{id}/reverse → postGiftsByIdReverse: the verb and the path, without the common prefix.</summary>
    internal static string OperationId(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s is not ("api" or "v1"));
        var words = segments.Select(segment =>
        {
            if (!segment.StartsWith('{')) return Pascal(segment.Replace(".", "-"));
            var close = segment.IndexOf('}');
            return "By" + Pascal(segment[1..close].Split(':')[0]) + Pascal(segment[(close + 1)..].Replace(".", "-")); // {year}.pdf → ByYearPdf
        });
        return method.ToLowerInvariant() + string.Concat(words);
    }

    private static string Pascal(string text) =>
        string.Concat(text.Split('-', '_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTimeOffset?))
        {
            schema.Type = type == typeof(DateTimeOffset) ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
            schema.Examples ??= [JsonValue.Create("2026-09-05T02:30:00.000000Z")];
        }

        // XML <example>1000.00</example> is read as a number; a string field's example must be a string.
        if (schema.Type is { } t && t.HasFlag(JsonSchemaType.String) && schema.Examples is { Count: > 0 } examples)
            schema.Examples = examples.Select(e => e is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.Number
                ? JsonValue.Create(v.ToJsonString()) : e).ToList();

        // Codes: the values a field accepts, from the same enum the edge parses them with.
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(CodesAttribute), false) is [CodesAttribute codes, ..])
            schema.Enum = codes.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();

        // Money: every amount is a decimal string with at most two places.
        if (context.JsonPropertyInfo is { } property && property.PropertyType == typeof(string) && MoneyFields.Contains(property.Name))
            schema.Pattern ??= MoneyPattern;

        // A request's field is required exactly when its validator requires it without a condition.
        if (typeof(IApiRequest).IsAssignableFrom(type) && context.ApplicationServices.GetService(typeof(IValidator<>).MakeGenericType(type)) is IValidator validator)
        {
            var descriptor = validator.CreateDescriptor();
            var required = context.JsonTypeInfo.Properties
                .Where(p => p.AttributeProvider is System.Reflection.PropertyInfo info && descriptor.GetRulesForMember(info.Name)
                    .Any(rule => !rule.HasCondition && !rule.HasAsyncCondition && rule.Components.Any(c =>
                        c.Validator is INotNullValidator or INotEmptyValidator or IRequiresValue && !c.HasCondition && !c.HasAsyncCondition)))
                .Select(p => p.Name);
            schema.Required = new HashSet<string>(required);
        }
        return Task.CompletedTask;
    }

    private const string MoneyPattern = @"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$";

    private static readonly HashSet<string> MoneyFields = new(StringComparer.Ordinal)
    {
        "amount", "value", "total", "annualStandard", "target", "annualAmount", "paid", "outstanding", "cashReceived", "goodsReceived",
        "reversed", "disbursed", "committed", "restrictedBalance", "pledgedOutstanding", "cashBalance", "goodsInStock", "goodsDistributed",
    };
}
