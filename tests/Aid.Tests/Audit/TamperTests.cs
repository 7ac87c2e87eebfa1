using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Aid.Application.Auditing;
using Aid.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Audit;

/// <summary>
/// Edits made directly in the database — guard triggers removed first, as the application's own role can — each on its own copy
/// of one populated database (same key file, same checkpoint file), and what <c>GET /api/v1/audit/verify</c> says about them: not
/// valid, and a problem that names the edited row, record or chain (docs/AUDIT-CHAIN.md; issue 12, "Must show").
/// </summary>
public sealed class TamperTests(AuditedDatabases databases) : IClassFixture<AuditedDatabases>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_untouched_copy_verifies_valid(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var verification = await copy.VerifyAsync();
        Assert.True(verification.GetProperty("valid").GetBoolean(), verification.GetRawText());
        Assert.Empty(verification.GetProperty("problems").EnumerateArray());
        Assert.Equal(copy.Data.Records, verification.GetProperty("records").GetInt64());
        // Two checkpoints (programme and organisation chain), each in the database and in the file.
        Assert.Equal(4, verification.GetProperty("checkpoints").GetInt64());
        var chain = Chains(verification)[copy.Data.ProgrammeChain];
        Assert.Equal(copy.Data.CheckpointedPosition, chain.GetProperty("checkpointedPosition").GetInt64());
        Assert.Equal("valid", (await VerifyReceipt(copy)).Str("status"));
        // The quick pass (multiset digests, memory flat) proves it on its own: the detailed pass is not needed.
        var inProcess = await copy.VerifyInProcessAsync();
        Assert.True(inProcess.Valid);
        Assert.False(inProcess.CheckedInDetail, $"{engine} checked in detail");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_gift_amount_raised_is_named_and_neither_a_receipt_nor_a_statement_is_printed_from_it(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var gift = copy.Data.Gift300;
        await using (var db = await copy.TamperAsync("gifts"))
        {
            Assert.Equal(30000L, await db.ExecuteScalarAsync<long>("SELECT amount FROM gifts WHERE id = @gift", new { gift }));
            Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = 3000000 WHERE id = @gift", new { gift }));
        }

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"gifts/{gift:D}" && Detail(p).Contains("differs from its digest"));
        Assert.True((await copy.VerifyInProcessAsync()).CheckedInDetail); // the quick pass doubted, and the detailed pass named it

        var admin = copy.Admin();
        var receipts = await Count(copy, "receipts");
        var refused = await admin.PostJson("/api/v1/receipts", new { giftId = gift }).Expect(HttpStatusCode.Conflict);
        Assert.Contains("run audit verification", refused.Str("detail"));
        Assert.Contains($"gifts/{gift:D}", refused.Str("detail"));
        Assert.Equal(receipts, await Count(copy, "receipts"));

        var statement = await admin.Get($"/api/v1/programmes/{copy.Data.Programme}/statements/{AuditedDatabases.Year}.pdf").Expect(HttpStatusCode.Conflict);
        Assert.Contains("run audit verification", statement.Str("detail"));
        Assert.Contains($"gifts/{gift:D}", statement.Str("detail"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_import_chunk_s_one_record_vouches_for_each_gift_it_booked_and_an_edit_of_one_is_named(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var admin = copy.Admin();
        var donor = (await admin.Get($"/api/v1/gifts/{copy.Data.Gift300}").Expect(HttpStatusCode.OK)).GetProperty("donorId").GetGuid();
        var file = Imports.ImportApiTests.Template(("2022-07-01", "蒋晟晖", "10.00", "银行转账", "IMP-1", ""),
            ("2022-07-02", "蒋晟晖", "20.00", "银行转账", "IMP-2", ""), ("2022-07-03", "蒋晟晖", "30.00", "现金", "IMP-3", ""));
        var import = (await Imports.ImportApiTests.Upload(admin, copy.Data.Programme, file, "捐赠.csv").Expect(HttpStatusCode.Created)).Id();
        await admin.PatchJson($"/api/v1/imports/{import}/rows/1", new { donorId = donor, applyToSamePayer = true }).Expect(HttpStatusCode.OK);
        await admin.PostJson($"/api/v1/imports/{import}/commit", new { }).Expect(HttpStatusCode.Accepted);
        await Imports.ImportApiTests.WaitFor(admin, import, i => i.Str("status") == "committed");
        var gifts = (await admin.Get($"/api/v1/imports/{import}/rows?outcome=booked").Expect(HttpStatusCode.OK)).GetProperty("items")
            .EnumerateArray().Select(r => r.GetProperty("giftId").GetGuid()).ToList();
        Assert.Equal(3, gifts.Count);

        // One record for the chunk, digesting all three gifts with their entries and postings; no record per gift.
        await using (var db = await copy.App.OpenDatabaseAsync())
        {
            var (sequence, digests) = await db.QuerySingleAsync<(long, string)>(
                "SELECT sequence, row_digests FROM audit_log WHERE action = 'ProcessImportChunk' AND entity_id = @import", new { import = import.ToString() });
            var digested = RowDigests.Read(digests);
            Assert.Equal(gifts.Select(g => $"gift:{g:D}").Order(), digested.Keys.Order());
            Assert.All(gifts, g => Assert.Equal(4, digested[$"gift:{g:D}"].Count)); // the gift, its entry and two postings
            foreach (var gift in gifts)
            {
                Assert.Equal([sequence], await db.QueryAsync<long>("SELECT record_sequence FROM audit_entities WHERE entity_key = @key", new { key = $"gift:{gift:D}" }));
                Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE entity_id = @gift", new { gift = gift.ToString() }));
            }
        }
        Assert.False((await copy.VerifyInProcessAsync()).CheckedInDetail, $"{engine} checked in detail");

        await using (var db = await copy.TamperAsync("gifts"))
            Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = 2100 WHERE id = @gift", new { gift = gifts[1] }));
        AssertNamed(await copy.VerifyAsync(), "row", p => Row(p) == $"gifts/{gifts[1]:D}" && Detail(p).Contains("differs from its digest"));
        // The record still vouches for the other two: each gift is checked on its own.
        await admin.PostJson("/api/v1/receipts", new { giftId = gifts[0] }).Expect(HttpStatusCode.Created);
        var refused = await admin.PostJson("/api/v1/receipts", new { giftId = gifts[1] }).Expect(HttpStatusCode.Conflict);
        Assert.Contains($"gifts/{gifts[1]:D}", refused.Str("detail"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task While_gifts_keep_committing_the_detailed_pass_names_the_edit_and_nothing_else(Engine engine)
    {
        // SQL Server reads each statement in its own snapshot (READ COMMITTED with row versioning; SNAPSHOT isolation is not
        // required of the database), so its detailed pass can still see a gift between the records and their index.
        if (engine == Engine.SqlServer) Assert.Skip("the detailed pass reads one snapshot on SQLite and PostgreSQL only");
        await using var copy = await databases.CopyAsync(engine);
        var gift = copy.Data.Gift300;
        await using (var db = await copy.TamperAsync("gifts"))
            Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = 3000000 WHERE id = @gift", new { gift }));
        var admin = copy.Admin();
        var donor = (await admin.Get($"/api/v1/gifts/{copy.Data.UnreferencedGift}").Expect(HttpStatusCode.OK)).GetProperty("donorId").GetGuid();

        // The edit sends every check to the detailed pass, which reads records, seals, rows and the records' index by separate
        // statements; gifts committing in between must not look like more edits.
        await using (var gifts = GiftStream.Start(admin, copy.Data.Programme, donor, clients: 3, referencePrefix: "DW"))
        {
            await gifts.WaitUntilAsync(() => gifts.Recorded >= 3);
            var overlapped = 0;
            for (var round = 0; round < 4; round++)
            {
                var before = gifts.Recorded;
                var verification = await copy.VerifyAsync();
                if (gifts.Recorded > before) overlapped++;
                AssertNamed(verification, "row", p => Row(p) == $"gifts/{gift:D}" && Detail(p).Contains("differs from its digest"));
                Assert.All(Problems(verification), p => Assert.Equal($"gifts/{gift:D}", Row(p)));
            }
            Assert.True(overlapped > 0, "no gift committed while a check ran");
        }
        Assert.True((await copy.VerifyInProcessAsync()).CheckedInDetail);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_balanced_posting_edit_names_both_postings(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        Guid entry;
        await using (var db = await copy.TamperAsync("postings"))
        {
            entry = await EntryOf(db, copy.Data.InKindGift);
            Assert.Equal(2L, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM postings WHERE journal_entry_id = @entry", new { entry }));
            Assert.Equal(1, await db.ExecuteAsync("UPDATE postings SET amount = amount + 1000000 WHERE journal_entry_id = @entry AND line = 1", new { entry }));
            Assert.Equal(1, await db.ExecuteAsync("UPDATE postings SET amount = amount - 1000000 WHERE journal_entry_id = @entry AND line = 2", new { entry }));
        }

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"postings/{entry:D}:1" && Detail(p).Contains("differs from its digest"));
        AssertNamed(verification, "row", p => Row(p) == $"postings/{entry:D}:2" && Detail(p).Contains("differs from its digest"));
        Assert.DoesNotContain(Problems(verification), p => p.Str("kind") == "balance"); // it still balances: only the digests see it
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task An_unbalanced_posting_edit_is_named_and_breaks_the_trial_balance(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        Guid entry;
        await using (var db = await copy.TamperAsync("postings"))
        {
            entry = await EntryOf(db, copy.Data.UnreferencedGift);
            Assert.Equal(1, await db.ExecuteAsync("UPDATE postings SET amount = amount + 1000000 WHERE journal_entry_id = @entry AND line = 1", new { entry }));
        }

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"postings/{entry:D}:1" && Detail(p).Contains("differs from its digest"));
        AssertNamed(verification, "balance", p => Row(p) == $"journal_entries/{entry:D}" && Detail(p).Contains("does not balance"));
        AssertNamed(verification, "balance", p => Detail(p).Contains($"programme {copy.Data.Programme:D}"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_deleted_gift_is_named(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var gift = copy.Data.UnreferencedGift;
        await using (var db = await copy.TamperAsync("gifts"))
            Assert.Equal(1, await db.ExecuteAsync("DELETE FROM gifts WHERE id = @gift", new { gift }));

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"gifts/{gift:D}" && Detail(p).Contains("is gone") && p.GetProperty("record").ValueKind == JsonValueKind.Number);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_record_deleted_with_nothing_else_to_show_for_it_is_named_by_its_seal(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        long sequence;
        await using (var db = await copy.TamperAsync("audit_log"))
        {
            // A sealed record that vouches for no rows and is in no entity's index: only its seal still tells it was there.
            sequence = await db.ExecuteScalarAsync<long>("""
                SELECT MIN(a.sequence) FROM audit_log a JOIN audit_seals s ON s.record_sequence = a.sequence
                WHERE a.row_digests IS NULL AND NOT EXISTS (SELECT 1 FROM audit_entities e WHERE e.record_sequence = a.sequence)
                """);
            Assert.True(sequence > 0);
            Assert.Equal(1, await db.ExecuteAsync("DELETE FROM audit_log WHERE sequence = @sequence", new { sequence }));
        }

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "record", p => Record(p) == sequence && Detail(p).Contains("is missing (deleted)"));
        Assert.True((await copy.VerifyInProcessAsync()).CheckedInDetail); // the quick pass counted one seal more than sealed records
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_chain_whose_first_seal_was_stored_again_last_is_still_proved_by_the_quick_pass(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var chain = copy.Data.ProgrammeChain;
        await using (var db = await copy.TamperAsync("audit_seals"))
        {
            // The same seal, deleted and inserted again: on SQLite it now comes last in the table, out of its chain's order.
            var first = await db.QuerySingleAsync<(string Chain, long Position, long RecordSequence, string RecordHash, string PreviousHash, string Hash, object SealedAt)>(
                "SELECT chain, position, record_sequence, record_hash, previous_hash, hash, sealed_at FROM audit_seals WHERE chain = @chain AND position = 1", new { chain });
            Assert.Equal(1, await db.ExecuteAsync("DELETE FROM audit_seals WHERE chain = @chain AND position = 1", new { chain }));
            Assert.Equal(1, await db.ExecuteAsync("""
                INSERT INTO audit_seals (chain, position, record_sequence, record_hash, previous_hash, hash, sealed_at)
                VALUES (@Chain, @Position, @RecordSequence, @RecordHash, @PreviousHash, @Hash, @SealedAt)
                """, new { first.Chain, first.Position, first.RecordSequence, first.RecordHash, first.PreviousHash, first.Hash, first.SealedAt }));
        }

        var verification = await copy.VerifyInProcessAsync();
        Assert.True(verification.Valid, verification.Problem);
        Assert.False(verification.CheckedInDetail, $"{engine} checked in detail"); // the chains were read the usual way instead
        Assert.Equal(copy.Data.ProgrammeChainLength, verification.Chains.Single(c => c.Chain == chain).Length);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_gift_inserted_directly_is_named(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var forged = Guid.CreateVersion7();
        await using (var db = await copy.TamperAsync("gifts"))
            Assert.Equal(1, await db.ExecuteAsync("""
                INSERT INTO gifts (id, programme_id, donor_id, kind, received_on, currency, amount, method, reference, created_at, created_by)
                SELECT @forged, programme_id, donor_id, kind, received_on, currency, 1000000, method, 'BANK-FORGED-0001', created_at, created_by
                FROM gifts WHERE id = @source
                """, new { forged, source = copy.Data.Gift300 }));

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"gifts/{forged:D}" && Detail(p).Contains("accounted for by no audit record"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Balanced_postings_inserted_without_a_journal_entry_are_named(Engine engine)
    {
        // They would raise the programme's cash in every balance summed from postings, while balancing both checks of the
        // trial balance; no kind of entity reaches them through an entry.
        await using var copy = await databases.CopyAsync(engine);
        var orphan = Guid.CreateVersion7();
        await using (var db = await copy.TamperAsync("postings"))
        {
            // Someone holding the database can also switch the foreign keys off.
            await db.ExecuteAsync(engine switch
            {
                Engine.Postgres => "SET session_replication_role = replica",
                Engine.SqlServer => "ALTER TABLE postings NOCHECK CONSTRAINT ALL",
                _ => "PRAGMA foreign_keys = OFF",
            });
            Assert.Equal(2, await db.ExecuteAsync("""
                INSERT INTO postings (journal_entry_id, line, programme_id, account, amount)
                SELECT @orphan, line, programme_id, account, CASE WHEN amount > 0 THEN 1000000 ELSE -1000000 END FROM postings WHERE journal_entry_id = @entry
                """, new { orphan, entry = await EntryOf(db, copy.Data.Gift300) }));
        }

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"postings/{orphan:D}:1" && Detail(p).Contains("belongs to no journal entry"));
        AssertNamed(verification, "row", p => Row(p) == $"postings/{orphan:D}:2" && Detail(p).Contains("belongs to no journal entry"));
        Assert.DoesNotContain(Problems(verification), p => p.Str("kind") == "balance");
        if (engine != Engine.Sqlite) return; // the other engines keep ids in typed columns

        // SQLite takes any text as an id: it is named as written, not a failure of verification.
        await using (var db = await copy.TamperAsync("postings"))
        {
            await db.ExecuteAsync("PRAGMA foreign_keys = OFF");
            Assert.Equal(1, await db.ExecuteAsync("""
                INSERT INTO postings (journal_entry_id, line, programme_id, account, amount)
                SELECT 'forged-entry', 1, programme_id, account, 500 FROM postings WHERE journal_entry_id = @orphan AND line = 1
                """, new { orphan }));
        }
        verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == "postings/forged-entry:1" && Detail(p).Contains("belongs to no journal entry"));
        AssertNamed(verification, "balance", p => Row(p) == "journal_entries/forged-entry");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_receipt_total_changed_is_named_answers_invalid_and_is_not_printed(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        await using (var db = await copy.TamperAsync("receipts"))
            Assert.Equal(1, await db.ExecuteAsync("UPDATE receipts SET total = 10000000 WHERE id = @id", new { id = copy.Data.Receipt }));

        await AssertReceiptTampered(copy);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_receipt_snapshot_changed_is_named_answers_invalid_and_is_not_printed(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        await using (var db = await copy.TamperAsync("receipts"))
        {
            var content = await db.ExecuteScalarAsync<string>("SELECT content FROM receipts WHERE id = @id", new { id = copy.Data.Receipt }) ?? "";
            var edited = content.Replace("\"520.00\"", "\"900.00\"");
            Assert.NotEqual(content, edited);
            Assert.Equal(1, await db.ExecuteAsync("UPDATE receipts SET content = @edited WHERE id = @id", new { edited, id = copy.Data.Receipt }));
        }

        await AssertReceiptTampered(copy);
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Cutting_off_the_approval_and_the_payment_after_a_checkpoint_is_named_by_the_checkpoint(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var (approval, payment) = (copy.Data.ApprovalRecord, copy.Data.PaymentRecord);
        await using (var db = await copy.TamperAsync("audit_entities", "audit_seals", "audit_log"))
        {
            Assert.Equal(2, await db.ExecuteAsync("DELETE FROM audit_seals WHERE record_sequence IN (@approval, @payment)", new { approval, payment }));
            Assert.Equal(2, await db.ExecuteAsync("DELETE FROM audit_log WHERE sequence IN (@approval, @payment)", new { approval, payment }));
            Assert.True(await db.ExecuteAsync("DELETE FROM audit_entities WHERE record_sequence IN (@approval, @payment)", new { approval, payment }) >= 2);
        }

        var verification = await copy.VerifyAsync();
        var chain = copy.Data.ProgrammeChain;
        Assert.Equal(copy.Data.ProgrammeChainLength - 2, Chains(verification)[chain].GetProperty("length").GetInt64());
        AssertNamed(verification, "chain", p => Chain(p) == chain && Position(p) == copy.Data.CheckpointedPosition && Detail(p).Contains("cut off"));
        // The disbursement's rows no longer match the newest record left for it (the request).
        AssertNamed(verification, "row", p => Row(p) == $"disbursements/{copy.Data.Disbursement:D}");
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Rewriting_a_record_and_rehashing_its_chain_after_a_checkpoint_is_named_by_the_mac_and_the_checkpoint(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var chain = copy.Data.ProgrammeChain;
        long sequence;
        await using (var db = await copy.TamperAsync("audit_log", "audit_seals"))
        {
            var record = await db.QuerySingleAsync<StoredRecord>($"{StoredRecord.Select} WHERE entity_id = @id", new { id = copy.Data.Gift300.ToString() });
            sequence = record.Sequence;
            var summary = """{"amount":"30000.00"}""";
            Assert.NotEqual(summary, record.Summary);
            var hash = AuditHash.Record(record.Sequence, record.OccurredAt, record.Actor, record.Action, record.Entity, record.EntityId,
                record.ProgrammeId, summary, record.RowDigests);
            Assert.Equal(1, await db.ExecuteAsync("UPDATE audit_log SET summary = @summary, hash = @hash WHERE sequence = @sequence",
                new { summary, hash, sequence }));

            // Every seal from the record's on, recomputed so that the chain links again from position 1.
            var seals = (await db.QueryAsync<StoredSeal>(
                "SELECT position AS Position, record_sequence AS RecordSequence, record_hash AS RecordHash, hash AS Hash FROM audit_seals WHERE chain = @chain ORDER BY position",
                new { chain })).ToList();
            var at = seals.FindIndex(s => s.RecordSequence == sequence);
            Assert.True(at >= 0 && at < seals.Count - 1, "the rewritten record is sealed before the chain's head");
            var previous = at == 0 ? AuditHash.Genesis : seals[at - 1].Hash;
            foreach (var seal in seals.Skip(at))
            {
                var recordHash = seal.RecordSequence == sequence ? hash : seal.RecordHash;
                var sealHash = AuditHash.Seal(chain, seal.Position, seal.RecordSequence, recordHash, previous);
                Assert.Equal(1, await db.ExecuteAsync(
                    "UPDATE audit_seals SET record_hash = @recordHash, previous_hash = @previous, hash = @sealHash WHERE chain = @chain AND position = @position",
                    new { recordHash, previous, sealHash, chain, position = seal.Position }));
                previous = sealHash;
            }
        }

        var verification = await copy.VerifyAsync();
        // The rewrite is consistent (hash and links recomputed): only the MAC and the signed checkpoint can tell.
        Assert.DoesNotContain(Problems(verification), p => Detail(p).Contains("does not match its hash") || Detail(p).Contains("does not link"));
        AssertNamed(verification, "record", p => Record(p) == sequence && Detail(p).Contains("MAC does not match"));
        AssertNamed(verification, "chain", p => Chain(p) == chain && Position(p) == copy.Data.CheckpointedPosition && Detail(p).Contains("signed checkpoint"));
    }

    [Fact]
    public async Task On_SQLite_the_quick_pass_checks_every_record_the_service_wrote_from_its_bytes_and_doubts_one_changed_since()
    {
        await using var copy = await databases.CopyAsync(Engine.Sqlite);
        Assert.All(await QuickOutcomesAsync(copy), o => Assert.Equal(QuickRecordCheck.Outcome.Trusted, o.Outcome));

        long sequence;
        await using (var db = await copy.TamperAsync("audit_log"))
        {
            sequence = await db.QuerySingleAsync<long>("SELECT sequence FROM audit_log WHERE entity_id = @id", new { id = copy.Data.Gift300.ToString() });
            Assert.Equal(1, await db.ExecuteAsync("UPDATE audit_log SET summary = summary || ' ' WHERE sequence = @sequence", new { sequence }));
        }
        var outcomes = await QuickOutcomesAsync(copy);
        Assert.Equal(QuickRecordCheck.Outcome.Doubt, Assert.Single(outcomes, o => o.Outcome != QuickRecordCheck.Outcome.Trusted).Outcome);
        Assert.Equal(sequence, outcomes.Single(o => o.Outcome == QuickRecordCheck.Outcome.Doubt).Sequence);
    }

    [Fact]
    public async Task On_SQLite_the_postings_the_service_wrote_prove_the_trial_balance_run_by_run()
    {
        await using var copy = await databases.CopyAsync(Engine.Sqlite);
        Assert.True(await BalanceProvedAsync(copy), "the postings of one entry were not consecutive: every verification runs the grouped queries");

        await using (var db = await copy.TamperAsync("postings"))
        {
            // An entry's postings apart: the balance still holds, but run by run it cannot be told, so the queries decide.
            var entry = await EntryOf(db, copy.Data.Gift300);
            await db.ExecuteAsync("""
                CREATE TEMP TABLE moved AS SELECT * FROM postings WHERE journal_entry_id = @entry AND line = 1;
                DELETE FROM postings WHERE journal_entry_id = @entry AND line = 1;
                INSERT INTO postings SELECT * FROM moved;
                """, new { entry });
            Assert.Equal(2L, await db.QuerySingleAsync<long>("SELECT COUNT(*) FROM postings WHERE journal_entry_id = @entry", new { entry }));
        }
        Assert.False(await BalanceProvedAsync(copy));
        var verification = await copy.VerifyInProcessAsync();
        Assert.True(verification.Valid, verification.Problem);
        Assert.False(verification.CheckedInDetail); // the quick pass proved the trail, the grouped queries the balance
    }

    private static async Task<bool> BalanceProvedAsync(AuditCopy copy)
    {
        await using var scope = copy.App.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Aid.Application.Common.IDbSession>();
        var balance = new TrialBalanceRuns();
        await using var postings = await db.OpenCursorAsync(
            Aid.Application.Auditing.RowDigests.DistinctTables.Single(t => t.Table == "postings").EveryRow, TestContext.Current.CancellationToken);
        while (await postings.ReadAsync(TestContext.Current.CancellationToken)) AuditVerifier.AddPosting(balance, postings);
        return balance.Proved;
    }

    /// <summary>What <see cref="QuickRecordCheck"/> makes of each record (the service seals them all first).</summary>
    private static async Task<List<(long Sequence, QuickRecordCheck.Outcome Outcome)>> QuickOutcomesAsync(AuditCopy copy)
    {
        await using var scope = copy.App.Factory.Services.CreateAsyncScope();
        var sealer = scope.ServiceProvider.GetRequiredService<AuditSealer>();
        await sealer.SealCommittedAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var check = new QuickRecordCheck(scope.ServiceProvider.GetRequiredService<AuditMac>(),
            await sealer.SealedThroughAsync(TestContext.Current.CancellationToken));
        var db = scope.ServiceProvider.GetRequiredService<Aid.Application.Common.IDbSession>();
        var outcomes = new List<(long, QuickRecordCheck.Outcome)>();
        await using var records = await db.OpenCursorAsync($"SELECT {AuditRecordRow.Columns} FROM {AuditRecordRow.From} ORDER BY a.sequence",
            TestContext.Current.CancellationToken);
        while (await records.ReadAsync(TestContext.Current.CancellationToken)) outcomes.Add((records.GetInt64(0), check.Check(records)));
        Assert.NotEmpty(outcomes);
        return outcomes;
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_record_whose_stored_hash_alone_was_changed_is_named_though_its_content_mac_and_seal_still_agree(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        long sequence;
        await using (var db = await copy.TamperAsync("audit_log"))
        {
            var record = await db.QuerySingleAsync<StoredRecord>($"{StoredRecord.Select} WHERE entity_id = @id", new { id = copy.Data.Gift300.ToString() });
            sequence = record.Sequence;
            Assert.Equal(1, await db.ExecuteAsync("UPDATE audit_log SET hash = @hash WHERE sequence = @sequence",
                new { hash = new string('0', 64), sequence }));
        }

        // The MAC and the seal vouch for the hash of the content, which did not change: only comparing that hash with the
        // stored one tells (verification's quick pass must not take the content's hash for the stored one).
        AssertNamed(await copy.VerifyAsync(), "record", p => Record(p) == sequence && Detail(p).Contains("does not match its hash"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_forged_payment_record_with_a_correct_hash_is_sealed_by_the_service_and_named_by_its_mac(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        long sequence;
        await using (var db = await copy.TamperAsync("audit_log"))
        {
            var payment = await db.QuerySingleAsync<StoredRecord>($"{StoredRecord.Select} WHERE sequence = @sequence", new { sequence = copy.Data.PaymentRecord });
            sequence = await db.ExecuteScalarAsync<long>(engine == Engine.Postgres ? "SELECT nextval('audit_log_sequence')" : "SELECT MAX(sequence) + 1 FROM audit_log");
            var now = DateTimeOffset.UtcNow;
            var occurredAt = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero); // microseconds, as stored
            var hash = AuditHash.Record(sequence, occurredAt, payment.Actor, "PayDisbursement", "disbursement", payment.EntityId, payment.ProgrammeId, payment.Summary, null);
            // The key id is public (it is on every MAC); the key is not: the forger's MAC is made with a key of its own.
            var mac = payment.Mac![..payment.Mac!.IndexOf(':')] + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.ASCII.GetBytes(hash)));
            var commitOrder = engine == Engine.Postgres ? "CAST(CAST(pg_current_xact_id() AS text) AS bigint)" : "@sequence";
            Assert.Equal(1, await db.ExecuteAsync($"""
                INSERT INTO audit_log (sequence, occurred_at, actor, action, entity, entity_id, programme_id, summary, previous_hash, hash, row_digests, commit_order, mac)
                VALUES (@sequence, @occurredAt, @actor, 'PayDisbursement', 'disbursement', @entityId, @programmeId, @summary, '', @hash, NULL, {commitOrder}, @mac)
                """, new { sequence, occurredAt, actor = payment.Actor, entityId = payment.EntityId, programmeId = payment.ProgrammeId, summary = payment.Summary, hash, mac }));
        }

        var verification = await copy.VerifyAsync();
        // Sealed into the programme's chain by the service's own sealer, its hash right: the MAC is what names it.
        Assert.Equal(copy.Data.ProgrammeChainLength + 1, Chains(verification)[copy.Data.ProgrammeChain].GetProperty("length").GetInt64());
        Assert.DoesNotContain(Problems(verification), p => Detail(p).Contains("does not match its hash"));
        AssertNamed(verification, "record", p => Record(p) == sequence && Detail(p).Contains("MAC does not match"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Checkpoints_deleted_from_the_database_are_named_from_the_checkpoint_file(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        await using (var db = await copy.TamperAsync("audit_checkpoints"))
            Assert.Equal(2, await db.ExecuteAsync("DELETE FROM audit_checkpoints"));
        Assert.Equal(2, File.ReadAllLines(copy.App.CheckpointFile).Count(l => l.Length > 0));

        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "checkpoint", p => Chain(p) == copy.Data.ProgrammeChain && Position(p) == copy.Data.CheckpointedPosition
            && Detail(p).Contains("in the checkpoint file but not in the database"));
        AssertNamed(verification, "checkpoint", p => Chain(p) == "org" && Position(p) == copy.Data.OrganisationCheckpointedPosition
            && Detail(p).Contains("in the checkpoint file but not in the database"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_statement_relies_on_the_last_full_verification_only_while_nobody_else_has_written(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var admin = copy.Admin();
        var gift = copy.Data.Gift300;
        var pack = $"/api/v1/programmes/{copy.Data.Programme}/audit-pack/{AuditedDatabases.Year}.zip";
        const string reused = "(reused: only Aid's own commands have written to the database since)";
        var first = await ManifestAsync(admin, pack);
        Assert.Contains("audit-trail verification: valid", first);
        Assert.DoesNotContain(reused, first);

        // The service's own commands in between: on SQLite the next statement relies on that verification (its writer's
        // data_version proves nobody else committed); PostgreSQL gives no such proof, so it verifies again.
        await admin.ProgrammeAndDonor("蒋晟晖");
        Assert.Equal(engine == Engine.Sqlite, (await ManifestAsync(admin, pack)).Contains(reused));

        await using var db = await copy.TamperAsync("gifts");
        // Dropping the guards was a commit of another connection: verified again, and still intact (no row changed yet).
        Assert.DoesNotContain(reused, await ManifestAsync(admin, pack));
        Assert.Equal(engine == Engine.Sqlite, (await ManifestAsync(admin, pack)).Contains(reused));
        // One UPDATE behind the service's back is enough for the next statement to verify again, find it and refuse.
        Assert.Equal(1, await db.ExecuteAsync("UPDATE gifts SET amount = 3000000 WHERE id = @gift", new { gift }));
        var refused = await admin.Get($"/api/v1/programmes/{copy.Data.Programme}/statements/{AuditedDatabases.Year}.pdf").Expect(HttpStatusCode.Conflict);
        Assert.Contains($"gifts/{gift:D}", refused.Str("detail"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task After_a_verification_finds_a_problem_no_statement_relies_on_an_earlier_one(Engine engine)
    {
        await using var copy = await databases.CopyAsync(engine);
        var admin = copy.Admin();
        var statement = $"/api/v1/programmes/{copy.Data.Programme}/statements/{AuditedDatabases.Year}.pdf";
        await admin.Bytes(statement); // verified, and remembered
        var pack = $"/api/v1/programmes/{copy.Data.Programme}/audit-pack/{AuditedDatabases.Year}.zip";
        Assert.Equal(engine == Engine.Sqlite, (await ManifestAsync(admin, pack)).Contains("(reused:")); // on SQLite, reused from here on
        // A forged line in the checkpoint file, outside the database: no commit, so SQLite's mark does not move.
        var line = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllLines(copy.App.CheckpointFile).Last(l => l.Length > 0))!.AsObject();
        line["hash"] = new string('0', 64);
        await File.AppendAllLinesAsync(copy.App.CheckpointFile, [line.ToJsonString()], TestContext.Current.CancellationToken);
        Assert.False((await copy.VerifyAsync()).GetProperty("valid").GetBoolean());

        var refused = await admin.Get(statement).Expect(HttpStatusCode.Conflict);
        Assert.Contains("run audit verification", refused.Str("detail"));
    }

    // --- helpers ---

    private static async Task<string> ManifestAsync(HttpClient admin, string pack)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await admin.Bytes(pack, "application/zip")));
        return await new StreamReader(zip.GetEntry("MANIFEST.txt")!.Open()).ReadToEndAsync(TestContext.Current.CancellationToken);
    }

    private static async Task AssertReceiptTampered(AuditCopy copy)
    {
        var verification = await copy.VerifyAsync();
        AssertNamed(verification, "row", p => Row(p) == $"receipts/{copy.Data.Receipt:D}" && Detail(p).Contains("differs from its digest"));

        Assert.Equal("invalid", (await VerifyReceipt(copy)).Str("status"));
        var refused = await copy.Admin().Get($"/api/v1/receipts/{copy.Data.ReceiptNumber}/pdf").Expect(HttpStatusCode.Conflict);
        Assert.Contains("run audit verification", refused.Str("detail"));
        Assert.Contains($"receipts/{copy.Data.Receipt:D}", refused.Str("detail"));
    }

    private static Task<JsonElement> VerifyReceipt(AuditCopy copy)
    {
        var anonymous = copy.App.Client();
        anonymous.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return anonymous.Get($"/verify/{copy.Data.ReceiptNumber}?code={copy.Data.ReceiptCode}").Expect(HttpStatusCode.OK);
    }

    private static async Task<Guid> EntryOf(DbConnection db, Guid gift) =>
        await db.QuerySingleAsync<Guid>("SELECT journal_entry_id FROM gifts WHERE id = @gift", new { gift });

    private static async Task<long> Count(AuditCopy copy, string table)
    {
        await using var db = await copy.App.OpenDatabaseAsync();
        return await db.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}");
    }

    private static IEnumerable<JsonElement> Problems(JsonElement verification) => verification.GetProperty("problems").EnumerateArray();

    private static Dictionary<string, JsonElement> Chains(JsonElement verification) =>
        verification.GetProperty("chains").EnumerateArray().ToDictionary(c => c.Str("chain"));

    /// <summary>Verification is not valid and one of its problems, of <paramref name="kind"/>, matches.</summary>
    private static void AssertNamed(JsonElement verification, string kind, Func<JsonElement, bool> match)
    {
        Assert.False(verification.GetProperty("valid").GetBoolean(), verification.GetRawText());
        Assert.True(Problems(verification).Any(p => p.Str("kind") == kind && match(p)),
            $"No {kind} problem names the edit. Verification answered: {verification.GetRawText()}");
    }

    private static string? Text(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    private static long? Number(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
    private static string Detail(JsonElement p) => Text(p, "detail") ?? "";
    private static string? Row(JsonElement p) => Text(p, "row");
    private static string? Chain(JsonElement p) => Text(p, "chain");
    private static long? Position(JsonElement p) => Number(p, "position");
    private static long? Record(JsonElement p) => Number(p, "record");

    private sealed class StoredRecord
    {
        public const string Select = """
            SELECT sequence AS Sequence, occurred_at AS OccurredAt, actor AS Actor, action AS Action, entity AS Entity, entity_id AS EntityId,
                   programme_id AS ProgrammeId, summary AS Summary, row_digests AS RowDigests, mac AS Mac
            FROM audit_log
            """;

        public required long Sequence { get; init; }
        public required DateTimeOffset OccurredAt { get; init; }
        public required string Actor { get; init; }
        public required string Action { get; init; }
        public string? Entity { get; init; }
        public string? EntityId { get; init; }
        public Guid? ProgrammeId { get; init; }
        public required string Summary { get; init; }
        public string? RowDigests { get; init; }
        public string? Mac { get; init; }
    }

    private sealed class StoredSeal
    {
        public required long Position { get; init; }
        public required long RecordSequence { get; init; }
        public required string RecordHash { get; init; }
        public required string Hash { get; init; }
    }
}
