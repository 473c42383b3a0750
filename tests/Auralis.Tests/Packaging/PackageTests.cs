using System.Text.Json;
using Auralis.Tests.Support;

namespace Auralis.Tests.Packaging;

/// <summary>
/// What ships is what was tested: the packages in dist/ (made by ./build.sh package, which ./build.sh test runs first)
/// are unpacked and run from a clean directory with an empty environment, installed as a .deb, and broken on purpose.
/// </summary>
[Collection("packages")]
public class PackageTests
{
    private static readonly string Version = System.Text.RegularExpressions.Regex.Match(
        File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")), "<AuralisVersion>(.*)</AuralisVersion>").Groups[1].Value;

    private static string Tarball => Require(Path.Combine(TestPaths.RepoRoot, "dist", $"auralis-{Version}-linux-x64.tar.gz"));

    private static string Deb => Require(Path.Combine(TestPaths.RepoRoot, "dist", $"auralis_{Version}_amd64.deb"));

    private static readonly Dictionary<string, string?> EmptyEnvironment = new() { ["PATH"] = "/usr/bin:/bin" };

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run ./build.sh package (./build.sh test does) first", path);

    /// <summary>Unpacks the tarball into a fresh directory outside the repository; returns the install root.</summary>
    private static string Unpack(TempDir t, string tarball)
    {
        var r = CommandRunner.Run("tar", ["-xzf", tarball, "-C", t.Path]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return Path.Combine(t.Path, $"auralis-{Version}");
    }

    private static CommandResult RunClean(string exe, string cwd, params string[] args) =>
        CommandRunner.Run(exe, args, EmptyEnvironment, cwd, clearEnvironment: true);

    [Fact]
    public void Tarball_runs_from_a_clean_directory_with_an_empty_environment()
    {
        using var t = new TempDir();
        Assert.DoesNotContain(TestPaths.RepoRoot, t.Path);
        var root = Unpack(t, Tarball);
        var exe = Path.Combine(root, "auralis");

        var doctor = RunClean(exe, t.Path, "doctor");
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.DoesNotContain("/work/", doctor.StdOut.Replace(t.Path, ""));   // nothing found through the repository

        var version = RunClean(exe, t.Path, "--version");
        Assert.StartsWith($"auralis {Version}\n", version.StdOut);

        // Process: a -6.02 dB gain on a 0.5 sine gives 0.25 exactly where a wrong or missing plugin would not.
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Sine(48000, 440, 48000, 0.5f)]);
        var process = RunClean(exe, t.Path, "process", input, t.File("out.wav"), "--chain", "gain", "--param", "gain.gain_db=-6.0206");
        Assert.True(process.ExitCode == 0, process.ToString());
        Assert.Equal(0.25, TestAudio.Read(t.File("out.wav"))[0].Max(), 3);

        // Analyze with every installed analyzer, plus a third-party analyzer installed by copying its folder in.
        CopyDirectory(Path.Combine(TestPaths.TestPluginsDir, "meter"), Path.Combine(root, "plugins", "meter"));
        var analyze = RunClean(exe, t.Path, "analyze", input, "--json", t.File("a.json"));
        Assert.True(analyze.ExitCode == 0, analyze.ToString());
        var plugins = JsonDocument.Parse(File.ReadAllText(t.File("a.json"))).RootElement.GetProperty("plugins");
        Assert.Equal(0.5, plugins.GetProperty("org.auralis.tests.meter").GetProperty("summary").GetProperty("overall_peak").GetDouble(), 3);
        foreach (var id in BuiltInAnalyzers(exe, t.Path))
        {
            Assert.True(plugins.TryGetProperty(id, out _), $"built-in analyzer {id} missing from the analysis");
        }
    }

