using Auralis.Dsp.Separation;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Oracles;

/// <summary>
/// No independent harmonic/percussive separator is installable here, so the separator is checked against truth: a drums
/// stem and a pad stem rendered apart (golden-audio/inputs/stem-*.flac) and their sample-exact mix.
/// </summary>
public class SeparatorTruthTests
{
    private static float[][] Separate(TempDir t, string input, string port)
    {
        var output = t.File($"{Path.GetFileNameWithoutExtension(input)}-{port}.wav");
        var r = CommandRunner.Auralis("process", input, output, "--chain", $"separator.{port}");
        Assert.True(r.ExitCode == 0, r.ToString());
        return TestAudio.Read(output);
    }

    private static double Energy(float[][] x) => x.Sum(c => c.Sum(v => (double)v * v));

    [Fact]
    public void Each_stem_lands_in_its_own_output()
    {
        using var t = new TempDir();
        var shares = new Dictionary<string, double>();
        foreach (var stem in new[] { "drums", "pad" })
        {
            var input = Path.Combine(TestPaths.GoldenInputs, $"stem-{stem}.flac");
            var harmonic = Energy(Separate(t, input, "harmonic"));
            var percussive = Energy(Separate(t, input, "percussive"));
            shares[stem] = stem == "pad" ? harmonic / (harmonic + percussive) : percussive / (harmonic + percussive);
        }
        File.AppendAllText(Path.Combine(TestPaths.TestArtifacts, "accuracy.tsv"),
            $"separator\tstems\tpad energy in harmonic {shares["pad"]:0.000}\tdrums energy in percussive {shares["drums"]:0.000}\n");
        // Sustained pad chords are harmonic by construction; drums are mostly percussive (a kick's body is tonal).
        Assert.True(shares["pad"] >= 0.97, $"pad in harmonic {shares["pad"]:0.000}");
        Assert.True(shares["drums"] >= 0.90, $"drums in percussive {shares["drums"]:0.000}");
    }

    [Fact]
    public void Outputs_of_the_mix_resemble_the_stems_and_add_back_to_the_mix()
    {
        using var t = new TempDir();
        var mixPath = Path.Combine(TestPaths.GoldenInputs, "stem-mix.flac");
        var mix = TestAudio.Read(mixPath);
        var drums = TestAudio.Read(Path.Combine(TestPaths.GoldenInputs, "stem-drums.flac"));
        var pad = TestAudio.Read(Path.Combine(TestPaths.GoldenInputs, "stem-pad.flac"));
        var harmonic = Separate(t, mixPath, "harmonic");
        var percussive = Separate(t, mixPath, "percussive");
        double Sdr(float[][] estimate, float[][] reference)
        {
            double signal = 0, error = 0;
            for (var c = 0; c < reference.Length; c++)
            {
                for (var i = 0; i < reference[c].Length; i++)
                {
                    signal += reference[c][i] * (double)reference[c][i];
                    var e = estimate[c][i] - reference[c][i];
                    error += e * e;
                }
            }
            return 10 * Math.Log10(signal / error);
        }
        var sdrPad = Sdr(harmonic, pad);
        var sdrDrums = Sdr(percussive, drums);
        double sumError = 0;
        for (var c = 0; c < mix.Length; c++)
        {
            for (var i = 0; i < mix[c].Length; i++)
            {
                sumError = Math.Max(sumError, Math.Abs(harmonic[c][i] + percussive[c][i] - mix[c][i]));
            }
        }
        File.AppendAllText(Path.Combine(TestPaths.TestArtifacts, "accuracy.tsv"),
            $"separator\tmix\tSDR harmonic vs pad {sdrPad:0.0} dB\tpercussive vs drums {sdrDrums:0.0} dB\tmax |h+p-x| {sumError:E1}\n");
        Assert.True(sdrPad >= 14, $"harmonic vs pad SDR {sdrPad:0.0} dB");
        Assert.True(sdrDrums >= 9, $"percussive vs drums SDR {sdrDrums:0.0} dB");
        // Margin 1: the masks add to one, so the outputs add back to the input up to float rounding (−120 dBFS).
        Assert.True(sumError < 1e-6, $"max |h + p − x| = {sumError:E2}");
    }

    [Fact]
    public void Streaming_output_equals_offline_output_shifted_by_the_latency()
    {
        var rng = new Random(5);
        var x = Enumerable.Range(0, 44100).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        // Offline: one call with everything, then flush; streaming: 64-sample blocks as a realtime host would.
        float[] Run(int block)
        {
            var hpss = new HarmonicPercussive(4096);
            var total = x.Length + HarmonicPercussive.Latency + HarmonicPercussive.Tail;
            var h = new float[total];
            var p = new float[total];
            for (var at = 0; at < total; at += block)
            {
                var n = Math.Min(block, total - at);
                var input = new float[n];
                if (at < x.Length)
                {
                    Array.Copy(x, at, input, 0, Math.Min(n, x.Length - at));
                }
                hpss.Process(input, h.AsSpan(at, n), p.AsSpan(at, n));
            }
            return h;
        }
        var offline = Run(4096);
        var streaming = Run(64);
        Assert.Equal(offline, streaming);
        // And the offline processor, which trims the latency, gives the same samples unshifted.
        using var t = new TempDir();
        var path = TestAudio.Write(t.File("noise.wav"), [x], 44100);
        var trimmed = Separate(t, path, "harmonic")[0];
        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(offline[i + HarmonicPercussive.Latency], trimmed[i]);
        }
    }
}
