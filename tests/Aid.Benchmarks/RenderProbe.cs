using System.Diagnostics;
using Aid.Application.Receipts;
using Aid.Infrastructure.Pdf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aid.Benchmarks;

/// <summary>Does receipt rendering scale with threads? The same receipt, one thread vs all cores.</summary>
public static class RenderProbe
{
    public static string Run()
    {
        var renderer = new ReceiptPdf(CjkFonts.Load([]), NullLogger<ReceiptPdf>.Instance);
        ReceiptContent Sample(int i) => new($"AID-2026-{i:000000}", "gift", new DateOnly(2026, 9, 10), DateTimeOffset.UtcNow, "zh-CN",
            new ReceiptIssuerInfo("共青团安康市汉滨区委员会", "11610902MB2950112X", "陕西省安康市汉滨区"), "蒋晟晖", false, "CNY",
            [new ReceiptLine(Guid.CreateVersion7(), new DateOnly(2026, 9, 1), "ZP", "青系镇坪，雏鹰伴翔", "cash", "bank_transfer", null, null, null, null, "1000.00")],
            "1000.00", ChineseAmount.Renminbi(100000), null, "ABCDEFGH1234", "http://127.0.0.1:5080/verify/x?code=ABCDEFGH1234");
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
}
