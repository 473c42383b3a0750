using System.Text.Json;
using System.Text.Json.Nodes;
using Auralis.Dsp.Tests.Support;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Golden;

/// <summary>
/// Each analyzer's full analysis JSON, and the separator's audio, against the expected files in golden-audio/expected.
/// Tolerances: results are deterministic on one machine, but vectorised float code may round differently on a CPU with
/// other instructions (AVX-512 against AVX2), so small absolute tolerances stand in for exactness.
/// Every golden runs once per instruction-set level: the DSP has AVX-512, 256-bit and scalar paths, and a CI machine
/// only has the ones its CPU offers. The runtime's switches turn the wider sets off, so each path is exercised here
/// whatever the CPU (on a CPU without AVX-512 the first two levels run the same code).
/// </summary>
public class GoldenTests
{
    /// <summary>The runtime switches that cap the instruction sets the JIT may use.</summary>
    public static readonly IReadOnlyDictionary<string, IDictionary<string, string?>> InstructionSets = new Dictionary<string, IDictionary<string, string?>>
    {
        ["native"] = new Dictionary<string, string?>(),
        ["no-avx512"] = new Dictionary<string, string?> { ["DOTNET_EnableAVX512"] = "0" },
        ["sse4"] = new Dictionary<string, string?> { ["DOTNET_EnableAVX"] = "0" },
        ["scalar"] = new Dictionary<string, string?> { ["DOTNET_EnableHWIntrinsic"] = "0" },
    };

    private static CommandResult Auralis(string isa, params string[] args)
    {
        var r = CommandRunner.Run(TestPaths.AuralisExe, args, InstructionSets[isa]);
        Assert.True(r.ExitCode == 0, $"[{isa}] {r}");
        return r;
    }

    private static string AnalysisJson(string input, string plugin, string isa)
    {
        var r = Auralis(isa, "analyze", Analysis.Input(input), "--plugins", plugin, "--json", "-");
        // The absolute input path differs between checkouts: keep the file name only.
        var node = JsonNode.Parse(r.StdOut)!;
        node["file"] = Path.GetFileName(node["file"]!.GetValue<string>());
        return node.ToJsonString();
    }

    public static TheoryData<string, string, string> Analyses
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var isa in InstructionSets.Keys)
            {
                data.Add("pitch", "melody.flac", isa);
                data.Add("chroma", "chords.flac", isa);
                data.Add("tempo", "band120.flac", isa);
                data.Add("tempo", "band174.flac", isa);
                data.Add("loudness", "demo.flac", isa);
                data.Add("fingerprint", "demo.flac", isa);
            }
            return data;
        }
    }

    public static TheoryData<string> InstructionSetLevels => [.. InstructionSets.Keys];

    /// <summary>The switches really change the code paths: the process reports the vector width it runs with.</summary>
    [Fact]
    public void Each_instruction_set_level_runs_its_own_vector_width()
    {
        var seen = InstructionSets.Keys.ToDictionary(isa => isa, isa =>
        {
            var line = Auralis(isa, "doctor").StdOut.Split('\n').Single(l => l.Contains("vector instructions", StringComparison.Ordinal));
            return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0];
        });
        Assert.StartsWith("128-bit", seen["sse4"], StringComparison.Ordinal);
        Assert.StartsWith("scalar", seen["scalar"], StringComparison.Ordinal);
        Assert.NotEqual("512-bit", seen["no-avx512"]);
        Assert.Contains(seen["native"], new[] { "512-bit", "256-bit" });
    }

    [Theory]
    [MemberData(nameof(Analyses))]
    public void Analysis_matches_its_golden_file(string plugin, string input, string isa)
    {
        if (GoldenFiles.Updating && isa != "native")
        {
            return; // goldens are written from the native run only
        }
        GoldenFiles.AssertJson($"{plugin}/{Path.GetFileNameWithoutExtension(input)}.json", AnalysisJson(input, plugin, isa), Tolerance, isa);
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

    [Theory]
    [MemberData(nameof(InstructionSetLevels))]
    public void Separator_output_matches_its_golden_files(string isa)
    {
        if (GoldenFiles.Updating && isa != "native")
        {
            return;
        }
        using var t = new TempDir();
        var input = t.File("stem-mix-6s.wav");
        Assert.Equal(0, CommandRunner.Run("sox", [Analysis.Input("stem-mix.flac"), input, "trim", "0", "6"]).ExitCode);
        foreach (var port in new[] { "harmonic", "percussive" })
        {
            var output = t.File($"{port}.wav");
            Auralis(isa, "process", input, output, "--chain", $"separator.{port}");
            // Stored as 24-bit FLAC: quantisation noise is near −144 dBFS; 100 dB SNR and 1e-5 leave room for rounding
            // differences between CPUs while still catching any real change.
            GoldenFiles.AssertAudio($"separator/stem-mix-6s.{port}.flac", output, 100, 1e-5, isa);
        }
    }
}
