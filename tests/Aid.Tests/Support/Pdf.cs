using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using UglyToad.PdfPig;

namespace Aid.Tests.Support;

/// <summary>Reads PDFs the way a user's tools do; every PDF read here must also pass <c>qpdf --check</c> cleanly.</summary>
public static class Pdf
{
    /// <summary>All text of a PDF as PdfPig extracts it, whitespace removed (so layout spacing does not matter).</summary>
    public static string Text(byte[] pdf)
    {
        Check(pdf);
        using var document = PdfDocument.Open(pdf);
        return string.Concat(document.GetPages().Select(p => p.Text)).Replace(" ", "").Replace("\n", "");
    }

    public static (int Pages, string Title, string Author) Info(byte[] pdf)
    {
        Check(pdf);
        using var document = PdfDocument.Open(pdf);
        return (document.NumberOfPages, document.Information.Title ?? "", document.Information.Author ?? "");
    }

    public static async Task<byte[]> Bytes(this HttpClient client, string url, string contentType = "application/pdf")
    {
        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (contentType == "application/pdf") Check(bytes);
        return bytes;
    }

    /// <summary>
    /// Fails unless <c>qpdf --check</c> exits 0 without a warning (what archivists' validators need as a minimum). A
    /// missing qpdf fails too: scripts/test.sh installs it.
    /// </summary>
    public static void Check(byte[] pdf)
    {
        // The same bytes pass or fail the same way: a PDF checked once (downloaded, then read for its text) is not checked again.
        var digest = Convert.ToHexString(SHA256.HashData(pdf));
        if (Checked.ContainsKey(digest)) return;
        CheckWithQpdf(pdf);
        Checked.TryAdd(digest, 0);
    }

    /// <summary>Digests of the PDFs that passed <c>qpdf --check</c> in this test run.</summary>
    private static readonly ConcurrentDictionary<string, byte> Checked = new();

    private static void CheckWithQpdf(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"aid-qpdf-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            Process process;
            try
            {
                process = Process.Start(new ProcessStartInfo("qpdf", ["--check", file])
                    { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            }
            catch (Win32Exception e)
            {
                Assert.Fail($"qpdf could not be started ({e.Message}): install it (apt-get install qpdf; scripts/test.sh does) — every PDF the tests read is checked with it.");
                return;
            }
            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                process.WaitForExit();
                var report = output.Result + error.Result;
                Assert.True(process.ExitCode == 0 && !report.Contains("WARNING", StringComparison.OrdinalIgnoreCase),
                    $"qpdf --check exited {process.ExitCode}:\n{report}");
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
