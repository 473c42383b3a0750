using System.Diagnostics;
using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Engine.Realtime;
using Auralis.Realtime.Tests.Support;

namespace Auralis.Realtime.Tests;

/// <summary>The engine's realtime pieces, driven directly (no JACK): swaps, crossfades, allocation, results, statistics.</summary>
public sealed class RealtimeRunnerTests
{
    private static readonly PluginCatalog Catalog = PluginCatalog.Scan(TestPlugins.Directory);
    private static readonly LiveGraphSettings Settings = new(48000, 64, 1);

    private static AudioGraph Gain(float db)
    {
        var graph = ChainSpec.ToGraph("gain,meter", Catalog.Resolve);
        graph.FindNode("gain")!.Parameters["gain_db"] = db;
        return graph;
    }

    [Fact]
    public void A_swap_crossfades_linearly_and_the_old_graph_is_disposed_off_the_audio_thread()
    {
        using var live = new LiveGraph(Gain(-20), Catalog.Resolve, Settings);
        var runner = live.Runner;
        var outputs = new List<float>();
        void Block()
        {
            runner.Input(0)[..64].Fill(1f);
            runner.Process(64);
            outputs.AddRange(runner.Output(0)[..64].ToArray());
        }
        // The blocks run on a thread of their own, as audio does (the runner flushes denormals on the thread it runs on).
        void OnAudioThread(int blocks)
        {
            var audio = new Thread(() =>
            {
                for (var i = 0; i < blocks; i++)
                {
                    Block();
                }
            });
            audio.Start();
            audio.Join();
        }
        OnAudioThread(1);
        Assert.False(live.Replace(Gain(0), TimeSpan.Zero)); // handed over; the audio thread takes it at its next block
        Assert.Equal(0, live.Runner.DisposeRetired());
        OnAudioThread(10);
        Assert.True(runner.SwapCompleted);
        Assert.Equal(1, runner.DisposeRetired());
        Assert.Equal(1, runner.Swaps);
        // Block 0 at 0.1; from block 1 on, 480 frames going linearly from 0.1 to 1; then 1.
        for (var k = 0; k < outputs.Count; k++)
        {
            var expected = k < 64 ? 0.1 : k - 64 < 480 ? 0.1 + 0.9 * (k - 64) / 480.0 : 1.0;
            Assert.Equal(expected, outputs[k], 1e-6);
        }
    }

    [Fact]
    public void Process_allocates_nothing_through_parameter_changes_swaps_and_results()
    {
        using var live = new LiveGraph(Gain(0), Catalog.Resolve, Settings);
        var runner = live.Runner;
        var stop = false;
        var sink = new float[64];
        var audio = new Thread(() =>
        {
            var random = new Random(3);
            while (!Volatile.Read(ref stop))
            {
                var input = runner.Input(0)[..64];
                for (var i = 0; i < input.Length; i++)
                {
                    input[i] = (float)random.NextDouble() - 0.5f;
                }
                runner.Process(64);
                runner.Output(0)[..64].CopyTo(sink); // the output escapes
            }
        });
        audio.Start();
        var results = new float[8];
        long Drain()
        {
            long frames = 0;
            while (live.Nodes[1].Results!.TryRead(out _, results))
            {
                frames++;
            }
            return frames;
        }
        while (runner.Callbacks < 200)
        {
            Thread.Yield();
        }
        var warm = runner.AudioThreadAllocatedBytes;
        for (var i = 0; i < 50; i++)
        {
            live.SetParameter("gain", "gain_db", -i % 24);
            Drain();
            Thread.Sleep(1);
        }
        Assert.True(live.Replace(Gain(-6), TimeSpan.FromSeconds(10)));
        var callbacks = runner.Callbacks;
        while (runner.Callbacks < callbacks + 200)
        {
            Thread.Yield();
        }
        Volatile.Write(ref stop, true);
        audio.Join();
        Assert.True(Drain() > 0, "the analyzer's frames came through the ring");
        Assert.Equal(warm, runner.AudioThreadAllocatedBytes);
        Assert.Equal(1, runner.DenormalsFlushed);
    }

