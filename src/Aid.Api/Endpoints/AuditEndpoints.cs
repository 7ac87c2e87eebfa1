using Aid.Api.Infrastructure;
using Aid.Application.Auditing;
using Mediator;

namespace Aid.Api.Endpoints;

internal static class AuditEndpoints
{
    public static void MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit trail").RequireAuthorization(Policies.Reader).RejectUnknownQueryParameters().WithNextLinks();

        group.MapGet("/", async (int? limit, string? cursor, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListAuditRecords(limit, cursor), ct)))
            .WithSummary("The audit trail, oldest first");

        group.MapGet("/verify", async (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new VerifyAuditTrail(), ct)))
            .WithSummary("Verify records, chains, signed checkpoints, row digests and the trial balance; names the first problem");

        // The checkpoint signing keys: anyone may check a signed chain head (docs/AUDIT-CHAIN.md).
        app.MapGet("/.well-known/aid-audit-key", (AuditSigningKeys keys) =>
            TypedResults.Ok(new AuditPublicKeys("ECDSA P-256 / SHA-256, IEEE P1363 signatures (r‖s, base64)", keys.CurrentKeyId,
                keys.PublicKeys.Select(k => new AuditPublicKey(k.KeyId, k.Pem)).ToList())))
            .AllowAnonymous().WithTags("Audit trail").WithSummary("The public keys that verify audit checkpoints");
    }
}

internal sealed record AuditPublicKeys(string Algorithm, string CurrentKeyId, IReadOnlyList<AuditPublicKey> Keys);

internal sealed record AuditPublicKey(string KeyId, string PublicKeyPem);
