using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Aid.Tests.Support;

namespace Aid.Tests.Audit;

/// <summary>The populated databases, and the audit pack of the programme's current year downloaded once per engine from a copy.</summary>
public sealed class AuditPacks : AuditedDatabases
{
    private readonly ConcurrentDictionary<Engine, Lazy<Task<byte[]>>> _packs = new();

    /// <summary>Records are in the pack of the year they were written (now), whatever the business dates of the money.</summary>
    public static int PackYear => BusinessToday.Year;

    public Task<byte[]> PackAsync(Engine engine) => _packs.GetOrAdd(engine, e => new Lazy<Task<byte[]>>(async () =>
    {
        await using var copy = await CopyAsync(e);
        return await copy.Admin().Bytes($"/api/v1/programmes/{copy.Data.Programme}/audit-pack/{PackYear}.zip", "application/zip");
    })).Value;
}

/// <summary>
/// The independent offline check (<see cref="OfflineVerifier"/>: VERIFY.txt followed with the base library only) accepts the pack
/// the service produced and names each kind of edit an auditor's copy of it could have suffered.
/// </summary>
public sealed class OfflineVerifierTests(AuditPacks packs) : IClassFixture<AuditPacks>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_untouched_pack_verifies(Engine engine)
    {
        var data = await packs.DataAsync(engine);
        var result = OfflineVerifier.Verify(await packs.PackAsync(engine));

        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
        Assert.Equal(2, result.Chains);
        Assert.True(result.Records >= data.ProgrammeChainLength, $"{result.Records} records: the programme's chain has {data.ProgrammeChainLength}");
        Assert.True(result.Seals > data.ProgrammeChainLength, $"{result.Seals} seals");
        Assert.True(result.Checkpoints >= 2, $"{result.Checkpoints} checkpoints");
    }

    /// <summary>
    /// VERIFY.txt step 1 hashes occurredAt "as yyyy-MM-ddTHH:mm:ss.ffffffZ in UTC, exactly as in the file", and step 3 signs createdAt in
    /// the same form: an auditor who takes the file's text as it stands must get the hashed text. (The verifier above reformats, so
    /// that the other checks still run while this one fails.)
    /// </summary>
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task The_pack_writes_instants_exactly_as_VERIFY_txt_hashes_them(Engine engine)
    {
        var pack = await packs.PackAsync(engine);
        var form = new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$");
        var records = Lines(pack, "audit/records.jsonl").Select(r => r["occurredAt"]!.GetValue<string>()).ToList();
        var checkpoints = Lines(pack, "audit/checkpoints.jsonl").Select(c => c["createdAt"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(records);
        Assert.All(records, occurredAt => Assert.Matches(form, occurredAt));
        Assert.All(checkpoints, createdAt => Assert.Matches(form, createdAt));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_record_summary_edited_in_the_pack_is_named(Engine engine)
    {
        var data = await packs.DataAsync(engine);
        var pack = Edit(await packs.PackAsync(engine), "audit/records.jsonl", record =>
            record["sequence"]!.GetValue<long>() == data.PaymentRecord
                ? Set(record, "summary", """{"amount":"5000.00"}""") : false);

        var result = OfflineVerifier.Verify(pack);
        Assert.Contains(result.Problems, p => p.Kind == "record" && p.Record == data.PaymentRecord && p.Detail.Contains("hash"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_seal_hash_edited_in_the_pack_is_named(Engine engine)
    {
        var data = await packs.DataAsync(engine);
        const long position = 3;
        var pack = Edit(await packs.PackAsync(engine), "audit/seals.jsonl", seal =>
            seal["chain"]!.GetValue<string>() == data.ProgrammeChain && seal["position"]!.GetValue<long>() == position
                ? Set(seal, "hash", new string('a', 64)) : false);

        var result = OfflineVerifier.Verify(pack);
        Assert.Contains(result.Problems, p => p.Kind == "seal" && p.Chain == data.ProgrammeChain && p.Position == position && p.Detail.Contains("its hash"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_checkpoint_moved_back_in_the_pack_is_named_by_its_signature(Engine engine)
    {
        var data = await packs.DataAsync(engine);
        var original = await packs.PackAsync(engine);
        // As someone hiding the last two links would: the checkpoint made to sign an earlier position, with that seal's real hash.
        var earlier = data.CheckpointedPosition - 2;
        var earlierHash = Lines(original, "audit/seals.jsonl")
            .Single(s => s["chain"]!.GetValue<string>() == data.ProgrammeChain && s["position"]!.GetValue<long>() == earlier)["hash"]!.GetValue<string>();
        var edited = false;
        var pack = Edit(original, "audit/checkpoints.jsonl", checkpoint =>
        {
            if (edited || checkpoint["chain"]!.GetValue<string>() != data.ProgrammeChain || checkpoint["position"]!.GetValue<long>() != data.CheckpointedPosition)
                return false;
            checkpoint["position"] = earlier;
            checkpoint["hash"] = earlierHash;
            return edited = true;
        });

        var result = OfflineVerifier.Verify(pack);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("checkpoint", data.ProgrammeChain, (long?)earlier), (problem.Kind, problem.Chain, problem.Position));
        Assert.Contains("signature does not verify", problem.Detail);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_checkpoint_hash_edited_in_the_pack_is_named(Engine engine)
    {
        var data = await packs.DataAsync(engine);
        var edited = false;
        var pack = Edit(await packs.PackAsync(engine), "audit/checkpoints.jsonl", checkpoint =>
            !edited && checkpoint["chain"]!.GetValue<string>() == "org" && (edited = Set(checkpoint, "hash", new string('b', 64))));

        var result = OfflineVerifier.Verify(pack);
        Assert.Contains(result.Problems, p => p.Kind == "checkpoint" && p.Chain == "org" && p.Detail.Contains("signature does not verify"));
        Assert.Contains(result.Problems, p => p.Kind == "checkpoint" && p.Chain == "org" && p.Detail.Contains("another hash"));
    }

    // --- helpers ---

    private static bool Set(JsonObject line, string property, string value)
    {
        Assert.NotEqual(value, line[property]?.GetValue<string>());
        line[property] = value;
        return true;
    }

    private static List<JsonObject> Lines(byte[] pack, string name)
    {
        using var zip = new ZipArchive(new MemoryStream(pack), ZipArchiveMode.Read);
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    /// <summary>A copy of the pack with the JSON lines of <paramref name="name"/> passed through <paramref name="edit"/> (true: changed); exactly one must change.</summary>
    private static byte[] Edit(byte[] pack, string name, Func<JsonObject, bool> edit)
    {
        var lines = Lines(pack, name);
        Assert.Equal(1, lines.Count(edit));
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(pack), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var entry in source.Entries)
            {
                using var to = target.CreateEntry(entry.FullName).Open();
                if (entry.FullName == name) to.Write(System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l.ToJsonString() + "\n"))));
                else
                {
                    using var from = entry.Open();
                    from.CopyTo(to);
                }
            }
        return output.ToArray();
    }
}
