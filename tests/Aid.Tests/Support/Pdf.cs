using UglyToad.PdfPig;

namespace Aid.Tests.Support;

public static class Pdf
{
    /// <summary>All text of a PDF as PdfPig extracts it, whitespace removed (so layout spacing does not matter).</summary>
    public static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Concat(document.GetPages().Select(p => p.Text)).Replace(" ", "").Replace("\n", "");
    }

    public static (int Pages, string Title, string Author) Info(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return (document.NumberOfPages, document.Information.Title ?? "", document.Information.Author ?? "");
    }

    public static async Task<byte[]> Bytes(this HttpClient client, string url, string contentType = "application/pdf")
    {
        var response = await client.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }
}
