using Auralis.Engine.Graph;
using Auralis.Engine.Isolation;
using Auralis.Sdk;
using Auralis.Tests.Support;

namespace Auralis.Tests.Reliability;

/// <summary>
/// The out-of-process sandbox with real child processes (the built <c>auralis plugin-host</c>) and a fixture plugin
/// that really segfaults, overflows its stack, fails fast or hangs.
/// </summary>
public class SandboxTests
{
    private const int Block = 1024;

    internal static PluginSandbox Sandbox(IsolationMode? mode = null) => new(new SandboxOptions
    {
        ExecutablePath = TestPaths.AuralisExe,
        DefaultMode = mode ?? IsolationMode.OwnProcess,
        // Long enough that a dying child printing a stack overflow's trace on a loaded machine is seen to crash, not hang.
        HangTimeout = TimeSpan.FromSeconds(3),
    });

    private static AudioGraph Crasher(int fault, double atSeconds, string isolation = "process") => ContainmentTests.Graph($$$"""
        {"nodes":[{"id":"c","plugin":"org.auralis.tests.crasher","isolation":"{{{isolation}}}","parameters":{"fault":{{{fault}}},"at_s":{{{atSeconds}}}}}],
         "connections":[{"from":"input","to":"c"},{"from":"c","to":"output"}]}
        """);

    [Theory]
    [InlineData(3, "crashed (SIGSEGV, segmentation fault)")]
    [InlineData(4, "crashed (SIGABRT, aborted: Stack overflow.)")]
    [InlineData(5, "crashed (SIGABRT, aborted: Process terminated. crasher fixture: FailFast requested)")]
    [InlineData(6, "hung (no answer within 3000 ms) and was killed")]
    public void A_crash_or_hang_in_the_child_bypasses_the_node_restarts_the_child_and_is_reported(int fault, string reason)
    {
        using var sandbox = Sandbox();
        using var seq = ContainmentTests.Compile(Crasher(fault, 0.5), GraphTests.Resolve, place: sandbox.Place, block: Block);
        var firstPid = sandbox.Processes.Single().Pid;
        var input = TestAudio.Noise(48000, 5);
        var output = ContainmentTests.Render(seq, input, Block);

        // The host is alive (this code runs). The block that was in the child when it died passed through unprocessed;
        // the restarted child inverted everything before and after it.
        var lost = 24000 / Block * Block;
        var wrong = Enumerable.Range(0, input.Length).Where(i => output[i] != (i >= lost && i < lost + Block ? input[i] : -input[i])).ToArray();
        Assert.True(wrong.Length == 0, $"{wrong.Length} samples differ from {wrong.FirstOrDefault()} to {wrong.LastOrDefault()}; {seq.Nodes[0].DescribeFault()}");
        var child = sandbox.Processes.Single();
        Assert.Equal(1, child.Restarts);
        Assert.NotEqual(firstPid, child.Pid);
        var fault_ = seq.Nodes[0].DescribeFault();
        Assert.Contains($"plugin 'org.auralis.tests.crasher' (node 'c') in its sandbox process {reason} at sample {lost}; the node was bypassed; the process was restarted in", fault_);
        Assert.Contains($"{Block} samples were passed through unprocessed", fault_);
        Assert.False(seq.Nodes[0].IsBypassed); // processing again
    }

