using Aid.Tests.Support;

namespace Aid.Tests.Api;

public sealed class EntityTagTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task A_stale_If_Match_is_refused_with_412_and_changes_nothing(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var donor = await admin.CreateDonor("蒋晟晖");
        var url = $"/api/v1/donors/{donor.Id()}";

        var first = await admin.Get(url);
        var tag = first.Headers.ETag?.Tag;
        Assert.NotNull(tag);
        using (var notModified = new HttpRequestMessage(HttpMethod.Get, url))
        {
            notModified.Headers.TryAddWithoutValidation("If-None-Match", tag);
            Assert.Equal(HttpStatusCode.NotModified, (await admin.SendAsync(notModified, TestContext.Current.CancellationToken)).StatusCode);
        }

        // someone else changes the donor: the tag read before is stale now
        var changed = await admin.PatchWithIfMatch(url, new { phone = "13800000001" }, tag!);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var newTag = changed.Headers.ETag?.Tag;
        Assert.NotEqual(tag, newTag);

        var stale = await admin.PatchWithIfMatch(url, new { phone = "13900000002" }, tag!);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var problem = await stale.Json();
        Assert.Equal(412, problem.GetProperty("status").GetInt32());
        Assert.Equal(newTag, problem.Str("currentETag"));
        Assert.Equal("13800000001", (await admin.Get(url).Expect(HttpStatusCode.OK)).Str("phone"));

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchWithIfMatch(url, new { phone = "13900000002" }, newTag!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchJson(url, new { email = "jiang@example.cn" })).StatusCode); // If-Match stays optional
    }
}

internal static class IfMatchHttp
{
    public static Task<HttpResponseMessage> PatchWithIfMatch(this HttpClient client, string url, object body, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
