using System.Text;
using System.Text.Json;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Golden;

/// <summary>
/// Golden-file comparison: expected outputs live in golden-audio/expected; a received output is compared with
/// per-artefact tolerances. On a mismatch the received file and a readable diff go to artifacts/test-artifacts/golden/.
/// To accept new outputs deliberately: <c>golden-audio/update.sh</c> (sets AURALIS_UPDATE_GOLDEN=1 and reruns these tests,
/// which then write the expected files instead of comparing).
/// </summary>
public static class GoldenFiles
{
    public static string ExpectedRoot => Path.Combine(TestPaths.RepoRoot, "golden-audio", "expected");

    public static bool Updating => Environment.GetEnvironmentVariable("AURALIS_UPDATE_GOLDEN") == "1";

    private static string Received(string name)
    {
        var path = Path.Combine(TestPaths.TestArtifacts, "golden", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Compares JSON; <paramref name="tolerance"/> gives the absolute tolerance of the number at a path.</summary>
    public static void AssertJson(string name, string receivedJson, Func<string, double> tolerance, string variant = "")
    {
        var expectedPath = Path.Combine(ExpectedRoot, name);
        var pretty = JsonSerializer.Serialize(JsonDocument.Parse(receivedJson).RootElement, new JsonSerializerOptions { WriteIndented = false });
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
            File.WriteAllText(expectedPath, pretty + "\n");
            return;
        }
        Assert.True(File.Exists(expectedPath), $"{expectedPath} does not exist: run golden-audio/update.sh to create it");
        var differences = new List<string>();
        Compare("", JsonDocument.Parse(File.ReadAllText(expectedPath)).RootElement, JsonDocument.Parse(pretty).RootElement, tolerance, differences);
        if (differences.Count > 0)
        {
            var received = Received(name.Replace(".json", $".{Suffix(variant)}received.json", StringComparison.Ordinal));
            File.WriteAllText(received, pretty + "\n");
            var report = $"{Prefix(variant)}{differences.Count} difference(s) from {expectedPath} (received: {received}):\n" + string.Join("\n", differences.Take(25));
            File.WriteAllText(received + ".diff.txt", report + "\n");
            Assert.Fail(report);
        }
    }

    /// <summary>Compares audio (any format libsndfile reads): same shape, SNR against the expected at least
    /// <paramref name="minSnrDb"/> and no sample further off than <paramref name="maxAbsError"/>.</summary>
    public static void AssertAudio(string name, string receivedPath, double minSnrDb, double maxAbsError, string variant = "")
    {
        var expectedPath = Path.Combine(ExpectedRoot, name);
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
            var r = CommandRunner.Run("sox", [receivedPath, "-b", "24", expectedPath]);
            Assert.True(r.ExitCode == 0, r.ToString());
            return;
        }
        Assert.True(File.Exists(expectedPath), $"{expectedPath} does not exist: run golden-audio/update.sh to create it");
        var expected = TestAudio.Read(expectedPath);
        var received = TestAudio.Read(receivedPath);
        string? problem = null;
        if (expected.Length != received.Length || expected[0].Length != received[0].Length)
        {
            problem = $"shape {received.Length}×{received[0].Length} vs expected {expected.Length}×{expected[0].Length}";
        }
        else
        {
            double signal = 0, noise = 0, worst = 0;
            var at = (0, 0);
            for (var c = 0; c < expected.Length; c++)
            {
                for (var i = 0; i < expected[c].Length; i++)
                {
                    var e = received[c][i] - (double)expected[c][i];
                    signal += expected[c][i] * (double)expected[c][i];
                    noise += e * e;
                    if (Math.Abs(e) > worst)
                    {
                        worst = Math.Abs(e);
                        at = (c, i);
                    }
                }
            }
            var snr = noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);
            if (snr < minSnrDb || worst > maxAbsError)
            {
                problem = $"SNR {snr:0.0} dB (needs ≥ {minSnrDb}), max |error| {worst:E2} at channel {at.Item1} sample {at.Item2} (allowed {maxAbsError:E1})";
            }
        }
        if (problem is not null)
        {
            var copy = Received(name.Replace(".flac", $".{Suffix(variant)}received.flac", StringComparison.Ordinal));
            CommandRunner.Run("sox", [receivedPath, "-b", "24", copy]);
            File.WriteAllText(copy + ".diff.txt", $"{expectedPath}: {problem}\n");
            Assert.Fail($"{Prefix(variant)}{name}: {problem} (received: {copy})");
        }
    }

    // A variant (e.g. the instruction-set level) keeps each run's received file apart and names itself in the failure.
    private static string Suffix(string variant) => variant.Length == 0 ? "" : variant + ".";

    private static string Prefix(string variant) => variant.Length == 0 ? "" : $"[{variant}] ";

    private static void Compare(string path, JsonElement expected, JsonElement received, Func<string, double> tolerance, List<string> differences)
    {
        if (differences.Count > 200)
        {
            return;
        }
        if (expected.ValueKind != received.ValueKind)
        {
            differences.Add($"{path}: expected {expected.ValueKind}, received {received.ValueKind}");
            return;
        }
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var names = expected.EnumerateObject().Select(p => p.Name).ToList();
                var got = received.EnumerateObject().Select(p => p.Name).ToList();
                foreach (var missing in names.Except(got))
                {
                    differences.Add($"{path}.{missing}: missing");
                }
                foreach (var extra in got.Except(names))
                {
                    differences.Add($"{path}.{extra}: not expected");
                }
                foreach (var n in names.Intersect(got))
                {
                    Compare(path.Length == 0 ? n : $"{path}.{n}", expected.GetProperty(n), received.GetProperty(n), tolerance, differences);
                }
                break;
            case JsonValueKind.Array:
                var a = expected.EnumerateArray().ToArray();
                var b = received.EnumerateArray().ToArray();
                if (a.Length != b.Length)
                {
                    differences.Add($"{path}: {b.Length} items, expected {a.Length}");
                    return;
                }
                for (var i = 0; i < a.Length; i++)
                {
                    Compare($"{path}[{i}]", a[i], b[i], tolerance, differences);
                }
                break;
            case JsonValueKind.Number:
                var x = expected.GetDouble();
                var y = received.GetDouble();
                var allowed = tolerance(System.Text.RegularExpressions.Regex.Replace(path, @"\[\d+\]", "[]"));
                if (Math.Abs(x - y) > allowed)
                {
                    differences.Add($"{path}: {y} (expected {x} ± {allowed})");
                }
                break;
            default:
                if (expected.ToString() != received.ToString())
                {
                    differences.Add($"{path}: \"{received}\" (expected \"{expected}\")");
                }
                break;
        }
    }
}
