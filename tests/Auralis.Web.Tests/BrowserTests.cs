using System.Collections.Concurrent;
using System.Text.Json;
using Auralis.Tests.Support;
using Auralis.Web.Streaming;
using Auralis.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Auralis.Web.Tests;

/// <summary>The page in real Chromium against the real server: what a listener does, and what they see when a piece is missing.</summary>
public sealed class BrowserTests
{
    private const float TargetLufs = -14f;

    [Fact]
    public Task Click_a_track_toggle_enhanced_and_the_received_audio_is_enhanced_at_the_target_loudness() =>
        Bounded(EnhancedPlayback);

    private static async Task EnhancedPlayback(Steps step)
    {
        using var t = new TempDir();
        var library = TestLibrary.Create(t.File("music"));
        await using var app = await ServedApp.StartAsync([library], t.File("data"));
        step.Is("launching Chromium");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var responses = Watch(page);

        step.Is("opening the page");
        await page.GotoAsync(app.Address.ToString());
        await Expect(page.Locator("#tracks tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#scan-text")).ToContainTextAsync("3 tracks");
        await page.Locator("#tracks tbody tr", new() { HasText = TestLibrary.SteadyTags.Title }).ClickAsync();

        // Play starts at once, with the original.
        await page.WaitForFunctionAsync("() => window.auralis.player.position() > 0.5", null, new() { Timeout = 20000 });
        Assert.Equal("original", await page.EvaluateAsync<string>("() => document.body.dataset.playing"));

        // Toggle Enhanced: the enhanced stream takes over at the play head, and playback goes on.
        step.Is("toggling Enhanced on");
        await page.Locator("#enhanced").CheckAsync();
        await page.WaitForFunctionAsync("() => document.body.dataset.playing === 'enhanced' || !document.getElementById('banner').hidden",
            null, new() { Timeout = 60000 });
        Assert.False(await page.Locator("#banner").IsVisibleAsync(), await page.Locator("#banner").TextContentAsync());
        var switchedAt = await page.EvaluateAsync<double>("() => window.auralis.player.position()");
        Assert.InRange(switchedAt, 0.5, TestLibrary.SteadySeconds - 3);
        await page.WaitForFunctionAsync($"() => window.auralis.player.position() > {switchedAt + 1.5:0.###}", null, new() { Timeout = 20000 });
        await Expect(page.Locator("#messages")).ToContainTextAsync("· enhanced · org.auralis.enhancer 1.0.0");
        await Expect(page.Locator("#messages")).ToContainTextAsync("chunk ");

        // Plots and the radar (original vs enhanced) drawn; the screenshot is kept.
        step.Is("waiting for the radar");
        await page.WaitForFunctionAsync("() => window.auralis.page.radar === 'original+enhanced'", null, new() { Timeout = 60000 });
        step.Is("taking the screenshot");
        await Screenshot(page, "web-player-enhanced.png");

        // The enhanced audio the page received: consecutive chunks from the switch on, labelled enhanced, at the target.
        step.Is("reading the received enhanced chunks");
        var enhanced = await Received(responses, "enhanced");
        Assert.True(enhanced.Count >= 3, $"the page received {enhanced.Count} enhanced chunks");
        Assert.All(enhanced, r => Assert.Equal(200, r.Status));
        Assert.All(enhanced, r => Assert.Contains("org.auralis.enhancer", r.Chain));
        var first = enhanced.Min(r => r.Index);
        Assert.Equal(Enumerable.Range(first, enhanced.Count), enhanced.Select(r => r.Index).Order());
        var enhancedLufs = Loudness(t, "received-enhanced.wav", enhanced);
        step.Is("reading the received original chunks");
        var original = await Received(responses, "original");
        var originalLufs = Loudness(t, "received-original.wav", original);
        Assert.InRange(enhancedLufs, TargetLufs - 1, TargetLufs + 1);
        Assert.True(originalLufs < TargetLufs - 10, $"the original is at {originalLufs} LUFS; the test needs a quiet track");
        step.Is("closing the browser and the server");
    }

    [Fact]
    public Task Without_the_enhancer_the_page_names_the_error_and_nothing_is_streamed_as_enhanced() =>
        Bounded(MissingEnhancer);

