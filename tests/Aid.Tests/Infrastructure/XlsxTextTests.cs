using System.IO.Compression;
using Aid.Infrastructure.Statements;
using MiniExcelLibs;

namespace Aid.Tests.Infrastructure;

public sealed class XlsxTextTests
{
    [Fact]
    public void Characters_beyond_the_BMP_are_written_as_themselves_and_a_users_own_escape_text_is_kept()
    {
        var names = new[] { "𠮷野家䶮", "_xD842__xDFB7_ typed", "𩸽" + new string('鱼', 70_000) + "𠮷" }; // the last one crosses a 64K block
        using var workbook = new MemoryStream();
        MiniExcel.SaveAs(workbook, names.Select(n => new Dictionary<string, object> { ["name"] = n }), excelType: ExcelType.XLSX);
        Assert.Contains("_xD842__xDFB7_", Sheet(workbook.ToArray())); // what MiniExcel writes
        workbook.Position = 0;

        using var fixedCopy = new MemoryStream();
        XlsxText.CopyWithPlainSupplementaryCharacters(workbook, fixedCopy);
        var xml = Sheet(fixedCopy.ToArray());
        Assert.Contains("𠮷野家䶮", xml);
        Assert.Contains("𩸽鱼鱼", xml);
        Assert.DoesNotContain("_xD8", xml.Replace("_x005F_xD842__x005F_xDFB7_", ""));
        fixedCopy.Position = 0;
        Assert.Equal(names, MiniExcel.Query(fixedCopy, useHeaderRow: true, excelType: ExcelType.XLSX).Select(r => (string)((IDictionary<string, object>)r)["name"]));
    }

    private static string Sheet(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx));
        using var reader = new StreamReader(zip.GetEntry("xl/worksheets/sheet1.xml")!.Open());
        return reader.ReadToEnd();
    }
}
