using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Tests.Support;

namespace Auralis.Tests.Reliability;

/// <summary>In-process containment: a plugin that throws, outputs NaN/Inf or runs over its time budget never disturbs
/// the rest of the graph, and the audio thread stays allocation-free while it is contained.</summary>
public class ContainmentTests
{
    private const int Block = 64;

    internal static AudioGraph Graph(string json) => GraphFile.Parse(System.Text.Encoding.UTF8.GetBytes(json));

    internal static RenderSequence Compile(AudioGraph graph, Func<string, LoadedPlugin> resolve, int channels = 1, ProcessMode mode = ProcessMode.Offline,
        Func<GraphNode, LoadedPlugin, LoadedPlugin>? place = null, Func<CompiledNodeInfo, IResultSink>? sinks = null, int block = Block) =>
        GraphCompiler.Compile(graph, resolve, new CompileSettings
        {
            SampleRate = 48000, MaxBlockSize = block, InputChannels = channels, Mode = mode, PlacePlugin = place, ResultSinks = sinks,
            RequireOutput = graph.Connections.Any(c => c.To.Node == AudioGraph.OutputNode),
        });

    /// <summary>Renders <paramref name="input"/> (mono) block by block; returns output channel 0.</summary>
    internal static float[] Render(RenderSequence seq, float[] input, int block = Block)
    {
        var output = new float[input.Length];
        RenderInto(seq, input, output, block);
        return output;
    }

    /// <summary>Renders into a preallocated <paramref name="output"/> (allocation measurements).</summary>
    internal static void RenderInto(RenderSequence seq, float[] input, float[] output, int block = Block)
    {
        for (var at = 0; at < input.Length; at += block)
        {
            var n = Math.Min(block, input.Length - at);
            input.AsSpan(at, n).CopyTo(seq.Input(0));
            seq.Render(n);
            if (seq.OutputChannelCount > 0)
            {
                seq.Output(0)[..n].CopyTo(output.AsSpan(at));
            }
        }
    }

