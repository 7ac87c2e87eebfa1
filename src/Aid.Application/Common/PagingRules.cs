using Aid.Application.Auditing;
using FluentValidation;

namespace Aid.Application.Common;

public static class PagingRules
{
    public static void AddPagingRules<T>(this AbstractValidator<T> validator, bool sequenceCursor = false) where T : IPagedQuery
    {
        validator.RuleFor(q => q.Limit)
            .InclusiveBetween(1, Common.Cursor.MaxLimit)
            .When(q => q.Limit is not null)
            .WithMessage($"limit must be between 1 and {Common.Cursor.MaxLimit}.");
        validator.RuleFor(q => q.Cursor)
            .Must(c => sequenceCursor ? SequenceCursor.TryDecode(c, out _) : Common.Cursor.TryDecode(c, out _))
            .WithMessage("cursor is not a cursor returned by this list.");
    }
}
