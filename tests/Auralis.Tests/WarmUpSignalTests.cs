using Auralis.Engine.Plugins;
using Auralis.Engine.Realtime;
using Auralis.Sdk;

namespace Auralis.Tests;

public class WarmUpSignalTests
{
    [Fact]
    public void The_signal_does_not_depend_on_how_it_is_cut_and_holds_tone_noise_and_clicks()
    {
        const double rate = 48000;
        var whole = new float[(int)rate * 2];
        WarmUpSignal.Write(whole, 0, 1, rate);
        var pieces = new float[whole.Length];
        var rng = new Random(4);
        for (var at = 0; at < pieces.Length;)
        {
            var n = Math.Min(rng.Next(1, 3000), pieces.Length - at);
            WarmUpSignal.Write(pieces.AsSpan(at, n), at, 1, rate);
            at += n;
        }
        Assert.Equal(whole, pieces);

        // The 441 Hz tone at 0.25: its projection over the two seconds (clicks and noise barely touch it).
        var amplitude = 2.0 / whole.Length * Enumerable.Range(0, whole.Length).Sum(n => whole[n] * Math.Sin(2 * Math.PI * 441 * n / rate));
        Assert.InRange(amplitude, 0.23, 0.27);

        // Clicks: without the tone, the first 64 samples of every half second are lifted by 0.5 against the 64 after.
        var residual = whole.Select((x, n) => x - 0.25 * Math.Sin(2 * Math.PI * 441 * n / rate)).ToArray();
        for (var click = 0; click < whole.Length; click += (int)(rate / 2))
        {
            var lift = residual.AsSpan(click, 64).ToArray().Average() - residual.AsSpan(click + 64, 64).ToArray().Average();
            Assert.InRange(lift, 0.45, 0.55);
        }

        // Noise: each channel has its own, uniform in ±0.05 (0.029 RMS), so two channels differ by 0.041 RMS.
        var other = new float[whole.Length];
        WarmUpSignal.Write(other, 0, 0, rate);
        var rms = Math.Sqrt(whole.Zip(other, (a, b) => (double)(a - b) * (a - b)).Average());
        Assert.InRange(rms, 0.037, 0.045);
    }

    [Fact]
    public void A_plugin_gets_the_long_warm_up_once_per_process_and_the_short_one_after()
    {
        var probe = LoadedPlugin.FromType<Probe>();
        var fresh = LoadedPlugin.FromType<OtherProbe>();
        Assert.Equal(WarmUpSignal.FirstSeconds, WarmUpSignal.SecondsFor([probe]));
        WarmUpSignal.MarkWarmed([probe]);
        Assert.Equal(WarmUpSignal.LaterSeconds, WarmUpSignal.SecondsFor([probe]));
        Assert.Equal(WarmUpSignal.LaterSeconds, WarmUpSignal.SecondsFor([LoadedPlugin.FromType<Probe>()])); // same id and folder
        Assert.Equal(WarmUpSignal.FirstSeconds, WarmUpSignal.SecondsFor([probe, fresh])); // one not yet warmed
        Assert.Equal(WarmUpSignal.LaterSeconds, WarmUpSignal.SecondsFor([]));
        // At least the flush, so a long latency's output path runs; the flush counts up to 2 s.
        Assert.Equal((long)(48000 * WarmUpSignal.LaterSeconds), WarmUpSignal.FramesFor([probe], 48000, 0));
        Assert.Equal(48000, WarmUpSignal.FramesFor([probe], 48000, 48000));
        Assert.Equal(96000, WarmUpSignal.FramesFor([probe], 48000, 10 * 48000));
        Assert.Equal((long)(48000 * WarmUpSignal.FirstSeconds), WarmUpSignal.FramesFor([fresh], 48000, 10 * 48000));
        Assert.True(WarmUpSignal.FirstSeconds >= 5, "the running tempo's first estimate comes at 5 s");
    }

    public sealed class Probe() : ProbeBase("org.auralis.tests.warm-up-probe");

    public sealed class OtherProbe() : ProbeBase("org.auralis.tests.warm-up-other");

    /// <summary>A processor that does nothing, under the given id (in-process plugin).</summary>
    public abstract class ProbeBase(string id) : IAudioPlugin
    {
        public PluginDescriptor Descriptor { get; } = new(id, id, "tests", new SemanticVersion(1, 0, 0), PluginKind.Processor, [AudioLayout.Mono]);
        public int LatencySamples => 0;
        public int TailSamples => 0;

        public void Initialize(AudioSetup setup)
        {
        }

        public void Reset()
        {
        }

        public ProcessStatus Process(in ProcessContext context) => ProcessStatus.Normal;

        public void Dispose()
        {
        }
    }
}
