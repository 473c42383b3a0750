using System.Text.Json;
using System.Text.Json.Nodes;
using Auralis.Dsp.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Golden;

/// <summary>
/// Each analyzer's full analysis JSON, and the separator's audio, against the expected files in golden-audio/expected.
/// Tolerances: results are deterministic on one machine, but vectorised float code may round differently on a CPU with
/// other instructions (AVX-512 against AVX2), so small absolute tolerances stand in for exactness.
/// </summary>
public class GoldenTests
{
    private static string AnalysisJson(string input, string plugin)
    {
        var r = CommandRunner.Auralis("analyze", Analysis.Input(input), "--plugins", plugin, "--json", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
        // The absolute input path differs between checkouts: keep the file name only.
        var node = JsonNode.Parse(r.StdOut)!;
        node["file"] = Path.GetFileName(node["file"]!.GetValue<string>());
        return node.ToJsonString();
    }

    public static TheoryData<string, string> Analyses => new()
    {
        { "pitch", "melody.flac" },
        { "chroma", "chords.flac" },
        { "tempo", "band120.flac" },
        { "tempo", "band174.flac" },
        { "loudness", "demo.flac" },
        { "fingerprint", "demo.flac" },
    };

    [Theory]
    [MemberData(nameof(Analyses))]
    public void Analysis_matches_its_golden_file(string plugin, string input)
    {
        GoldenFiles.AssertJson($"{plugin}/{Path.GetFileNameWithoutExtension(input)}.json", AnalysisJson(input, plugin), Tolerance);
    }

    // Per-field absolute tolerances, by path with array indices removed.
    private static double Tolerance(string path) => path switch
    {
        _ when path.EndsWith(".frames.t[]", StringComparison.Ordinal) => 1e-6,                 // frame times: exact up to printing
        _ when path.Contains("org.auralis.pitch.frames.hz", StringComparison.Ordinal) => 0.05,  // Hz; a twentieth of a Hz
        _ when path.Contains("org.auralis.pitch.frames.voiced", StringComparison.Ordinal) => 0,
        _ when path.Contains(".summary.beats", StringComparison.Ordinal) => 0.001,              // s; under a sample at 44.1 kHz ×44
        _ when path.Contains(".summary.bpm", StringComparison.Ordinal) => 0.02,
        _ when path.Contains("lufs", StringComparison.Ordinal) => 0.005,                        // LU
        _ when path.Contains("dbtp", StringComparison.Ordinal) || path.Contains("dbfs", StringComparison.Ordinal) => 0.01,
        _ when path.Contains("_hz", StringComparison.Ordinal) => 0.5,                           // spectral centroid/roll-off, Hz
        _ when path.Contains("tempo_bpm", StringComparison.Ordinal) => 0.02,
        _ => 1e-3,                                                                              // unitless values 0..1 and dB
    };

    [Fact]
    public void Separator_output_matches_its_golden_files()
    {
        using var t = new TempDir();
        var input = t.File("stem-mix-6s.wav");
        Assert.Equal(0, CommandRunner.Run("sox", [Analysis.Input("stem-mix.flac"), input, "trim", "0", "6"]).ExitCode);
        foreach (var port in new[] { "harmonic", "percussive" })
        {
            var output = t.File($"{port}.wav");
            var r = CommandRunner.Auralis("process", input, output, "--chain", $"separator.{port}");
            Assert.True(r.ExitCode == 0, r.ToString());
            // Stored as 24-bit FLAC: quantisation noise is near −144 dBFS; 100 dB SNR and 1e-5 leave room for rounding
            // differences between CPUs while still catching any real change.
            GoldenFiles.AssertAudio($"separator/stem-mix-6s.{port}.flac", output, 100, 1e-5);
        }
    }
}
