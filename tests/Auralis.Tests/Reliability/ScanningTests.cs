using Auralis.Engine.Plugins;
using Auralis.Engine.Scanning;
using Auralis.Tests.Support;

namespace Auralis.Tests.Reliability;

/// <summary>Out-of-process plugin scanning with the real <c>auralis plugin-scan</c> child and a plugin that really
/// crashes or hangs in Initialize.</summary>
public class ScanningTests
{
    private static string CopyPlugins(TempDir t, params string[] folders)
    {
        var root = Directory.CreateDirectory(t.File("plugins")).FullName;
        foreach (var f in folders)
        {
            t.CopyTree(Path.Combine(TestPaths.TestPluginsDir, f), Path.Combine("plugins", f));
        }
        return root;
    }

    private static ScanOptions Options(TempDir t, double timeoutSeconds = 60, string version = "1.0.0") => new()
    {
        ExecutablePath = TestPaths.AuralisExe,
        CacheDirectory = t.File("cache"),
        Timeout = TimeSpan.FromSeconds(timeoutSeconds),
        HostVersion = version,
    };

    [Fact]
    public void A_plugin_that_segfaults_the_scanner_is_a_named_error_in_plugins_and_doctor_and_the_host_carries_on()
    {
        using var t = new TempDir();
        var plugins = CopyPlugins(t, "crasher", "meter");
        File.WriteAllText(Path.Combine(plugins, "crasher", "initialize-fault"), "3");
        var env = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = t.File("xdg") };

        var list = CommandRunner.Run(TestPaths.AuralisExe, ["plugins", "--plugins-dir", plugins], env);
        Assert.Equal(3, list.ExitCode); // a plugin is unavailable
        Assert.Contains("org.auralis.tests.crasher", list.StdOut);
        Assert.Contains("scan-failed: the plugin crashed the scanner (SIGSEGV, segmentation fault)", list.StdOut);
        Assert.Matches(@"org\.auralis\.tests\.meter\s+Meter.*\sok", list.StdOut);
        Assert.True(File.Exists(t.File("xdg/auralis/plugin-scan.json")));

        var doctor = CommandRunner.Run(TestPaths.AuralisExe, ["doctor", "--plugins-dir", plugins], env);
        Assert.Contains("FAIL  plugins  org.auralis.tests.crasher: scan-failed: the plugin crashed the scanner (SIGSEGV", doctor.StdOut);

        // Asking for it is the named error (exit 3), never a crash of the host; other plugins still work.
        using var audio = new TempDir();
        var input = TestAudio.Write(audio.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var refused = CommandRunner.Run(TestPaths.AuralisExe, ["process", input, audio.File("out.wav"), "--chain", "crasher", "--plugins-dir", plugins], env);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("scan-failed", refused.StdErr);
        Assert.False(File.Exists(audio.File("out.wav")));
        var analyze = CommandRunner.Run(TestPaths.AuralisExe, ["analyze", input, "--plugins", "meter", "--plugins-dir", plugins], env);
        Assert.Equal(0, analyze.ExitCode);
    }

    [Fact]
    public void A_plugin_that_hangs_the_scanner_is_killed_and_marked_bad()
    {
        using var t = new TempDir();
        var plugins = CopyPlugins(t, "crasher");
        File.WriteAllText(Path.Combine(plugins, "crasher", "initialize-fault"), "6");
        var catalog = PluginCatalog.Scan(plugins);
        var verdict = Assert.Single(PluginScanner.Vet(catalog, Options(t, timeoutSeconds: 3)));
        Assert.False(verdict.Passed);
        Assert.Equal("the plugin hung the scanner (no verdict within 3 s)", verdict.Reason);
        Assert.Equal(PluginErrorKind.ScanFailed, catalog.Records[0].Error!.Kind);
        Assert.Throws<PluginLoadException>(() => catalog.Resolve("crasher"));
    }

    [Fact]
    public void Verdicts_are_cached_by_fingerprint_and_host_version_and_a_changed_plugin_is_rescanned()
    {
        using var t = new TempDir();
        var plugins = CopyPlugins(t, "crasher", "delay-short");
        var first = PluginScanner.Vet(PluginCatalog.Scan(plugins), Options(t));
        Assert.All(first, v => Assert.True(v.Passed && !v.FromCache));

        var second = PluginScanner.Vet(PluginCatalog.Scan(plugins), Options(t));
        Assert.All(second, v => Assert.True(v.Passed && v.FromCache));

        // The crasher's folder changes (a FailFast on Initialize appears): only it is scanned again, and found bad.
        File.WriteAllText(Path.Combine(plugins, "crasher", "initialize-fault"), "5");
        var catalog = PluginCatalog.Scan(plugins);
        var third = PluginScanner.Vet(catalog, Options(t)).ToDictionary(v => Path.GetFileName(v.Folder));
        Assert.False(third["crasher"].FromCache);
        Assert.False(third["crasher"].Passed);
        Assert.Contains("crashed the scanner (SIGABRT, aborted: Process terminated. crasher fixture: FailFast requested)", third["crasher"].Reason);
        Assert.True(third["delay-short"].FromCache);
        Assert.Equal(PluginErrorKind.ScanFailed, catalog.Find("crasher").Error!.Kind);

        // The bad verdict is cached too (the host does not crash the scanner at every start) until the host changes.
        Assert.True(PluginScanner.Vet(PluginCatalog.Scan(plugins), Options(t)).Single(v => v.Folder.EndsWith("crasher", StringComparison.Ordinal)).FromCache);
        Assert.All(PluginScanner.Vet(PluginCatalog.Scan(plugins), Options(t, version: "1.0.1")), v => Assert.False(v.FromCache));
    }

    [Fact]
    public void Verdicts_of_folders_that_no_longer_exist_are_dropped_from_the_cache()
    {
        using var t = new TempDir();
        var plugins = CopyPlugins(t, "delay-short", "meter");
        PluginScanner.Vet(PluginCatalog.Scan(plugins), Options(t));
        var cacheFile = Path.Combine(t.File("cache"), PluginScanner.CacheFileName);
        string[] Folders() => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(cacheFile))!["entries"]!.AsObject()
            .Select(e => Path.GetFileName(e.Key)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["delay-short", "meter"], Folders());

        Directory.Delete(Path.Combine(plugins, "meter"), recursive: true);
        var verdicts = PluginScanner.Vet(PluginCatalog.Scan(plugins), Options(t));
        Assert.True(verdicts.Single().FromCache); // the remaining plugin is not rescanned
        Assert.Equal(["delay-short"], Folders());
    }

    [Fact]
    public void The_cache_lives_under_XDG_CACHE_HOME()
    {
        var saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg-test");
            Assert.Equal("/tmp/xdg-test/auralis", PluginScanner.DefaultCacheDirectory());
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }
}
