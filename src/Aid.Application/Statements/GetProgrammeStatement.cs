using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Programmes;
using Aid.Application.Receipts;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Application.Statements;

/// <summary>
/// The annual statement of a programme for auditors: fund movement for the year and since the start, pledges,
/// the registers (gifts with their receipts, goods, disbursements, exceptions, receipts), receipt-number
/// reconciliation and the audit-trail head hash. Figures come from the ledger; each register is read once, into a temporary copy
/// that the statement's files read (dispose the statement to delete them).
/// Everything is as of the year's end (31 December in the business time zone): a gift counts as reversed, a pledge as closed and
/// a disbursement as reversed only if that happened by then, so the statement of a past year does not change afterwards and
/// agrees with the donor statements of the same year (<see cref="GetDonorStatement"/>).
/// </summary>
public sealed record GetProgrammeStatement(Guid ProgrammeId, int Year) : IQuery<ProgrammeStatement?>;

public sealed class GetProgrammeStatementValidator : AbstractValidator<GetProgrammeStatement>
{
    public GetProgrammeStatementValidator() => RuleFor(q => q.Year).InclusiveBetween(2000, 2100).OverridePropertyName("year");
}

internal sealed class GetProgrammeStatementHandler(IDbSession db, AccessScope scope, BusinessClock clock, ReceiptSettings settings,
    Auditing.AuditVerifier verifier, Auditing.AuditCheckpoints checkpoints, IServiceScopeFactory scopes)
    : IQueryHandler<GetProgrammeStatement, ProgrammeStatement?>
{
    public async ValueTask<ProgrammeStatement?> Handle(GetProgrammeStatement query, CancellationToken ct)
    {
        if (!scope.CanSeeProgramme(query.ProgrammeId)) return null;
        var programme = await ProgrammeRow.FindAsync(db, query.ProgrammeId, ct);
        if (programme is null) return null;
        var from = new DateOnly(query.Year, 1, 1);
        var to = new DateOnly(query.Year, 12, 31);
        var p = new { programmeId = programme.Id, from, to, endAt = YearEnd(clock, query.Year), voidOpen = "(作废", replacedByArrow = "→" };
        var counted = new { prefix = settings.Prefix, year = query.Year, programmeId = programme.Id, p.to, p.endAt };
        CursorParameter[] gifts = [new("programmeId", p.programmeId), new("from", from), new("to", to), new("voidOpen", p.voidOpen), new("replacedByArrow", p.replacedByArrow)];
        for (var attempt = 1; ; attempt++)
        {
            // Never printed from rows the audit trail does not vouch for; the heads printed are signed at this moment.
            var (verification, mark) = await verifier.EnsureIntactAsync(ct);
            var heads = await checkpoints.TakeAsync([Auditing.AuditChains.Of(programme.Id), Auditing.AuditChains.Organisation], "statement", ct);
            // The figures are read on a second connection while the registers are read here: two cores instead of one (at 1M
            // gifts the fund movement reads 2M postings, the gifts register 1M gifts).
            var (figures, registers) = await ReadAsync(p, gifts, counted, ct);
            try
            {
                // Where the engine can tell (SQLite), the rows read are the ones verified only if nobody else has committed
                // since: otherwise verify and read once more (and then print, as where it cannot tell: two service processes on
                // one file move the mark all the time).
                if (attempt == 1 && mark is not null && !await verifier.UnchangedSinceAsync(mark, ct))
                {
                    StatementRegister.DisposeAll(registers);
                    continue;
                }
                return Compose(query, programme, figures, registers, verification, heads);
            }
            catch
            {
                StatementRegister.DisposeAll(registers);
                throw;
            }
        }
    }

    /// <summary>
    /// The figures on a second connection and the registers on this one, at once. Without a second connection (a busy pool),
    /// or if reading there failed, the figures are read here afterwards. Nothing is left open when either fails.
    /// </summary>
    private async Task<(Figures Figures, IReadOnlyList<StatementRegister> Registers)> ReadAsync(object p, IReadOnlyList<CursorParameter> gifts, object counted,
        CancellationToken ct)
    {
        await using var second = scopes.CreateAsyncScope();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var figuresTask = Task.Run(() => FiguresAsync(second.ServiceProvider.GetRequiredService<IDbSession>(), p, counted, stop.Token), stop.Token);
        IReadOnlyList<StatementRegister> registers;
        try
        {
            registers = await RegistersAsync(p, gifts, ct);
        }
        catch
        {
            await stop.CancelAsync();
            try { await figuresTask; } catch (Exception) { } // cancelled, or failed: the registers' failure is the one to report
            throw;
        }
        try
        {
            try
            {
                return (await figuresTask, registers);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                return (await FiguresAsync(db, p, counted, ct), registers);
            }
        }
        catch
        {
            StatementRegister.DisposeAll(registers);
            throw;
        }
    }

    private ProgrammeStatement Compose(GetProgrammeStatement query, ProgrammeRow programme, Figures figures, IReadOnlyList<StatementRegister> registers,
        Auditing.AuditVerification verification, IReadOnlyList<Auditing.AuditCheckpoint> heads)
    {
        var programmeHead = heads.FirstOrDefault(h => h.Chain == Auditing.AuditChains.Of(programme.Id));
        var organisationHead = heads.FirstOrDefault(h => h.Chain == Auditing.AuditChains.Organisation);
        var movements = figures.Movements;
        long During(string kind, string? donorKind = null) => movements.Where(m => m.Kind == kind && (donorKind is null || m.DonorKind == donorKind)).Sum(m => m.During);
        long Before(string kind, string? donorKind = null) => movements.Where(m => m.Kind == kind && (donorKind is null || m.DonorKind == donorKind)).Sum(m => m.Before);
        var opening = movements.Sum(m => m.Before);
        var forYear = new FundMovement(opening, During("cash_gift", DonorKinds.Person), During("cash_gift", DonorKinds.Organisation), During("in_kind_gift"),
            -During("disbursement"), -During("goods_distribution"), During("gift_reversal") + During("disbursement_reversal"),
            opening + movements.Sum(m => m.During));
        long Both(string kind, string? donorKind = null) => Before(kind, donorKind) + During(kind, donorKind);
        var cumulative = new FundMovement(0, Both("cash_gift", DonorKinds.Person), Both("cash_gift", DonorKinds.Organisation), Both("in_kind_gift"),
            -Both("disbursement"), -Both("goods_distribution"), Both("gift_reversal") + Both("disbursement_reversal"), forYear.Closing);

        var pledgeRows = figures.Pledges;
        // 匿名 rows together after the named ones, in the order they were made: sorted among the names, each one's place would
        // give its donor's surname away.
        var pledges = pledgeRows.Where(r => !r.Anonymous).Concat(pledgeRows.Where(r => r.Anonymous).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)).Select(r =>
        {
            var status = r.ClosedStatus ?? (r.Received >= r.Total ? "fulfilled" : "open");
            return new PledgeLine(DonorView.PublicName(r.Name, r.Anonymous), r.Total, r.Received, r.ClosedStatus is null ? r.Total - r.Received : 0, status);
        }).ToList();

        var receipts = figures.Receipts;

        return new ProgrammeStatement
        {
            Issuer = settings.Issuer,
            Programme = programme.ToView(),
            Year = query.Year,
            Basis = "收付实现制；物资按入账价值计量 Cash basis; goods at their recorded value",
            ForYear = forYear,
            Cumulative = cumulative,
            Pledges = pledges,
            Receipts = new ReceiptReconciliation(
                receipts.Issued == 0 ? null : ReceiptNumber.Format(settings.Prefix, query.Year, receipts.First),
                receipts.Issued == 0 ? null : ReceiptNumber.Format(settings.Prefix, query.Year, receipts.Last),
                receipts.Issued, receipts.Void, receipts.Last - receipts.Issued, // numbers start at 1: every number up to the last must exist
                receipts.ForProgramme),
            AuditRecords = programmeHead?.Position ?? 0,
            AuditHeadHash = programmeHead?.Hash ?? Auditing.AuditHash.Genesis,
            OrganisationAuditRecords = organisationHead?.Position ?? 0,
            OrganisationAuditHeadHash = organisationHead?.Hash ?? Auditing.AuditHash.Genesis,
            Verification = verification,
            GeneratedAt = clock.UtcNow(),
            Registers = registers,
        };
    }

    /// <summary>The fund movement and the pledges (<paramref name="p"/>), and the receipt counts (<paramref name="counted"/>), read on <paramref name="session"/>.</summary>
    private static async Task<Figures> FiguresAsync(IDbSession session, object p, object counted, CancellationToken ct) => new(
        await session.QueryAsync<MovementRow>(MovementSql, p, ct),
        await session.QueryAsync<PledgeRow>(PledgesSql, p, ct),
        await session.QuerySingleAsync<ReceiptCounts>(ReceiptCountsSql, counted, ct));

    private sealed record Figures(IReadOnlyList<MovementRow> Movements, IReadOnlyList<PledgeRow> Pledges, ReceiptCounts Receipts);

    /// <summary>The instant the year ends in the business time zone (1 January of the next year, 00:00 there), in UTC.</summary>
    /// <summary>
    /// A receipt (<paramref name="alias"/>) void by the year's end (@to, @endAt): voided on or before 31 December, or — voided before
    /// void dates were kept — at an instant before the year's end. One voided later was valid when the year closed: the receipts
    /// register and its void count say so. (The gifts register's receipts column is a cross-reference to every receipt a gift has,
    /// whenever issued — a 2022 gift is often receipted in January 2023 — so it shows each receipt as it stands.)
    /// </summary>
    internal static string VoidByYearEnd(string alias) =>
        $"({alias}.status = 'void' AND ({alias}.voided_on <= @to OR {alias}.voided_on IS NULL AND {alias}.voided_at < @endAt))";

    internal static DateTimeOffset YearEnd(BusinessClock clock, int year) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year + 1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified), clock.Zone), TimeSpan.Zero);

    /// <summary>
    /// Each register read once, here, into a temporary copy (<see cref="StatementRegister.ReadOnceAsync"/>): the files of the
    /// statement read that copy, so none of them runs a query of its own, and none holds the session. <paramref name="gifts"/> are
    /// the parameters of <see cref="GiftsSql"/> (those of <paramref name="p"/> it has).
    /// </summary>
    private async Task<IReadOnlyList<StatementRegister>> RegistersAsync(object p, IReadOnlyList<CursorParameter> gifts, CancellationToken ct)
    {
        var registers = new List<StatementRegister>();
        try
        {
            registers.Add(await StatementRegister.ReadOnceAsync("gifts", "捐赠登记 Gifts register",
                ["收到日期 Date", "捐赠人 Donor", "类别 Donor type", "形式 Kind", "方式/物品 Method or item", "参考号 Reference", "金额 Amount", "收据 Receipts", "状态 Status"],
                [6], Map(GiftLinesAsync(GiftsSql(db.Dialect), gifts, ct), g => new StatementCell[]
                {
                    g.ReceivedOn.ToString("yyyy-MM-dd"), DonorView.PublicName(g.Name, g.Anonymous), g.DonorKind == DonorKinds.Person ? "个人" : "单位",
                    g.Kind == "cash" ? "现金" : "物资", g.Kind == "cash" ? StatementCell.Coded(g.Method, StatementLabels.PaymentMethod(g.Method)) : g.Description,
                    g.Reference, StatementCell.Money(g.Amount), g.Receipts, g.Reversed == 1 ? "已冲销 reversed" : "有效",
                }), ct, codeColumns: [4]));
            registers.Add(await StatementRegister.ReadOnceAsync("goods", "物资登记 Goods register",
                ["收到日期 Date", "捐赠人 Donor", "物品 Item", "数量 Quantity", "单位 Unit", "计价依据 Valuation", "价值 Value", "状态 Status"],
                [6], Map(GiftLinesAsync(GoodsSql, gifts, ct), g => new StatementCell[]
                {
                    g.ReceivedOn.ToString("yyyy-MM-dd"), DonorView.PublicName(g.Name, g.Anonymous), g.Description, g.Quantity, g.Unit,
                    StatementCell.Coded(g.ValuationBasis, StatementLabels.ValuationBasis(g.ValuationBasis)), StatementCell.Money(g.Amount),
                    g.Reversed == 1 ? "已冲销 reversed" : "有效",
                }), ct, codeColumns: [5]));
            registers.Add(await StatementRegister.ReadOnceAsync("disbursements", "资助发放登记 Disbursements register",
                ["学生代码 Student", "学校 School", "年级 Grade", "学年 Year", "学期 Term", "金额 Amount", "支付日期 Paid on", "渠道 Channel", "支付参考号 Reference", "审批人 Approver", "状态 Status"],
                [5], Map(db.StreamAsync<DisbursementLine>(DisbursementsSql(db.Dialect), p, ct), d => new StatementCell[]
                {
                    d.Code, d.School, d.Grade, d.AcademicYear, d.Term, StatementCell.Money(d.Amount), d.PaidOn?.ToString("yyyy-MM-dd"),
                    StatementCell.Coded(d.Channel, StatementLabels.DisbursementChannel(d.Channel)), d.PayoutReference, d.Approver,
                    StatementCell.Coded(d.Status, StatementLabels.DisbursementStatus(d.Status)),
                }), ct, codeColumns: [7, 10]));
            registers.Add(await StatementRegister.ReadOnceAsync("exceptions", "例外事项 Exceptions",
                ["类型 Type", "日期 Date", "对象 Subject", "金额 Amount", "说明 Note"], [3], Exceptions(p, ct), ct));
            registers.Add(await StatementRegister.ReadOnceAsync("receipts", "收据登记 Receipts register",
                ["收据编号 Number", "开具日期 Issued", "捐赠人 Donor", "金额 Amount", "状态 Status", "替代 Replaces", "被替代 Replaced by"],
                [3], Map(db.StreamAsync<ReceiptLine>(ReceiptsSql, p, ct), r => new StatementCell[]
                {
                    r.Number, r.IssuedOn.ToString("yyyy-MM-dd"), DonorView.PublicName(r.Name, r.Anonymous), StatementCell.Money(r.Total),
                    r.Status == "void" ? "作废 void" : "有效 valid", r.Replaces, r.ReplacedBy,
                }), ct));
            return registers;
        }
        catch
        {
            StatementRegister.DisposeAll(registers);
            throw;
        }
    }

    private async IAsyncEnumerable<StatementCell[]> Exceptions(object p, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var s in db.StreamAsync<WithdrawnLine>(WithdrawnSql, p, ct))
            yield return ["学生退出 Student withdrawn", s.StatusDate?.ToString("yyyy-MM-dd"), s.Code, StatementCell.Money(0), s.School];
        await foreach (var g in db.StreamAsync<ReversalLine>(GiftReversalsSql(db.Dialect), p, ct))
            yield return ["捐赠冲销 Gift reversed", g.On.ToString("yyyy-MM-dd"), g.Subject, StatementCell.Money(g.Amount), g.Reason];
        await foreach (var d in db.StreamAsync<ReversalLine>(DisbursementReversalsSql, p, ct))
            yield return ["发放冲销 Disbursement reversed", d.On.ToString("yyyy-MM-dd"), d.Subject, StatementCell.Money(d.Amount), d.Reason];
    }

    /// <summary>
    /// The lines of <see cref="GiftsSql"/> (or <see cref="GoodsSql"/>) read through a cursor, not Dapper: at a million gifts Dapper's
    /// per-column calls were a third of the gifts register's read (perf, issue 18). Columns by their place in the query.
    /// </summary>
    private async IAsyncEnumerable<GiftLine> GiftLinesAsync(string sql, IReadOnlyList<CursorParameter> parameters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var cursor = await db.OpenCursorAsync(sql, parameters, ct);
        if (cursor.FieldCount != 14) throw new InvalidOperationException($"The gifts query has {cursor.FieldCount} columns, not the 14 read here.");
        while (await cursor.ReadAsync(ct))
            yield return new GiftLine
            {
                ReceivedOn = cursor.GetDateOnly(0), Name = cursor.GetString(1), Anonymous = cursor.GetInt64(2) != 0, DonorKind = cursor.GetString(3),
                Kind = cursor.GetString(4), Method = cursor.GetStringOrNull(5), Description = cursor.GetStringOrNull(6), Reference = cursor.GetStringOrNull(7),
                Quantity = cursor.GetStringOrNull(8), Unit = cursor.GetStringOrNull(9), ValuationBasis = cursor.GetStringOrNull(10),
                Amount = cursor.GetInt64(11), Reversed = cursor.GetInt64(12), Receipts = cursor.GetStringOrNull(13),
            };
    }

    private static async IAsyncEnumerable<StatementCell[]> Map<T>(IAsyncEnumerable<T> rows, Func<T, StatementCell[]> map)
    {
        await foreach (var row in rows) yield return map(row);
    }

    private const string MovementSql = """
        SELECT e.kind AS Kind, COALESCE(d.kind, '') AS DonorKind,
               CAST(SUM(CASE WHEN e.entry_date < @from THEN p.amount ELSE 0 END) AS BIGINT) AS Before,
               CAST(SUM(CASE WHEN e.entry_date >= @from THEN p.amount ELSE 0 END) AS BIGINT) AS During
        FROM postings p
        JOIN journal_entries e ON e.id = p.journal_entry_id
        LEFT JOIN gifts g ON e.source_type = 'gift' AND g.id = e.source_id
        LEFT JOIN donors d ON d.id = g.donor_id
        WHERE p.programme_id = @programmeId AND p.account IN ('cash_at_bank', 'goods_in_stock') AND e.entry_date <= @to
        GROUP BY e.kind, d.kind
        """;

    private const string PledgesSql = """
        SELECT p.id AS Id, p.created_at AS CreatedAt, d.name AS Name, d.anonymous AS Anonymous, p.total AS Total,
               CASE WHEN p.closed_at < @endAt THEN p.closed_status END AS ClosedStatus,
               CAST(COALESCE((SELECT SUM(a.amount) FROM pledge_allocations a JOIN gifts g ON g.id = a.gift_id
                              WHERE a.pledge_id = p.id AND g.received_on <= @to
                                AND NOT EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = a.gift_id AND r.reversed_on <= @to)), 0) AS BIGINT) AS Received
        FROM pledges p JOIN donors d ON d.id = p.donor_id
        WHERE p.programme_id = @programmeId
        ORDER BY d.name, p.id
        """;

    private static readonly string ReceiptCountsSql = $"""
        SELECT CAST(COALESCE(MIN(sequence), 0) AS BIGINT) AS First, CAST(COALESCE(MAX(sequence), 0) AS BIGINT) AS Last,
               CAST(COUNT(*) AS BIGINT) AS Issued, CAST(COALESCE(SUM(CASE WHEN {VoidByYearEnd("receipts")} THEN 1 ELSE 0 END), 0) AS BIGINT) AS Void,
               CAST(COALESCE(SUM(CASE WHEN programme_id = @programmeId THEN 1 ELSE 0 END), 0) AS BIGINT) AS ForProgramme
        FROM receipts WHERE prefix = @prefix AND year = @year
        """;

    // GiftLinesAsync reads these columns by their place.
    private static string GiftsSql(ISqlDialect dialect) => $"""
        SELECT g.received_on AS ReceivedOn, d.name AS Name, d.anonymous AS Anonymous, d.kind AS DonorKind, g.kind AS Kind, g.method AS Method,
               g.description AS Description, g.reference AS Reference, g.quantity AS Quantity, g.unit AS Unit, g.valuation_basis AS ValuationBasis,
               g.amount AS Amount,
               CASE WHEN EXISTS (SELECT 1 FROM gift_reversals r WHERE r.gift_id = g.id AND r.reversed_on <= @to) THEN 1 ELSE 0 END AS Reversed,
               (SELECT {dialect.StringAgg(dialect.Concat("r.number", $"CASE WHEN r.status = 'void' THEN {dialect.Concat("@voidOpen", $"COALESCE({dialect.Concat("@replacedByArrow", "n.number")}, '')", "')'")} ELSE '' END"), "; ")}
                FROM receipt_gifts rg JOIN receipts r ON r.id = rg.receipt_id LEFT JOIN receipts n ON n.id = r.replaced_by_id
                WHERE rg.gift_id = g.id) AS Receipts
        FROM gifts g JOIN donors d ON d.id = g.donor_id
        WHERE g.programme_id = @programmeId AND g.received_on >= @from AND g.received_on <= @to
        ORDER BY g.received_on, g.id
        """;

    // The goods register is the in-kind part of the gifts register (its receipts column is simply not printed).
    // The kind as a literal, so the engines read the partial index of in-kind gifts (ix_gifts_goods, migration 0018).
    private string GoodsSql => GiftsSql(db.Dialect).Replace("WHERE g.programme_id = @programmeId", "WHERE g.programme_id = @programmeId AND g.kind = 'in_kind'");

    private static string DisbursementsSql(ISqlDialect dialect) => $"""
        SELECT s.code AS Code, s.school AS School, s.grade AS Grade, d.academic_year AS AcademicYear, d.term AS Term, d.amount AS Amount,
               d.paid_on AS PaidOn, d.channel AS Channel, d.payout_reference AS PayoutReference, k.name AS Approver,
               CASE WHEN d.status = 'reversed' AND e.entry_date > @to THEN 'paid' ELSE d.status END AS Status
        FROM disbursements d JOIN students s ON s.id = d.student_id LEFT JOIN api_keys k ON {dialect.AsText("k.id")} = d.decided_by
        LEFT JOIN journal_entries e ON e.id = d.reversal_entry_id
        WHERE d.programme_id = @programmeId AND d.paid_on >= @from AND d.paid_on <= @to
        ORDER BY d.paid_on, d.id
        """;

    private const string WithdrawnSql = """
        SELECT code AS Code, school AS School, status_date AS StatusDate FROM students
        WHERE programme_id = @programmeId AND status = 'withdrawn' AND status_date >= @from AND status_date <= @to
        ORDER BY status_date, code
        """;

    private static string GiftReversalsSql(ISqlDialect dialect) => $"""
        SELECT r.reversed_on AS "On", COALESCE(g.reference, {dialect.AsText("g.id")}) AS Subject, g.amount AS Amount, r.reason AS Reason
        FROM gift_reversals r JOIN gifts g ON g.id = r.gift_id
        WHERE g.programme_id = @programmeId AND r.reversed_on >= @from AND r.reversed_on <= @to
        ORDER BY r.reversed_on, g.id
        """;

    private const string DisbursementReversalsSql = """
        SELECT e.entry_date AS "On", s.code AS Subject, d.amount AS Amount, d.reversal_reason AS Reason
        FROM disbursements d JOIN students s ON s.id = d.student_id JOIN journal_entries e ON e.id = d.reversal_entry_id
        WHERE d.programme_id = @programmeId AND e.entry_date >= @from AND e.entry_date <= @to
        ORDER BY e.entry_date, d.id
        """;

    private static readonly string ReceiptsSql = $"""
        SELECT r.number AS Number, r.issued_on AS IssuedOn, d.name AS Name, d.anonymous AS Anonymous, r.total AS Total,
               CASE WHEN {VoidByYearEnd("r")} THEN 'void' ELSE 'valid' END AS Status, o.number AS Replaces, n.number AS ReplacedBy
        FROM receipts r JOIN donors d ON d.id = r.donor_id
        LEFT JOIN receipts o ON o.id = r.replaces_id LEFT JOIN receipts n ON n.id = r.replaced_by_id AND n.issued_on <= @to
        WHERE r.programme_id = @programmeId AND r.issued_on >= @from AND r.issued_on <= @to
        ORDER BY r.year, r.sequence
        """;

    private sealed class MovementRow
    {
        public required string Kind { get; init; }
        public required string DonorKind { get; init; }
        public required long Before { get; init; }
        public required long During { get; init; }
    }

    private sealed class PledgeRow
    {
        public required Guid Id { get; init; }
        public required DateTimeOffset CreatedAt { get; init; }
        public required string Name { get; init; }
        public required bool Anonymous { get; init; }
        public required long Total { get; init; }
        public string? ClosedStatus { get; init; }
        public required long Received { get; init; }
    }

    private sealed class ReceiptCounts
    {
        public required long First { get; init; }
        public required long Last { get; init; }
        public required long Issued { get; init; }
        public required long Void { get; init; }
        public required long ForProgramme { get; init; }
    }

    private sealed class GiftLine
    {
        public required DateOnly ReceivedOn { get; init; }
        public required string Name { get; init; }
        public required bool Anonymous { get; init; }
        public required string DonorKind { get; init; }
        public required string Kind { get; init; }
        public string? Method { get; init; }
        public string? Description { get; init; }
        public string? Reference { get; init; }
        public string? Quantity { get; init; }
        public string? Unit { get; init; }
        public string? ValuationBasis { get; init; }
        public required long Amount { get; init; }
        public required long Reversed { get; init; }
        public string? Receipts { get; init; }
    }

    private sealed class DisbursementLine
    {
        public required string Code { get; init; }
        public required string School { get; init; }
        public required string Grade { get; init; }
        public required string AcademicYear { get; init; }
        public required string Term { get; init; }
        public required long Amount { get; init; }
        public DateOnly? PaidOn { get; init; }
        public required string Channel { get; init; }
        public string? PayoutReference { get; init; }
        public string? Approver { get; init; }
        public required string Status { get; init; }
    }

    private sealed class WithdrawnLine
    {
        public required string Code { get; init; }
        public required string School { get; init; }
        public DateOnly? StatusDate { get; init; }
    }

    private sealed class ReversalLine
    {
        public required DateOnly On { get; init; }
        public required string Subject { get; init; }
        public required long Amount { get; init; }
        public string? Reason { get; init; }
    }

    private sealed class ReceiptLine
    {
        public required string Number { get; init; }
        public required DateOnly IssuedOn { get; init; }
        public required string Name { get; init; }
        public required bool Anonymous { get; init; }
        public required long Total { get; init; }
        public required string Status { get; init; }
        public string? Replaces { get; init; }
        public string? ReplacedBy { get; init; }
    }
}
