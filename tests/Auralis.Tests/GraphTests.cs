using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Offline;
using Auralis.Tests.Support;

namespace Auralis.Tests;

public class GraphTests
{
    private static readonly PluginCatalog Fixtures = PluginCatalog.Scan(TestPaths.TestPluginsDir);
    private static readonly PluginCatalog App = PluginCatalog.Scan(TestPaths.PluginsDir);

    internal static LoadedPlugin Resolve(string id) =>
        App.Records.Any(r => r.Id == id || r.Alias == id) ? App.Resolve(id) : Fixtures.Resolve(id);

    private static PortRef P(string s) => PortRef.Parse(s);

    [Fact]
    public void A_connection_that_closes_a_cycle_is_refused_naming_the_cycle()
    {
        var g = new AudioGraph();
        g.AddNode("a", "gain");
        g.AddNode("b", "gain");
        g.AddNode("c", "gain");
        g.Connect(P("input"), P("a"));
        g.Connect(P("a"), P("b"));
        g.Connect(P("b"), P("c"));
        var e = Assert.Throws<GraphException>(() => g.Connect(P("c"), P("a")));
        Assert.Equal(GraphErrorKind.Cycle, e.Kind);
        Assert.Contains("c -> a -> b -> c", e.Message);
        Assert.Equal(3, g.Connections.Count); // the graph is unchanged
        var self = Assert.Throws<GraphException>(() => g.Connect(P("b"), P("b")));
        Assert.Equal(GraphErrorKind.Cycle, self.Kind);
    }

    [Fact]
    public void Graph_file_with_a_cycle_is_rejected_on_load()
    {
        var json = """
            {"nodes":[{"id":"a","plugin":"gain"},{"id":"b","plugin":"gain"}],
             "connections":[{"from":"input","to":"a"},{"from":"a","to":"b"},{"from":"b","to":"a"},{"from":"b","to":"output"}]}
            """u8.ToArray();
        var e = Assert.Throws<GraphException>(() => GraphFile.Parse(json));
        Assert.Equal(GraphErrorKind.Cycle, e.Kind);
        Assert.Contains("b -> a", e.Message);
    }

