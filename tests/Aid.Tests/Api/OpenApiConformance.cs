using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aid.Tests.Support;
using Json.Schema;

namespace Aid.Tests.Api;

/// <summary>One request and its answer, as a client saw it.</summary>
public sealed record Exchange(string Method, string Path, int Status, string? ContentType, byte[] Body)
{
    public override string ToString() => $"{Method} {Path} → {Status} {ContentType ?? "(no content type)"} ({Body.Length} bytes)";
}

/// <summary>Records every exchange of the clients it makes (each client gets its own handler; they share the list).</summary>
public sealed class ExchangeRecorder
{
    private readonly ConcurrentQueue<Exchange> _exchanges = new();

    public IReadOnlyList<Exchange> Exchanges => [.. _exchanges];

    /// <summary>A client of <paramref name="app"/> whose exchanges are recorded; with the key as a bearer token when given.</summary>
    public HttpClient Client(AidApp app, string? key = null, string? accept = null)
    {
        var client = app.Factory.CreateDefaultClient(new RecordingHandler(this));
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (accept is not null) client.DefaultRequestHeaders.Accept.ParseAdd(accept);
        return client;
    }

    private sealed class RecordingHandler(ExchangeRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken); // the caller can still read it
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            recorder._exchanges.Enqueue(new Exchange(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType, body));
            return response;
        }
    }
}

/// <summary>
/// The service's OpenAPI 3.1 document as a contract: finds the operation of an exchange (method and path template) and checks
/// the answer against the documented response for its status (or <c>default</c>): JSON bodies against the response's schema
/// (JSON Schema 2020-12, with <c>$ref</c>s into the document's components, formats asserted), files by content type and size.
/// </summary>
public sealed partial class OpenApiContract
{
    private static readonly Uri DocumentUri = new("https://aid.test/openapi/v1.json");
    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private readonly JsonElement _document;
    private readonly BuildOptions _build;
    private readonly EvaluationOptions _evaluation;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private int _schemaCount;

    public sealed record Operation(string Method, string Template, Regex Pattern, int Literals, JsonElement Definition)
    {
        public override string ToString() => $"{Method} {Template}";
    }

    public IReadOnlyList<Operation> Operations { get; }

