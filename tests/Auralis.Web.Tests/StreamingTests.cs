using System.Globalization;
using Auralis.Tests.Support;
using Auralis.Web.Streaming;
using Auralis.Web.Tests.Support;

namespace Auralis.Web.Tests;

/// <summary>One server on the test library, shared by the streaming tests.</summary>
public sealed class StreamingServer : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public ServedApp App { get; private set; } = null!;

    public string Library { get; private set; } = "";

    public string File(string name) => _dir.File(name);

    public async Task InitializeAsync()
    {
        Library = TestLibrary.Create(_dir.File("music"));
        App = await ServedApp.StartAsync([Library], _dir.File("data"));
        await App.WaitForScanAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        _dir.Dispose();
    }
}

/// <summary>Streams over HTTP from the real server: exact original audio, seamless enhanced audio, many clients at once.</summary>
public sealed class StreamingTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    private readonly ServedApp _app = server.App;
    private readonly string _library = server.Library;

    [Fact]
    public async Task Original_chunks_join_to_the_decoded_file_exactly_and_come_from_the_cache_the_second_time()
    {
        var id = await _app.TrackIdAsync(TestLibrary.Demo);
        var info = await _app.GetJsonAsync($"/api/tracks/{id}");
        var count = info.GetProperty("stream").GetProperty("chunks").GetInt32();
        var (audio, headers) = await StreamAsync(id, "original", count);
        Assert.Equal($"1/{count}", headers[0]["X-Auralis-Chunk"]);
        Assert.Equal($"{count}/{count}", headers[^1]["X-Auralis-Chunk"]);
        Assert.All(headers, h => Assert.Equal("none (decoded file)", h["X-Auralis-Chain"]));
        Assert.All(headers, h => Assert.Equal("original", h["X-Auralis-Variant"]));
        var decoded = TestAudio.Read(Path.Combine(_library, TestLibrary.Demo));
        Assert.Equal(decoded[0], audio[0]);
        Assert.Equal(decoded[1], audio[1]);

        using var again = await _app.Http.GetAsync($"/api/tracks/{id}/chunks/original/1");
        Assert.Equal("hit", again.Headers.GetValues("X-Auralis-Cache").Single());
        using var beyond = await _app.Http.GetAsync($"/api/tracks/{id}/chunks/original/{count}");
        Assert.Equal(404, (int)beyond.StatusCode);
        using var variant = await _app.Http.GetAsync($"/api/tracks/{id}/chunks/louder/0");
        Assert.Equal(404, (int)variant.StatusCode);
    }

    [Fact]
    public async Task Enhanced_chunks_join_to_the_file_auralis_process_writes_with_the_same_settings()
    {
        var id = await _app.TrackIdAsync(TestLibrary.Demo);
        var count = (await _app.GetJsonAsync($"/api/tracks/{id}")).GetProperty("stream").GetProperty("chunks").GetInt32();
        // Ask out of order, as a seeking listener does: each chunk stands on its own pre-roll.
        var order = Enumerable.Range(0, count).Reverse().ToArray();
        var (audio, headers) = await StreamAsync(id, "enhanced", count, order);
        Assert.All(headers, h => Assert.Equal("org.auralis.enhancer 1.0.0", h["X-Auralis-Chain"]));

        // The same processing, offline, by the command line, with the parameters the server set from the fingerprint.
        var recipe = await _app.GetJsonAsync($"/api/tracks/{id}/enhancement");
        var args = new List<string> { "process", Path.Combine(_library, TestLibrary.Demo), server.File("offline.wav"), "--chain", "enhancer" };
        foreach (var p in recipe.GetProperty("parameters").EnumerateObject())
        {
            args.AddRange(["--param", $"enhancer.{p.Name}={p.Value.GetSingle().ToString("R", CultureInfo.InvariantCulture)}"]);
        }
        var r = CommandRunner.Auralis([.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var offline = TestAudio.Read(server.File("offline.wav"));
        var worst = 0.0;
        for (var c = 0; c < 2; c++)
        {
            worst = Math.Max(worst, TestAudio.MaxAbsDiff(offline[c], audio[c]));
        }
        Assert.True(worst <= SeamTests.Tolerance, $"streamed enhanced audio differs from the offline file by {worst:E2}");
    }

    [Fact]
    public async Task Eight_concurrent_streams_are_each_served_correctly()
    {
        var steady = await _app.TrackIdAsync(TestLibrary.Steady);
        var demo = await _app.TrackIdAsync(TestLibrary.Demo);
        var expected = new Dictionary<(long, string), float[][]>();
        foreach (var (id, file) in new[] { (steady, TestLibrary.Steady), (demo, TestLibrary.Demo) })
        {
            expected[(id, "original")] = TestAudio.Read(Path.Combine(_library, file));
            var count = (await _app.GetJsonAsync($"/api/tracks/{id}")).GetProperty("stream").GetProperty("chunks").GetInt32();
            expected[(id, "enhanced")] = (await StreamAsync(id, "enhanced", count)).Audio; // rendered alone, before the crowd
        }
        // Eight listeners at once, each with its own connection, two per track and variant, starting at different chunks.
        var clients = new[] { (steady, "original"), (steady, "enhanced"), (demo, "original"), (demo, "enhanced") }
            .SelectMany(s => new[] { (s.Item1, s.Item2, 0), (s.Item1, s.Item2, 2) }).ToArray();
        Assert.Equal(8, clients.Length);
        var runs = clients.Select(async c =>
        {
            using var http = new HttpClient { BaseAddress = _app.Address };
            var count = (await _app.GetJsonAsync($"/api/tracks/{c.Item1}")).GetProperty("stream").GetProperty("chunks").GetInt32();
            var order = Enumerable.Range(c.Item3, count - c.Item3).Concat(Enumerable.Range(0, c.Item3)).ToArray();
            var (audio, _) = await StreamAsync(c.Item1, c.Item2, count, order, http);
            return (c, audio);
        }).ToList();
        foreach (var (c, audio) in await Task.WhenAll(runs))
        {
            var want = expected[(c.Item1, c.Item2)];
            Assert.Equal(want[0], audio[0]);
            Assert.Equal(want[1], audio[1]);
        }
    }

    // Fetches the chunks in the given order; returns the audio joined in track order and each chunk's headers.
    private async Task<(float[][] Audio, List<Dictionary<string, string>> Headers)> StreamAsync(long id, string variant, int count,
        int[]? order = null, HttpClient? http = null)
    {
        var parts = new float[count][][];
        var headers = new Dictionary<string, string>[count];
        foreach (var k in order ?? Enumerable.Range(0, count).ToArray())
        {
            using var response = await (http ?? _app.Http).GetAsync($"/api/tracks/{id}/chunks/{variant}/{k}");
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.IsSuccessStatusCode, $"chunk {k} of {variant}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
            Assert.Equal(WavChunk.ContentType, response.Content.Headers.ContentType?.MediaType);
            parts[k] = WavChunk.Decode(body, out _);
            headers[k] = response.Headers.Where(h => h.Key.StartsWith("X-Auralis-", StringComparison.Ordinal))
                .ToDictionary(h => h.Key, h => h.Value.Single());
        }
        var channels = parts[0].Length;
        var audio = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            audio[c] = parts.SelectMany(p => p[c]).ToArray();
        }
        return (audio, [.. headers]);
    }
}
