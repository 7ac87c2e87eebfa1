using Aid.Api.Infrastructure;
using Aid.Application.Common;
using Aid.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Aid.Tests.Api;

/// <summary>
/// The two list conventions for route groups: unknown query parameters are refused (<see cref="QueryParameterCheck"/>),
/// and pages link to the next one (<see cref="NextLinks"/>). First on a small app of their own, then on Aid's routes.
/// </summary>
public sealed class ListConventionsTests(EngineApps apps) : IClassFixture<EngineApps>
{
    public sealed class SomeService;

    public sealed record PartsQuery(Guid Id, string? Colour, [FromQuery(Name = "min-size")] int? MinSize);

    /// <summary>Numbers 1..<paramref name="count"/>, paged as Aid pages: the cursor is the last number given.</summary>
    private static Page<int> Numbers(int count, int? limit, string? cursor)
    {
        var after = string.IsNullOrEmpty(cursor) ? 0 : int.Parse(cursor);
        var take = limit ?? 50;
        var items = Enumerable.Range(after + 1, Math.Max(0, Math.Min(take, count - after))).ToList();
        return new Page<int>(items, items.Count > 0 && items[^1] < count ? items[^1].ToString() : null);
    }

    private static async Task<WebApplication> SmallAppAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.AddSingleton<SomeService>();
        var app = builder.Build();
        app.UseExceptionHandler();
        var group = app.MapGroup("/things").RejectUnknownQueryParameters().WithNextLinks();
        group.MapGet("/", (Guid? programmeId, [FromQuery(Name = "q")] string? search, int? limit, string? cursor, DateOnly? from,
                [FromHeader(Name = "X-Trace")] string? trace, SomeService service, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(Numbers(5, limit, cursor)));
        group.MapGet("/{id:guid}/parts", ([AsParameters] PartsQuery query) => TypedResults.Ok(new Page<string>([query.Colour ?? "-"], null)));
        group.MapPost("/", (PartsQuery body) => TypedResults.Ok(body.Colour));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    [Fact]
    public async Task Unknown_query_parameters_are_refused_by_name_and_the_known_ones_are_listed()
    {
        await using var app = await SmallAppAsync();
        var client = app.GetTestClient();

        var problem = await client.Get("/things?programmId=1&q=x&Limit=2&Extra=").Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["Extra", "programmId"], problem.ErrorFields().Order().ToArray());
        Assert.Equal("unknown query parameter; allowed: programmeId, q, limit, cursor, from",
            problem.GetProperty("errors").GetProperty("programmId")[0].GetString());

        // Known names pass in any case, [FromQuery(Name)] counts by its name, headers and services are not query parameters.
        await client.Get($"/things?PROGRAMMEID={Guid.NewGuid()}&q=x&limit=2&cursor=&from=2022-01-01").Expect(HttpStatusCode.OK);
        Assert.Contains("search", (await client.Get("/things?search=x").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("trace", (await client.Get("/things?trace=x").Expect(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Contains("service", (await client.Get("/things?service=x").Expect(HttpStatusCode.BadRequest)).ErrorFields());

        // [AsParameters] members count; a route value is not a query parameter.
        var id = Guid.NewGuid();
        var parts = await client.Get($"/things/{id}/parts?colour=red&min-size=3").Expect(HttpStatusCode.OK);
        Assert.Equal("red", parts.GetProperty("items")[0].GetString());
        var routeValue = await client.Get($"/things/{id}/parts?id={id}").Expect(HttpStatusCode.BadRequest);
        Assert.Equal("unknown query parameter; allowed: colour, min-size", routeValue.GetProperty("errors").GetProperty("id")[0].GetString());

        // An endpoint that takes no query parameters says so.
        var post = await client.PostAsJsonAsync("/things?x=1", new { colour = "red" }, TestContext.Current.CancellationToken).Expect(HttpStatusCode.BadRequest);
        Assert.Equal("unknown query parameter; allowed: none", post.GetProperty("errors").GetProperty("x")[0].GetString());
    }

    [Fact]
    public async Task Pages_link_to_the_next_page_with_the_query_kept_and_the_cursor_replaced()
    {
        await using var app = await SmallAppAsync();
        var client = app.GetTestClient();

        var first = await client.GetAsync("/things?q=%E8%92%8B+x&limit=2", TestContext.Current.CancellationToken);
        var page = await first.Json();
        Assert.Equal("/things?q=%E8%92%8B+x&limit=2&cursor=2", page.Str("next"));
        Assert.Equal("2", page.Str("nextCursor"));
        Assert.Equal("</things?q=%E8%92%8B+x&limit=2&cursor=2>; rel=\"next\"", string.Join("", first.Headers.GetValues("Link")));

        var second = await client.Get(page.Str("next")).Expect(HttpStatusCode.OK);
        Assert.Equal("/things?q=%E8%92%8B+x&limit=2&cursor=4", second.Str("next")); // the old cursor replaced, not repeated
        var last = await client.GetAsync(second.Str("next"), TestContext.Current.CancellationToken);
        var lastPage = await last.Json();
        Assert.Equal([5], lastPage.GetProperty("items").EnumerateArray().Select(i => i.GetInt32()).ToArray());
        Assert.False(lastPage.TryGetProperty("next", out _));
        Assert.Equal(JsonValueKind.Null, lastPage.GetProperty("nextCursor").ValueKind);
        Assert.False(last.Headers.Contains("Link"));
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Aid_refuses_a_misspelt_filter_instead_of_ignoring_it(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        await admin.Give(MoneyScenario.Cash(programme, donor, "10.00"));

        var problem = await admin.Get($"/api/v1/gifts?programmId={programme}").Expect(HttpStatusCode.BadRequest);
        Assert.Equal(["programmId"], problem.ErrorFields());
        var message = problem.GetProperty("errors").GetProperty("programmId")[0].GetString()!;
        Assert.StartsWith("unknown query parameter; allowed: ", message);
        Assert.Contains("programmeId", message);
        var gifts = await admin.Get($"/api/v1/gifts?programmeId={programme}&limit=10").Expect(HttpStatusCode.OK);
        Assert.Single(gifts.GetProperty("items").EnumerateArray());
    }

    [Theory, ClassData(typeof(EngineMatrix))]
    public async Task Following_next_from_the_first_donor_page_visits_every_donor_once(Engine engine)
    {
        var app = await apps.For(engine);
        var admin = app.Admin();
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++) created.Add((await admin.CreateDonor($"翻页捐赠人{i}")).Id());

        var seen = new List<Guid>();
        var url = "/api/v1/donors?limit=2";
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 100, "the walk does not end");
            var response = await admin.GetAsync(url, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Json();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(d => d.Id()));
            url = page.TryGetProperty("next", out var next) ? next.GetString() : null;
            if (url is null)
            {
                Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
                Assert.False(response.Headers.Contains("Link"));
            }
            else
            {
                Assert.StartsWith("/api/v1/donors?limit=2&cursor=", url);
                Assert.Equal($"<{url}>; rel=\"next\"", string.Join("", response.Headers.GetValues("Link")));
            }
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(await app.CountAsync("donors"), seen.Count);
        Assert.All(created, id => Assert.Contains(id, seen));
    }
}
