using System.Security.Cryptography;
using System.Text.Json;
using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Imports;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Aid.Api.Endpoints;

internal static class ImportEndpoints
{
    public static void MapImports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/imports").WithTags("Imports").RequireAuthorization(Policies.Staff).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (HttpRequest request, ISender sender, IOptions<ImportSettings> settings, CancellationToken ct) =>
        {
            await using var upload = await ImportUpload.ReadAsync(request, settings.Value.MaxBytes, ct);
            var import = await sender.Send(upload.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/imports/{import.Id}", import);
        }).Idempotent().Accepts<ImportUploadForm>("multipart/form-data").Produces<ImportView>(StatusCodes.Status201Created)
            .WithSummary("Upload a bank or payment-app file: it is read and matched, nothing is booked (the preview)")
            .WithDescription("Multipart fields: file (required), programmeId (required), format (optional: the layout, else detected by content), " +
                             "mapping (optional JSON column mapping for a corporate bank export) or mappingName (a mapping saved in the programme).");

        group.MapGet("/", async (Guid programmeId, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListImports(programmeId, limit, cursor), ct)))
            .WithSummary("A programme's imports, newest first");

        group.MapGet("/{id:guid}", async Task<Results<Ok<ImportView>, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetImport(id), ct) is { } import ? TypedResults.Ok(import) : TypedResults.NotFound())
            .WithSummary("An import: counts by outcome, total to book, the commit's progress");

        group.MapGet("/{id:guid}/rows", async Task<Results<Ok<Page<ImportRowView>>, NotFound>> (Guid id, string? outcome, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            await sender.Send(new ListImportRows(id, outcome, limit, cursor), ct) is { } page ? TypedResults.Ok(page) : TypedResults.NotFound())
            .WithSummary("An import's rows in file order (outcome: new, needs_donor, duplicate, skipped, refund, error, excluded, booked, reversed)");

        group.MapPatch("/{id:guid}/rows/{row:int}", async (Guid id, int row, UpdateImportRowRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(id, row), ct)))
            .Idempotent().WithSummary("Give a row its donor (existing, new, anonymous), exclude or include it, or confirm a refund's reversal");

        group.MapPost("/{id:guid}/commit", async (Guid id, ISender sender, [FromServices] WorkerWake<ImportWorker> worker, CancellationToken ct) =>
        {
            var import = await sender.Send(new CommitImport(id), ct);
            worker.Signal();
            return TypedResults.Accepted($"/api/v1/imports/{id}", import);
        }).Idempotent().WithSummary("Book every new row that has a donor, in the background (progress on the import; committing twice books nothing twice)");

        group.MapGet("/{id:guid}/file", async Task<Results<FileContentHttpResult, NotFound>> (Guid id, ISender sender, CancellationToken ct) =>
            await sender.Send(new GetImportFile(id), ct) is { } file
                ? TypedResults.File(file.Content, "application/octet-stream", file.FileName)
                : TypedResults.NotFound())
            .WithSummary("The original file as uploaded");

        group.MapGet("/template.csv", () => TypedResults.File(Aid.Infrastructure.Imports.ImportTemplate.Csv(), "text/csv; charset=utf-8", "aid-import-template.csv"))
            .WithSummary("Aid's import template (CSV, UTF-8 with BOM)");
        group.MapGet("/template.xlsx", () => TypedResults.File(Aid.Infrastructure.Imports.ImportTemplate.Xlsx(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "aid-import-template.xlsx"))
            .WithSummary("Aid's import template (XLSX)");

        var mappings = app.MapGroup("/api/v1/programmes/{programmeId:guid}/import-mappings").WithTags("Imports")
            .RequireAuthorization(Policies.Staff).RejectUnknownQueryParameters().ValidateRequests();
        mappings.MapGet("/", async (Guid programmeId, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListImportMappings(programmeId), ct)))
            .WithSummary("The programme's saved column mappings for corporate bank exports");
        mappings.MapPut("/{name}", async (Guid programmeId, string name, ColumnMappingRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new SaveImportMapping(programmeId, name, body.ToMapping()), ct)))
            .Idempotent().WithSummary("Save a column mapping under a name (replaces one of the same name)");
    }
}

/// <summary>The multipart form of an upload (documents the request; the endpoint reads the form itself).</summary>
public sealed record ImportUploadForm(IFormFile File, Guid ProgrammeId, string? Format, string? Mapping, string? MappingName);

/// <summary>
/// An uploaded file copied to a temporary file (deleted on dispose) while its SHA-256 and size are computed: the reader needs
/// a seekable stream, and the request body is read once.
/// </summary>
internal sealed class ImportUpload : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private ImportUpload(FileStream content, string name, string sha256, Guid programmeId, string? format, ColumnMapping? mapping, string? mappingName)
    {
        Content = content;
        Name = name;
        Sha256 = sha256;
        ProgrammeId = programmeId;
        Format = format;
        Mapping = mapping;
        MappingName = mappingName;
    }

    public FileStream Content { get; }
    public string Name { get; }
    public string Sha256 { get; }
    public Guid ProgrammeId { get; }
    public string? Format { get; }
    public ColumnMapping? Mapping { get; }
    public string? MappingName { get; }

    public PreviewImport ToCommand() =>
        new(ProgrammeId, Name, Sha256, Content.Length, Format, MappingName, Mapping) { Content = Content };

    public static async Task<ImportUpload> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (!request.HasFormContentType)
            throw new InputException("file", "Send the file as multipart/form-data, in a field named file.");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (InvalidDataException)
        {
            throw new InputException("file", "The upload is not a valid multipart form.");
        }
        var errors = new Dictionary<string, string[]>();
        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0) errors["file"] = ["Choose a file to upload."];
        else if (file.Length > maxBytes) throw new BadHttpRequestException("The file is larger than Aid:Imports:MaxBytes.", StatusCodes.Status413PayloadTooLarge);
        if (!Guid.TryParse(form["programmeId"], out var programmeId) || programmeId == Guid.Empty) errors["programmeId"] = ["programmeId is required."];
        var format = form["format"].ToString() is { Length: > 0 } f ? f : null;
        var mappingName = form["mappingName"].ToString() is { Length: > 0 } m ? m : null;
        ColumnMapping? mapping = null;
        if (form["mapping"].ToString() is { Length: > 0 } mappingJson)
        {
            try
            {
                mapping = JsonSerializer.Deserialize<ColumnMapping>(mappingJson, Json);
            }
            catch (JsonException)
            {
                errors["mapping"] = ["mapping must be a JSON object such as {\"date\":\"交易日期\",\"credit\":\"贷方发生额\"}."];
            }
        }
        if (errors.Count > 0) throw new InputException(errors);

        var name = Path.GetFileName(file!.FileName) is { Length: > 0 } n ? n : "upload";
        var path = Path.Combine(Path.GetTempPath(), $"aid-import-{Guid.NewGuid():N}");
        var content = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var source = file.OpenReadStream())
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await content.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            content.Position = 0;
            return new ImportUpload(content, name.Length > 200 ? name[^200..] : name, Convert.ToHexStringLower(hash.GetHashAndReset()),
                programmeId, format, mapping, mappingName);
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
