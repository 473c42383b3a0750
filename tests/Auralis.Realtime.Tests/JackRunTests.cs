using System.Net.Sockets;
using System.Text.Json;
using Auralis.Jack;
using Auralis.Realtime.Tests.Support;
using Auralis.Tests.Support;
using Xunit.Abstractions;

namespace Auralis.Realtime.Tests;

/// <summary>
/// <c>auralis run</c> against a real, private jackd (dummy driver, 48 kHz, 64-frame periods) with our own JACK client
/// feeding and recording it. Sample-exact checks record in freewheel mode: the server then runs the graph as fast as
/// it can without deadlines, so a busy machine cannot turn a late period into a false verdict.
/// </summary>
public sealed class JackRunTests(JackServer server, ITestOutputHelper output) : IClassFixture<JackServer>
{
    private const int Period = JackServer.Period;

    [Fact]
    public void Ports_appear_with_the_right_names_and_connect_to_the_system_ports()
    {
        using (var run = AuralisRun.Start(server, "rt-ports", ["--chain", "gain", "--connect"]))
        {
            var ports = server.Lsp().StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(p => p.StartsWith("rt-ports:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["rt-ports:in_1", "rt-ports:in_2", "rt-ports:out_1", "rt-ports:out_2"], ports);
            var connections = server.Lsp("-c").StdOut;
            Assert.Contains("system:capture_1\n   rt-ports:in_1", connections);
            Assert.Contains("system:capture_2\n   rt-ports:in_2", connections);
            Assert.Contains("rt-ports:out_1\n   system:playback_1", connections);
            Assert.Contains("rt-ports:out_2\n   system:playback_2", connections);
            Assert.Equal(0, run.Quit());
        }
        // An analysis-only graph has inputs and no outputs.
        using var temp = new TempDir();
        File.WriteAllText(temp.File("analysis.json"), """{"nodes":[{"id":"meter","plugin":"meter"}],"connections":[{"from":"input","to":"meter"}]}""");
        using (var run = AuralisRun.Start(server, "rt-analysis", ["--graph", temp.File("analysis.json")]))
        {
            var ports = server.Lsp().StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(p => p.StartsWith("rt-analysis:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["rt-analysis:in_1", "rt-analysis:in_2"], ports);
            Assert.Equal(0, run.Quit());
        }
    }

    [Fact]
    public void An_impulse_comes_out_at_exactly_the_latency_reported_to_jack()
    {
        using var run = AuralisRun.Start(server, "rt-latency", ["--chain", "gain,delay-short,delay-long"]);
        Assert.Contains(run.StdErr, l => l.Contains("graph latency 137 frames", StringComparison.Ordinal));
        using var client = new TestJackClient(server, "rt-latency-probe", 2, 2);
        client.ConnectLoop(run.Name);

        // What JACK now says about our ports: their latency is the graph's on top of what is connected to them (0 here).
        var reported = WaitForLatency(client.Client, $"{run.Name}:out_1", JackLatencyMode.Capture, 137);
        Assert.Equal(137u, WaitForLatency(client.Client, $"{run.Name}:in_1", JackLatencyMode.Playback, 137).Max);

        var signal = new[] { new float[8192], new float[8192] };
        signal[0][1000] = 1f;
        signal[1][3000] = -0.5f;
        client.RecordFreewheeling(signal, 8192);
        var recording = client.Recording;

        // Our loop (our output -> auralis -> our input) adds one period: JACK breaks the cycle there.
        var expected = (int)reported.Max + Period;
        Assert.Equal(1000 + expected, Array.FindIndex(recording[0], x => x != 0));
        Assert.Equal(1f, recording[0][1000 + expected]);
        Assert.Equal(3000 + expected, Array.FindIndex(recording[1], x => x != 0));
        Assert.Equal(-0.5f, recording[1][3000 + expected]);
        Assert.Equal(1, recording[0].Count(x => x != 0));
        Assert.Equal(0, run.Quit());
    }

    [Fact]
    public void Output_equals_the_offline_engine_for_the_same_input()
    {
        const int frames = 48000;
        var chain = "gain,delay-short";
        using var temp = new TempDir();
        var input = TestAudio.StereoMix(frames, JackServer.SampleRate, seed: 11);
        var inputFile = TestAudio.Write(temp.File("in.wav"), input, encoding: Auralis.Offline.SndFile.SampleEncoding.Float);
        var offline = CommandRunner.Auralis("process", inputFile, temp.File("offline.wav"), "--chain", chain, "--param", "gain.gain_db=-6",
            "--format", "float", "--plugins-dir", TestPlugins.Directory);
        Assert.True(offline.ExitCode == 0, offline.ToString());
        var expected = TestAudio.Read(temp.File("offline.wav"));

        using var run = AuralisRun.Start(server, "rt-offline", ["--chain", chain, "--param", "gain.gain_db=-6"]);
        using var client = new TestJackClient(server, "rt-offline-probe", 2, 2);
        client.ConnectLoop(run.Name);
        var delay = 37 + Period;
        client.RecordFreewheeling(input, frames + delay);
        var recording = client.Recording;

        for (var c = 0; c < 2; c++)
        {
            Assert.All(recording[c][..delay], x => Assert.Equal(0f, x));
            var live = recording[c][delay..];
            Assert.Equal(expected[c].Length, live.Length);
            var reference = expected[c];
            var firstDifference = Enumerable.Range(0, live.Length).FirstOrDefault(i => live[i] != reference[i], -1);
            Assert.True(firstDifference < 0, $"channel {c}: frame {firstDifference} is {live[Math.Max(0, firstDifference)]}, offline {expected[c][Math.Max(0, firstDifference)]}");
        }
        Assert.Equal(0, run.Quit());
    }

    [Fact]
    public void The_audio_thread_allocates_nothing_after_warm_up_with_every_plugin_in_the_graph()
    {
        var chain = TestPlugins.EveryPluginChain();
        output.WriteLine($"chain: {chain}");
        using var run = AuralisRun.Start(server, "rt-alloc", ["--chain", chain, "--stats"]);
        using var client = new TestJackClient(server, "rt-alloc-probe", 2, 2);
        client.ConnectLoop(run.Name);
        client.Start([TestAudio.Noise(48000, 1), TestAudio.Sine(48000, 441, 48000)], 10 * 48000);
        WaitForStatsBlocks(run, 2);
        var warm = run.StatsBlocks()[1];

        // Live changes while audio runs: every parameter of every node, then the whole graph again (a swap).
        var info = JsonDocument.Parse(Socket(run, "info")[3..]).RootElement;
        foreach (var node in info.GetProperty("nodes").EnumerateArray())
        {
            foreach (var p in node.GetProperty("parameters").EnumerateArray())
            {
                var value = (p.GetProperty("min").GetDouble() + p.GetProperty("max").GetDouble()) / 2;
                Assert.StartsWith("auralis: ok", run.Command($"set {node.GetProperty("id").GetString()}.{p.GetProperty("id").GetString()} {value}"));
            }
        }
        Assert.StartsWith("auralis: ok", run.Command($"chain {chain}"));
        var blocks = run.StatsBlocks().Count;
        WaitForStatsBlocks(run, blocks + 2);
        Assert.Equal(0, run.Quit());

        var final = run.StatsBlocks()[^1];
        output.WriteLine(string.Join('\n', final.Select(s => $"{s.Key}: {s.Value}")));
        Assert.Equal(AuralisRun.Stat(warm, "audio_thread_allocated_bytes"), AuralisRun.Stat(final, "audio_thread_allocated_bytes"));
        Assert.Equal(1, AuralisRun.Stat(final, "swaps"));
        Assert.Equal(1, AuralisRun.Stat(final, "denormals_flushed"));
        // The engine process never collected: nothing the audio thread depends on was ever paused by the GC.
        Assert.Equal(0, AuralisRun.Stat(final, "engine_gc_collections"));
        Assert.True(AuralisRun.Stat(final, "callbacks") > AuralisRun.Stat(warm, "callbacks"));
    }

    [Fact]
    public void A_parameter_change_while_playing_ramps_without_a_discontinuity()
    {
        using var run = AuralisRun.Start(server, "rt-param", ["--chain", "gain"]);
        using var client = new TestJackClient(server, "rt-param-probe", 2, 2);
        client.ConnectLoop(run.Name);
        var signal = PositiveSignal();
        client.RecordFreewheeling([signal, signal], 400_000, () => Assert.StartsWith("auralis: ok", run.Command("set gain.gain_db -20")));
        var ratio = Ratio(client.Recording[0], signal, Period);
        var (before, after, transition) = Transition(ratio);
        Assert.Equal(1.0, before, 6);
        Assert.Equal(0.1, after, 5);
        // The gain plugin's 10 ms ramp, nothing abrupt.
        Assert.True(transition is >= 470 and <= 490, $"ramp of {transition} frames; xruns seen by the recorder: {client.Xruns}");
        AssertSmooth(client.Recording[0], Period + 1);
        Assert.Equal(0, run.Quit());
    }

    [Fact]
    public void A_graph_swap_while_playing_crossfades_without_a_click()
    {
        using var temp = new TempDir();
        File.WriteAllText(temp.File("quiet.json"), GainGraph(-20));
        File.WriteAllText(temp.File("loud.json"), GainGraph(0));
        using var run = AuralisRun.Start(server, "rt-swap", ["--graph", temp.File("quiet.json"), "--stats"]);
        using var client = new TestJackClient(server, "rt-swap-probe", 2, 2);
        client.ConnectLoop(run.Name);
        var signal = PositiveSignal();
        client.RecordFreewheeling([signal, signal], 400_000,
            () => Assert.StartsWith("ok generation=1 latency=0 swapped=yes", Socket(run, $"graph {temp.File("loud.json")}")));
        var ratio = Ratio(client.Recording[1], signal, Period);
        var (before, after, transition) = Transition(ratio);
        Assert.Equal(0.1, before, 5);
        Assert.Equal(1.0, after, 5);
        // Exactly the 10 ms linear crossfade (480 frames; its first frame is all old graph).
        Assert.True(transition == 479, $"crossfade of {transition} frames; xruns seen by the recorder: {client.Xruns}");
        AssertSmooth(client.Recording[1], Period + 1);
        Assert.Equal(0, run.Quit());
        Assert.Equal(1, AuralisRun.Stat(run.StatsBlocks()[^1], "swaps"));
    }

    [Fact]
    public void The_monitor_and_the_control_socket_show_analyzer_results_and_sigterm_ends_the_run_cleanly()
    {
        using var run = AuralisRun.Start(server, "rt-monitor", ["--chain", "gain,meter", "--monitor", "--stats"]);
        using var client = new TestJackClient(server, "rt-monitor-probe", 2, 2);
        client.ConnectLoop(run.Name);
        var sine = TestAudio.Sine(48000, 375, 48000, amplitude: 0.5f); // 128 samples a cycle: its peak sample is exactly 0.5
        client.Start([sine, sine], 600 * 48000);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(run.ControlPath));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        using var writer = new StreamWriter(stream) { AutoFlush = true };
        writer.WriteLine("info");
        var info = JsonDocument.Parse(reader.ReadLine()![3..]).RootElement;
        var meter = info.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "meter");
        Assert.Equal(["peak", "rms"], meter.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("gain_db", info.GetProperty("nodes")[0].GetProperty("parameters")[0].GetProperty("id").GetString());
        writer.WriteLine("subscribe");
        Assert.StartsWith("ok subscribed", reader.ReadLine());
        // A whole 1024-frame meter frame of the sine: peak 0.5, RMS 0.5/sqrt(2).
        var fullFrame = new System.Text.RegularExpressions.Regex(@"^result gen=0 node=meter t=[0-9.]+ peak=0\.5 rms=0\.35355");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        socket.ReceiveTimeout = 30_000;
        string? line;
        while ((line = reader.ReadLine()) is not null && !fullFrame.IsMatch(line))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no full meter frame on the control socket; last line: {line}");
        }
        Assert.NotNull(line);

        deadline = DateTime.UtcNow.AddSeconds(30);
        while (!run.StdOut.Any(l => l.StartsWith("monitor: meter (org.auralis.tests.meter)", StringComparison.Ordinal) && l.Contains(" peak=0.5 ", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no monitor line with the meter's peak\n{run}");
            Thread.Sleep(50);
        }
        Assert.Contains(run.StdOut, l => l.StartsWith("monitor: gain (org.auralis.gain) load=", StringComparison.Ordinal) && l.Contains(" gain_db=0", StringComparison.Ordinal));

        var blocks = run.StatsBlocks().Count;
        run.Signal("TERM");
        Assert.Equal(0, run.WaitForExit(30));
        Assert.True(run.StatsBlocks().Count > blocks, "the final statistics are printed on exit");
        Assert.DoesNotContain(run.StdErr, l => l.Contains("error", StringComparison.Ordinal));
    }

    // A signal that never crosses zero (0.1 .. 0.5), so any jump in gain would show as a jump in the output.
    private static float[] PositiveSignal() => TestAudio.Sine(48000, 100, 48000, 0.2f).Select(x => x + 0.3f).ToArray();

    private static string GainGraph(float gainDb) =>
        """{"nodes":[{"id":"gain","plugin":"gain","parameters":{"gain_db":""" + gainDb.ToString(System.Globalization.CultureInfo.InvariantCulture) +
        """}}],"connections":[{"from":"input","to":"gain"},{"from":"gain","to":"output"}]}""";

    // out[k] / in[k - delay] (the input loops).
    private static double[] Ratio(float[] recorded, float[] signal, int delay) =>
        recorded.Skip(delay).Select((x, k) => (double)x / signal[k % signal.Length]).ToArray();

    // The level before and after the one change, and how many frames lie strictly between the two levels.
    private static (double Before, double After, int Transition) Transition(double[] ratio)
    {
        var before = ratio[0];
        var after = ratio[^1];
        var lo = Math.Min(before, after) + 1e-4;
        var hi = Math.Max(before, after) - 1e-4;
        return (before, after, ratio.Count(r => r > lo && r < hi));
    }

    // The signal moves at most 0.0026 per frame; a 480-frame change adds under 0.001. A cut between levels would jump by ≥ 0.09.
    private static void AssertSmooth(float[] recorded, int from)
    {
        var largest = 0.0;
        for (var i = from + 1; i < recorded.Length; i++)
        {
            largest = Math.Max(largest, Math.Abs(recorded[i] - recorded[i - 1]));
        }
        Assert.InRange(largest, 0, 0.005);
    }

    private static JackLatencyRange WaitForLatency(JackClient client, string port, JackLatencyMode mode, uint expected)
    {
        var handle = client.FindPort(port) ?? throw new InvalidOperationException($"no port {port}");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var range = handle.GetLatency(mode);
        while (range.Max != expected && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20); // JACK recomputes latencies asynchronously after a connection
            range = handle.GetLatency(mode);
        }
        return range;
    }

    private static void WaitForStatsBlocks(AuralisRun run, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (run.StatsBlocks().Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} statistics blocks\n{run}");
            Thread.Sleep(50);
        }
    }

    private static string Socket(AuralisRun run, string command)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(run.ControlPath));
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);
        using var writer = new StreamWriter(stream) { AutoFlush = true };
        writer.WriteLine(command);
        return reader.ReadLine() ?? throw new IOException("the control socket closed without an answer");
    }
}
