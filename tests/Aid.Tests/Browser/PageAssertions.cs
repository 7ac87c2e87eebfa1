using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Aid.Tests.Browser;

/// <summary>Assertions about what a person sees in the page: accessibility (axe-core, run inside the page) and glyphs actually drawn.</summary>
public static class PageAssertions
{
    private static readonly string[] Failing = ["serious", "critical"];

    /// <summary>axe-core 4.14 as the Deque package bundles it.</summary>
    private static readonly string AxeSource = new BundledAxeScriptProvider().GetScript();

    /// <summary>
    /// Runs every rule in the page's document and hands back only the violations, each as the few fields a failure message
    /// needs. Deque's legacy runner injects and configures axe on every call and carries the whole result (a node of every
    /// rule that passed or did not apply) across to .NET and through Newtonsoft: 1.7 s a check here (wall, four page tests at
    /// once), against 0.4 s for <c>axe.run</c> alone. With this runner the Pages and Browser tests took 271 and 279 CPU-s instead of 302.
    /// </summary>
    private const string RunAxe = """
        async () => {
          const results = await axe.run(document, { resultTypes: ['violations'] });
          return results.violations.map(v => ({
            id: v.id, impact: v.impact ?? '', help: v.help, helpUrl: v.helpUrl,
            targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(', ')),
          }));
        }
        """;

    /// <summary>The page's axe-core violations of impact serious or critical (minor and moderate ones are left to review).</summary>
    public static async Task<IReadOnlyList<AxeViolation>> SeriousAccessibilityViolationsAsync(this IPage page)
    {
        // The top document only: Aid's pages have no frames, and a page that gets one must not pass unchecked.
        if (page.Frames.Count > 1)
            Assert.Fail($"{page.Url} has {page.Frames.Count - 1} frame(s); the accessibility check covers the top document only.");
        // Once per document: a navigation brings a new one without axe. The page's Content-Security-Policy does not apply to
        // scripts the test evaluates through the DevTools protocol.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
            await page.EvaluateAsync("() => {\n" + AxeSource + "\n}");
        var violations = await page.EvaluateAsync<JsonElement>(RunAxe);
        return violations.EnumerateArray()
            .Select(v => new AxeViolation(Text(v, "id"), Text(v, "impact"), Text(v, "help"), Text(v, "helpUrl"),
                v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!).ToList()))
            .Where(v => Failing.Contains(v.Impact))
            .ToList();

        static string Text(JsonElement violation, string name) => violation.GetProperty(name).GetString()!;
    }

    /// <summary>Fails with one readable line per rule (id, impact, help, first targets) when axe finds a serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var violations = await page.SeriousAccessibilityViolationsAsync();
        if (violations.Count > 0)
            Assert.Fail($"{page.Url} has {violations.Count} serious or critical accessibility violation(s):\n{Describe(violations)}");
    }

    /// <summary>One line per violation: <c>rule-id (impact): help — first three targets [, … N more]</c>.</summary>
    public static string Describe(IEnumerable<AxeViolation> violations) => string.Join('\n', violations.Select(v =>
    {
        var targets = v.Targets;
        var shown = string.Join(", ", targets.Take(3)) + (targets.Count > 3 ? $", … {targets.Count - 3} more" : "");
        return $"  {v.Id} ({v.Impact}): {v.Help} — {shown}  [{v.HelpUrl}]";
    }));

    /// <summary>
    /// Fails when a character of the element's text is drawn as the missing-glyph box: each is drawn on a canvas in the element's
    /// own font and compared with a private-use character no font has. This is what a machine without a CJK font gets — every DOM
    /// assertion still passes there, only the pixels are boxes.
    /// </summary>
    public static async Task AssertGlyphsRenderAsync(this ILocator element)
    {
        var missing = await element.EvaluateAsync<string[]>("""
            element => {
              const style = getComputedStyle(element);
              const canvas = document.createElement('canvas');
              canvas.width = 48; canvas.height = 48;
              const g = canvas.getContext('2d', { willReadFrequently: true });
              g.font = `32px ${style.fontFamily}`;
              const draw = ch => {
                g.clearRect(0, 0, 48, 48);
                g.fillText(ch, 4, 36);
                return g.getImageData(0, 0, 48, 48).data.join();
              };
              const box = draw('\u{10FFFD}');
              const empty = (g.clearRect(0, 0, 48, 48), g.getImageData(0, 0, 48, 48).data.join());
              return [...new Set(element.innerText)].filter(ch => ch.trim() !== '' && [box, empty].includes(draw(ch)));
            }
            """);
        if (missing.Length > 0)
            Assert.Fail($"Drawn as missing-glyph boxes (no font has them; for Chinese install fonts-wqy-microhei, see scripts/test.sh): {string.Concat(missing)}");
    }
}

/// <summary>One axe-core rule the page breaks: the rule, its impact (minor, moderate, serious, critical), and the CSS selectors of the elements.</summary>
public sealed record AxeViolation(string Id, string Impact, string Help, string HelpUrl, IReadOnlyList<string> Targets);
