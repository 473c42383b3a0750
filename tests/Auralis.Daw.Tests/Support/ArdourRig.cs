using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Auralis.Tests.Support;

namespace Auralis.Daw.Tests.Support;

/// <summary>What one headless Ardour session should do (see tests/daw/session.lua).</summary>
public sealed record ArdourJob(string Name, string Input)
{
    public string? Plugin { get; init; }
    public string? Preset { get; init; }
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
    public IReadOnlyList<string> Read { get; init; } = [];
    public double? Listen { get; init; }
    public bool Save { get; init; }
    public string? Reopen { get; init; }
    public int? Latency { get; init; }
    /// <summary>Frames the plugin keeps sounding after the input ends (exported after the input, like `auralis process` writes them).</summary>
    public int Tail { get; init; }
    public bool Describe { get; init; }
    public int Rate { get; init; } = 44100;

    public string ToLua()
    {
        static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
        static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var fields = new List<string> { $"name = {Quote(Name)}", $"input = {Quote(Input)}", $"rate = {Rate}" };
        if (Plugin is not null) fields.Add($"plugin = {Quote(Plugin)}");
        if (Preset is not null) fields.Add($"preset = {Quote(Preset)}");
        if (Parameters.Count > 0) fields.Add("params = { " + string.Join(", ", Parameters.Select(p => $"[{Quote(p.Key)}] = {Number(p.Value)}")) + " }");
        if (Read.Count > 0) fields.Add("read = { " + string.Join(", ", Read.Select(Quote)) + " }");
        if (Listen is { } listen) fields.Add($"listen = {Number(listen)}");
        if (Save) fields.Add("save = true");
        if (Reopen is not null) fields.Add($"reopen = {Quote(Reopen)}");
        if (Latency is { } latency) fields.Add($"latency = {latency}");
        if (Tail > 0) fields.Add($"tail = {Tail}");
        if (Describe) fields.Add("describe = true");
        return "return { " + string.Join(", ", fields) + " }\n";
    }
}

/// <summary>One instance's audio-thread allocation report (diagnostic mode).</summary>
public sealed record AllocationReport(string Instance, long ProcessCalls, long Bytes, string Line);

/// <summary>What an Ardour session printed and exported.</summary>
public sealed class ArdourRun(ArdourJob job, CommandResult result, string exportPath, string sessionDirectory)
{
    public ArdourJob Job { get; } = job;
    public CommandResult Result { get; } = result;
    public string ExportPath { get; } = exportPath;
    public string SessionDirectory { get; } = sessionDirectory;

    /// <summary>The "AURALIS job key&lt;tab&gt;value" lines; a key printed twice keeps every value.</summary>
    public ILookup<string, string> Values { get; } = Regex.Matches(result.StdOut, $@"^AURALIS {Regex.Escape(job.Name)} ([^\t\n]+)\t(.*)$", RegexOptions.Multiline)
        .ToLookup(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());

    public string Value(string key) => Values[key].SingleOrDefault() ?? throw new Xunit.Sdk.XunitException($"Ardour printed no '{key}' for {Job.Name}\n{Result}");

    public double Number(string key) => double.Parse(Value(key), CultureInfo.InvariantCulture);

    /// <summary>The diagnostic-mode reports of every Auralis instance in the session.</summary>
    public IReadOnlyList<AllocationReport> Allocations => Regex.Matches(Result.All,
            @"diagnostics: (.+?): (\d+) process calls, (\d+) bytes allocated on the audio thread[^\n]*")
        .Select(m => new AllocationReport(m.Groups[1].Value, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Value))
        .ToList();

    public override string ToString() => $"Ardour job {Job.Name}: {Result}";
}

/// <summary>One class as Ardour's VST3 scanner cached it.</summary>
public sealed record ScannedClass(string Uid, string Name, string Vendor, string Category, int Inputs, int Outputs, int AuxInputs, int AuxOutputs);

/// <summary>
/// A headless Ardour 7 set up to use a private copy of the built Auralis.vst3 (artifacts/vst3): the bundle is scanned
/// once with Ardour's own scanner; each <see cref="Run"/> is a fresh ardour7-lua process running tests/daw/session.lua.
/// Third-party plugins are the fixture plugins (artifacts/test-plugins, through AURALIS_PLUGINS); diagnostic mode is on.
/// </summary>
public sealed class ArdourRig : IDisposable
{
    private readonly TempDir _root = new();