    [Fact]
    public void A_throwing_plugin_is_bypassed_for_the_rest_of_the_run_and_the_other_path_is_untouched()
    {
        // bad (throws at 0.1 s) and a gain run side by side; a meter listens to the gain path only.
        const string graph = """
            {"nodes":[{"id":"bad","plugin":"org.auralis.tests.crasher","parameters":{"fault":1,"at_s":0.1}},
                      {"id":"g","plugin":"gain","parameters":{"gain_db":-6}},{"id":"m","plugin":"org.auralis.tests.meter"}],
             "connections":[{"from":"input","to":"bad"},{"from":"input","to":"g"},{"from":"bad","to":"output"},{"from":"g","to":"m"}]}
            """;
        const string reference = """
            {"nodes":[{"id":"g","plugin":"gain","parameters":{"gain_db":-6}},{"id":"m","plugin":"org.auralis.tests.meter"}],
             "connections":[{"from":"input","to":"g"},{"from":"g","to":"m"},{"from":"g","to":"output"}]}
            """;
        var input = TestAudio.Noise(48000, 7);
        var withFault = new List<(long, float[])>();
        var clean = new List<(long, float[])>();
        using var seq = Compile(Graph(graph), GraphTests.Resolve, sinks: n => n.NodeId == "m" ? new FrameList(withFault) : NullResultSink.Instance);
        using var refSeq = Compile(Graph(reference), GraphTests.Resolve, sinks: n => n.NodeId == "m" ? new FrameList(clean) : NullResultSink.Instance);

        var output = Render(seq, input);
        Render(refSeq, input);

        var bad = seq.FindNode("bad")!;
        Assert.True(bad.IsBypassed);
        Assert.Contains("plugin 'org.auralis.tests.crasher' (node 'bad') failed and is bypassed: InvalidOperationException", bad.DescribeFault());
        Assert.Null(seq.FindNode("g")!.DescribeFault());
        // The faulty node inverted its input until the block holding 0.1 s, then passes it through unchanged.
        var crashBlock = 4800 / Block * Block;
        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal(i < crashBlock ? -input[i] : input[i], output[i]);
        }
        // The other path did not glitch: the meter on it saw exactly what it sees without the faulty node.
        Assert.Equal(clean.Count, withFault.Count);
        Assert.True(clean.Count > 40);
        for (var f = 0; f < clean.Count; f++)
        {
            Assert.Equal(clean[f].Item1, withFault[f].Item1);
            Assert.Equal(clean[f].Item2, withFault[f].Item2);
        }
    }

    [Fact]
    public void A_failing_analyzer_stops_publishing_and_is_named()
    {
        var analyzer = LoadedPlugin.FromType<ThrowingAnalyzer>();
        var frames = new List<(long, float[])>();
        var g = Graph("""{"nodes":[{"id":"a","plugin":"org.auralis.tests.throwing-analyzer"}],"connections":[{"from":"input","to":"a"}]}""");
        using var seq = Compile(g, _ => analyzer, sinks: _ => new FrameList(frames));
        Render(seq, TestAudio.Noise(48000, 1));
        Assert.Equal(ThrowingAnalyzer.FramesBeforeFailure, frames.Count);
        Assert.Contains("node 'a') failed and is bypassed: DivideByZeroException", seq.Nodes[0].DescribeFault());
    }

    [Fact]
    public void NaN_and_Inf_output_is_replaced_by_silence_and_flagged_without_allocating()
    {
        var g = Graph("""
            {"nodes":[{"id":"n","plugin":"org.auralis.tests.crasher","parameters":{"fault":2,"at_s":0.5}},{"id":"g","plugin":"gain"}],
             "connections":[{"from":"input","to":"n"},{"from":"n","to":"g"},{"from":"g","to":"output"}]}
            """);
        using var seq = Compile(g, GraphTests.Resolve);
        var input = TestAudio.Noise(Block * 8, 3);
        Render(seq, input); // warm-up (JIT), before the fault starts
        Assert.Equal(0, seq.FindNode("n")!.Health.NonFiniteBlocks);
        var rest = TestAudio.Noise(48000, 4);
        var output = new float[rest.Length];
        var before = GC.GetAllocatedBytesForCurrentThread();
        RenderInto(seq, rest, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.All(output, x => Assert.True(float.IsFinite(x)));
        var health = seq.FindNode("n")!.Health;
        var firstBad = 24000 / Block * Block;
        Assert.Equal((48000 + Block * 8 - firstBad) / Block, health.NonFiniteBlocks);
        Assert.Equal(firstBad, health.FirstNonFiniteAt);
        var flag = Assert.Single(seq.FindNode("n")!.DescribeFlags());
        Assert.Contains("plugin 'org.auralis.tests.crasher' (node 'n') produced NaN/Inf samples", flag);
        Assert.False(seq.FindNode("n")!.IsBypassed);
        Assert.Empty(seq.FindNode("g")!.DescribeFlags());
    }

    [Fact]
    public void A_plugin_over_its_time_budget_repeatedly_is_flagged()
    {
        // 3 ms of work per 64-frame block (1.33 ms of audio at 48 kHz): over budget on any machine, every block.
        var g = Graph("""
            {"nodes":[{"id":"slow","plugin":"org.auralis.tests.crasher","parameters":{"fault":7,"spin_ms":3}}],
             "connections":[{"from":"input","to":"slow"},{"from":"slow","to":"output"}]}
            """);
        using var seq = Compile(g, GraphTests.Resolve, mode: ProcessMode.Realtime);
        var node = seq.FindNode("slow")!;
        Render(seq, new float[Block * (Auralis.Engine.Isolation.NodeHealth.OverBudgetFlagBlocks - 1)]);
        Assert.False(node.Health.IsOverBudget);
        Render(seq, new float[Block]);
        Assert.True(node.Health.IsOverBudget);
        Assert.Contains("(node 'slow') was over its time budget in 8 of 8 blocks", Assert.Single(node.DescribeFlags()));
        Assert.False(node.IsBypassed); // flagged, not stopped
    }

    [Fact]
    public void Rendering_after_a_plugin_failed_allocates_nothing()
    {
        var g = Graph("""
            {"nodes":[{"id":"bad","plugin":"org.auralis.tests.crasher","parameters":{"fault":1,"at_s":0.01}},
                      {"id":"long","plugin":"org.auralis.tests.delay-long"},{"id":"m","plugin":"org.auralis.tests.meter"}],
             "connections":[{"from":"input","to":"bad"},{"from":"bad","to":"long"},{"from":"long","to":"output"},{"from":"bad","to":"m"}]}
            """);
        using var seq = Compile(g, GraphTests.Resolve);
        Render(seq, TestAudio.Noise(4800, 1)); // the fault happens here (throwing allocates, as the plugin's own exception)
        Assert.True(seq.FindNode("bad")!.IsBypassed);
        var input = TestAudio.Noise(48000, 2);
        var output = new float[input.Length];
        var before = GC.GetAllocatedBytesForCurrentThread();
        RenderInto(seq, input, output);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Collects result frames (copies: the span is only valid during the call).</summary>
    internal sealed class FrameList(List<(long, float[])> frames) : IResultSink
    {
        public void WriteFrame(long centreSample, ReadOnlySpan<float> values) => frames.Add((centreSample, values.ToArray()));
    }

    /// <summary>An analyzer compiled into the tests: publishes one frame per 1024 samples, then divides by zero.</summary>
    public sealed class ThrowingAnalyzer : IAudioPlugin
    {
        public const int FramesBeforeFailure = 10;
        private static readonly PluginDescriptor Facts = new("org.auralis.tests.throwing-analyzer", "Throwing analyzer", "tests",
            new SemanticVersion(1, 0, 0), PluginKind.Analyzer, [AudioLayout.MonoAnalysis], [],
            [new ResultInfo("level", "Level", ResultScope.Frame, ResultKind.Scalar)]);

        private readonly float[] _value = new float[1];
        private long _frames;
        private int _zero;

        public PluginDescriptor Descriptor => Facts;
        public int LatencySamples => 0;
        public int TailSamples => 0;

        public void Initialize(AudioSetup setup)
        {
        }

        public void Reset() => (_frames, _zero) = (0, 0);

        public ProcessStatus Process(in ProcessContext context)
        {
            for (var i = 0; i < context.FrameCount; i++)
            {
                if ((context.Position + i) % 1024 == 1023)
                {
                    if (_frames == FramesBeforeFailure)
                    {
                        _ = 1 / _zero;
                    }
                    _value[0] = context.Input(0)[i];
                    context.Results.WriteFrame(context.Position + i, _value);
                    _frames++;
                }
            }
            return ProcessStatus.Normal;
        }

        public void Dispose()
        {
        }
    }
}
