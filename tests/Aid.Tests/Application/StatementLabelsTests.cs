using Aid.Application.Disbursements;
using Aid.Application.Gifts;
using Aid.Application.Pledges;
using Aid.Application.Statements;

namespace Aid.Tests.Application;

/// <summary>Every code a statement can print has words, Chinese first: a new enum value without them fails here, not in an auditor's hands.</summary>
public sealed class StatementLabelsTests
{
    public static TheoryData<string, string> CodesAndWords()
    {
        var data = new TheoryData<string, string>();
        foreach (var code in Aid.Application.Common.Codes.All<PaymentMethod>()) data.Add(code, StatementLabels.PaymentMethod(code));
        foreach (var code in Aid.Application.Common.Codes.All<GiftKind>()) data.Add(code, StatementLabels.GiftKind(code));
        foreach (var code in Aid.Application.Common.Codes.All<ValuationBasis>()) data.Add(code, StatementLabels.ValuationBasis(code));
        foreach (var code in Aid.Application.Common.Codes.All<DisbursementChannel>()) data.Add(code, StatementLabels.DisbursementChannel(code));
        foreach (var code in Aid.Application.Common.Codes.All<DisbursementStatus>()) data.Add(code, StatementLabels.DisbursementStatus(code));
        foreach (var code in new[] { PledgeStatus.Open, PledgeStatus.Fulfilled, PledgeStatus.Cancelled, PledgeStatus.WrittenOff })
            data.Add(code, StatementLabels.PledgeStatus(code));
        return data;
    }

    [Theory, MemberData(nameof(CodesAndWords))]
    public void Each_code_has_chinese_and_english_words(string code, string words)
    {
        Assert.NotEqual(code, words);
        Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}+ [A-Z][a-zA-Z ]+$", words);
    }
}
