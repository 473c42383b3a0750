using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Auralis.Tests.Support;

namespace Auralis.Daw.Tests.Support;

/// <summary>Inputs, expected outputs (from the real <c>auralis process</c>) and the comparison of DAW output with them.</summary>
public static class DawAudio
{
    /// <summary>The comparison bound the issue sets: every sample within −90 dBFS of the expected one.</summary>
    public const double ToleranceDbfs = -90;

    /// <summary>The first <paramref name="seconds"/> of golden-audio/inputs/demo.flac as a 32-bit float WAV (44.1 kHz stereo).</summary>
    public static string GoldenInput(string directory, double seconds = 3)
    {
        var path = Path.Combine(directory, "golden-input.wav");
        if (!File.Exists(path))
        {
            var all = TestAudio.Read(Path.Combine(TestPaths.GoldenInputs, "demo.flac"));
            var frames = (int)Math.Min(all[0].Length, seconds * 44100);
            TestAudio.Write(path, all.Select(c => c[..frames]).ToArray(), 44100);
        }
        return path;
    }

    /// <summary>Runs <c>auralis process</c> and returns the output path and the latency it compensated.</summary>
    public static (string Output, int Latency) Expected(string input, string output, string pluginsDirectory, params string[] how)
    {
        var r = CommandRunner.Auralis(["process", input, output, "--plugins-dir", pluginsDirectory, "--format", "float", .. how]);
        Assert.True(r.ExitCode == 0 || how.Contains("--keep-going"), r.ToString());
        var latency = Regex.Match(r.StdErr, @"graph latency (\d+) samples compensated");
        Assert.True(latency.Success, r.ToString());
        return (output, int.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A plugins folder holding the built-in plugins and the named fixture plugins (links), for <c>auralis process</c>
    /// runs of graphs that mix them as the bridge does.
    /// </summary>
    public static string MixedPluginsDirectory(string parent, params string[] fixtureFolders)
    {
        var dir = Directory.CreateDirectory(Path.Combine(parent, "plugins-" + string.Join("-", fixtureFolders))).FullName;
        foreach (var folder in Directory.GetDirectories(TestPaths.PluginsDir).Concat(fixtureFolders.Select(f => Path.Combine(TestPaths.TestPluginsDir, f))))
        {
            var link = Path.Combine(dir, Path.GetFileName(folder));
            if (!Directory.Exists(link))
            {
                Directory.CreateSymbolicLink(link, folder);
            }
        }
        return dir;
    }

    /// <summary>
    /// The largest difference, in dBFS, between <paramref name="expected"/> and <paramref name="actual"/> read
    /// <paramref name="delay"/> frames later (the tests' player is not latency-compensated, so the DAW's output lags by
    /// the plugin's latency). Every expected frame must be there.
    /// </summary>
    public static double MaxDifferenceDbfs(string expected, string actual, int delay)
    {
        var e = TestAudio.Read(expected);
        var a = TestAudio.Read(actual);
        Assert.Equal(e.Length, a.Length);
        Assert.True(a[0].Length >= e[0].Length + delay, $"{actual} has {a[0].Length} frames; {e[0].Length} delayed by {delay} were expected");
        double max = 0;
        for (var c = 0; c < e.Length; c++)
        {
            for (var k = 0; k < e[c].Length; k++)
            {
                max = Math.Max(max, Math.Abs(a[c][k + delay] - e[c][k]));
            }
        }
        return max == 0 ? double.NegativeInfinity : 20 * Math.Log10(max);
    }

    /// <summary>RMS level of a file in dBFS, all channels.</summary>
    public static double RmsDbfs(string path)
    {
        var x = TestAudio.Read(path);
        var sum = x.Sum(c => c.Sum(s => (double)s * s));
        return 10 * Math.Log10(sum / (x.Length * x[0].Length));
    }

    /// <summary>The built-in plugins: those the installation requires (host/Auralis.Cli/auralis.config.json).</summary>
    public static IReadOnlyList<string> BuiltInPluginIds()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "host", "Auralis.Cli", "auralis.config.json")));
        return doc.RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>Adds a row to artifacts/test-artifacts/vst3-ardour.md (the figures the issue asks to state).</summary>
    public static void Record(string plugin, int ours, double ardours, double maxDifferenceDbfs)
    {
        var path = Path.Combine(TestPaths.TestArtifacts, "vst3-ardour.md");
        lock (typeof(DawAudio))
        {
            if (!File.Exists(path))
            {
                File.WriteAllText(path, "| plugin | latency (Auralis) | latency (Ardour signal_latency) | max difference |\n|---|---|---|---|\n");
            }
            var db = double.IsNegativeInfinity(maxDifferenceDbfs) ? "−∞ dBFS (bit-identical)" : maxDifferenceDbfs.ToString("0.0", CultureInfo.InvariantCulture) + " dBFS";
            File.AppendAllText(path, $"| {plugin} | {ours} | {ardours} | {db} |\n");
        }
    }
}
