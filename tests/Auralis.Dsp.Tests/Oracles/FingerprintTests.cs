using System.Text.Json;
using Auralis.Dsp.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Oracles;

/// <summary>The fingerprint's shape, names, sums and defined values for degenerate input.</summary>
public class FingerprintTests
{
    private static readonly string[] Names =
    [
        "sub_bass", "bass", "low_mid", "mid", "upper_mid", "presence", "air", "lufs", "crest_db", "bass_mid_ratio_db",
        "tempo_bpm", "rhythm_stability", "transient_density", "silence_ratio", "spectral_centroid_hz", "spectral_rolloff_hz",
        "spectral_flatness", "harmonic_ratio", "pitch_stability", "chroma_energy", "dynamic_range_variation",
        "loudness_variation_lu", "peak_consistency", "stereo_width", "phase_correlation",
    ];

    private static JsonElement Summary(string file) => Analysis.Analyze(file, "fingerprint").GetProperty("summary");

    [Fact]
    public void Demo_fingerprint_has_the_25_named_dimensions_with_fractions_summing_to_one()
    {
        var summary = Summary(Analysis.Input("demo.flac"));
        var dimensions = summary.GetProperty("dimensions");
        Assert.Equal(Names, dimensions.EnumerateObject().Select(p => p.Name));
        var vector = Analysis.Doubles(summary.GetProperty("vector"));
        Assert.Equal(25, vector.Length);
        Assert.Equal(vector, Names.Select(n => dimensions.GetProperty(n).GetDouble()));
        Assert.Equal(1.0, vector.Take(7).Sum(), 5);
        var d = Names.ToDictionary(n => n, n => dimensions.GetProperty(n).GetDouble());
        Assert.Equal(120, d["tempo_bpm"], 1.0);                 // the demo is 120 BPM
        Assert.InRange(d["harmonic_ratio"], 0.5, 1);           // mostly pad, bass and flute
        Assert.InRange(d["phase_correlation"], 0.3, 1);
        Assert.InRange(d["stereo_width"], 0, 0.5);
        Assert.Equal(0, d["silence_ratio"]);
    }

    public static TheoryData<string, int, float> Degenerate => new()
    {
        { "silence", 44100 * 2, 0f },
        { "short", 4410, 0.3f },     // 0.1 s of noise
        { "dc", 44100 * 2, 0.5f },   // a constant
    };

    [Theory]
    [MemberData(nameof(Degenerate))]
    public void Degenerate_input_gives_defined_values(string kind, int frames, float level)
    {
        using var t = new TempDir();
        var x = kind == "short" ? TestAudio.Noise(frames, 3, level) : Enumerable.Repeat(level, frames).ToArray();
        var path = TestAudio.Write(t.File($"{kind}.wav"), [x, x], 44100);
        var r = CommandRunner.Auralis("analyze", path, "--plugins", "fingerprint", "--json", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("null", r.StdOut);
        Assert.DoesNotContain("warning", r.StdErr);
        var d = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("plugins").GetProperty("org.auralis.fingerprint")
            .GetProperty("summary").GetProperty("dimensions");
        double V(string n) => d.GetProperty(n).GetDouble();
        switch (kind)
        {
            case "silence":
                Assert.Equal(-70, V("lufs"));                   // the absolute gate's floor
                Assert.Equal(1, V("silence_ratio"));
                Assert.Equal(0, Names.Take(7).Sum(V));          // no energy to divide into bands
                Assert.Equal(0, V("tempo_bpm"));
                break;
            case "short":
                Assert.Equal(-70, V("lufs"));                   // shorter than one 400 ms gating block
                Assert.Equal(1.0, Names.Take(7).Sum(V), 5);
                break;
            case "dc":
                Assert.Equal(0, V("crest_db"), 3);              // peak = RMS for a constant
                Assert.Equal(1, V("phase_correlation"), 6);
                Assert.Equal(0, V("stereo_width"), 6);
                break;
        }
    }
}
