using Aid.Application.Common;
using Mediator;

namespace Aid.Application.Auditing;

/// <summary>
/// Once, in the start that applies migration 0006 to a database written before row digests: records (in the organisation chain)
/// that digest the money rows already there, up to <paramref name="Limit"/> entities per command, so verification, receipts and
/// statements keep working after the upgrade. Answers how many entities it covered (0: nothing left). Never run later: a later
/// run would adopt rows added behind the service's back.
/// </summary>
public sealed record BaselineAuditDigests(int Limit = 500) : ICommand<int>;

internal sealed class BaselineAuditDigestsHandler(IDbSession db, AuditRecorder audit) : ICommandHandler<BaselineAuditDigests, int>
{
    private static readonly (string Kind, string Table)[] Owners =
        [("gift", "gifts"), ("disbursement", "disbursements"), ("goods_distribution", "goods_distributions"), ("receipt", "receipts"),
         ("pledge", "pledges"), ("sponsorship", "sponsorships")];

    public async ValueTask<int> Handle(BaselineAuditDigests command, CancellationToken ct)
    {
        var covered = (await db.QueryAsync<string>("SELECT DISTINCT entity_key FROM audit_entities", null, ct)).ToHashSet(StringComparer.Ordinal);
        var count = 0;
        foreach (var (kind, table) in Owners)
        {
            foreach (var id in await db.QueryAsync<Guid>($"SELECT id FROM {table} ORDER BY id", null, ct))
            {
                if (count == command.Limit) break;
                if (covered.Contains(new EntityRef(kind, id).Key)) continue;
                audit.Covers(kind, id);
                count++;
            }
        }
        audit.Describe("audit_baseline", Guid.Empty, null, new { entities = count, reason = "money rows written before row digests (migration 0006)" });
        return count;
    }
}
