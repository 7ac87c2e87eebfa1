using System.Diagnostics;
using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Application.Gifts;
using Aid.Application.Ledger;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Benchmarks;

/// <summary>Where the time of a gift goes: the same command through ISender without HTTP, and a bare authenticated GET.</summary>
public static class Probe
{
    public static async Task<string> Run()
    {
        var folder = Temp.Folder("probe");
        await using var aid = new HostedAid("sqlite", $"Data Source={Path.Combine(folder, "aid.db")}", folder);
        var (programme, donor) = await aid.ProgrammeAndDonorAsync();
        var actorKey = Guid.CreateVersion7();
        HttpActor.Override.Value = new Actor(actorKey, actorKey, Roles.Admin, [], null); // a key whose person has its id, as migrated keys do
        var clock = Stopwatch.StartNew();
        var n = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await using var scope = aid.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordGift(programme, donor, new DateOnly(2024, 5, 1), $"P-{n}", null,
                new CashGift(10000, PaymentMethod.BankTransfer), InKind: null));
            n++;
        }
        var direct = n / clock.Elapsed.TotalSeconds;

        var alone = await AloneAsync(aid, programme);

        // Stage by stage, 500 times: where do the milliseconds go?
        var stages = new Dictionary<string, double>();
        void Add(string stage, Stopwatch sw) { stages[stage] = stages.GetValueOrDefault(stage) + sw.Elapsed.TotalMilliseconds; sw.Restart(); }
        for (var i = 0; i < 500; i++)
        {
            var sw = Stopwatch.StartNew();
            await using var scope = aid.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IDbSession>();
            await db.GetConnectionAsync(default);
            Add("open connection", sw);
            await using (var tx = await db.BeginTransactionAsync(default))
            {
                Add("begin", sw);
                await db.QuerySingleOrDefaultAsync<long?>("SELECT annual_standard FROM programmes WHERE id = @programme", new { programme }, default);
                await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM donors WHERE id = @donor", new { donor }, default);
                Add("2 reads", sw);
                await db.ExecuteAsync("INSERT INTO audit_log (sequence, occurred_at, actor, action, summary, previous_hash, hash) VALUES (@s, @t, 'p', 'probe', '{}', 'x', 'y')",
                    new { s = 1_000_000 + i, t = DateTimeOffset.UtcNow }, default);
                Add("1 insert", sw);
                await tx.CommitAsync(default);
                Add("commit", sw);
            }
            Add("dispose", sw);
        }
        var command = new RecordGift(programme, donor, new DateOnly(2024, 5, 1), "V-1", null, new CashGift(10000, PaymentMethod.BankTransfer), InKind: null);
        var validator = aid.Services.GetRequiredService<FluentValidation.IValidator<RecordGift>>();
        var vsw = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++) validator.Validate(command);
        stages["validate"] = vsw.Elapsed.TotalMilliseconds / 1000 * 500;
        var hsw = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++) Aid.Application.Auditing.AuditHash.Record(i, DateTimeOffset.UtcNow, "a", "RecordGift", "gift", "id", null, "{\"a\":1}", null);
        stages["hash"] = hsw.Elapsed.TotalMilliseconds / 1000 * 500;
        var perStage = string.Join(", ", stages.Select(kv => $"{kv.Key} {kv.Value / 500:F3} ms"));
        HttpActor.Override.Value = null;
        using var client = aid.Client();
        var (gets, _, _) = await Load.Closed(1, TimeSpan.FromSeconds(3), async (_, _) => (await client.GetAsync($"/api/v1/programmes/{programme}")).IsSuccessStatusCode);
        return $"RecordGift through ISender, 1 thread: {direct:F0}/s; authenticated GET over HTTP, 1 client: {gets:F0}/s; {perStage}; {alone}";
    }

    /// <summary>
    /// Two steps of a gift's turn at the writer, each 2,000 times in one transaction with nothing else running (then rolled back):
    /// against the same steps' time inside P1's turn, this shows how much of the turn is the step and how much is the machine
    /// being busy with the other requests.
    /// </summary>
    private static async Task<string> AloneAsync(HostedAid aid, Guid programme)
    {
        const int Times = 2_000;
        await using var scope = aid.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IDbSession>();
        var journal = scope.ServiceProvider.GetRequiredService<Journal>();
        await using var transaction = await db.BeginTransactionAsync(default);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Times; i++)
            await journal.PostAsync(programme, new DateOnly(2024, 5, 1), "gift", "gift", Guid.CreateVersion7(),
                [new Posting("cash_at_bank", 10000), new Posting("restricted_fund", -10000)], null, default);
        var entry = clock.Elapsed.TotalMilliseconds / Times;
        clock.Restart();
        for (var i = 0; i < Times; i++)
            await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM gifts WHERE programme_id = @programme AND reference = @reference",
                new { programme, reference = $"A-{i}" }, default);
        var reference = clock.Elapsed.TotalMilliseconds / Times;
        return $"alone: journal entry with 2 postings {entry:F3} ms, reference check {reference:F3} ms";
    }
}