    [Theory]
    [InlineData("""{"nodes":[{"id":"a","plugin":"gain"},{"id":"a","plugin":"gain"}],"connections":[]}""", GraphErrorKind.DuplicateId, "'a' is used twice")]
    [InlineData("""{"nodes":[{"id":"a","plugin":"gain"}],"connections":[{"from":"input","to":"zz"}]}""", GraphErrorKind.UnknownNode, "no node 'zz'")]
    [InlineData("""{"nodes":[{"id":"input","plugin":"gain"}],"connections":[]}""", GraphErrorKind.DuplicateId, "reserved")]
    [InlineData("""{"nodes":{},"connections":[]}""", GraphErrorKind.Malformed, "'nodes' must be an array")]
    [InlineData("""{"nodes":[{"id":"a"}],"connections":[]}""", GraphErrorKind.Malformed, "'plugin'")]
    [InlineData("""{"nodes":[{"id":"a","plugin":"gain","parameters":{"gain_db":"loud"}}],"connections":[]}""", GraphErrorKind.BadParameter, "gain_db")]
    [InlineData("""{"nodes":[],"connections":[{"from":"output","to":"input"}]}""", GraphErrorKind.UnknownPort, "cannot be a source")]
    public void Malformed_graph_files_are_named(string json, GraphErrorKind kind, string message)
    {
        var e = Assert.Throws<GraphException>(() => GraphFile.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
        Assert.Equal(kind, e.Kind);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Compile_errors_name_ports_parameters_and_unconnected_inputs()
    {
        var settings = new CompileSettings { SampleRate = 48000, MaxBlockSize = 64, InputChannels = 2 };
        GraphException Compile(string json) =>
            Assert.Throws<GraphException>(() => GraphCompiler.Compile(GraphFile.Parse(System.Text.Encoding.UTF8.GetBytes(json)), Resolve, settings));

        Assert.Contains("has no output 'wet'", Compile("""{"nodes":[{"id":"g","plugin":"gain"}],"connections":[{"from":"input","to":"g"},{"from":"g.wet","to":"output"}]}""").Message);
        Assert.Contains("no parameter 'volume'", Compile("""{"nodes":[{"id":"g","plugin":"gain","parameters":{"volume":1}}],"connections":[{"from":"input","to":"g"},{"from":"g","to":"output"}]}""").Message);
        Assert.Contains("outside [-60, 24]", Compile("""{"nodes":[{"id":"g","plugin":"gain","parameters":{"gain_db":99}}],"connections":[{"from":"input","to":"g"},{"from":"g","to":"output"}]}""").Message);
        Assert.Contains("input 'in' is not connected", Compile("""{"nodes":[{"id":"g","plugin":"gain"},{"id":"h","plugin":"gain"}],"connections":[{"from":"input","to":"g"},{"from":"g","to":"output"},{"from":"h","to":"output"}]}""").Message);
        Assert.Contains("graph output is not connected", Compile("""{"nodes":[{"id":"g","plugin":"gain"}],"connections":[{"from":"input","to":"g"}]}""").Message);
    }

    [Fact]
    public void Parallel_paths_of_different_latency_come_out_aligned_at_the_reported_latency()
    {
        // input -> delay-long (100) -> output, input -> delay-short (37) -> output: the short path gets 63 samples of
        // compensation, so an impulse comes out once, at 100, doubled.
        var g = new AudioGraph();
        g.AddNode("long", "org.auralis.tests.delay-long");
        g.AddNode("short", "org.auralis.tests.delay-short");
        g.Connect(P("input"), P("long"));
        g.Connect(P("input"), P("short"));
        g.Connect(P("long"), P("output"));
        g.Connect(P("short"), P("output"));
        using var seq = GraphCompiler.Compile(g, Resolve, new CompileSettings { SampleRate = 48000, MaxBlockSize = 64, InputChannels = 1 });
        Assert.Equal(100, seq.LatencySamples);
        Assert.Equal(0, seq.FindNode("long")!.InputLatencySamples);

        var output = new List<float>();
        for (var block = 0; block < 4; block++)
        {
            seq.Input(0).Clear();
            if (block == 0)
            {
                seq.Input(0)[5] = 1f;
            }
            seq.Render(64);
            output.AddRange(seq.Output(0)[..64].ToArray());
        }
        var nonZero = output.Select((v, i) => (v, i)).Where(x => x.v != 0).ToArray();
        Assert.Equal([(2f, 105)], nonZero);
    }

    [Fact]
    public void Serial_latencies_add_up_and_offline_output_is_compensated()
    {
        using var t = new TempDir();
        var input = new float[1000];
        input[10] = 1f;
        var inPath = TestAudio.Write(t.File("impulse.wav"), [input]);
        var graph = ChainSpec.ToGraph("org.auralis.tests.delay-long,org.auralis.tests.delay-short,gain", Resolve);
        var result = OfflineProcessor.Process(inPath, t.File("out.wav"), graph, Resolve);
        Assert.Equal(137, result.LatencySamples);
        var output = TestAudio.Read(t.File("out.wav"))[0];
        Assert.Equal(1000, output.Length);
        Assert.Equal(1f, output[10]);
        Assert.Equal(1f, output.Sum(Math.Abs));
    }

    [Fact]
    public void Output_does_not_depend_on_block_size()
    {
        using var t = new TempDir();
        var inPath = TestAudio.Write(t.File("in.wav"), TestAudio.StereoMix(48000 * 2 + 123, 48000));
        // Parallel paths with different latencies, a mono-summing branch and a gain: every op kind the compiler emits.
        var graph = GraphFile.Parse("""
            {"nodes":[{"id":"long","plugin":"org.auralis.tests.delay-long"},
                      {"id":"short","plugin":"org.auralis.tests.delay-short"},
                      {"id":"g","plugin":"gain","parameters":{"gain_db":-6}}],
             "connections":[{"from":"input","to":"long"},{"from":"input","to":"short"},
                            {"from":"long","to":"g"},{"from":"short","to":"g"},{"from":"g","to":"output"}]}
            """u8);
        float[][]? reference = null;
        foreach (var block in new[] { 4096, 1, 17, 64, 512 })
        {
            var outPath = t.File($"out-{block}.wav");
            OfflineProcessor.Process(inPath, outPath, graph, Resolve, new ProcessOptions { BlockSize = block });
            var output = TestAudio.Read(outPath);
            if (reference is null)
            {
                reference = output;
                Assert.Contains(output[0], x => x != 0);
                continue;
            }
            for (var c = 0; c < output.Length; c++)
            {
                Assert.True(reference[c].AsSpan().SequenceEqual(output[c]), $"block {block}, channel {c} differs from block 4096");
            }
        }
    }

    [Fact]
    public void Render_allocates_nothing_after_warm_up()
    {
        var g = GraphFile.Parse("""
            {"nodes":[{"id":"long","plugin":"org.auralis.tests.delay-long"},{"id":"short","plugin":"org.auralis.tests.delay-short"},
                      {"id":"g","plugin":"gain"},{"id":"m","plugin":"org.auralis.tests.meter"}],
             "connections":[{"from":"input","to":"long"},{"from":"input","to":"short"},{"from":"long","to":"g"},
                            {"from":"short","to":"g"},{"from":"g","to":"output"},{"from":"g","to":"m"}]}
            """u8);
        using var seq = GraphCompiler.Compile(g, Resolve, new CompileSettings { SampleRate = 48000, MaxBlockSize = 64, InputChannels = 2 });
        var noise = TestAudio.Noise(64, 3);
        for (var warm = 0; warm < 20; warm++)
        {
            noise.CopyTo(seq.Input(0));
            noise.CopyTo(seq.Input(1));
            seq.Render(64);
        }
        var gain = seq.FindNode("g")!.Index;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 2000; i++)
        {
            seq.PostParameter(gain, 0, -(i % 24));
            seq.Render(i % 2 == 0 ? 64 : 17);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Parameter_changes_apply_at_the_next_block_boundary()
    {
        var g = ChainSpec.ToGraph("gain", Resolve);
        using var seq = GraphCompiler.Compile(g, Resolve, new CompileSettings { SampleRate = 48000, MaxBlockSize = 64, InputChannels = 1 });
        seq.Input(0).Fill(1f);
        seq.Render(64);
        Assert.Equal(1f, seq.Output(0)[63]);
        Assert.True(seq.PostParameter(0, 0, -6.0206f));
        Assert.Equal(1f, seq.Output(0)[63]); // nothing changes until the next render
        seq.Render(64);
        Assert.True(seq.Output(0)[0] < 1f && seq.Output(0)[0] > 0.99f, "the change ramps in from the block start");
        for (var i = 0; i < 10; i++)
        {
            seq.Render(64);
        }
        Assert.Equal(0.5f, seq.Output(0)[63], 4);
    }

    [Fact]
    public void The_layout_matching_the_incoming_channels_is_chosen()
    {
        foreach (var (channels, layout) in new[] { (1, "mono"), (2, "stereo") })
        {
            using var seq = GraphCompiler.Compile(ChainSpec.ToGraph("gain", Resolve), Resolve,
                new CompileSettings { SampleRate = 48000, MaxBlockSize = 8, InputChannels = channels });
            Assert.Equal(layout, seq.Nodes[0].Layout.Name);
            Assert.Equal(channels, seq.OutputChannelCount);
        }
    }

    [Fact]
    public void Stereo_into_a_mono_port_is_averaged_and_mono_into_a_stereo_port_is_copied()
    {
        // input(L=0.2, R=0.6) -> mono-only node (gets 0.4) -> output(2): copied to both channels, summed with input.
        var mono = LoadedPlugin.FromType<MonoPassThrough>();
        var g = GraphFile.Parse("""
            {"nodes":[{"id":"m","plugin":"org.auralis.tests.mono"}],
             "connections":[{"from":"input","to":"m"},{"from":"m","to":"output"},{"from":"input","to":"output"}]}
            """u8);
        using var seq = GraphCompiler.Compile(g, _ => mono, new CompileSettings { SampleRate = 48000, MaxBlockSize = 4, InputChannels = 2 });
        seq.Input(0).Fill(0.2f);
        seq.Input(1).Fill(0.6f);
        seq.Render(4);
        Assert.Equal(2, seq.OutputChannelCount);
        Assert.Equal(0.6f, seq.Output(0)[3], 6);
        Assert.Equal(1.0f, seq.Output(1)[3], 6);
    }

    /// <summary>A mono-only processor compiled into the tests (in-process plugin).</summary>
    public sealed class MonoPassThrough : Auralis.Sdk.IAudioPlugin
    {
        private static readonly Auralis.Sdk.PluginDescriptor Facts = new("org.auralis.tests.mono", "Mono", "tests",
            new Auralis.Sdk.SemanticVersion(1, 0, 0), Auralis.Sdk.PluginKind.Processor, [Auralis.Sdk.AudioLayout.Mono]);

        public Auralis.Sdk.PluginDescriptor Descriptor => Facts;
        public int LatencySamples => 0;
        public int TailSamples => 0;

        public void Initialize(Auralis.Sdk.AudioSetup setup)
        {
        }

        public void Reset()
        {
        }

        public Auralis.Sdk.ProcessStatus Process(in Auralis.Sdk.ProcessContext context)
        {
            context.Input(0).CopyTo(context.Output(0));
            return Auralis.Sdk.ProcessStatus.Normal;
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Chain_spec_errors_name_the_item()
    {
        Assert.Contains("no plugin 'reverb'", Assert.Throws<PluginLoadException>(() => ChainSpec.ToGraph("gain,reverb", Resolve)).Message);
        Assert.Contains("has no output 'wet'", Assert.Throws<GraphException>(() => ChainSpec.ToGraph("gain.wet", Resolve)).Message);
        Assert.Contains("malformed", Assert.Throws<GraphException>(() => ChainSpec.ToGraph("gain,,gain", Resolve)).Message);
        var twice = ChainSpec.ToGraph("gain,gain", Resolve);
        Assert.Equal(["gain", "gain-2"], twice.Nodes.Select(n => n.Id));
    }
}
