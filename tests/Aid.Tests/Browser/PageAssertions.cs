using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Aid.Tests.Browser;

/// <summary>Assertions about what a person sees in the page: accessibility (axe-core, run inside the page) and glyphs actually drawn.</summary>
public static class PageAssertions
{
    private static readonly string[] Failing = ["serious", "critical"];

    // Only violations are read: axe still runs every rule, but lists one node per passed, incomplete or inapplicable rule
    // instead of every node, so far less crosses from the page to the test.
    private static readonly AxeRunOptions Options = new() { ResultTypes = [ResultType.Violations] };

    /// <summary>The page's axe-core violations of impact serious or critical (minor and moderate ones are left to review).</summary>
    public static async Task<IReadOnlyList<AxeResultItem>> SeriousAccessibilityViolationsAsync(this IPage page)
    {
        // The legacy runner: the supported RunAxe() opens a second blank page to finish every run (about 2 s each here), the
        // legacy one runs axe-core in the page itself (0.3 s after the first). Same axe-core 4.14 rules either way.
#pragma warning disable CS0618
        var result = await page.RunAxeLegacy(options: Options);
#pragma warning restore CS0618
        return result.Violations.Where(v => Failing.Contains(v.Impact)).ToList();
    }

    /// <summary>Fails with one readable line per rule (id, impact, help, first targets) when axe finds a serious or critical violation.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var violations = await page.SeriousAccessibilityViolationsAsync();
        if (violations.Count > 0)
            Assert.Fail($"{page.Url} has {violations.Count} serious or critical accessibility violation(s):\n{Describe(violations)}");
    }

    /// <summary>One line per violation: <c>rule-id (impact): help — first three targets [, … N more]</c>.</summary>
    public static string Describe(IEnumerable<AxeResultItem> violations) => string.Join('\n', violations.Select(v =>
    {
        var targets = v.Nodes.Select(n => n.Target?.ToString() ?? "?").ToList();
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
