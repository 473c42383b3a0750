using System.Globalization;
using Auralis.Engine.Graph;
using Auralis.Offline.SndFile;
using Auralis.Plugins.Enhancer;
using Auralis.Sdk;
using Auralis.Tests.Support;
using Auralis.Web.Tests.Support;

namespace Auralis.Web.Tests;

/// <summary>
/// The enhancer as a plugin: allocation-free, block-size independent, latency where it says, and its output checked by
/// ffmpeg's ebur128 (loudness at the target, true peak under the ceiling), sox (bands moved toward the reference) and a
/// golden file.
/// </summary>
public sealed class EnhancerTests
{
    private const int Rate = 44100;

    [Fact]
    public void Process_does_not_allocate_even_when_parameters_change()
    {
        var (plugin, inputs, outputs, parameters) = Prepared(512);
        Run(plugin, inputs, outputs, parameters, 512, 0); // first call: JIT and first parameter application
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var block = 1; block <= 200; block++)
        {
            parameters[EnhancerPlugin.MeasuredLufs] = -30 + (block % 7); // recomputes filters and gains between blocks
            Run(plugin, inputs, outputs, parameters, 512, block * 512L);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(outputs);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Output_does_not_depend_on_the_block_size()
    {
        var signal = TestAudio.StereoMix(Rate * 3, Rate);
        float[][]? reference = null;
        foreach (var block in new[] { 4096, 1, 61, 512 })
        {
            var (plugin, _, _, parameters) = Prepared(block);
            var output = new[] { new float[signal[0].Length], new float[signal[0].Length] };
            var inputs = new[] { new float[block], new float[block] };
            var outs = new[] { new float[block], new float[block] };
            for (var at = 0; at < signal[0].Length; at += block)
            {
                var n = Math.Min(block, signal[0].Length - at);
                for (var c = 0; c < 2; c++)
                {
                    signal[c].AsSpan(at, n).CopyTo(inputs[c]);
                }
                var ctx = new ProcessContext(n, at, inputs, outs, parameters, NullResultSink.Instance);
                Assert.Equal(ProcessStatus.Normal, plugin.Process(in ctx));
                for (var c = 0; c < 2; c++)
                {
                    outs[c].AsSpan(0, n).CopyTo(output[c].AsSpan(at));
                }
            }
            if (reference is null)
            {
                reference = output;
            }
            else
            {
                Assert.Equal(reference[0], output[0]);
                Assert.Equal(reference[1], output[1]);
            }
        }
    }

    [Fact]
    public void Latency_is_reported_exactly_and_compensated_by_the_host()
    {
        var (plugin, _, _, parameters) = Prepared(4096);
        // Neutral settings: no balance, no dynamics, loudness already at the target, impulse under the ceiling.
        parameters[EnhancerPlugin.BalanceAmount] = 0;
        parameters[EnhancerPlugin.DynamicsAmount] = 0;
        parameters[EnhancerPlugin.MeasuredLufs] = parameters[EnhancerPlugin.TargetLufs];
        var latency = plugin.LatencySamples;
        Assert.Equal(TruePeakDetector.Delay + (int)Math.Round(EnhancerPlugin.LookaheadSeconds * Rate) - 1 + (TruePeakDetector.TapsPerPhase / 2), latency);
        var inputs = new[] { new float[4096], new float[4096] };
        var outputs = new[] { new float[4096], new float[4096] };
        inputs[0][100] = 0.25f;
        inputs[1][100] = -0.25f;
        var ctx = new ProcessContext(4096, 0, inputs, outputs, parameters, NullResultSink.Instance);
        plugin.Process(in ctx);
        Assert.Equal(100 + latency, IndexOfLargest(outputs[0]));
        Assert.Equal(0.25f, outputs[0][100 + latency], 5);
        Assert.Equal(-0.25f, outputs[1][100 + latency], 5);

        // Through the host: the offline adapter trims the latency, so the impulse stays where it was.
        using var t = new TempDir();
        var impulse = new float[Rate];
        impulse[1000] = 0.25f;
        TestAudio.Write(t.File("impulse.wav"), [impulse], Rate);
        var r = CommandRunner.Auralis("process", t.File("impulse.wav"), t.File("out.wav"), "--chain", "enhancer",
            "--param", "enhancer.balance_amount=0", "--param", "enhancer.dynamics_amount=0");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"graph latency {latency} samples compensated", r.StdErr);
        var processed = TestAudio.Read(t.File("out.wav"));
        Assert.Equal(Rate, processed[0].Length);
        Assert.Equal(1000, IndexOfLargest(processed[0]));
    }

