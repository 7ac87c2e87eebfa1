using System.ComponentModel;
using System.Diagnostics;
using Aid.Application.Receipts;
using Aid.Infrastructure.Pdf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Tests.Infrastructure;

public sealed class ReceiptPdfTests
{
    internal static readonly CjkFonts Fonts = CjkFonts.Load([]);

    internal static ReceiptContent Sample(string donor = "蒋晟晖", int lines = 1) => new(
        "AID-2026-000042", "gift", new DateOnly(2026, 9, 10), new DateTimeOffset(2026, 9, 10, 2, 3, 4, TimeSpan.Zero), "zh-CN",
        new ReceiptIssuerInfo("共青团安康市汉滨区委员会", "11610902MB2950112X", "陕西省安康市汉滨区"), donor, false, "CNY",
        Enumerable.Range(1, lines).Select(i => new ReceiptLine(Guid.CreateVersion7(), new DateOnly(2026, 9, 1), "ZP", "青系镇坪，雏鹰伴翔",
            "cash", "bank_transfer", null, null, null, null, "1000.00")).ToList(),
        $"{lines * 1000}.00", ChineseAmount.Renminbi(lines * 100000L), null, "ABCDEFGH1234", "https://aid.example.org/verify/AID-2026-000042?code=ABCDEFGH1234");

    [Fact]
    public void Rendering_the_same_snapshot_twice_gives_the_same_bytes()
    {
        Assert.SkipUnless(Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        var renderer = new ReceiptPdf(Fonts, NullLogger<ReceiptPdf>.Instance);
        var content = Sample();
        var first = renderer.Render(content, ReceiptMark.Original);
        var second = renderer.Render(content, ReceiptMark.Original);
        if (!first.SequenceEqual(second))
        {
            File.WriteAllBytes("/tmp/aid-first.pdf", first);
            File.WriteAllBytes("/tmp/aid-second.pdf", second);
        }
        Assert.Equal(first, second);
        Assert.NotEqual(first, renderer.Render(content with { DonorName = "蒋晟辉" }, ReceiptMark.Original));
    }

    [Theory]
    [InlineData(ReceiptMark.Original)]
    [InlineData(ReceiptMark.Void)] // the diagonal mark lies under the code
    public void The_QR_code_decodes_to_the_verification_link(ReceiptMark mark)
    {
        Assert.SkipUnless(Fonts.Available, "No CJK font installed (fonts-wqy-microhei).");
        var content = Sample("𠮷野家䶮");
        var pdf = new ReceiptPdf(Fonts, NullLogger<ReceiptPdf>.Instance).Render(content, mark, new ReceiptVoidNote("金额有误", new DateOnly(2026, 9, 12), null));

        var folder = Directory.CreateTempSubdirectory("aid-qr-");
        try
        {
            File.WriteAllBytes(Path.Combine(folder.FullName, "receipt.pdf"), pdf);
            Tool("pdftoppm", "poppler-utils", "-r", "150", "-png", "-singlefile", Path.Combine(folder.FullName, "receipt.pdf"), Path.Combine(folder.FullName, "page"));
            var decoded = Tool("zbarimg", "zbar-tools", "--quiet", "--raw", Path.Combine(folder.FullName, "page.png"));

            Assert.Equal(content.VerifyUrl, decoded.Trim());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Runs a command-line tool and returns its output. A missing tool skips the test locally and fails it in CI (CI=true),
    /// where scripts/test.sh installs the package.
    /// </summary>
    private static string Tool(string name, string package, params string[] arguments)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(name, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        }
        catch (Win32Exception e)
        {
            var message = $"{name} could not be started ({e.Message}): apt-get install {package}";
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail(message + " (scripts/test.sh installs it in CI)");
            Assert.Skip(message);
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{name} exited {process.ExitCode}: {error.Result}");
            return output.Result;
        }
    }
}
