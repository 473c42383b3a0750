using Auralis.Engine.Plugins;
using Auralis.Offline;
using Auralis.Tests.Support;
using Auralis.Web.Analysis;
using Auralis.Web.Streaming;

namespace Auralis.Web.Tests;

/// <summary>
/// Chunks rendered one by one, each with its own pre-roll, joined back together, against the whole file processed in
/// one pass: no clicks or level jumps at the borders. Independent of how the fingerprint is measured: the enhancer's
/// measured values are given here.
/// </summary>
public sealed class SeamTests
{
    /// <summary>Largest difference allowed between joined chunks and the one-pass file (−80 dBFS).</summary>
    public const double Tolerance = 1e-4;

    public static readonly Dictionary<string, float> QuietDemoMeasurements = new()
    {
        ["measured_lufs"] = -32.6f,
        ["measured_crest_db"] = 16f,
        ["measured_sub_bass"] = 0.02f,
        ["measured_bass"] = 0.45f,
        ["measured_low_mid"] = 0.25f,
        ["measured_mid"] = 0.2f,
        ["measured_upper_mid"] = 0.05f,
        ["measured_presence"] = 0.02f,
        ["measured_air"] = 0.01f,
    };

    [Fact]
    public void Joined_enhanced_chunks_equal_the_one_pass_file_within_tolerance()
    {
        using var t = new TempDir();
        var input = t.File("quiet.wav");
        var demo = TestAudio.Read(Path.Combine(TestPaths.GoldenInputs, "demo.flac"));
        foreach (var ch in demo)
        {
            for (var i = 0; i < ch.Length; i++)
            {
                ch[i] *= 0.25f; // −12 dB: the enhancer has work to do
            }
        }
        TestAudio.Write(input, demo, 44100);
        var catalog = PluginCatalog.Scan(TestPaths.PluginsDir);
        var enhancer = catalog.Resolve(EnhancementRecipe.EnhancerId);
        var recipe = new EnhancementRecipe(QuietDemoMeasurements, enhancer.Descriptor.Version.ToString());

        var whole = t.File("whole.wav");
        OfflineProcessor.Process(input, whole, recipe.ToGraph(catalog.Resolve), catalog.Resolve);
        var expected = TestAudio.Read(whole);

        // Short chunks (0.5 s) make many borders; the pre-roll is the server's default.
        var layout = ChunkLayout.For(demo[0].Length, 44100, 0.5, new StreamSettings().PrerollSeconds);
        var joined = new[] { new List<float>(), new List<float>() };
        for (var k = 0; k < layout.Count; k++)
        {
            var chunk = ChunkRenderer.RenderProcessed(input, layout, k, recipe.ToGraph(catalog.Resolve), catalog.Resolve);
            Assert.Equal(layout.FramesOf(k), chunk.Frames);
            Assert.Equal(["org.auralis.enhancer 1.0.0"], chunk.Chain);
            for (var c = 0; c < 2; c++)
            {
                joined[c].AddRange(chunk.Channels[c]);
            }
        }
        var worst = 0.0;
        var worstAt = 0;
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(expected[c].Length, joined[c].Count);
            for (var i = 0; i < expected[c].Length; i++)
            {
                var d = Math.Abs(expected[c][i] - joined[c][i]);
                if (d > worst)
                {
                    (worst, worstAt) = (d, i);
                }
            }
        }
        Console.WriteLine($"seams: {layout.Count} chunks, largest difference {worst:E2} at frame {worstAt} ({20 * Math.Log10(worst + 1e-30):0.0} dBFS)");
        Assert.True(worst <= Tolerance, $"joined chunks differ from the one-pass file by {worst:E2} at frame {worstAt} (chunk {worstAt / layout.ChunkFrames})");

        // The first chunk has no pre-roll to settle: it is the one-pass file exactly.
        var first = ChunkRenderer.RenderProcessed(input, layout, 0, recipe.ToGraph(catalog.Resolve), catalog.Resolve);
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(expected[c][..layout.ChunkFrames], first.Channels[c]);
        }
    }

    [Fact]
    public void A_plugin_that_fails_while_rendering_a_chunk_fails_the_chunk_instead_of_passing_audio_through()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), TestAudio.StereoMix(44100 * 6, 44100), 44100);
        var app = PluginCatalog.Scan(TestPaths.PluginsDir);
        var fixtures = PluginCatalog.Scan(TestPaths.TestPluginsDir);
        LoadedPlugin Resolve(string id) => id.Contains("tests", StringComparison.Ordinal) || id == "faulty" ? fixtures.Resolve(id) : app.Resolve(id);
        var graph = Auralis.Engine.Graph.ChainSpec.ToGraph("enhancer,faulty", Resolve);
        graph.FindNode("faulty")!.Parameters["fail_after_s"] = 1;
        var layout = ChunkLayout.For(44100 * 6, 44100, 2.0, 3.0);

        // The engine bypasses the failed plugin and would carry on with its input; the chunk is refused instead.
        var e = Assert.Throws<PluginFailedException>(() => ChunkRenderer.RenderProcessed(input, layout, 1, graph, Resolve));
        Assert.Contains("plugin 'org.auralis.tests.faulty' (node 'faulty') failed and is bypassed", e.Message);
        Assert.Contains("fixture failure", e.Message);
    }
}
