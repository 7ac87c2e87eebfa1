using System.Diagnostics;
using Aid.Application.Receipts;
using Aid.Infrastructure.Pdf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Benchmarks;

/// <summary>
/// Does receipt rendering scale with threads? The same receipt, one thread vs all cores. With AID_RENDER_SAMPLES set to a
/// folder, it first writes a few sample PDFs there (rare-character names, copy and void marks, a multi-page table), so two
/// builds' outputs can be compared byte for byte.
/// </summary>
public static class RenderProbe
{
    private static readonly DateTimeOffset Fixed = new(2026, 9, 10, 8, 0, 0, TimeSpan.Zero);

    public static string Run()
    {
        var fonts = CjkFonts.Load([]);
        var renderer = new ReceiptPdf(fonts, NullLogger<ReceiptPdf>.Instance);
        ReceiptContent Sample(int i, string donor = "蒋晟晖", DateTimeOffset? at = null, Guid? line = null) => new($"AID-2026-{i:000000}", "gift",
            new DateOnly(2026, 9, 10), at ?? DateTimeOffset.UtcNow, "zh-CN",
            new ReceiptIssuerInfo("共青团安康市汉滨区委员会", "11610902MB2950112X", "陕西省安康市汉滨区"), donor, false, "CNY",
            [new ReceiptLine(line ?? Guid.CreateVersion7(), new DateOnly(2026, 9, 1), "ZP", "青系镇坪，雏鹰伴翔", "cash", "bank_transfer", null, null, null, null, "1000.00")],
            "1000.00", ChineseAmount.Renminbi(100000), null, "ABCDEFGH1234", "http://127.0.0.1:5080/verify/x?code=ABCDEFGH1234");
        if (Environment.GetEnvironmentVariable("AID_RENDER_SAMPLES") is { Length: > 0 } folder)
            WriteSamples(folder, fonts, renderer, (i, donor) => Sample(i, donor, Fixed, new Guid("0192f1c0-0000-7000-8000-000000000001")));
        for (var i = 0; i < 20; i++) renderer.Render(Sample(i), ReceiptMark.Original);
        const int n = 300;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var one = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) renderer.Render(Sample(i), ReceiptMark.Original);
        var single = n / one.Elapsed.TotalSeconds;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var cpuPerReceipt = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / n;
        var all = Stopwatch.StartNew();
        Parallel.For(0, n, i => renderer.Render(Sample(i), ReceiptMark.Original));
        var parallel = n / all.Elapsed.TotalSeconds;
        return $"render: 1 thread {single:F0}/s ({cpuPerReceipt:F1} ms CPU a receipt, finalizers included), {Environment.ProcessorCount} threads {parallel:F0}/s";
    }

    private static void WriteSamples(string folder, CjkFonts fonts, ReceiptPdf renderer, Func<int, string, ReceiptContent> sample)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "plain.pdf"), renderer.Render(sample(1, "蒋晟晖"), ReceiptMark.Original));
        File.WriteAllBytes(Path.Combine(folder, "rare-copy.pdf"), renderer.Render(sample(2, "𠮷野家䶮"), ReceiptMark.Copy));
        File.WriteAllBytes(Path.Combine(folder, "rare-void.pdf"), renderer.Render(sample(3, "𠮷野家䶮 Ölwechsel"), ReceiptMark.Void,
            new ReceiptVoidNote("金额有误", new DateOnly(2026, 9, 12), null)));
        using var canvas = new PdfCanvas(fonts, new PdfMetadata("表", "Aid", "Table", Fixed, "table"));
        canvas.Text("多页表格 Multi-page table", 14, bold: true);
        canvas.Table([new TableColumn("编号", 20), new TableColumn("姓名 Name", 40), new TableColumn("金额", 20, TextAlign.Right)],
            Enumerable.Range(1, 120).Select(i => (IReadOnlyList<string>)[$"AID-2026-{i:000000}", i % 7 == 0 ? "𠮷野家䶮" : $"捐赠人{i}号", $"{i * 13.7:F2}"]));
        File.WriteAllBytes(Path.Combine(folder, "table.pdf"), canvas.Finish("footer 页脚"));
    }
}