    private static async Task MissingEnhancer(Steps step)
    {
        using var t = new TempDir();
        var library = TestLibrary.Create(t.File("music"));
        var plugins = t.CopyTree(TestPaths.PluginsDir, "plugins");
        Directory.Delete(Path.Combine(plugins, "enhancer"), recursive: true);
        await using var app = await ServedApp.StartAsync([library], t.File("data"), pluginsDirectory: plugins);
        Assert.Contains("org.auralis.enhancer: required by this installation but not installed", app.Output);
        step.Is("launching Chromium");
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.NewPageAsync();
        var responses = Watch(page);

        step.Is("opening the page");
        await page.GotoAsync(app.Address.ToString());
        await page.Locator("#tracks tbody tr", new() { HasText = TestLibrary.SteadyTags.Title }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.auralis.player.position() > 0.3", null, new() { Timeout = 20000 });
        step.Is("clicking Enhanced");
        await page.Locator("#enhanced").ClickAsync(); // not CheckAsync: the refusal may untick it before Playwright looks

        // The named error, on the page; the toggle falls back and the label says what is really playing.
        step.Is("waiting for the error banner");
        var banner = page.Locator("#banner");
        await Expect(banner).ToBeVisibleAsync(new() { Timeout = 20000 });
        await Expect(banner).ToContainTextAsync("Enhanced audio is unavailable: plugin-unavailable: plugin 'org.auralis.enhancer'");
        await Expect(banner).ToContainTextAsync("not-installed");
        await Expect(page.Locator("#messages")).ToContainTextAsync("enhanced chunk");
        await Expect(page.Locator("#enhanced")).Not.ToBeCheckedAsync();
        Assert.Equal("original", await page.EvaluateAsync<string>("() => document.body.dataset.playing"));
        var at = await page.EvaluateAsync<double>("() => window.auralis.player.position()");
        await page.WaitForFunctionAsync($"() => window.auralis.player.position() > {at + 0.5:0.###}", null, new() { Timeout = 20000 });
        await Expect(page.Locator("#health-summary")).ToContainTextAsync("problem");
        await Expect(page.Locator("#health")).ToContainTextAsync("org.auralis.enhancer");
        step.Is("taking the screenshot");
        await Screenshot(page, "web-player-missing-enhancer.png");

        // Every enhanced request failed with the plugin's error; not one byte of audio was sent as enhanced.
        step.Is("reading the refused chunk responses");
        var asked = responses.Where(r => r.Url.Contains("/chunks/enhanced/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(asked);
        foreach (var r in asked)
        {
            Assert.Equal(503, r.Status);
            Assert.StartsWith("application/json", r.Headers["content-type"], StringComparison.Ordinal);
        }
        // The bodies: the page stops reading a refused chunk once it has the error, and Playwright waits forever for a
        // body the page abandoned, so each is read with a bound; at least one must have arrived, naming the plugin.
        var bodies = 0;
        foreach (var r in asked)
        {
            string text;
            try
            {
                text = await r.TextAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                continue;
            }
            var error = JsonDocument.Parse(text).RootElement;
            Assert.Equal("plugin-unavailable", error.GetProperty("error").GetString());
            Assert.Equal("org.auralis.enhancer", error.GetProperty("plugin").GetString());
            Assert.Contains("Fix:", error.GetProperty("message").GetString());
            bodies++;
        }
        Assert.True(bodies > 0, $"none of the {asked.Count} refused responses' bodies could be read in the page");
        using var direct = await app.Http.GetAsync($"/api/tracks/{await app.TrackIdAsync(TestLibrary.Steady)}/chunks/enhanced/0");
        Assert.Equal(503, (int)direct.StatusCode);
        Assert.Equal("application/json; charset=utf-8", direct.Content.Headers.ContentType?.ToString());
        step.Is("closing the browser and the server");
    }

    /// <summary>What a browser test is doing now, so that a test stuck in the browser says where.</summary>
    private sealed class Steps
    {
        public volatile string Current = "starting";

        public void Is(string what) => Current = what;
    }

    // Every await on the browser has its own timeout, but a stuck Chromium can still leave one that never completes
    // (seen: a screenshot); the whole test is bounded so it fails, naming the step, instead of hanging the run.
    private static async Task Bounded(Func<Steps, Task> test)
    {
        var step = new Steps();
        var run = test(step);
        try
        {
            await run.WaitAsync(TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException)
        {
            Browser.KillAll();
            throw new TimeoutException($"the browser test did not finish in 4 minutes; it was at: {step.Current}");
        }
    }

    // Paused first: with audio playing and the canvases redrawing, this Chromium's screenshot intermittently never returns.
    private static async Task Screenshot(IPage page, string name)
    {
        await page.EvaluateAsync("() => window.auralis.player.pause()");
        await page.ScreenshotAsync(new() { Path = Path.Combine(TestPaths.TestArtifacts, name), Timeout = 30000 });
    }

    private static ConcurrentQueue<IResponse> Watch(IPage page)
    {
        var responses = new ConcurrentQueue<IResponse>();
        page.Response += (_, r) =>
        {
            if (r.Url.Contains("/chunks/", StringComparison.Ordinal))
            {
                responses.Enqueue(r);
            }
        };
        return responses;
    }

    private sealed record ReceivedChunk(int Index, int Status, string Chain, float[][] Audio, int SampleRate);

    // The chunks of one variant whose audio reached the page. A stream the player has left (the original, after the
    // switch) stops reading its chunks, and Playwright waits forever for a body the page abandoned, so each body is
    // read with a bound and an abandoned one is left out; the callers check what must be there (consecutive enhanced
    // chunks from the switch on).
    private static async Task<List<ReceivedChunk>> Received(IEnumerable<IResponse> responses, string variant)
    {
        var list = new List<ReceivedChunk>();
        foreach (var r in responses.Where(r => r.Url.Contains($"/chunks/{variant}/", StringComparison.Ordinal)))
        {
            var index = int.Parse(r.Url[(r.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            var headers = r.Headers;
            if (r.Status != 200)
            {
                list.Add(new ReceivedChunk(index, r.Status, "", [], 0));
                continue;
            }
            Assert.Equal(variant, headers["x-auralis-variant"]);
            byte[] body;
            try
            {
                body = await r.BodyAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                continue;
            }
            var audio = WavChunk.Decode(body, out var rate);
            list.Add(new ReceivedChunk(index, r.Status, headers["x-auralis-chain"], audio, rate));
        }
        return list.GroupBy(c => c.Index).Select(g => g.First()).OrderBy(c => c.Index).ToList();
    }

    // Integrated loudness of the received chunks joined in order, measured by ffmpeg on the received samples.
    private static double Loudness(TempDir t, string name, List<ReceivedChunk> chunks)
    {
        var channels = chunks[0].Audio.Length;
        var joined = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            joined[c] = chunks.SelectMany(k => k.Audio[c]).ToArray();
        }
        var path = TestAudio.Write(t.File(name), joined, chunks[0].SampleRate);
        File.Copy(path, Path.Combine(TestPaths.TestArtifacts, name), overwrite: true);
        return TestLibrary.MeasureWithFfmpeg(path).Lufs;
    }
}
