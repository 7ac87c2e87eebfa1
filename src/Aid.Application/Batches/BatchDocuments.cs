namespace Aid.Application.Batches;

/// <summary>What a batch's files print: the programme, the batch, and its lines in order (numbered from 1). Amounts in minor units.</summary>
public sealed record BatchSheet(
    Guid BatchId, string ProgrammeCode, string ProgrammeName, string Currency, string AcademicYear, string Term, string School, string Label,
    DateTimeOffset CreatedAt, IReadOnlyList<BatchSheetLine> Lines)
{
    public long Total => Lines.Sum(l => l.Amount);
}

public sealed record BatchSheetLine(int Number, string StudentCode, string StudentName, string School, string Grade, long Amount, string Purpose);

/// <summary>Writes a batch's files (implemented in Infrastructure: the CSV rules of the statements, the PDF layer of receipts).</summary>
public interface IBatchDocuments
{
    /// <summary>False when no CJK font is configured or found: the signature sheet then answers 503.</summary>
    bool Available { get; }

    /// <summary>The bank payment CSV: UTF-8 with a BOM, CRLF, formula-safe text, amounts "1234.50".</summary>
    byte[] PaymentCsv(BatchSheet sheet);

    /// <summary>The 学生/监护人签领表 PDF (A4 portrait).</summary>
    byte[] SignatureSheet(BatchSheet sheet);
}

internal static class BatchSheets
{
    public static async Task<BatchSheet> LoadAsync(Common.IDbSession db, BatchRow batch, Func<LineRow, bool> include, CancellationToken ct)
    {
        var programme = (await Programmes.ProgrammeRow.FindAsync(db, batch.ProgrammeId, ct))!;
        var lines = (await LineRow.OfAsync(db, batch.Id, ct)).Where(include).ToList();
        return new BatchSheet(batch.Id, programme.Code, programme.Name, programme.Currency, batch.AcademicYear, batch.Term, batch.School,
            $"{programme.Code} {batch.AcademicYear} {batch.Term} {batch.School}", batch.CreatedAt,
            lines.Select((l, i) => new BatchSheetLine(i + 1, l.StudentCode, l.StudentName, l.School, l.Grade, l.Amount,
                $"{l.Purpose} {batch.AcademicYear} {batch.Term}")).ToList());
    }

    /// <summary>A download name without characters file systems refuse.</summary>
    public static string FileName(string stem, BatchRow batch, string extension)
    {
        var name = $"{stem}-{batch.School}-{batch.AcademicYear}-{batch.Term}";
        foreach (var c in Path.GetInvalidFileNameChars().Concat(['/', '\\', ':', '*', '?', '"', '<', '>', '|', ' ']))
            name = name.Replace(c, '_');
        return name + extension;
    }
}