    public ArdourRig()
    {
        File.Delete(Path.Combine(TestPaths.TestArtifacts, "vst3-ardour.md")); // this run's figures only
        Bundle = CopyBundle(Path.Combine(_root.Path, "vst3"));
        Config = _root.CopyTree(Path.Combine(TestPaths.RepoRoot, "tests", "daw", "cfg"), "cfg");
        Home = Directory.CreateDirectory(Path.Combine(_root.Path, "home")).FullName;
        Cache = Path.Combine(_root.Path, "cache");
        Sessions = Directory.CreateDirectory(Path.Combine(_root.Path, "sessions")).FullName;
        Exports = Directory.CreateDirectory(Path.Combine(_root.Path, "exports")).FullName;
        LogFile = Path.Combine(_root.Path, "vst3.log");
        // The user's plugins folder ($XDG_DATA_HOME/auralis/plugins) gets this project's own fixtures.
        UserPlugins = Path.Combine(_root.Path, "data", "auralis", "plugins");
        CopyTreeTo(DawTestPlugins, UserPlugins);
        Scan = RunScanner(Bundle, Cache, Environment());
    }

    public const string Scanner = "/usr/lib/ardour7/ardour-vst3-scanner";

    /// <summary>The bundle Ardour uses (a copy, back-dated: see <see cref="CopyBundle"/>).</summary>
    public string Bundle { get; }

    public string Config { get; }
    public string Home { get; }
    public string Cache { get; }
    public string Sessions { get; }
    public string Exports { get; }
    public string LogFile { get; }

    /// <summary>The user plugins folder the bridge scans (holding the fixtures of tests/Auralis.Daw.Tests/Fixtures).</summary>
    public string UserPlugins { get; }

    /// <summary>Where the fixtures of tests/Auralis.Daw.Tests/Fixtures are staged by the build.</summary>
    public static string DawTestPlugins => Path.Combine(TestPaths.RepoRoot, "artifacts", "daw-test-plugins");
    /// <summary>A scratch folder for the tests' own files.</summary>
    public string Workspace => _root.Path;

    /// <summary>The scanner's run and the classes it cached.</summary>
    public (CommandResult Result, IReadOnlyList<ScannedClass> Classes) Scan { get; }

    public string BuiltBundle => Path.Combine(TestPaths.RepoRoot, "artifacts", "vst3", "Auralis.vst3");

    /// <summary>
    /// Copies the built bundle under <paramref name="parent"/>. Ardour's scanner stamps its cache in whole seconds
    /// and takes a bundle changed within the same second for stale (the plugins silently vanish): the copy is dated
    /// five seconds back.
    /// </summary>
    public string CopyBundle(string parent)
    {
        Assert.True(Directory.Exists(BuiltBundle), $"{BuiltBundle} is missing: run ./build.sh build");
        var target = Path.Combine(parent, "Auralis.vst3");
        CopyTreeTo(BuiltBundle, target);
        var past = DateTime.UtcNow.AddSeconds(-5);
        foreach (var entry in Directory.GetFileSystemEntries(target, "*", SearchOption.AllDirectories).Append(target))
        {
            if (File.Exists(entry))
            {
                File.SetLastWriteTimeUtc(entry, past);
            }
            else
            {
                Directory.SetLastWriteTimeUtc(entry, past);
            }
        }
        return target;
    }

    public Dictionary<string, string?> Environment() => new()
    {
        ["HOME"] = Home,
        ["XDG_CONFIG_HOME"] = Config,
        ["XDG_CACHE_HOME"] = Cache,
        ["XDG_DATA_HOME"] = Path.Combine(_root.Path, "data"),
        ["XDG_STATE_HOME"] = Path.Combine(_root.Path, "state"),
        ["VST3_PATH"] = Path.GetDirectoryName(Bundle),
        ["AURALIS_PLUGINS"] = TestPaths.TestPluginsDir,
        ["AURALIS_VST3_LOG"] = LogFile,
        ["AURALIS_VST3_DIAGNOSTICS"] = "1",
        ["ARDOUR_FPU_FLAGS"] = ArdourFpuFlags,
    };

