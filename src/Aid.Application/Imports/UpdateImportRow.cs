using Aid.Application.Auditing;
using Aid.Application.Common;
using Aid.Application.Donors;
using Aid.Application.Gifts;
using Aid.Application.Pipeline;
using FluentValidation;
using Mediator;

namespace Aid.Application.Imports;

/// <summary>
/// A person's decision on one row of a previewed import, exactly one of: the donor (an existing one, a new one made from
/// the row, or a new anonymous one — the payer's name kept for the organisation, 匿名 everywhere public); exclude or
/// include the row again; confirm the reversal a refund row proposes (the gift is reversed now, by the same rules as
/// <c>POST /gifts/{id}/reverse</c>). <see cref="ApplyToSamePayer"/> gives the same donor to every row of the file from
/// the same payer that still needs one.
/// </summary>
public sealed record UpdateImportRow(
    Guid ImportId, int Row, Guid? DonorId = null, NewImportDonor? NewDonor = null, bool? Anonymous = null, bool? Exclude = null,
    bool? ConfirmReversal = null, bool ApplyToSamePayer = false)
    : ICommand<ImportRowUpdate>, IIdempotentCommand;

/// <summary>A donor to create from the row; what is left out comes from the row (the payer's name, the template's columns).</summary>
public sealed record NewImportDonor(DonorKind? Kind = null, string? Name = null, string? Email = null, string? Phone = null,
    string? OrganisationCode = null, string? Language = null);

/// <summary>The row after the change, and how many rows it changed (more than one with applyToSamePayer).</summary>
public sealed record ImportRowUpdate(ImportRowView Row, int Updated);

public sealed class UpdateImportRowValidator : AbstractValidator<UpdateImportRow>
{
    public UpdateImportRowValidator()
    {
        RuleFor(c => c).Must(c => new object?[] { c.DonorId, c.NewDonor, c.Anonymous is true ? true : null, c.Exclude, c.ConfirmReversal is true ? true : null }
                .Count(v => v is not null) == 1)
            .OverridePropertyName("donorId")
            .WithMessage("Send exactly one of donorId, newDonor, anonymous, exclude or confirmReversal.");
        RuleFor(c => c.NewDonor!.Name).Text(200).When(c => c.NewDonor is not null);
        RuleFor(c => c.NewDonor!.Language).Must(l => l is null || Languages.All.Contains(l)).When(c => c.NewDonor is not null)
            .WithMessage("language must be zh-CN or en.");
    }
}

