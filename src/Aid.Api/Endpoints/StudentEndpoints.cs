using Aid.Api.Infrastructure;
using Aid.Application.Students;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Aid.Api.Endpoints;

internal static class StudentEndpoints
{
    public static void MapStudents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/students").WithTags("Students").RequireAuthorization(Policies.AnyKey).RejectUnknownQueryParameters().WithNextLinks().ValidateRequests();

        group.MapPost("/", async (RegisterStudentRequest body, ISender sender, CancellationToken ct) =>
        {
            var student = await sender.Send(body.ToCommand(), ct);
            return TypedResults.Created($"/api/v1/students/{student.Id}", student);
        }).Idempotent().RequireAuthorization(Policies.Staff).WithSummary("Register a student (ID number, guardian phone and address are encrypted at rest)");

        group.MapGet("/", async (Guid? programmeId, string? school, string? status, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListStudents(programmeId, school, status, limit, cursor), ct)))
            .WithSummary("List students as your role may see them");

        group.MapGet("/{id:guid}", async Task<Results<Ok<StudentView>, NotFound>> (Guid id, string? reveal, ISender sender, CancellationToken ct) =>
        {
            if (reveal is not null && reveal != "idNumber")
                throw new Aid.Application.Common.InputException("reveal", "reveal can only be idNumber.");
            var student = reveal is null ? await sender.Send(new GetStudent(id), ct) : await sender.Send(new RevealStudentIdNumber(id), ct);
            return student is null ? TypedResults.NotFound() : TypedResults.Ok(student);
        }).WithETag().WithSummary("A student; managers may add ?reveal=idNumber (written to the audit trail)");

        group.MapPatch("/{id:guid}", async (Guid id, UpdateStudentRequest body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(body.ToCommand(id), ct)))
            .RequireAuthorization(Policies.Staff).HonoursIfMatch().WithSummary("Change school, grade, guardian, consent or status");
    }
}
