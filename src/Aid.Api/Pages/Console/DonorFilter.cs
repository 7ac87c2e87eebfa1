using Aid.Application.Common;
using Aid.Application.Donors;
using Mediator;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Aid.Api.Pages.Console;

/// <summary>
/// The donor filter of a list page (gifts, pledges, receipts): a donor chosen by id (a link), or found by the name typed — one
/// match filters, several are offered to pick from, none or a bad id is a message beside the "donor" field.
/// </summary>
public sealed record DonorFilter(DonorView? Chosen, string? Name, IReadOnlyList<DonorView> Choices, bool MoreChoices)
{
    public const int ChoiceLimit = 10;

    public static async Task<DonorFilter> ReadAsync(ISender sender, ModelStateDictionary state, string? donorId, string? name, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(donorId))
        {
            if (Guid.TryParse(donorId.Trim(), out var id) && await sender.Send(new GetDonor(id), ct) is { } chosen) return new(chosen, chosen.Name, [], false);
            state.AddModelError("donor", PageText.T("找不到这位捐赠人，请按名字查找。", "This donor was not found: search by name."));
            return new(null, name, [], false);
        }
        if (string.IsNullOrEmpty(name)) return new(null, name, [], false);
        if (name.Length > 100 || TextRule.Problem(name) is not null)
        {
            state.AddModelError("donor", PageText.T("请输入捐赠人名字中的几个字（最多 100 个字符）。", "Type part of the donor's name (at most 100 characters)."));
            return new(null, name, [], false);
        }
        var found = await sender.Send(new ListDonors(name, null, ChoiceLimit, null), ct);
        switch (found.Items.Count)
        {
            case 0:
                state.AddModelError("donor", PageText.T($"没有名字包含“{name}”的捐赠人。", $"No donor's name contains '{name}'."));
                return new(null, name, [], false);
            case 1 when found.NextCursor is null:
                return new(found.Items[0], name, [], false);
            default:
                return new(null, name, found.Items, found.NextCursor is not null);
        }
    }
}