internal sealed class UpdateImportRowHandler(IDbSession db, AccessScope scope, ISender sender, AuditRecorder audit)
    : ICommandHandler<UpdateImportRow, ImportRowUpdate>
{
    public async ValueTask<ImportRowUpdate> Handle(UpdateImportRow command, CancellationToken ct)
    {
        var import = await ImportRecord.FindVisibleAsync(db, scope, command.ImportId, ct, RowLock.Update);
        if (import.Status == ImportStatuses.Committing)
            throw new ConflictException("The import is being committed; change its rows when the commit has finished.");
        await ProgrammeGuard.ShareOpenAsync(db, scope, import.ProgrammeId, ct);
        var row = await ImportRowRecord.FindAsync(db, import.Id, command.Row, ct) ?? throw new NotFoundException("Import row", command.Row);

        int updated;
        string action;
        if (command.Exclude is { } exclude)
        {
            var (from, to) = exclude ? (ImportOutcomes.New, ImportOutcomes.Excluded) : (ImportOutcomes.Excluded, ImportOutcomes.New);
            if (row.Outcome != from)
                throw new ConflictException(exclude ? "Only a new row can be excluded." : "Only an excluded row can be included again.",
                    new Dictionary<string, object?> { ["outcome"] = row.Outcome });
            updated = await db.ExecuteAsync("UPDATE import_rows SET outcome = @to WHERE import_id = @importId AND row_no = @rowNo",
                new { to, importId = import.Id, rowNo = row.RowNo }, ct);
            action = exclude ? "exclude" : "include";
        }
        else if (command.ConfirmReversal is true)
        {
            await ReverseAsync(import, row, ct);
            updated = 1;
            action = "reverse";
        }
        else
        {
            if (row.Outcome != ImportOutcomes.New)
                throw new ConflictException("Only a new row gets a donor.", new Dictionary<string, object?> { ["outcome"] = row.Outcome });
            var (donorId, match) = await DonorForAsync(command, row, ct);
            updated = await AssignAsync(import.Id, row, donorId, match, command.ApplyToSamePayer, ct);
            action = match;
        }

        audit.Describe("import", import.Id, import.ProgrammeId, new { row = command.Row, action, updated });
        var after = await ImportRowRecord.FindAsync(db, import.Id, command.Row, ct) ?? throw new NotFoundException("Import row", command.Row);
        return new ImportRowUpdate(after.ToView(), updated);
    }

    private async Task<(Guid DonorId, string Match)> DonorForAsync(UpdateImportRow command, ImportRowRecord row, CancellationToken ct)
    {
        if (command.DonorId is { } donorId)
        {
            if (await db.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM donors WHERE id = @donorId", new { donorId }, ct) is null)
                throw new InputException("donorId", "No such donor.");
            return (donorId, "assigned");
        }
        var anonymous = command.Anonymous is true;
        var asked = command.NewDonor ?? new NewImportDonor();
        var kind = asked.Kind ?? (row.DonorKind == "organisation" || row.DonorOrgCode is not null ? DonorKind.Organisation : DonorKind.Person);
        var name = (asked.Name ?? row.PayerName)?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            if (!anonymous) throw new InputException("newDonor.name", "The row names no payer: give the new donor's name.");
            name = "匿名捐赠人";
        }
        var created = await sender.Send(new CreateDonor(kind, name, anonymous, asked.Language ?? "zh-CN",
            asked.Email ?? row.DonorEmail, asked.Phone ?? row.DonorPhone, Address: null,
            kind == DonorKind.Organisation ? asked.OrganisationCode ?? row.DonorOrgCode : null), ct);
        return (created.Id, anonymous ? "anonymous" : "created");
    }

    private async Task<int> AssignAsync(Guid importId, ImportRowRecord row, Guid donorId, string match, bool samePayer, CancellationToken ct)
    {
        var updated = await db.ExecuteAsync("""
            UPDATE import_rows SET donor_id = @donorId, donor_match = @match WHERE import_id = @importId AND row_no = @rowNo
            """, new { donorId, match, importId, rowNo = row.RowNo }, ct);
        if (!samePayer || row.PayerName is null && row.PayerAccount is null && row.PayerId is null) return updated;
        // The other lines of the same payer that still need a donor, through ix_import_rows_needs_donor (whose condition this
        // repeats): a missing value is matched with IS NULL, written out per column, as "= NULL" matches nothing.
        return updated + await db.ExecuteAsync($"""
            UPDATE import_rows SET donor_id = @donorId, donor_match = @match
            WHERE import_id = @importId AND outcome = 'new' AND donor_id IS NULL AND {SameAs("payer_name", row.PayerName)}
              AND {SameAs("payer_account", row.PayerAccount)} AND {SameAs("payer_id", row.PayerId)}
            """, new { donorId, match, importId, payer_name = row.PayerName, payer_account = row.PayerAccount, payer_id = row.PayerId }, ct);
    }

    private static string SameAs(string column, string? value) => value is null ? $"{column} IS NULL" : $"{column} = @{column}";

    private async Task ReverseAsync(ImportRecord import, ImportRowRecord row, CancellationToken ct)
    {
        if (row.Outcome != ImportOutcomes.Refund || row.DuplicateGiftId is not { } giftId)
            throw new ConflictException("Only a refund row of a recorded gift can be confirmed.", new Dictionary<string, object?> { ["outcome"] = row.Outcome });
        if (row.Message == ImportMessages.PartialRefund)
            throw new ConflictException(ImportMessages.PartialRefund);
        var reason = $"Refunded: {row.ExternalRef ?? row.RefundOf} (import {import.FileName}, line {row.Line})";
        await sender.Send(new ReverseGift(giftId, reason.Length > 500 ? reason[..500] : reason), ct);
        await db.ExecuteAsync("UPDATE import_rows SET outcome = 'reversed', gift_id = @giftId WHERE import_id = @importId AND row_no = @rowNo",
            new { giftId, importId = import.Id, rowNo = row.RowNo }, ct);
    }
}
