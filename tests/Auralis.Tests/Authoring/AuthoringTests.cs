using System.Text.Json;
using Auralis.Tests.Support;

namespace Auralis.Tests.Authoring;

/// <summary>Third-party authors: the packed SDK and template out of tree, the validator, the API compatibility gate.</summary>
[Collection("packages")]
public class AuthoringTests
{
    private static string Version(string property) => System.Text.RegularExpressions.Regex.Match(
        File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")), $"<{property}>(.*)</{property}>").Groups[1].Value;

    private static string NuGetDir => Path.Combine(TestPaths.RepoRoot, "dist", "nuget");

    private static string RequirePackage(string name)
    {
        var path = Path.Combine(NuGetDir, $"{name}.{Version("AuralisSdkVersion")}.nupkg");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run ./build.sh package (./build.sh test does) first");
    }

    [Fact]
    public void Template_to_a_validated_plugin_processing_audio_out_of_tree()
    {
        RequirePackage("Auralis.Sdk");
        var templates = RequirePackage("Auralis.Templates");
        using var t = new TempDir();
        var env = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = t.File("packages"),    // never reuse a cached Auralis.Sdk: restore the packed one
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["AURALIS_EXE"] = TestPaths.AuralisExe,
        };
        CommandResult Dotnet(string cwd, params string[] args)
        {
            var r = CommandRunner.Run("dotnet", args, env, cwd, timeoutSeconds: 600);
            Assert.True(r.ExitCode == 0, $"dotnet {string.Join(' ', args)}\n{r}");
            return r;
        }

        var hive = t.File("hive");
        Dotnet(t.Path, "new", "install", templates, "--debug:custom-hive", hive);
        Dotnet(t.Path, "new", "auralis-plugin", "-n", "MyFx", "--vendor", "org.thirdparty", "--debug:custom-hive", hive);
        var project = t.File("MyFx");
        var globalPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration>
              <packageSources><add key="auralis-local" value="{NuGetDir}" /></packageSources>
              <fallbackPackageFolders><add key="global" value="{globalPackages}" /></fallbackPackageFolders>
            </configuration>
            """);
        Assert.DoesNotContain("ProjectReference Include=\"../../", File.ReadAllText(Path.Combine(project, "MyFx", "MyFx.csproj")));

        Dotnet(project, "build", "MyFx.slnx", "-c", "Release");
        Assert.True(Directory.Exists(Path.Combine(t.File("packages"), "auralis.sdk", Version("AuralisSdkVersion"))), "the SDK came from the packed feed");
        var test = Dotnet(project, "test", "MyFx.slnx", "-c", "Release", "--no-build");
        Assert.Contains("Passed!", test.StdOut);

        // Install: copy the built folder into a plugins directory; the CLI finds and runs it.
        var plugins = t.File("plugins");
        var built = Path.Combine(project, "MyFx", "bin", "Release", "net10.0");
        Directory.CreateDirectory(Path.Combine(plugins, "myfx"));
        foreach (var f in Directory.GetFiles(built))
        {
            File.Copy(f, Path.Combine(plugins, "myfx", Path.GetFileName(f)));
        }
        Assert.False(File.Exists(Path.Combine(plugins, "myfx", "Auralis.Sdk.dll")), "the SDK must not be shipped inside the plugin");
        var listing = CommandRunner.Auralis("plugins", "--plugins-dir", plugins);
        Assert.Matches(@"org\.thirdparty\.myfx\s+MyFx\s+1\.0\.0\s+1\.0\.0\s+processor\s+ok", listing.StdOut);

        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Sine(48000, 440, 48000, 0.5f)]);
        var process = CommandRunner.Auralis("process", input, t.File("out.wav"), "--chain", "myfx", "--plugins-dir", plugins);
        Assert.True(process.ExitCode == 0, process.ToString());
        Assert.Equal(0.5 * Math.Pow(10, -6 / 20.0), TestAudio.Read(t.File("out.wav"))[0].Max(), 3); // the template's -6 dB default

        // In a DAW: the VST3 bundle offers the third-party plugin as a class (Ardour's own scanner, AURALIS_PLUGINS).
        var bundle = t.CopyTree(Path.Combine(TestPaths.RepoRoot, "artifacts", "vst3", "Auralis.vst3"), "vst3/Auralis.vst3");
        var past = DateTime.UtcNow.AddSeconds(-5); // the scanner takes a bundle younger than a second for stale
        foreach (var entry in Directory.GetFileSystemEntries(bundle, "*", SearchOption.AllDirectories).Append(bundle))
        {
            File.SetLastWriteTimeUtc(entry, past);
        }
        var scan = CommandRunner.Run("/usr/lib/ardour7/ardour-vst3-scanner", ["-f", bundle], new Dictionary<string, string?>
        {
            ["LD_LIBRARY_PATH"] = "/usr/lib/ardour7", ["HOME"] = t.Path, ["XDG_CACHE_HOME"] = t.File("cache"), ["XDG_DATA_HOME"] = t.File("data"),
            ["AURALIS_PLUGINS"] = plugins,
        });
        Assert.Contains("Found Plugin: MyFx", scan.All);
        Assert.Contains("Found Plugin: Auralis Chain", scan.All);
    }

    [Fact]
    public void Bad_plugin_fails_exactly_the_right_checks()
    {
        var r = CommandRunner.Auralis("validate", Path.Combine(TestPaths.TestPluginsDir, "bad"), "--strictness", "10", "--json");
        Assert.Equal(1, r.ExitCode);
        var checks = JsonDocument.Parse(r.StdOut).RootElement.GetProperty("checks").EnumerateArray().ToArray();
        var failed = checks.Where(c => !c.GetProperty("passed").GetBoolean()).Select(c => c.GetProperty("id").GetString()!).Order().ToArray();
        Assert.Equal(["allocation", "input-denormal", "latency", "state"], failed);
        string Detail(string id) => checks.Single(c => c.GetProperty("id").GetString() == id).GetProperty("detail").GetString()!;
        Assert.Contains("bytes allocated", Detail("allocation"));
        Assert.Contains("reports 64 samples of latency but the impulse comes out after 0", Detail("latency"));
        Assert.Contains("NaN", Detail("input-denormal"));
        Assert.Contains("fresh instance differs", Detail("state"));
    }

    [Fact]
    public void Every_built_in_plugin_passes_the_validator_at_full_strictness()
    {
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "host/Auralis.Cli/auralis.config.json")));
        foreach (var id in config.RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString()!))
        {
            var r = CommandRunner.Auralis("validate", id, "--strictness", "10");
            Assert.True(r.ExitCode == 0, $"{id}:\n{r.StdOut}{r.StdErr}");
            Assert.Contains("passed all", r.StdOut);
        }
    }

    [Fact]
    public void Plugin_built_against_sdk_1_0_0_keeps_loading_and_validating()
    {
        var folder = Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "binary", "sdk-1.0.0-plugin");
        var list = CommandRunner.Auralis("plugins", "--plugins-dir", Path.GetDirectoryName(folder)!, "--json");
        var entry = JsonDocument.Parse(list.StdOut).RootElement.GetProperty("plugins").EnumerateArray()
            .Single(p => p.GetProperty("id").GetString() == "org.auralis.tests.sdk100");
        Assert.Equal("1.0.0", entry.GetProperty("sdk_version").GetString());
        Assert.Equal("ok", entry.GetProperty("status").GetString());
        var validate = CommandRunner.Auralis("validate", folder, "--strictness", "10");
        Assert.True(validate.ExitCode == 0, validate.ToString());
    }

    [Fact]
    public void A_breaking_sdk_change_fails_the_build_and_the_api_compatibility_check()
    {
        // A copy of the SDK with one public member removed, as a careless refactoring would.
        using var t = new TempDir();
        foreach (var f in new[] { "Directory.Build.props", "Directory.Packages.props", "LICENSE" })
        {
            File.Copy(Path.Combine(TestPaths.RepoRoot, f), t.File(f));
        }
        t.CopyTree(Path.Combine(TestPaths.RepoRoot, "sdk", "Auralis.Sdk"), "sdk/Auralis.Sdk");
        t.CopyTree(Path.Combine(TestPaths.RepoRoot, "sdk", "baseline"), "sdk/baseline");
        foreach (var d in new[] { "bin", "obj" }.Select(d => t.File($"sdk/Auralis.Sdk/{d}")).Where(Directory.Exists))
        {
            Directory.Delete(d, true);
        }
        var descriptor = t.File("sdk/Auralis.Sdk/PluginDescriptor.cs");
        var source = File.ReadAllText(descriptor);
        var start = source.IndexOf("    /// <summary>The index of the parameter with", StringComparison.Ordinal);
        var end = source.IndexOf("    private static void RequireUnique", StringComparison.Ordinal);
        File.WriteAllText(descriptor, source[..start] + source[end..]);
        var project = t.File("sdk/Auralis.Sdk/Auralis.Sdk.csproj");

        // 1. The public API file still lists the member: the build fails (PublicApiAnalyzers, RS0017).
        var build = CommandRunner.Run("dotnet", ["build", project, "-c", "Release", "-nologo"], timeoutSeconds: 600);
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("RS0017", build.StdOut);
        Assert.Contains("IndexOfParameter", build.StdOut);

        // 2. Someone "fixes" the build by deleting the line too: packing still fails against the shipped package (ApiCompat).
        var shipped = t.File("sdk/Auralis.Sdk/PublicAPI.Shipped.txt");
        File.WriteAllLines(shipped, File.ReadAllLines(shipped).Where(l => !l.Contains("IndexOfParameter")));
        var pack = CommandRunner.Run("dotnet", ["pack", project, "-c", "Release", "-o", t.File("out"), "-nologo"], timeoutSeconds: 600);
        Assert.NotEqual(0, pack.ExitCode);
        Assert.Contains("CP0002", pack.StdOut);
        Assert.Contains("IndexOfParameter", pack.StdOut);
    }
}