    [Theory]
    [InlineData(-14.0)]
    [InlineData(-20.0)]
    public void Loudness_reaches_the_target_and_true_peak_stays_under_the_ceiling_as_ffmpeg_measures(double target)
    {
        using var t = new TempDir();
        var quiet = t.File("quiet.wav");
        var sox = CommandRunner.Run("sox", [Path.Combine(TestPaths.GoldenInputs, "demo.flac"), quiet, "vol", "-12dB"]);
        Assert.True(sox.ExitCode == 0, sox.ToString());
        var (inputLufs, _) = TestLibrary.MeasureWithFfmpeg(quiet);
        var output = t.File("enhanced.wav");
        var args = new List<string> { "process", quiet, output, "--chain", "enhancer",
            "--param", $"enhancer.target_lufs={target.ToString(CultureInfo.InvariantCulture)}",
            "--param", $"enhancer.measured_lufs={inputLufs.ToString(CultureInfo.InvariantCulture)}" };
        foreach (var (id, value) in SeamTests.QuietDemoMeasurements.Where(p => p.Key != "measured_lufs"))
        {
            args.AddRange(["--param", $"enhancer.{id}={value.ToString(CultureInfo.InvariantCulture)}"]);
        }
        var r = CommandRunner.Auralis([.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var (lufs, truePeak) = TestLibrary.MeasureWithFfmpeg(output);
        Assert.InRange(lufs, target - 0.5, target + 0.5);
        Assert.True(truePeak <= -1.0, $"true peak {truePeak} dBTP is over the −1 dBTP ceiling");
    }

    [Fact]
    public void Inter_sample_peaks_are_limited_to_the_ceiling()
    {
        // A quarter-rate sine at 45°: its samples reach only 0.707 of its true peak. A sample-peak limiter would let
        // it through at 0 dBTP; the 4× oversampled detector must not. Faded in and out: an abrupt start would add
        // edge overshoots that each meter's interpolator reads differently.
        using var t = new TempDir();
        var frames = Rate * 4;
        var fade = Rate / 10;
        var tone = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            var g = Math.Min(1.0, Math.Min(i, frames - 1 - i) / (double)fade);
            tone[i] = (float)((0.5 - (0.5 * Math.Cos(Math.PI * g))) * 0.98 * Math.Sin((Math.PI / 2 * i) + (Math.PI / 4)));
        }
        TestAudio.Write(t.File("tone.wav"), [tone, tone], Rate);
        var (_, inputPeak) = TestLibrary.MeasureWithFfmpeg(t.File("tone.wav"));
        Assert.True(inputPeak > -0.5, $"the test tone should have a true peak near 0 dBTP, has {inputPeak}");
        // Measured = target: no loudness change, only the limiter acts.
        var r = CommandRunner.Auralis("process", t.File("tone.wav"), t.File("out.wav"), "--chain", "enhancer",
            "--param", "enhancer.balance_amount=0", "--param", "enhancer.dynamics_amount=0",
            "--param", "enhancer.target_lufs=-6", "--param", "enhancer.measured_lufs=-6");
        Assert.True(r.ExitCode == 0, r.ToString());
        var (_, outputPeak) = TestLibrary.MeasureWithFfmpeg(t.File("out.wav"));
        Assert.True(outputPeak <= -1.0, $"true peak {outputPeak} dBTP is over the −1 dBTP ceiling");
        // The samples were 3 dB under the ceiling already; only the true peak made the limiter turn them down.
        Assert.True(TestAudio.Read(t.File("out.wav"))[0].Skip(Rate).Max() < 0.98f * 0.7071f * 0.95f, "the samples themselves were limited");
    }

    [Fact]
    public void Spectral_balance_moves_the_bands_toward_the_reference_as_sox_measures()
    {
        using var t = new TempDir();
        // Bass-heavy, dull noise: +9 dB below 200 Hz, −9 dB above 4 kHz.
        var noise = t.File("noise.wav");
        var sox = CommandRunner.Run("sox", ["-n", "-r", "44100", "-c", "1", "-b", "24", noise, "synth", "8", "pinknoise", "vol", "0.1",
            "bass", "+9", "200", "treble", "-9", "4000"]);
        Assert.True(sox.ExitCode == 0, sox.ToString());
        var before = BandFractions(noise);
        var (lufs, _) = TestLibrary.MeasureWithFfmpeg(noise);
        var args = new List<string> { "process", noise, t.File("out.wav"), "--chain", "enhancer", "--param", "enhancer.balance_amount=1",
            "--param", $"enhancer.measured_lufs={lufs.ToString(CultureInfo.InvariantCulture)}" };
        for (var b = 0; b < SpectralBalanceBands.Length; b++)
        {
            args.AddRange(["--param", $"enhancer.measured_{SpectralBalanceBands[b]}={before[b].ToString(CultureInfo.InvariantCulture)}"]);
        }
        var r = CommandRunner.Auralis([.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var after = BandFractions(t.File("out.wav"));
        double[] reference = [0.10, 0.32, 0.16, 0.24, 0.09, 0.06, 0.03];
        double Distance(double[] f) => f.Select((v, i) => Math.Abs(10 * Math.Log10(v / reference[i]))).Sum();
        Assert.True(Distance(after) < Distance(before) * 0.7,
            $"bands before [{string.Join(", ", before.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)))}] " +
            $"after [{string.Join(", ", after.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)))}]");
        Assert.True(after[1] < before[1], "the bass band's share fell");
        Assert.True(after[5] > before[5] && after[6] > before[6], "presence and air rose");
    }

    [Fact]
    public void Golden_output_of_the_demo_is_unchanged()
    {
        // Regenerate after an intended change: AURALIS_UPDATE_GOLDEN=1 dotnet test --filter Golden_output
        var golden = Path.Combine(TestPaths.RepoRoot, "golden-audio", "expected", "enhancer", "demo.enhanced.flac");
        using var t = new TempDir();
        var args = new List<string> { "process", Path.Combine(TestPaths.GoldenInputs, "demo.flac"), t.File("out.flac"), "--chain", "enhancer",
            "--format", "pcm24", "--param", "enhancer.measured_lufs=-20.6" };
        foreach (var (id, value) in SeamTests.QuietDemoMeasurements.Where(p => p.Key != "measured_lufs"))
        {
            args.AddRange(["--param", $"enhancer.{id}={value.ToString(CultureInfo.InvariantCulture)}"]);
        }
        var r = CommandRunner.Auralis([.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        if (Environment.GetEnvironmentVariable("AURALIS_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
            File.Copy(t.File("out.flac"), golden, overwrite: true);
        }
        Assert.True(File.Exists(golden), $"{golden} is missing; create it with AURALIS_UPDATE_GOLDEN=1");
        var expected = TestAudio.Read(golden);
        var received = TestAudio.Read(t.File("out.flac"));
        var worst = 0.0;
        for (var c = 0; c < 2; c++)
        {
            Assert.Equal(expected[c].Length, received[c].Length);
            worst = Math.Max(worst, TestAudio.MaxAbsDiff(expected[c], received[c]));
        }
        if (worst > 2e-7)
        {
            var kept = Path.Combine(TestPaths.TestArtifacts, "demo.enhanced.received.flac");
            File.Copy(t.File("out.flac"), kept, overwrite: true);
            Assert.Fail($"the enhancer's output of the demo differs from {golden} by up to {worst:E2} (over one 24-bit step); received: {kept}");
        }
    }

    private static readonly string[] SpectralBalanceBands = ["sub_bass", "bass", "low_mid", "mid", "upper_mid", "presence", "air"];

    // Band energy fractions measured by sox: a steep band-pass per band, then the band's RMS power.
    private static double[] BandFractions(string path)
    {
        (int Low, int High)[] edges = [(20, 60), (60, 250), (250, 500), (500, 2000), (2000, 4000), (4000, 8000), (8000, 20000)];
        var power = new double[edges.Length];
        for (var b = 0; b < edges.Length; b++)
        {
            var r = CommandRunner.Run("sox", [path, "-n", "remix", "-", "sinc", "-a", "100", $"{edges[b].Low}-{edges[b].High}", "stats"]);
            Assert.True(r.ExitCode == 0, r.ToString());
            var line = r.StdErr.Split('\n').First(l => l.StartsWith("RMS lev dB", StringComparison.Ordinal));
            var db = double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture);
            power[b] = Math.Pow(10, db / 10);
        }
        var total = power.Sum();
        return power.Select(p => p / total).ToArray();
    }

    private static (EnhancerPlugin Plugin, float[][] Inputs, float[][] Outputs, float[] Parameters) Prepared(int block)
    {
        var plugin = new EnhancerPlugin();
        plugin.Initialize(new AudioSetup(AudioLayout.Stereo, Rate, block));
        plugin.Reset();
        var parameters = plugin.Descriptor.Parameters.Select(p => p.Default).ToArray();
        parameters[EnhancerPlugin.MeasuredLufs] = -30;
        parameters[EnhancerPlugin.MeasuredCrestDb] = 18;
        var signal = TestAudio.StereoMix(block, Rate);
        return (plugin, signal, [new float[block], new float[block]], parameters);
    }

    private static void Run(IAudioPlugin plugin, float[][] inputs, float[][] outputs, float[] parameters, int frames, long position)
    {
        var ctx = new ProcessContext(frames, position, inputs, outputs, parameters, NullResultSink.Instance);
        plugin.Process(in ctx);
    }

    private static int IndexOfLargest(float[] x)
    {
        var best = 0;
        for (var i = 1; i < x.Length; i++)
        {
            if (Math.Abs(x[i]) > Math.Abs(x[best]))
            {
                best = i;
            }
        }
        return best;
    }
}