    /// <summary>
    /// The CPU features Ardour would detect itself, minus AVX-512F. Ardour 7.3's AVX-512 mix routine
    /// (x86_avx512f_mix_buffers_no_gain) finishes an odd tail with an 8- or 4-float store past the end of its
    /// destination; its export mixes into a 4096-sample heap buffer with it, and on some heap layouts that store
    /// overwrites the next allocation's header: glibc aborts with "double free or corruption (out)" when the export
    /// is torn down (about one Split export in ten on this AVX-512 machine; the separator's latency happens to keep
    /// it off that path). Fixed upstream in Ardour 8.10 (commit d023ea0d77); Debian 12 ships 7.3. Ardour reads
    /// ARDOUR_FPU_FLAGS instead of probing the CPU, so the AVX/FMA routines run instead.
    /// </summary>
    public static string ArdourFpuFlags { get; } = FpuFlagsWithoutAvx512();

    private static string FpuFlagsWithoutAvx512()
    {
        // PBD::FPU's bits: flush-to-zero 1, denormals-are-zero 2, SSE 4, SSE2 8, AVX 0x10, FMA 0x40 (AVX-512F 0x80 left out).
        var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?
            .Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
        var bits = 0x1 | 0x2 | 0x4 | 0x8; // every x86-64 CPU
        bits |= flags.Contains("avx") ? 0x10 : 0;
        bits |= flags.Contains("avx") && flags.Contains("fma") ? 0x40 : 0;
        return bits.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Runs Ardour's VST3 scanner on <paramref name="bundle"/> and reads the cache it wrote.</summary>
    public static (CommandResult Result, IReadOnlyList<ScannedClass> Classes) RunScanner(string bundle, string cache, Dictionary<string, string?> environment)
    {
        environment = new Dictionary<string, string?>(environment) { ["XDG_CACHE_HOME"] = cache, ["LD_LIBRARY_PATH"] = "/usr/lib/ardour7" };
        var result = CommandRunner.Run(Scanner, ["-f", bundle], environment, timeoutSeconds: 120);
        var caches = Directory.Exists(cache) ? Directory.GetFiles(cache, "*.v3i", SearchOption.AllDirectories) : [];
        var classes = caches.SelectMany(f => XDocument.Load(f).Descendants("VST3Info")).Select(e => new ScannedClass(
            (string)e.Attribute("uid")!, (string)e.Attribute("name")!, (string)e.Attribute("vendor")!, (string)e.Attribute("category")!,
            (int)e.Attribute("n_inputs")!, (int)e.Attribute("n_outputs")!, (int)e.Attribute("n_aux_inputs")!, (int)e.Attribute("n_aux_outputs")!)).ToList();
        return (result, classes);
    }

    /// <summary>Runs one job in a fresh ardour7-lua process.</summary>
    public ArdourRun Run(ArdourJob job)
    {
        var jobFile = Path.Combine(_root.Path, job.Name + ".job.lua");
        File.WriteAllText(jobFile, job.ToLua(), Encoding.UTF8);
        var environment = Environment();
        environment["JOB_FILE"] = jobFile;
        environment["SESSIONS"] = Sessions;
        environment["OUT_DIR"] = Exports;
        var result = CommandRunner.Run("ardour7-lua", [Path.Combine(TestPaths.RepoRoot, "tests", "daw", "session.lua")], environment, timeoutSeconds: 180);
        return new ArdourRun(job, result, Path.Combine(Exports, job.Name, "export.wav"), job.Reopen ?? Path.Combine(Sessions, job.Name));
    }

    /// <summary>Copies a folder tree.</summary>
    public static void CopyTreeTo(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }
    }

    /// <summary>Saves a .vstpreset where Ardour looks for a class's presets (~/.vst3/presets/VENDOR/NAME/).</summary>
    public void SavePreset(string vendor, string className, string label, byte[] preset)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Home, ".vst3", "presets", vendor, className));
        File.WriteAllBytes(Path.Combine(folder.FullName, label + ".vstpreset"), preset);
    }

    public void Dispose() => _root.Dispose();
}
