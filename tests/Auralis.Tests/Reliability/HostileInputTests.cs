using System.Text;
using Auralis.Tests.Support;

namespace Auralis.Tests.Reliability;

/// <summary>
/// The hostile-input corpus (tests/corpus) through the real <c>auralis</c>: malformed manifests, graph files and audio
/// files each give a clear, named error and their exit code — no crash, no stack trace, no partial output.
/// Large and binary cases are generated here rather than committed.
/// </summary>
public class HostileInputTests
{
    private static string Corpus => Path.Combine(TestPaths.RepoRoot, "tests", "corpus");

    /// <summary>The committed cases and what each must give (tests/corpus/expected.tsv).</summary>
    public static IEnumerable<(string Case, int Exit, string Fragment)> Expected() =>
        File.ReadLines(Path.Combine(Corpus, "expected.tsv")).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t'))
            .Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), p[2]));

    private static void AssertClean(CommandResult r, int exit, string fragment, string what)
    {
        Assert.True(r.ExitCode == exit, $"{what}: expected exit {exit}\n{r}");
        Assert.Contains(fragment, r.All);
        Assert.DoesNotContain("internal error", r.All);
        Assert.DoesNotContain("   at ", r.All); // no stack trace
        Assert.DoesNotContain("Unhandled exception", r.All);
    }

    private static void AssertNoOutput(string dir, string what)
    {
        var left = Directory.GetFiles(dir).Select(Path.GetFileName).Where(n => n!.StartsWith("out", StringComparison.Ordinal) || n.EndsWith(".partial", StringComparison.Ordinal));
        Assert.True(!left.Any(), $"{what}: left {string.Join(", ", left)}");
    }

    private static Dictionary<string, string?> Env(TempDir t) => new() { ["XDG_CACHE_HOME"] = t.File("cache") };

    // Scans the plugins once, so the parallel runs that follow find their verdicts cached instead of all scanning.
    private static void WarmScanCache(TempDir t)
    {
        CommandRunner.Run(TestPaths.AuralisExe, ["plugins"], Env(t));
        CommandRunner.Run(TestPaths.AuralisExe, ["plugins", "--plugins-dir", TestPaths.TestPluginsDir], Env(t));
    }

    [Fact]
    public void Every_committed_case_is_listed_with_its_expected_outcome()
    {
        var listed = Expected().Select(e => e.Case).ToHashSet();
        var files = Directory.GetFiles(Path.Combine(Corpus, "manifests")).Concat(Directory.GetFiles(Path.Combine(Corpus, "graphs")))
            .Select(f => Path.GetRelativePath(Corpus, f));
        Assert.Equal(files.Order(), listed.Order());
    }

    [Fact]
    public void Malformed_manifests_are_named_errors()
    {
        using var t = new TempDir();
        var cases = Expected().Where(e => e.Case.StartsWith("manifests/", StringComparison.Ordinal)).ToList();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
        {
            var plugins = Path.Combine(t.Path, Path.GetFileNameWithoutExtension(c.Case));
            Directory.CreateDirectory(Path.Combine(plugins, "x"));
            File.Copy(Path.Combine(Corpus, c.Case), Path.Combine(plugins, "x", "plugin.json"));
            var r = CommandRunner.Run(TestPaths.AuralisExe, ["plugins", "--plugins-dir", plugins], Env(t));
            AssertClean(r, c.Exit, c.Fragment, c.Case);
        });
        Assert.Equal(21, cases.Count);
    }

    [Fact]
    public void A_10_MB_manifest_is_refused_unread()
    {
        using var t = new TempDir();
        Directory.CreateDirectory(t.File("p/x"));
        using (var w = new StreamWriter(t.File("p/x/plugin.json")))
        {
            w.Write("{ \"id\": \"com.example.x\", \"padding\": \"");
            w.Write(new string('a', 10 << 20));
            w.Write("\" }");
        }
        var r = CommandRunner.Run(TestPaths.AuralisExe, ["plugins", "--plugins-dir", t.File("p")], Env(t));
        AssertClean(r, 3, "bytes; manifests are limited to 65536", "10 MB manifest");
        var v = CommandRunner.Run(TestPaths.AuralisExe, ["validate", t.File("p/x")], Env(t));
        AssertClean(v, 3, "manifest-malformed", "validate 10 MB manifest");
    }

    [Fact]
    public void Malformed_graph_files_are_named_errors_with_no_output()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        WarmScanCache(t);
        var cases = Expected().Where(e => e.Case.StartsWith("graphs/", StringComparison.Ordinal)).ToList();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
        {
            var dir = Directory.CreateDirectory(Path.Combine(t.Path, Path.GetFileNameWithoutExtension(c.Case))).FullName;
            var r = CommandRunner.Run(TestPaths.AuralisExe, ["process", input, Path.Combine(dir, "out.wav"), "--graph", Path.Combine(Corpus, c.Case)], Env(t));
            AssertClean(r, c.Exit, c.Fragment, c.Case);
            AssertNoOutput(dir, c.Case);
        });
        Assert.Equal(26, cases.Count);
    }

    [Fact]
    public void Huge_and_deeply_nested_graph_files_are_refused()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var huge = new StringBuilder("{\"nodes\":[");
        for (var i = 0; huge.Length < 10 << 20; i++)
        {
            huge.Append(i == 0 ? "" : ",").Append($"{{\"id\":\"n{i}\",\"plugin\":\"gain\"}}");
        }
        File.WriteAllText(t.File("huge.json"), huge.Append("],\"connections\":[]}").ToString());
        File.WriteAllText(t.File("deep.json"), new string('[', 5000) + new string(']', 5000));
        var big = CommandRunner.Run(TestPaths.AuralisExe, ["process", input, t.File("out.wav"), "--graph", t.File("huge.json")], Env(t));
        AssertClean(big, 7, "bytes; the limit is 1048576", "10 MB graph");
        var deep = CommandRunner.Run(TestPaths.AuralisExe, ["process", input, t.File("out.wav"), "--graph", t.File("deep.json")], Env(t));
        AssertClean(deep, 7, "maximum configured depth of 16", "deep graph");
        AssertNoOutput(t.Path, "graphs");
    }

    /// <summary>A RIFF/WAVE file built field by field, so each field can lie.</summary>
    internal static byte[] Wav(int channels = 1, uint rate = 48000, int bits = 16, int format = 1, byte[]? data = null, uint? declared = null,
        uint? riff = null, int? blockAlign = null, bool fact = false)
    {
        data ??= new byte[200];
        var align = blockAlign ?? channels * bits / 8;
        using var body = new MemoryStream();
        using var w = new BinaryWriter(body);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write((ushort)format);
        w.Write((ushort)channels);
        w.Write(rate);
        w.Write((uint)(rate * (uint)align));
        w.Write((ushort)align);
        w.Write((ushort)bits);
        if (fact)
        {
            w.Write("fact"u8);
            w.Write(4);
            w.Write(data.Length / Math.Max(1, align));
        }
        w.Write("data"u8);
        w.Write(declared ?? (uint)data.Length);
        w.Write(data);
        w.Flush();
        var bytes = body.ToArray();
        return [.. "RIFF"u8, .. BitConverter.GetBytes(riff ?? (uint)bytes.Length), .. bytes];
    }

    private static byte[] Floats(params float[] values) => [.. values.SelectMany(BitConverter.GetBytes)];

    /// <summary>Generated audio cases: file bytes, the exit code and the message they must give.</summary>
    public static TheoryData<string, int, string> AudioCases() => new()
    {
        { "zero-byte", 5, "the file is empty (0 bytes)" },
        { "garbage", 5, "not a readable audio file" },
        { "truncated-header", 5, "not a readable audio file" },
        { "truncated-data", 5, "the header does not match the data" },
        { "lying-riff-size", 5, "the header does not match the data (RIFF" },
        { "absurd-frame-count", 5, "the header does not match the data (data : 4294967280" },
        { "zero-channels", 5, "Channel count is zero" },
        { "65535-channels", 5, "Too many channels" },
        { "three-channels", 7, "the input has 3 channels; Auralis processes mono and stereo" },
        { "rate-0", 5, "not a readable audio file" },
        { "rate-1", 5, "sample rate 1 Hz is outside 8000..384000 Hz" },
        { "rate-4-GHz", 5, "not a readable audio file" },
        { "rate-1-MHz", 5, "sample rate 1000000 Hz is outside 8000..384000 Hz" },
        { "bits-0", 5, "not a readable audio file" },
        { "unknown-format-tag", 5, "not a readable audio file" },
        { "nan-float", 5, "sample 50 of channel 1 is NaN: the file is damaged" },
        { "inf-float-with-fact", 5, "sample 3 of channel 2 is -Infinity: the file is damaged" },
        { "header-only", 5, "the file contains no audio frames" },
        { "directory", 5, "is a directory, not an audio file" },
        { "flac-garbage", 5, "not a readable audio file" },
    };

    private static void MakeAudioCase(string name, string path)
    {
        if (name == "directory")
        {
            Directory.CreateDirectory(path);
            return;
        }
        byte[] bytes = name switch
        {
            "zero-byte" => [],
            "garbage" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray(),
            "truncated-header" => Wav()[..20],
            "truncated-data" => Wav(data: new byte[20000])[..5000],
            "lying-riff-size" => Wav(riff: 0x7FFFFFFF),
            "absurd-frame-count" => Wav(declared: 0xFFFFFFF0),
            "zero-channels" => Wav(channels: 0, blockAlign: 2),
            "65535-channels" => Wav(channels: 65535, blockAlign: 65534),
            "three-channels" => Wav(channels: 3, data: new byte[600]),
            "rate-0" => Wav(rate: 0),
            "rate-1" => Wav(rate: 1),
            "rate-4-GHz" => Wav(rate: 0xFFFFFFFF),
            "rate-1-MHz" => Wav(rate: 1_000_000),
            "bits-0" => Wav(bits: 0, blockAlign: 2),
            "unknown-format-tag" => Wav(format: 0x1234),
            "nan-float" => Wav(format: 3, bits: 32, data: Floats([.. Enumerable.Repeat(0.1f, 50), float.NaN, .. Enumerable.Repeat(0.2f, 49)])),
            "inf-float-with-fact" => Wav(channels: 2, format: 3, bits: 32, fact: true, data: Floats([0.1f, 0.1f, 0.2f, 0.2f, 0.3f, 0.3f, 0f, float.NegativeInfinity])),
            "header-only" => Wav(data: []),
            "flac-garbage" => [.. "fLaC"u8, .. Enumerable.Repeat((byte)0xFF, 200)],
            _ => throw new ArgumentException(name),
        };
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Malformed_audio_files_are_named_input_errors_with_no_output()
    {
        using var t = new TempDir();
        WarmScanCache(t);
        var cases = AudioCases().Select(row => ((string)row[0], (int)row[1], (string)row[2])).ToList();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, c =>
        {
            var (name, exit, fragment) = c;
            var dir = Directory.CreateDirectory(Path.Combine(t.Path, name)).FullName;
            var input = Path.Combine(dir, name == "flac-garbage" ? "in.flac" : "in.wav");
            MakeAudioCase(name, input);
            var r = CommandRunner.Run(TestPaths.AuralisExe, ["process", input, Path.Combine(dir, "out.wav"), "--chain", "gain"], Env(t));
            AssertClean(r, exit, fragment, name);
            AssertNoOutput(dir, name);
            var a = CommandRunner.Run(TestPaths.AuralisExe, ["analyze", input, "--plugins", "meter", "--plugins-dir", TestPaths.TestPluginsDir, "--json", Path.Combine(dir, "out.json")], Env(t));
            Assert.True(a.ExitCode == (exit == 7 ? 0 : exit) || (exit == 7 && a.ExitCode == 7), $"analyze {name}\n{a}");
            Assert.DoesNotContain("   at ", a.All);
        });
        Assert.Equal(20, cases.Count);
    }

    [Fact]
    public void A_one_sample_file_is_processed_into_a_one_sample_file()
    {
        using var t = new TempDir();
        File.WriteAllBytes(t.File("one.wav"), Wav(data: [0x00, 0x10]));
        var r = CommandRunner.Run(TestPaths.AuralisExe, ["process", t.File("one.wav"), t.File("out.wav"), "--chain", "gain", "--param", "gain.gain_db=-6.0206"], Env(t));
        Assert.Equal(0, r.ExitCode);
        var output = TestAudio.Read(t.File("out.wav"));
        Assert.Equal(4096f / 32768f / 2, Assert.Single(output[0]), 5);
    }
}