    [Fact]
    public void An_exception_in_the_child_bypasses_the_node_for_the_rest_of_the_run_like_in_process()
    {
        using var sandbox = Sandbox();
        using var seq = ContainmentTests.Compile(Crasher(1, 0.25), GraphTests.Resolve, place: sandbox.Place, block: Block);
        var input = TestAudio.Noise(24000, 6);
        var output = ContainmentTests.Render(seq, input, Block);
        var thrown = 12000 / Block * Block;
        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal(i < thrown ? -input[i] : input[i], output[i]);
        }
        Assert.True(seq.Nodes[0].IsBypassed);
        Assert.Equal("plugin 'org.auralis.tests.crasher' (node 'c') failed and is bypassed: in its sandbox process: InvalidOperationException: crasher fixture: thrown at sample 11264",
            seq.Nodes[0].DescribeFault());
        Assert.Equal(0, sandbox.Processes.Single().Restarts);
    }

    [Fact]
    public void Realtime_a_crashed_child_is_bypassed_without_waiting_and_comes_back()
    {
        using var sandbox = Sandbox();
        // 1024-frame blocks (21 ms): a warmed-up child answers well within one, so the block that crashes it is not
        // skipped as late.
        const int block = 1024;
        using var seq = ContainmentTests.Compile(Crasher(3, 0.5), GraphTests.Resolve, mode: ProcessMode.Realtime, place: sandbox.Place, block: block);
        var input = TestAudio.Noise(block, 9);
        var bypassedBlocks = 0;
        var processedBefore = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        // Render like an audio callback (never waiting more than a block for the child) until the restarted child
        // processes again. Early blocks may be late while the child warms up; those pass through too.
        for (var n = 0; ; n++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the child did not come back ({seq.Nodes[0].DescribeFault()})");
            input.CopyTo(seq.Input(0));
            seq.Render(block);
            var inverted = seq.Output(0)[0] == -input[0];
            if (!inverted)
            {
                Assert.Equal(input, seq.Output(0)[..block].ToArray()); // bypassed: the input, latency kept (0)
            }
            if (n * block + block <= 24000)
            {
                processedBefore += inverted ? 1 : 0;
                continue;
            }
            if (!inverted)
            {
                bypassedBlocks++;
            }
            else if (bypassedBlocks > 0)
            {
                break;
            }
            Thread.Sleep(5); // pace it a little, as a sound card would
        }
        Assert.True(processedBefore > 0);
        Assert.True(bypassedBlocks >= 1);
        Assert.Contains("crashed (SIGSEGV, segmentation fault) at sample 23552", seq.Nodes[0].DescribeFault());
    }

    [Fact]
    public void Sandboxed_output_and_latency_equal_in_process_and_the_proxy_does_not_allocate()
    {
        var graph = ContainmentTests.Graph("""
            {"nodes":[{"id":"long","plugin":"org.auralis.tests.delay-long"},{"id":"g","plugin":"gain","parameters":{"gain_db":-3}}],
             "connections":[{"from":"input","to":"long"},{"from":"long","to":"g"},{"from":"g","to":"output"}]}
            """);
        var input = TestAudio.Noise(48000, 11);
        using var inProcess = ContainmentTests.Compile(graph, GraphTests.Resolve, block: 256);
        var expected = ContainmentTests.Render(inProcess, input, 256);

        using var sandbox = Sandbox();
        using var isolated = ContainmentTests.Compile(graph, GraphTests.Resolve, place: sandbox.Place, block: 256);
        Assert.Equal(inProcess.LatencySamples, isolated.LatencySamples);
        Assert.Equal(100, isolated.LatencySamples);
        Assert.Equal(2, sandbox.Processes.Count);
        var actual = ContainmentTests.Render(isolated, input[..4096], 256);
        Assert.Equal(expected[..4096], actual);

        isolated.Reset();
        actual = new float[input.Length];
        var before = GC.GetAllocatedBytesForCurrentThread();
        ContainmentTests.RenderInto(isolated, input, actual, 256);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_sandboxed_analyzer_publishes_the_same_frames_and_summary()
    {
        var graph = ContainmentTests.Graph("""{"nodes":[{"id":"m","plugin":"org.auralis.tests.meter"}],"connections":[{"from":"input","to":"m"}]}""");
        var input = TestAudio.Noise(20000, 12);
        var expected = new List<(long, float[])>();
        var actual = new List<(long, float[])>();
        using var inProcess = ContainmentTests.Compile(graph, GraphTests.Resolve, sinks: _ => new ContainmentTests.FrameList(expected), block: 512);
        using var sandbox = Sandbox();
        using var isolated = ContainmentTests.Compile(graph, GraphTests.Resolve, place: sandbox.Place, sinks: _ => new ContainmentTests.FrameList(actual), block: 512);
        ContainmentTests.Render(inProcess, input, 512);
        ContainmentTests.Render(isolated, input, 512);
        Assert.Equal(expected.Select(f => f.Item1), actual.Select(f => f.Item1));
        Assert.Equal(expected.SelectMany(f => f.Item2), actual.SelectMany(f => f.Item2));
        var a = new SummaryList();
        var b = new SummaryList();
        inProcess.Summarize(0, a);
        isolated.Summarize(0, b);
        Assert.Equal(a.Entries, b.Entries);
        Assert.Equal(4, b.Entries.Count);
    }

    [Fact]
    public void Nodes_of_one_group_share_a_process_and_restart_together()
    {
        var graph = ContainmentTests.Graph("""
            {"nodes":[{"id":"a","plugin":"org.auralis.tests.crasher","isolation":"process:fx","parameters":{"fault":3,"at_s":0.1}},
                      {"id":"b","plugin":"org.auralis.tests.crasher","isolation":"process:fx"},
                      {"id":"g","plugin":"gain"}],
             "connections":[{"from":"input","to":"a"},{"from":"a","to":"b"},{"from":"b","to":"g"},{"from":"g","to":"output"}]}
            """);
        using var sandbox = Sandbox(IsolationMode.Host);
        using var seq = ContainmentTests.Compile(graph, GraphTests.Resolve, place: sandbox.Place, block: Block);
        var input = TestAudio.Noise(24000, 13);
        var output = ContainmentTests.Render(seq, input, Block);
        var child = Assert.Single(sandbox.Processes);
        Assert.Equal("fx", child.Group);
        Assert.Equal(1, child.Restarts);
        // a and b both invert, so the chain passes the input; in the block a lost, a passed it through and b (waiting
        // for the shared restart, offline) inverted it.
        var lost = 4800 / Block * Block;
        for (var i = 0; i < input.Length; i++)
        {
            Assert.Equal(i >= lost && i < lost + Block ? -input[i] : input[i], output[i]);
        }
        Assert.Contains("crashed (SIGSEGV", seq.FindNode("a")!.DescribeFault());
        Assert.Contains("crashed (SIGSEGV", seq.FindNode("b")!.DescribeFault());
        Assert.Null(seq.FindNode("g")!.DescribeFault());
    }

    [Fact]
    public void The_isolation_attribute_round_trips_and_bad_values_are_named()
    {
        var graph = Crasher(0, 0, "process:fx");
        Assert.Equal("process:fx", graph.Nodes[0].Isolation);
        Assert.Equal("process:fx", GraphFile.Parse(System.Text.Encoding.UTF8.GetBytes(GraphFile.ToJson(graph))).Nodes[0].Isolation);
        var e = Assert.Throws<GraphException>(() => Crasher(0, 0, "thread"));
        Assert.Contains("'isolation' must be", e.Message);
    }

    [Fact]
    public void A_plugin_compiled_into_the_host_cannot_be_sandboxed_and_says_so()
    {
        using var sandbox = Sandbox();
        var e = Assert.Throws<Auralis.Engine.Plugins.PluginLoadException>(() => sandbox.Isolate(Auralis.Engine.Plugins.LoadedPlugin.FromType<GraphTests.MonoPassThrough>(), "x"));
        Assert.Equal(Auralis.Engine.Plugins.PluginErrorKind.SandboxFailed, e.Error.Kind);
    }

    [Fact]
    public void Auralis_process_with_isolation_survives_a_segfault_and_names_it()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(48000, 3)]);
        var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = t.File("cache") };
        string[] Args(string output, params string[] more) =>
            ["process", input, output, "--chain", "crasher", "--param", "crasher.fault=3", "--param", "crasher.at_s=0.5",
             "--isolation", "process", "--plugins-dir", TestPaths.TestPluginsDir, .. more];

        var failed = CommandRunner.Run(TestPaths.AuralisExe, Args(t.File("out.wav")), env);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("plugin 'org.auralis.tests.crasher' (node 'crasher') in its sandbox process crashed (SIGSEGV, segmentation fault) at sample 20480", failed.StdErr);
        Assert.Contains("No output was written", failed.StdErr);
        Assert.False(File.Exists(t.File("out.wav")));

        var kept = CommandRunner.Run(TestPaths.AuralisExe, Args(t.File("kept.wav"), "--keep-going"), env);
        Assert.Equal(1, kept.ExitCode);
        Assert.Contains("the process was restarted in", kept.StdErr);
        Assert.Equal(48000, TestAudio.Read(t.File("kept.wav"))[0].Length);

        var nan = CommandRunner.Run(TestPaths.AuralisExe, ["process", input, t.File("nan.wav"), "--chain", "crasher", "--param", "crasher.fault=2",
            "--plugins-dir", TestPaths.TestPluginsDir], env);
        Assert.Equal(0, nan.ExitCode);
        Assert.Contains("warning: plugin 'org.auralis.tests.crasher' (node 'crasher') produced NaN/Inf samples", nan.StdErr);
        Assert.All(TestAudio.Read(t.File("nan.wav"))[0], x => Assert.True(float.IsFinite(x)));
    }

    private sealed class SummaryList : ISummarySink
    {
        public List<string> Entries { get; } = [];
        public void Write(string resultId, double value) => Entries.Add($"{resultId}={value:R}");
        public void Write(string resultId, ReadOnlySpan<double> values) => Entries.Add($"{resultId}=[{string.Join(",", values.ToArray().Select(v => v.ToString("R")))}]");
    }
}
