using System.Text;
using System.Text.RegularExpressions;
using Aid.Api.Infrastructure;
using Aid.Tests.SqlServer;
using Aid.Tests.Support;

namespace Aid.Tests.Api;

/// <summary>
/// Field messages and <c>detail</c> follow Accept-Language like titles do: Chinese for zh, English otherwise; and every
/// message the source can produce has its Chinese.
/// </summary>
public sealed partial class ChineseMessageTests(EngineApps apps) : IClassFixture<EngineApps>
{
    [Fact]
    public async Task A_bad_gift_gets_Chinese_field_messages_when_Accept_Language_prefers_zh_and_English_otherwise()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var (programme, _) = await admin.ProgrammeAndDonor();
        var giftsBefore = await app.CountAsync("gifts"); // the class's other tests share this app and may have recorded gifts
        var body = $$"""{"programmeId":"{{programme}}","receivedOn":"2022-09-05","kind":"cash","amount":"0","method":"bank_transfer","currency":"XYZ"}""";

        var chinese = await Send(admin, HttpMethod.Post, "/api/v1/gifts", body, "zh-CN,zh;q=0.9,en;q=0.8").Expect(HttpStatusCode.BadRequest);
        Assert.Equal("请求无效", chinese.Str("title"));
        Assert.Equal("一个或多个字段无效。", chinese.Str("detail"));
        Assert.Equal("“Donor Id”不能为空。", Message(chinese, "donorId"));
        Assert.Equal("金额必须大于零。", Message(chinese, "amount"));
        Assert.Equal("银行转账、微信支付、支付宝或支票捐赠需要填写外部参考号（同时可防止重复登记）。", Message(chinese, "reference"));
        Assert.StartsWith("currency 必须是以下之一：", Message(chinese, "currency"));
        Assert.EndsWith("（ISO 4217 货币代码，两位小数）。", Message(chinese, "currency"));

        var english = await Send(admin, HttpMethod.Post, "/api/v1/gifts", body, null).Expect(HttpStatusCode.BadRequest);
        Assert.Equal("Invalid request", english.Str("title"));
        Assert.Equal("One or more fields are invalid.", english.Str("detail"));
        Assert.Equal("'Donor Id' must not be empty.", Message(english, "donorId"));
        Assert.Equal("The amount must be greater than zero.", Message(english, "amount"));
        Assert.Equal("A bank, WeChat Pay, Alipay or cheque gift needs its external reference (it also prevents recording it twice).",
            Message(english, "reference"));
        Assert.StartsWith("currency must be one of ", Message(english, "currency"));
        Assert.Equal(chinese.ErrorFields().Order(), english.ErrorFields().Order());

        // English is also what a caller that prefers another language gets.
        var german = await Send(admin, HttpMethod.Post, "/api/v1/gifts", body, "de-DE,zh;q=0.5").Expect(HttpStatusCode.BadRequest);
        Assert.Equal("'Donor Id' must not be empty.", Message(german, "donorId"));