    [Fact]
    public void Deb_installs_runs_and_removes()
    {
        using var t = new TempDir();
        var install = CommandRunner.Run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=600", Deb],
            new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" }, timeoutSeconds: 600);
        Assert.True(install.ExitCode == 0, install.ToString());
        try
        {
            Assert.True(File.Exists("/usr/bin/auralis"));
            Assert.True(File.Exists("/usr/lib/vst3/Auralis.vst3/Contents/x86_64-linux/Auralis.so"), "the VST3 bundle is installed for DAWs");
            var doctor = RunClean("/usr/bin/auralis", t.Path, "doctor");
            Assert.True(doctor.ExitCode == 0, doctor.ToString());
            Assert.Contains("/usr/lib/auralis/plugins", doctor.StdOut);
            var input = TestAudio.Write(t.File("in.wav"), TestAudio.StereoMix(48000, 48000));
            var process = RunClean("/usr/bin/auralis", t.Path, "process", input, t.File("out.flac"), "--chain", "gain");
            Assert.True(process.ExitCode == 0, process.ToString());
            var output = TestAudio.Read(t.File("out.flac"));
            var original = TestAudio.Read(input);
            Assert.True(TestAudio.MaxAbsDiff(original[1], output[1]) < 2.0 / (1 << 23), "0 dB gain through FLAC-24 is transparent");
        }
        finally
        {
            var remove = CommandRunner.Run("apt-get", ["remove", "-y", "-q", "-o", "DPkg::Lock::Timeout=600", "auralis"],
                new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" }, timeoutSeconds: 600);
            Assert.True(remove.ExitCode == 0, remove.ToString());
        }
        Assert.False(File.Exists("/usr/bin/auralis"));
        Assert.False(Directory.Exists("/usr/lib/vst3/Auralis.vst3"));
    }

    [Fact]
    public void Deb_declares_its_native_dependencies()
    {
        var depends = CommandRunner.Run("dpkg-deb", ["-f", Deb, "Depends"]).StdOut;
        Assert.Contains("libsndfile1", depends);
        Assert.Contains("libavcodec59", depends);
        Assert.Contains("libjack-jackd2-0", depends);
        var contents = CommandRunner.Run("dpkg-deb", ["-c", Deb]).StdOut;
        Assert.Contains("./usr/lib/auralis/plugins/gain/plugin.json", contents);
        Assert.Contains("./usr/lib/auralis/libauralis_decode.so", contents);
        Assert.Contains("./usr/bin/auralis -> ../lib/auralis/auralis", contents);
        Assert.Contains("./usr/lib/vst3/Auralis.vst3/Contents/x86_64-linux/Auralis.so", contents);
        Assert.Contains("./usr/lib/vst3/Auralis.vst3/Contents/Resources/moduleinfo.json", contents);
    }

    public static TheoryData<string, string, bool> Breakages => new()
    {
        // what to break, the file the checks must name, whether processing with the gain plugin must fail
        { "delete", "plugins/gain/Auralis.Plugins.Gain.dll", true },
        { "delete", "libSystem.IO.Compression.Native.so", false },
        { "corrupt", "plugins/gain/plugin.json", true },
        { "delete", "wwwroot/app.js", false },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void A_broken_package_fails_verification_doctor_and_the_job_naming_the_file(string how, string file, bool processFails)
    {
        using var t = new TempDir();
        var root = Unpack(t, Tarball);
        var target = Path.Combine(root, file);
        if (how == "delete")
        {
            File.Delete(target);
        }
        else
        {
            File.WriteAllText(target, "{ \"id\": \"org.auralis.gain\", \"version\": ");
        }
        var broken = t.File($"auralis-{Version}-linux-x64.tar.gz");
        Assert.Equal(0, CommandRunner.Run("tar", ["-czf", broken, "-C", t.Path, $"auralis-{Version}"]).ExitCode);

        var verify = CommandRunner.Run("/usr/bin/python3", [Path.Combine(TestPaths.RepoRoot, "host/Packaging/verify_package.py"), TestPaths.RepoRoot, broken]);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains(Path.GetFileName(file), verify.StdOut);
        Assert.Contains("FAILED", verify.StdOut);

        var doctor = RunClean(Path.Combine(root, "auralis"), t.Path, "doctor");
        Assert.Equal(1, doctor.ExitCode);
        Assert.Contains(how == "corrupt" ? "manifest-malformed" : Path.GetFileName(file), doctor.StdOut);

        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var process = RunClean(Path.Combine(root, "auralis"), t.Path, "process", input, t.File("out.wav"), "--chain", "gain");
        if (processFails)
        {
            Assert.Equal(3, process.ExitCode);
            Assert.Contains("gain", process.StdErr);
            Assert.False(File.Exists(t.File("out.wav")), "no output may be written when the plugin is broken");
        }
        else
        {
            Assert.True(process.ExitCode == 0, process.ToString());
        }
    }

    [Theory]
    [InlineData("Contents/x86_64-linux/Auralis.so")]
    [InlineData("Contents/Resources/plugins/gain/plugin.json")]
    public void A_package_with_a_broken_vst3_bundle_fails_verification_naming_the_file(string file)
    {
        using var t = new TempDir();
        var root = Unpack(t, Tarball);
        File.Delete(Path.Combine(root, "vst3", "Auralis.vst3", file));
        var broken = t.File($"auralis-{Version}-linux-x64.tar.gz");
        Assert.Equal(0, CommandRunner.Run("tar", ["-czf", broken, "-C", t.Path, $"auralis-{Version}"]).ExitCode);
        var verify = CommandRunner.Run("/usr/bin/python3", [Path.Combine(TestPaths.RepoRoot, "host/Packaging/verify_package.py"), TestPaths.RepoRoot, broken]);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains("FAILED", verify.StdOut);
        Assert.Contains(file.StartsWith("Contents/x86") ? "Auralis.so" : "org.auralis.gain", verify.StdOut);
    }

    [Fact]
    public void The_good_packages_pass_verification()
    {
        var verify = CommandRunner.Run("/usr/bin/python3", [Path.Combine(TestPaths.RepoRoot, "host/Packaging/verify_package.py"), TestPaths.RepoRoot, Tarball, Deb, Path.Combine(TestPaths.RepoRoot, "dist", "Auralis.vst3")]);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"ok: {Tarball}", verify.StdOut);
        Assert.Contains($"ok: {Deb}", verify.StdOut);
    }

    [Fact]
    public void Missing_system_libsndfile_is_named_by_doctor_and_refused_by_process()
    {
        using var t = new TempDir();
        var root = Unpack(t, Tarball);
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var r = WithSystemLibraryHidden("libsndfile.so.1", t,
            $"{root}/auralis doctor; echo \"doctor-exit=$?\"; " +
            $"{root}/auralis process {input} {t.File("out.wav")} --chain gain; echo \"process-exit=$?\"");
        Assert.Contains("doctor-exit=1", r.StdOut);
        Assert.Contains("FAIL  native   libsndfile.so.1", r.StdOut);
        Assert.Contains("apt-get install libsndfile1", r.StdOut);
        Assert.Contains("process-exit=4", r.StdOut);
        Assert.Contains("native library libsndfile.so.1 is missing", r.StdErr);
        Assert.False(File.Exists(t.File("out.wav")));
    }

    [Fact]
    public void Missing_system_libavcodec_is_named_by_doctor_and_by_the_request_that_needs_it()
    {
        // Ogg Vorbis is decoded by libavcodec through the package's libauralis_decode.so; other formats never load it.
        using var t = new TempDir();
        var root = Unpack(t, Tarball);
        var wav = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var ogg = TestAudio.Write(t.File("in.ogg"), [TestAudio.Noise(48000, 2)]);
        var r = WithSystemLibraryHidden("libavcodec.so.59", t,
            $"{root}/auralis doctor; echo \"doctor-exit=$?\"; " +
            $"{root}/auralis analyze {ogg} --plugins loudness; echo \"analyze-exit=$?\"; " +
            $"{root}/auralis process {wav} {t.File("out.wav")} --chain gain; echo \"process-exit=$?\"");
        Assert.Contains("doctor-exit=1", r.StdOut);
        Assert.Contains("FAIL  native   libavcodec.so.59", r.StdOut);
        Assert.Contains("apt-get install libavcodec59", r.StdOut);
        Assert.Contains("analyze-exit=4", r.StdOut);
        Assert.Contains("native library libavcodec.so.59 is missing (decoding Ogg Vorbis files)", r.StdErr);
        Assert.Contains("process-exit=0", r.StdOut);
        Assert.True(File.Exists(t.File("out.wav")), r.ToString());
    }

    // Runs `commands` with the system's `soname` hidden (/dev/null bound over it) in a private mount namespace (root
    // only): the system is untouched for everyone else. An empty environment, from the temporary directory.
    private static CommandResult WithSystemLibraryHidden(string soname, TempDir t, string commands)
    {
        var lib = CommandRunner.Run("/sbin/ldconfig", ["-p"]).StdOut.Split('\n')
            .Select(l => l.Split("=> ").ElementAtOrDefault(1)?.Trim()).First(p => p is not null && p.EndsWith(soname))!;
        return CommandRunner.Run("unshare", ["--mount", "--propagation", "private", "sh", "-c", $"mount --bind /dev/null {lib} && {commands}"],
            EmptyEnvironment, t.Path, clearEnvironment: true);
    }

    private static IEnumerable<string> BuiltInAnalyzers(string exe, string cwd)
    {
        var json = JsonDocument.Parse(RunClean(exe, cwd, "plugins", "--json").StdOut).RootElement.GetProperty("plugins");
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "host/Auralis.Cli/auralis.config.json")))
            .RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        return json.EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "analyzer" && config.Contains(p.GetProperty("id").GetString()))
            .Select(p => p.GetProperty("id").GetString()!).ToArray();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
    }
}
