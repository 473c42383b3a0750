using System.Text.Json;
using Auralis.Tests.Support;

namespace Auralis.Tests;

/// <summary>The built <c>auralis</c> executable, run as a user runs it.</summary>
public class CliTests
{
    [Fact]
    public void Healthy_build_lists_plugins_and_doctor_passes()
    {
        var plugins = CommandRunner.Auralis("plugins");
        Assert.Equal(0, plugins.ExitCode);
        Assert.Matches(@"org\.auralis\.gain\s+Auralis Gain\s+1\.0\.0\s+1\.0\.0\s+processor\s+ok", plugins.StdOut);

        var doctor = CommandRunner.Auralis("doctor");
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.Contains("libsndfile.so.1: loaded", doctor.StdOut);
        Assert.EndsWith("healthy", doctor.StdOut.Trim());

        var json = JsonDocument.Parse(CommandRunner.Auralis("doctor", "--json").StdOut).RootElement;
        Assert.True(json.GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public void Version_prints_product_sdk_and_bundled_plugins()
    {
        var r = CommandRunner.Auralis("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("auralis 1.0.0\nsdk 1.0.0\n", r.StdOut);
        Assert.Contains("org.auralis.gain 1.0.0", r.StdOut);
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "remove-folder", "required by this installation but not installed" },
        { "corrupt-manifest", "manifest-malformed" },
        { "sdk-2", "incompatible-sdk" },
        { "delete-assembly", "entry-assembly-missing" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Broken_plugin_is_named_by_plugins_doctor_and_process(string breakage, string expected)
    {
        using var t = new TempDir();
        var dir = t.CopyTree(TestPaths.PluginsDir, "plugins");
        var gain = Path.Combine(dir, "gain");
        var manifest = Path.Combine(gain, "plugin.json");
        switch (breakage)
        {
            case "remove-folder":
                Directory.Delete(gain, recursive: true);
                break;
            case "corrupt-manifest":
                File.WriteAllText(manifest, "{ \"id\": \"org.auralis.gain\", ");
                break;
            case "sdk-2":
                File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"sdk_version\": \"1.0.0\"", "\"sdk_version\": \"2.0.0\""));
                break;
            case "delete-assembly":
                File.Delete(Path.Combine(gain, "Auralis.Plugins.Gain.dll"));
                break;
        }

        var doctor = CommandRunner.Auralis("doctor", "--plugins-dir", dir);
        Assert.NotEqual(0, doctor.ExitCode);
        Assert.Contains(expected, doctor.StdOut);
        Assert.Contains("gain", doctor.StdOut);

        if (breakage != "remove-folder")
        {
            var plugins = CommandRunner.Auralis("plugins", "--plugins-dir", dir);
            Assert.Equal(3, plugins.ExitCode);
            Assert.Contains(expected, plugins.StdOut);
        }
        else
        {
            // A folder that is not there is only missing against what the installation requires: an installation
            // (a copy of the built app) without its gain plugin.
            var app = t.CopyTree(TestPaths.AppDir, "app");
            Directory.Delete(Path.Combine(app, "plugins", "gain"), recursive: true);
            var plugins = CommandRunner.Run(Path.Combine(app, Path.GetFileName(TestPaths.AuralisExe)), ["plugins"]);
            Assert.Equal(3, plugins.ExitCode);
            Assert.Contains("org.auralis.gain", plugins.StdOut);
            Assert.Contains(expected, plugins.StdOut);

            // Without its configuration the installation cannot say what it needs: that is an error too, not a pass.
            File.Delete(Path.Combine(app, "auralis.config.json"));
            var unconfigured = CommandRunner.Run(Path.Combine(app, Path.GetFileName(TestPaths.AuralisExe)), ["plugins"]);
            Assert.Equal(3, unconfigured.ExitCode);
            Assert.Contains("auralis.config.json is missing", unconfigured.StdOut);
        }

        // A command that needs the plugin refuses, names it, and writes nothing.
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var process = CommandRunner.Auralis("process", input, t.File("out.wav"), "--chain", "gain", "--plugins-dir", dir);
        Assert.Equal(3, process.ExitCode);
        Assert.Contains("gain", process.StdErr);
        Assert.False(File.Exists(t.File("out.wav")));
    }

    [Fact]
    public void Sdk_mismatch_message_names_both_versions()
    {
        using var t = new TempDir();
        var dir = t.CopyTree(TestPaths.PluginsDir, "plugins");
        var manifest = Path.Combine(dir, "gain", "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"sdk_version\": \"1.0.0\"", "\"sdk_version\": \"2.0.0\""));
        var doctor = CommandRunner.Auralis("doctor", "--plugins-dir", dir);
        Assert.Contains("SDK 2.0.0", doctor.StdOut);
        Assert.Contains("SDK 1.0.0", doctor.StdOut);
    }

    [Fact]
    public void Process_applies_parameters_and_exit_codes_are_documented_ones()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Sine(48000, 440, 48000, 0.5f)]);
        var ok = CommandRunner.Auralis("process", input, t.File("out.flac"), "--chain", "gain", "--param", "gain.gain_db=-6.0206");
        Assert.True(ok.ExitCode == 0, ok.ToString());
        var output = TestAudio.Read(t.File("out.flac"));
        Assert.Single(output); // a mono input picks the plugin's mono layout
        Assert.Equal(0.25, output[0].Max(), 3);

        Assert.Equal(2, CommandRunner.Auralis("process", input, t.File("x.wav")).ExitCode);                          // neither --chain nor --graph
        Assert.Equal(2, CommandRunner.Auralis("process", input, t.File("x.wav"), "--chain", "gain", "--param", "oops").ExitCode);
        Assert.Equal(3, CommandRunner.Auralis("process", input, t.File("x.wav"), "--chain", "reverb").ExitCode);
        Assert.Equal(5, CommandRunner.Auralis("process", t.File("missing.wav"), t.File("x.wav"), "--chain", "gain").ExitCode);
        Assert.Equal(6, CommandRunner.Auralis("process", input, t.File("x.mp3"), "--chain", "gain").ExitCode);
        Assert.Equal(6, CommandRunner.Auralis("process", input, input, "--chain", "gain").ExitCode);
        File.WriteAllText(t.File("g.json"), """{"nodes":[{"id":"a","plugin":"gain"}],"connections":[{"from":"input","to":"a"},{"from":"a","to":"a"}]}""");
        var cycle = CommandRunner.Auralis("process", input, t.File("x.wav"), "--graph", t.File("g.json"));
        Assert.Equal(7, cycle.ExitCode);
        Assert.Contains("cycle", cycle.StdErr);
        Assert.False(File.Exists(t.File("x.wav")));
    }

    [Fact]
    public void Process_refuses_a_chain_that_would_not_change_the_audio()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var r = CommandRunner.Auralis("process", input, t.File("out.wav"), "--chain", "org.auralis.tests.meter",
            "--plugins-dir", TestPaths.TestPluginsDir);
        Assert.Equal(7, r.ExitCode);
        Assert.Contains("output would equal the input", r.StdErr);
        Assert.False(File.Exists(t.File("out.wav")));
    }

    [Fact]
    public void Analyze_writes_valid_json_of_the_documented_shape()
    {
        using var t = new TempDir();
        var sr = 44100;
        var signal = TestAudio.Sine(sr * 2, 220, sr, 0.5f);
        var input = TestAudio.Write(t.File("in.wav"), [signal, signal], sr);
        var r = CommandRunner.Auralis("analyze", input, "--plugins", "meter", "--json", t.File("a.json"), "--plugins-dir", TestPaths.TestPluginsDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        var text = File.ReadAllText(t.File("a.json"));
        Assert.DoesNotContain("NaN", text);
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal(Path.GetFullPath(input), root.GetProperty("file").GetString());
        Assert.Equal(sr, root.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, root.GetProperty("channels").GetInt32());
        Assert.Equal(2.0, root.GetProperty("duration_s").GetDouble(), 6);
        var meter = root.GetProperty("plugins").GetProperty("org.auralis.tests.meter");
        var frames = meter.GetProperty("frames");
        var times = frames.GetProperty("t").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(sr * 2 / 1024, times.Length);
        Assert.Equal(512.0 / sr, times[0], 6);
        Assert.Equal(times.Length, frames.GetProperty("rms").GetArrayLength());
        Assert.Equal(0.5, meter.GetProperty("summary").GetProperty("overall_peak").GetDouble(), 3);
        Assert.Equal(0.5 / Math.Sqrt(2), meter.GetProperty("summary").GetProperty("levels").GetProperty("rms").GetDouble(), 3);
    }

    // Outputs are written beside the target and renamed over it; a device or pipe must be written in place instead.
    // Found on this machine: as root, `--json /dev/null` had replaced the system's /dev/null with a regular file.
    [Fact]
    public async Task A_device_or_pipe_as_output_is_written_in_place_and_stays_what_it_was()
    {
        using var t = new TempDir();
        var sr = 44100;
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Sine(sr, 220, sr, 0.5f)], sr);
        var device = t.File("null.wav");
        Assert.Equal(0, CommandRunner.Run("mknod", ["-m", "666", device, "c", "1", "3"]).ExitCode); // a /dev/null of our own
        var analyze = CommandRunner.Auralis("analyze", input, "--plugins", "meter", "--json", device, "--plugins-dir", TestPaths.TestPluginsDir);
        Assert.True(analyze.ExitCode == 0, analyze.ToString());
        var process = CommandRunner.Auralis("process", input, device, "--chain", "gain");
        Assert.True(process.ExitCode == 0, process.ToString());
        Assert.StartsWith("crw", CommandRunner.Run("ls", ["-l", device]).StdOut, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(t.Path, ".null.wav*")); // no temporary beside it either

        // A named pipe gets the JSON through it and is still a pipe afterwards.
        var pipe = t.File("results.json");
        Assert.Equal(0, CommandRunner.Run("mkfifo", [pipe]).ExitCode);
        var received = Task.Run(() => File.ReadAllText(pipe));
        var toPipe = CommandRunner.Auralis("analyze", input, "--plugins", "meter", "--json", pipe, "--plugins-dir", TestPaths.TestPluginsDir);
        Assert.True(toPipe.ExitCode == 0, toPipe.ToString());
        var json = await received.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(sr, JsonDocument.Parse(json).RootElement.GetProperty("sample_rate").GetInt32());
        Assert.StartsWith("prw", CommandRunner.Run("ls", ["-l", pipe]).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_refuses_processors_and_missing_analyzers_by_name()
    {
        using var t = new TempDir();
        var input = TestAudio.Write(t.File("in.wav"), [TestAudio.Noise(4800, 1)]);
        var processor = CommandRunner.Auralis("analyze", input, "--plugins", "gain");
        Assert.Equal(7, processor.ExitCode);
        Assert.Contains("not an analyzer", processor.StdErr);
        var missing = CommandRunner.Auralis("analyze", input, "--plugins", "nosuchthing");
        Assert.Equal(3, missing.ExitCode);
        Assert.Contains("nosuchthing", missing.StdErr);
    }

    [Fact]
    public void Plugins_directory_comes_from_the_environment_when_not_given()
    {
        var r = CommandRunner.Run(TestPaths.AuralisExe, ["plugins"], new Dictionary<string, string?> { ["AURALIS_PLUGINS"] = TestPaths.TestPluginsDir });
        Assert.Contains("org.auralis.tests.meter", r.StdOut);
        Assert.DoesNotContain("org.auralis.gain", r.StdOut);
    }

    [Fact]
    public void Repo_root_wrapper_runs_the_build()
    {
        var r = CommandRunner.Run(Path.Combine(TestPaths.RepoRoot, "auralis"), ["--version"]);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("auralis ", r.StdOut);
    }

    [Fact]
    public void Config_lists_exactly_the_built_in_plugins()
    {
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "host", "Auralis.Cli", "auralis.config.json")));
        var required = config.RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString()).Order().ToArray();
        var builtIn = Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "plugins")).Select(d => Path.Combine(d, "plugin.json")).Where(File.Exists)
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("id").GetString()).Order().ToArray();
        Assert.Equal(builtIn, required);
    }
}