    [Fact]
    public void Live_parameter_changes_are_checked_and_named()
    {
        using var live = new LiveGraph(Gain(0), Catalog.Resolve, Settings);
        Assert.Contains("no node 'nope'", Assert.Throws<GraphException>(() => live.SetParameter("nope", "gain_db", 0)).Message);
        Assert.Contains("has no parameter 'volume' (it has gain_db)", Assert.Throws<GraphException>(() => live.SetParameter("gain", "volume", 0)).Message);
        Assert.Contains("gain.gain_db = 99 is outside [-60, 24] dB", Assert.Throws<GraphException>(() => live.SetParameter("gain", "gain_db", 99)).Message);
        live.SetParameter("gain", "gain_db", -12);
        Assert.Equal(-12f, live.Graph.FindNode("gain")!.Parameters["gain_db"]); // kept for later swaps
    }

    [Fact]
    public void A_graph_with_other_channel_counts_is_refused_by_name()
    {
        using var live = new LiveGraph(Gain(0), Catalog.Resolve, Settings);
        var analysisOnly = ChainSpec.ToGraph("meter", Catalog.Resolve);
        analysisOnly.Disconnect(analysisOnly.Connections.Single(c => c.To.Node == AudioGraph.OutputNode));
        var e = Assert.Throws<GraphException>(() => live.Replace(analysisOnly, TimeSpan.Zero));
        Assert.Contains("the new graph has 1 input and 0 output channels; this run has 1 and 1 (restart to change the channel count)", e.Message);
    }

    [Fact]
    public void The_result_ring_keeps_order_drops_when_full_and_never_blocks()
    {
        var ring = new FrameResultRing(width: 2, capacity: 4);
        for (var i = 0; i < 6; i++)
        {
            ring.WriteFrame(i * 100, [i, -i, 99]); // one value too many: ignored
        }
        Assert.Equal(2, ring.Dropped);
        var values = new float[2];
        for (var i = 0; i < 4; i++)
        {
            Assert.True(ring.TryRead(out var centre, values));
            Assert.Equal(i * 100, centre);
            Assert.Equal([i, -i], values);
        }
        Assert.False(ring.TryRead(out _, values));
        ring.WriteFrame(7, [1]); // one value too few: the rest is zero
        Assert.True(ring.TryRead(out _, values));
        Assert.Equal([1f, 0f], values);
    }

    [Fact]
    public void Statistics_measure_the_gap_between_callback_starts_not_only_callback_length()
    {
        var period = Stopwatch.Frequency * 64 / 48000; // ticks per 64-frame period
        var statistics = new CallbackStatistics(48000, TimeSpan.Zero);
        long start = 1000;
        for (var i = 0; i < 100; i++)
        {
            // Every callback is short; one start comes three periods late (a stall before the callback ran).
            start += i == 50 ? 3 * period : period;
            statistics.Add(new CallbackTiming(start, start + period / 10, 64));
        }
        Assert.Equal(100, statistics.Callbacks);
        Assert.Equal(3.0, statistics.LargestGapAfterWarmUpPeriods, 3);
        Assert.Equal(statistics.LargestGapMicroseconds, statistics.LargestGapAfterWarmUpMicroseconds);
        Assert.Equal(133.333, statistics.MaxCallbackMicroseconds, 1);
    }

    [Fact]
    public void Denormals_are_flushed_only_on_the_thread_that_asks()
    {
        bool before = true, after = false, other = true;
        using var enabled = new ManualResetEventSlim();
        var elsewhere = new Thread(() =>
        {
            enabled.Wait();
            other = DenormalFlush.IsActiveOnCurrentThread();
        });
        elsewhere.Start();
        var audio = new Thread(() =>
        {
            before = DenormalFlush.IsActiveOnCurrentThread();
            after = DenormalFlush.EnableOnCurrentThread();
            enabled.Set();
        });
        audio.Start();
        audio.Join();
        elsewhere.Join();
        Assert.False(before);
        Assert.True(after);
        Assert.False(other);
    }
}