    public OpenApiContract(string json)
    {
        _document = JsonDocument.Parse(json).RootElement.Clone();
        var registry = new SchemaRegistry();
        registry.Register(DocumentUri, new JsonElementBaseDocument(_document, DocumentUri));
        _build = new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 };
        var formats = new FormatRegistry();
        foreach (var format in OpenApiFormats) formats.Register(format);
        _evaluation = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true, FormatRegistry = formats };

        var operations = new List<Operation>();
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
            foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
            {
                var literal = TemplateParameter().Split(path.Name).Select(Regex.Escape);
                var pattern = new Regex("^" + string.Join("[^/]+", literal) + "$", RegexOptions.CultureInvariant);
                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, pattern, TemplateParameter().Replace(path.Name, "").Length, method.Value));
            }
        Operations = operations;
    }

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex TemplateParameter();

    /// <summary>The operation an exchange belongs to: a concrete path before a templated one (the one with most literal characters).</summary>
    public Operation? Find(Exchange exchange) => Operations
        .Where(o => o.Method == exchange.Method && o.Pattern.IsMatch(exchange.Path))
        .OrderByDescending(o => o.Literals).FirstOrDefault();

    /// <summary>What is wrong with the exchange's answer against the document; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(Operation operation, Exchange exchange)
    {
        if (!operation.Definition.TryGetProperty("responses", out var responses))
            return ["the operation documents no responses"];
        var status = exchange.Status.ToString(CultureInfo.InvariantCulture);
        var statusKey = responses.TryGetProperty(status, out _) ? status
            : responses.TryGetProperty($"{status[0]}XX", out _) ? $"{status[0]}XX"
            : responses.TryGetProperty("default", out _) ? "default" : null;
        if (statusKey is null)
            return [$"status {status} is not documented (documented: {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))})"];
        var response = Resolve(responses.GetProperty(statusKey));

        var documented = response.TryGetProperty("content", out var content) ? content.EnumerateObject().ToList() : [];
        if (exchange.Body.Length == 0)
            return documented.Count > 0 ? [$"empty body, but response {statusKey} documents {string.Join(", ", documented.Select(m => m.Name))}"] : [];
        if (exchange.ContentType is null)
            return ["a body without a content type"];
        if (documented.Count == 0)
            return [$"{exchange.ContentType} body, but response {statusKey} documents no content"];
        var media = MatchMediaType(documented, exchange.ContentType);
        if (media is null)
            return [$"content type {exchange.ContentType} is not documented for {statusKey} (documented: {string.Join(", ", documented.Select(m => m.Name))})"];

        var isJson = exchange.ContentType is "application/json" || exchange.ContentType.EndsWith("+json", StringComparison.Ordinal);
        var hasSchema = media.Value.Value.TryGetProperty("schema", out var schema);
        if (!isJson)
            return hasSchema && !IsStringSchema(schema) ? [$"the {exchange.ContentType} file is documented with a non-string schema: {schema.GetRawText()}"] : [];
        if (!hasSchema)
            return [$"response {statusKey} {media.Value.Name} documents no schema"];

        JsonElement instance;
        try { instance = JsonDocument.Parse(exchange.Body).RootElement.Clone(); }
        catch (JsonException e) { return [$"the {exchange.ContentType} body is not JSON: {e.Message}"]; }
        var results = SchemaFor($"{operation} {statusKey} {media.Value.Name}", schema).Evaluate(instance, _evaluation);
        if (results.IsValid) return [];
        var errors = (results.Details ?? []).Prepend(results)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")} [{d.EvaluationPath}] {e.Key}: {e.Value}"))
            .Distinct().ToList();
        return errors.Count > 0 ? errors : ["invalid against the schema (no details)"];
    }

    /// <summary>The documented media type of a content type: exact, then <c>type/*</c>, then <c>*/*</c>.</summary>
    private static JsonProperty? MatchMediaType(List<JsonProperty> documented, string contentType)
    {
        var slash = contentType.IndexOf('/');
        foreach (var candidate in new[] { contentType, slash > 0 ? contentType[..slash] + "/*" : "", "*/*" })
            foreach (var media in documented)
                if (string.Equals(media.Name, candidate, StringComparison.OrdinalIgnoreCase)) return media;
        return null;
    }

    private static bool IsStringSchema(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && (type.ValueKind == JsonValueKind.String ? type.GetString() == "string"
            : type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "string"));

    /// <summary>A response object, following a <c>$ref</c> to <c>#/components/responses/…</c>.</summary>
    private JsonElement Resolve(JsonElement element)
    {
        for (var hops = 0; element.TryGetProperty("$ref", out var reference) && hops < 8; hops++)
        {
            var target = _document;
            foreach (var part in reference.GetString()!.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
                target = target.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
            element = target;
        }
        return element;
    }

    /// <summary>The response's schema as its own schema, its local <c>$ref</c>s made absolute into the registered document.</summary>
    private JsonSchema SchemaFor(string key, JsonElement schema) => _schemas.GetOrAdd(key, _ =>
    {
        var node = JsonNode.Parse(schema.GetRawText())!;
        AbsoluteRefs(node);
        var uri = new Uri($"https://aid.test/responses/{Interlocked.Increment(ref _schemaCount)}");
        return JsonSchema.Build(JsonDocument.Parse(node.ToJsonString()).RootElement, _build, uri);
    });

    private static void AbsoluteRefs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["$ref"] is JsonValue value && value.TryGetValue<string>(out var reference) && reference.StartsWith('#'))
                    o["$ref"] = DocumentUri + reference;
                foreach (var (_, child) in o.ToList()) AbsoluteRefs(child);
                break;
            case JsonArray a:
                foreach (var child in a) AbsoluteRefs(child);
                break;
        }
    }

    /// <summary>The formats OpenAPI adds to JSON Schema's, asserted like the standard ones (each applies to numbers only).</summary>
    private static readonly Format[] OpenApiFormats =
    [
        new NumberFormat("int32", e => e.TryGetInt32(out _)),
        new NumberFormat("int64", e => e.TryGetInt64(out _)),
        new NumberFormat("float", e => e.TryGetDouble(out var d) && double.IsFinite(d)),
        new NumberFormat("double", e => e.TryGetDouble(out var d) && double.IsFinite(d)),
    ];

    private sealed class NumberFormat(string key, Func<JsonElement, bool> valid) : Format(key)
    {
        public override bool Validate(JsonElement value, out string? errorMessage)
        {
            errorMessage = value.ValueKind != JsonValueKind.Number || valid(value) ? null : $"{value.GetRawText()} is not a valid {Key}";
            return errorMessage is null;
        }
    }
}
