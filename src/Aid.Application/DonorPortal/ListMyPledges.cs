using Aid.Application.Common;
using Aid.Application.Pledges;
using Mediator;

namespace Aid.Application.DonorPortal;

/// <summary>The signed-in donor's pledges (newest first, at most <see cref="Max"/>), each with its programme and every instalment's status.</summary>
public sealed record ListMyPledges : IQuery<IReadOnlyList<MyPledge>>
{
    public const int Max = 100;
}

public sealed record MyPledge(string Programme, PledgeView Pledge);

internal sealed class ListMyPledgesHandler(IDbSession db, AccessScope scope, BusinessClock clock) : IQueryHandler<ListMyPledges, IReadOnlyList<MyPledge>>
{
    public async ValueTask<IReadOnlyList<MyPledge>> Handle(ListMyPledges query, CancellationToken ct)
    {
        var donorId = MyDonor.Id(scope);
        var pledges = await db.QueryAsync<Row>($"""
            SELECT p.id AS Id, pr.name AS Programme FROM pledges p JOIN programmes pr ON pr.id = p.programme_id
            WHERE p.donor_id = @donorId ORDER BY p.id DESC {db.Dialect.Limit("@take")}
            """, new { donorId, take = ListMyPledges.Max }, ct);
        var today = clock.Today();
        var result = new List<MyPledge>();
        foreach (var pledge in pledges)
            if (await PledgeState.LoadAsync(db, pledge.Id, ct) is { } state)
                result.Add(new MyPledge(pledge.Programme, state.ToView(today)));
        return result;
    }

    private sealed class Row
    {
        public required Guid Id { get; init; }
        public required string Programme { get; init; }
    }
}
