using System.Text.Json;
using Auralis.Tests.Support;

namespace Auralis.Dsp.Tests.Support;

/// <summary>Runs the real `auralis analyze` and the reference tools on the same files.</summary>
public static class Analysis
{
    public static string Input(string name) => Path.Combine(TestPaths.GoldenInputs, name);

    /// <summary>The analysis JSON of one plugin for a file, from the built CLI.</summary>
    public static JsonElement Analyze(string file, string plugin)
    {
        var r = CommandRunner.Auralis("analyze", file, "--plugins", plugin, "--json", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.StdOut).RootElement.GetProperty("plugins").GetProperty($"org.auralis.{plugin}");
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>A mono 16-bit PCM WAV copy (the form node-wav and aubio read), made by sox.</summary>
    public static string MonoWav(TempDir t, string file)
    {
        var path = t.File(Path.GetFileNameWithoutExtension(file) + "-mono.wav");
        var r = CommandRunner.Run("sox", [file, "-c", "1", "-b", "16", "-t", "wavpcm", path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return path;
    }

    /// <summary>Runs tests/oracles/essentia-oracle.js.</summary>
    public static JsonElement Essentia(string command, string monoWav)
    {
        var script = Path.Combine(TestPaths.RepoRoot, "tests", "oracles", "essentia-oracle.js");
        var r = CommandRunner.Run("node", [script, command, monoWav], timeoutSeconds: 300);
        Assert.True(r.ExitCode == 0, r.ToString()[..Math.Min(2000, r.ToString().Length)]);
        return JsonDocument.Parse(r.StdOut).RootElement;
    }

    /// <summary>Runs a Python snippet with Debian's python3 (aubio, numpy); prints JSON.</summary>
    public static JsonElement Python(string code, params string[] args)
    {
        var r = CommandRunner.Run("/usr/bin/python3", ["-c", code, .. args], timeoutSeconds: 300);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.StdOut).RootElement;
    }

    /// <summary>ffmpeg's ebur128 integrated loudness and true peak of a file.</summary>
    public static (double Lufs, double TruePeak) Ffmpeg(string file)
    {
        var r = CommandRunner.Run("ffmpeg", ["-nostats", "-hide_banner", "-i", file, "-af", "ebur128=peak=true", "-f", "null", "-"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        // The summary at the end: "I:  -20.6 LUFS" and "Peak:  -7.8 dBFS" (true peak).
        var summary = r.StdErr[r.StdErr.LastIndexOf("Summary:", StringComparison.Ordinal)..];
        double Value(string key) => double.Parse(System.Text.RegularExpressions.Regex.Match(summary, key + @"\s+(-?[\d.]+|-inf)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        return (Value("I:"), Value("Peak:"));
    }

    /// <summary>ffmpeg's integrated loudness and loudness range, unrounded (its metadata, the call in the oracle notes).</summary>
    public static (double Lufs, double Range) FfmpegLufsAndRange(string file)
    {
        var r = CommandRunner.Run("ffmpeg", ["-nostats", "-i", file, "-af", "ebur128=metadata=1,ametadata=mode=print:file=/dev/stdout", "-f", "null", "-"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        double Last(string key)
        {
            var line = r.StdOut.Split('\n').Last(l => l.StartsWith(key + "=", StringComparison.Ordinal));
            return double.Parse(line[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
        return (Last("lavfi.r128.I"), Last("lavfi.r128.LRA"));
    }
}