        // A value of the wrong JSON type, read before any validator runs.
        var wrongType = await Send(admin, HttpMethod.Post, "/api/v1/gifts",
            $$"""{"programmeId":"{{programme}}","receivedOn":"2022-09-05","kind":"cash","amount":1000,"method":"cash"}""", "zh-CN")
            .Expect(HttpStatusCode.BadRequest);
        Assert.Equal("amount 必须是字符串，例如 \"1000.00\"（最多两位小数的金额）。", Message(wrongType, "amount"));
        Assert.Equal(giftsBefore, await app.CountAsync("gifts"));
    }

    [Fact]
    public async Task A_duplicate_reference_is_a_409_in_Chinese()
    {
        var app = await apps.For(Engine.Sqlite);
        var admin = app.Admin();
        var (programme, donor) = await admin.ProgrammeAndDonor();
        var reference = "BANK-" + Guid.NewGuid().ToString("N")[..12];
        await admin.Give(MoneyScenario.Cash(programme, donor, "1000.00", reference: reference));

        var body = JsonSerializer.Serialize(MoneyScenario.Cash(programme, donor, "500.00", reference: reference));
        var conflict = await Send(admin, HttpMethod.Post, "/api/v1/gifts", body, "zh-CN").Expect(HttpStatusCode.Conflict);
        Assert.Equal("与当前状态冲突", conflict.Str("title"));
        Assert.Equal($"本项目已登记参考号为“{reference}”的捐赠。", conflict.Str("detail"));
        Assert.Equal(JsonValueKind.String, conflict.GetProperty("existingGiftId").ValueKind);

        var english = await Send(admin, HttpMethod.Post, "/api/v1/gifts", body, "en-GB").Expect(HttpStatusCode.Conflict);
        Assert.Equal($"A gift with reference '{reference}' is already recorded in this programme.", english.Str("detail"));
        Assert.Equal(1, await app.CountAsync("gifts"));
    }

    [Fact]
    public void Every_template_translates_its_samples_and_every_entry_is_Chinese()
    {
        foreach (var (english, chinese) in ChineseMessages.ExactEntries)
        {
            Assert.NotEqual(english, chinese);
            Assert.True(HasChinese(chinese), $"Not Chinese: {english} → {chinese}");
        }
        foreach (var template in ChineseMessages.TemplateEntries)
        {
            Assert.NotEmpty(template.Samples);
            foreach (var sample in template.Samples)
            {
                var translated = template.Apply(sample);
                Assert.True(translated is not null, $"Template {template.Pattern} does not translate its sample \"{sample}\".");
                Assert.NotEqual(sample, translated);
                Assert.True(HasChinese(translated), $"Not Chinese: {sample} → {translated}");
                Assert.DoesNotMatch(@"\$\d|\$\{", translated);
                Assert.False(ChineseMessages.ExactEntries.ContainsKey(sample), $"\"{sample}\" is an exact entry as well as a template sample.");
                // No earlier template takes the sample with another translation.
                Assert.Equal(translated, ChineseMessages.Translate(sample));
            }
        }
        Assert.Null(ChineseMessages.Translate("A message nobody wrote."));
        Assert.Null(ChineseMessages.Translate("Unicorn '1' was not found."));
        Assert.Null(ChineseMessages.Translate("amount must be a colour."));
    }

    [Fact]
    public void Every_message_in_the_source_has_its_Chinese()
    {
        var src = Path.Combine(SqlServerStatementTests.RepositoryRoot(), "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();
        var missing = new List<string>();
        int withMessage = 0, exceptions = 0, resources = 0, expectations = 0;
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var source = File.ReadAllText(file);
            foreach (var literal in Literals(source).Where(l => l.Text.Length > 0))
            {
                var before = source[Math.Max(0, literal.Start - 120)..literal.Start];
                if (WithMessageContext().IsMatch(before)) withMessage++;
                else if (ExceptionContext().IsMatch(before) || InputExceptionContext().IsMatch(before)) exceptions++;
                else if (NotFoundContext().IsMatch(before))
                {
                    resources++;
                    if (ChineseMessages.Translate($"{literal.Text} '0193a5c2-7b1e-7d3f-8a11-2f4c5d6e7f80' was not found.") is null)
                        missing.Add($"{name}: the 404 of resource \"{literal.Text}\"");
                    continue;
                }
                else if (name == "ExpectedValue.cs" && ArmContext().IsMatch(before))
                {
                    expectations++;
                    if (ChineseMessages.Translate($"amount must be {literal.Text}.") is null)
                        missing.Add($"{name}: \"amount must be {literal.Text}.\"");
                    continue;
                }
                else if (!MessageContext().IsMatch(before)
                         && !(name is "ProblemDetailsExceptionHandler.cs" or "ExpectedValue.cs" or "TooManyRequests.cs" or "ApiKeyAuthentication.cs"
                              && Sentence().IsMatch(literal.Text)))
                    continue;

                if (!literal.Interpolated)
                {
                    var translated = ChineseMessages.Translate(literal.Text);
                    if (translated is null || translated == literal.Text) missing.Add($"{name}: \"{literal.Text}\"");
                }
                else
                {
                    // An interpolated message: some template must translate a sample of its shape.
                    var shape = new Regex("^" + string.Join("(.+?)", literal.Text.Split(Hole).Select(Regex.Escape)) + (literal.Concatenated ? "" : "$"));
                    var covered = ChineseMessages.TemplateEntries.SelectMany(t => t.Samples)
                        .Any(sample => shape.IsMatch(sample) && ChineseMessages.Translate(sample) is { } zh && zh != sample);
                    if (!covered) missing.Add($"{name}: $\"{literal.Text.Replace(Hole, '…')}\" (no template sample of this shape)");
                }
            }
        }

        Assert.True(withMessage > 80, $"Only {withMessage} WithMessage literals found: is the scan still reading src/?");
        Assert.True(exceptions > 40, $"Only {exceptions} exception messages found.");
        Assert.True(resources > 5 && expectations > 5, $"{resources} 404 resources, {expectations} expected values found.");
        Assert.True(missing.Count == 0, "Messages without Chinese:\n" + string.Join("\n", missing.Distinct()));
    }

    // --- helpers ---

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, string? json, string? acceptLanguage)
    {
        var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (acceptLanguage is not null) request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static string Message(JsonElement problem, string field) => problem.GetProperty("errors").GetProperty(field)[0].GetString()!;

    private static bool HasChinese(string? text) => text is not null && text.Any(c => c is >= '\u4e00' and <= '\u9fff');

    private const char Hole = '\u0001';

    private sealed record Literal(int Start, string Text, bool Interpolated, bool Concatenated);

    /// <summary>
    /// The string literals of a C# file, comments, character literals and raw strings skipped; an interpolated literal's
    /// holes become <see cref="Hole"/>. Enough C# for this repository's sources, not a parser.
    /// </summary>
    private static IEnumerable<Literal> Literals(string s)
    {
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '/' && At(s, i + 1) == '/') { i = s.IndexOf('\n', i) is var n and >= 0 ? n : s.Length; continue; }
            if (c == '/' && At(s, i + 1) == '*') { i = s.IndexOf("*/", i + 2, StringComparison.Ordinal) is var e and >= 0 ? e + 2 : s.Length; continue; }
            if (c == '\'') { i = SkipChar(s, i); continue; }
            var start = i;
            var interpolated = false;
            var verbatim = false;
            while (At(s, i) is '$' or '@') { interpolated |= s[i] == '$'; verbatim |= s[i] == '@'; i++; }
            if (At(s, i) != '"') { i = start == i ? i + 1 : i; continue; }
            if (s.AsSpan(i).StartsWith("\"\"\"")) { i = SkipRaw(s, i); continue; }
            var (text, end) = Read(s, i + 1, interpolated, verbatim);
            var after = end;
            while (after < s.Length && char.IsWhiteSpace(s[after])) after++;
            yield return new Literal(start, text, interpolated, At(s, after) == '+');
            i = end;
        }
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static int SkipChar(string s, int i) => At(s, i + 1) == '\\' ? s.IndexOf('\'', i + 3) + 1 : i + 3;

    private static int SkipRaw(string s, int i)
    {
        var end = s.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
        if (end < 0) return s.Length;
        end += 3;
        while (At(s, end) == '"') end++;
        return end;
    }

    /// <summary>Reads a literal's content from just after its opening quote; returns it and the index after the closing quote.</summary>
    private static (string Text, int End) Read(string s, int i, bool interpolated, bool verbatim)
    {
        var text = new StringBuilder();
        while (i < s.Length)
        {
            var c = s[i];
            if (verbatim && c == '"' && At(s, i + 1) == '"') { text.Append('"'); i += 2; continue; }
            if (c == '"') return (text.ToString(), i + 1);
            if (!verbatim && c == '\\')
            {
                text.Append(At(s, i + 1) switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', var x => x });
                i += 2;
                continue;
            }
            if (interpolated && c == '{' && At(s, i + 1) == '{') { text.Append('{'); i += 2; continue; }
            if (interpolated && c == '}' && At(s, i + 1) == '}') { text.Append('}'); i += 2; continue; }
            if (interpolated && c == '{') { i = SkipHole(s, i + 1); text.Append(Hole); continue; }
            text.Append(c);
            i++;
        }
        return (text.ToString(), i);
    }

    private static int SkipHole(string s, int i)
    {
        var depth = 1;
        while (i < s.Length && depth > 0)
        {
            var c = s[i];
            if (c == '"') { i = Read(s, i + 1, interpolated: false, verbatim: false).End; continue; }
            if (c == '\'') { i = SkipChar(s, i); continue; }
            if (c == '{') depth++;
            else if (c == '}') depth--;
            i++;
        }
        return i;
    }

    [GeneratedRegex(@"\.WithMessage\(\s*$")]
    private static partial Regex WithMessageContext();

    [GeneratedRegex(@"new (?:Conflict|Forbidden|PreconditionFailed|Unavailable)Exception\(\s*$")]
    private static partial Regex ExceptionContext();

    [GeneratedRegex(@"new InputException\(\s*(?:""[^""]*""|\w+)\s*,\s*$")]
    private static partial Regex InputExceptionContext();

    [GeneratedRegex(@"new NotFoundException\(\s*$")]
    private static partial Regex NotFoundContext();

    /// <summary>Other places that make a message: Money's <c>error = "…"</c>, <c>detail: "…"</c>, <c>var message = $"…"</c>.</summary>
    [GeneratedRegex(@"(?:\berror = |\bdetail: |\bmessage = )$")]
    private static partial Regex MessageContext();

    /// <summary>A switch arm's value: <c>_ when … => "a date yyyy-MM-dd"</c>.</summary>
    [GeneratedRegex(@"=>\s*$")]
    private static partial Regex ArmContext();

    /// <summary>A literal that reads like a message to a person: words and a full stop.</summary>
    [GeneratedRegex(@"^\S.* .*\.$", RegexOptions.Singleline)]
    private static partial Regex Sentence();
}
