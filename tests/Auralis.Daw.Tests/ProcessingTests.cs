using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Auralis.Daw.Tests.Support;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Tests.Support;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Classes;

namespace Auralis.Daw.Tests;

/// <summary>
/// Audio through Auralis inside Ardour (headless, exported to 32-bit float WAV) against the same input through
/// <c>auralis process</c>. The tests' player feeds the track directly and is not latency-compensated, so Ardour's export
/// lags by the latency Ardour accounts for; comparing at exactly that lag also proves the latency it uses.
/// </summary>
[Collection(ArdourCollection.Name)]
public sealed class ProcessingTests(ArdourRig rig)
{
    public static TheoryData<string> BuiltInPlugins => new(DawAudio.BuiltInPluginIds());

    private static LoadedPlugin BuiltIn(string id) =>
        PluginCatalog.Scan(TestPaths.PluginsDir).Resolve(id);

    [Theory]
    [MemberData(nameof(BuiltInPlugins))]
    public void Built_in_plugin_in_Ardour_equals_auralis_process(string pluginId)
    {
        var plugin = BuiltIn(pluginId);
        var d = plugin.Descriptor;
        var input = DawAudio.GoldenInput(rig.Workspace);

        // An analyzer passes the track's audio through; a processor is compared on its first output (a DAW track
        // carries the main bus; further ports are aux buses). `auralis process` writes the plugin's tail after the
        // input, so Ardour's export runs that much longer too.
        var (expected, ours) = d.Kind == PluginKind.Analyzer
            ? (input, 0)
            : DawAudio.Expected(input, Path.Combine(rig.Workspace, $"expected-{plugin.Id}.wav"), TestPaths.PluginsDir,
                "--chain", d.Layouts[0].Outputs.Count > 1 ? $"{plugin.Id}.{d.Layouts[0].Outputs[0].Name}" : plugin.Id);
        var tail = TestAudio.Read(expected)[0].Length - TestAudio.Read(input)[0].Length;
        var run = Ran(rig.Run(new ArdourJob("builtin-" + plugin.Id.Replace('.', '-'), input) { Plugin = d.Name, Describe = true, Tail = tail }));
        AssertEqualsAtArdoursLatency(run, expected, ours, d.Name);

        // Every parameter and frame result is there, by label, in the right direction.
        var shown = run.Values["parameter"].Select(p => p.Split(' ', 3)).ToDictionary(p => p[2], p => p[1]);
        foreach (var p in d.Parameters)
        {
            Assert.Equal("input", shown[p.Name]);
        }
        Assert.Equal("output", shown["Fault (bypassed)"]);
        AssertNoAudioThreadAllocation(run);
    }

    [Fact]
    public void Parameters_set_by_label_change_the_output_and_survive_save_close_reopen()
    {
        var input = DawAudio.GoldenInput(rig.Workspace);
        var (unity, _) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "gain-0.wav"), TestPaths.PluginsDir, "--chain", "gain");
        var (minus6, _) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "gain-6.wav"), TestPaths.PluginsDir, "--chain", "gain", "--param", "gain.gain_db=-6");
        var (minus12, _) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "gain-12.wav"), TestPaths.PluginsDir, "--chain", "gain", "--param", "gain.gain_db=-12");

        var saved = Ran(rig.Run(new ArdourJob("gain-param", input)
        {
            Plugin = "Auralis Gain", Parameters = new Dictionary<string, double> { ["Gain"] = -6 }, Read = ["Gain"], Save = true,
        }));
        Assert.Equal(-6, saved.Number("param:Gain"), 4);
        Assert.True(DawAudio.MaxDifferenceDbfs(minus6, saved.ExportPath, 0) <= DawAudio.ToleranceDbfs);
        Assert.Equal(-6, DawAudio.RmsDbfs(saved.ExportPath) - DawAudio.RmsDbfs(unity), 2);
        AssertNoAudioThreadAllocation(saved);

        // The session holds Auralis's own state (PluginState JSON inside the VST3 chunk)...
        var session = Path.Combine(saved.SessionDirectory, "ci.ardour");
        var chunk = SessionChunk(session, "Auralis Gain");
        var (classId, state) = VstPresetFile.Read(Convert.FromBase64String(chunk.Value));
        Assert.Equal(Vst3Class.IdFor("org.auralis.gain"), classId);
        var json = PluginState.FromJson(Encoding.UTF8.GetString(state));
        Assert.Equal("org.auralis.gain", json.PluginId);
        Assert.Equal(-6, json.Parameters["gain_db"], 4);

        // ...and reopening it restores the parameter and the sound.
        var reopened = Ran(rig.Run(new ArdourJob("gain-reopen", input) { Reopen = saved.SessionDirectory, Read = ["Gain"] }));
        Assert.Equal(-6, reopened.Number("param:Gain"), 4);
        Assert.True(DawAudio.MaxDifferenceDbfs(minus6, reopened.ExportPath, 0) <= DawAudio.ToleranceDbfs);

        // It is that state, not Ardour's own copy of the parameter values, that restores it: a session whose Auralis
        // state says -12 dB reopens at -12 dB although Ardour's port values still say -6.
        var copy = Path.Combine(rig.Sessions, "gain-edited");
        ArdourRig.CopyTreeTo(saved.SessionDirectory, copy);
        var edited = new PluginState("org.auralis.gain", 1, new Dictionary<string, float> { ["gain_db"] = -12 });
        var document = XDocument.Load(Path.Combine(copy, "ci.ardour"));
        SessionChunk(document, "Auralis Gain").Value = Convert.ToBase64String(VstPresetFile.Create(classId, Encoding.UTF8.GetBytes(edited.ToJson())));
        document.Save(Path.Combine(copy, "ci.ardour"));
        var fromState = Ran(rig.Run(new ArdourJob("gain-edited-reopen", input) { Reopen = copy, Read = ["Gain"] }));
        Assert.Equal(-12, fromState.Number("param:Gain"), 4);
        Assert.True(DawAudio.MaxDifferenceDbfs(minus12, fromState.ExportPath, 0) <= DawAudio.ToleranceDbfs);
    }

    [Fact]
    public void Third_party_plugin_latency_is_what_Ardour_uses_and_compensates()
    {
        var input = DawAudio.GoldenInput(rig.Workspace);
        var (expected, ours) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "delay-long.wav"), TestPaths.TestPluginsDir, "--chain", "delay-long");
        Assert.Equal(100, ours);
        var run = Ran(rig.Run(new ArdourJob("delay-long", input) { Plugin = "Delay 100" }));
        AssertEqualsAtArdoursLatency(run, expected, ours, "Delay 100 (fixture)");
        AssertNoAudioThreadAllocation(run);
    }

    [Fact]
    public void A_plugin_with_two_output_ports_plays_its_first_on_the_track()
    {
        // Split's ports are a main and an aux output bus; a DAW track carries the main one.
        var input = DawAudio.GoldenInput(rig.Workspace);
        var (expected, ours) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "split.wav"), ArdourRig.DawTestPlugins, "--chain", "split.main");
        var run = Ran(rig.Run(new ArdourJob("split", input) { Plugin = "Split" }));
        AssertEqualsAtArdoursLatency(run, expected, ours, "Split (two output ports, user plugins folder)");
        AssertNoAudioThreadAllocation(run);
    }

    [Fact]
    public void Chain_with_a_third_party_plugin_runs_its_graph_in_Ardour()
    {
        var input = DawAudio.GoldenInput(rig.Workspace);
        var graph = Graph(rig.Workspace, "delay-gain.json", """
            { "nodes": [ { "id": "delay", "plugin": "org.auralis.tests.delay-short" },
                         { "id": "level", "plugin": "gain", "parameters": { "gain_db": -6 } } ],
              "connections": [ { "from": "input", "to": "delay" }, { "from": "delay", "to": "level" }, { "from": "level", "to": "output" } ] }
            """);
        var plugins = DawAudio.MixedPluginsDirectory(rig.Workspace, "delay-short");
        var (expected, ours) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "chain.wav"), plugins, "--graph", graph);
        Assert.Equal(37, ours);
        SaveChainPreset("delay-gain", graph);

        var run = Ran(rig.Run(new ArdourJob("chain", input) { Plugin = "Auralis Chain", Preset = "delay-gain", Latency = ours, Read = ["Fault (bypassed)"] }));
        AssertEqualsAtArdoursLatency(run, expected, ours, "Auralis Chain (Delay 37 fixture → Auralis Gain −6 dB)");
        Assert.Equal(0, run.Number("param:Fault (bypassed)"));
        AssertNoAudioThreadAllocation(run);
    }

    [Fact]
    public void A_plugin_that_throws_inside_a_chain_is_bypassed_reported_and_the_export_completes()
    {
        var input = DawAudio.GoldenInput(rig.Workspace);
        var graph = Graph(rig.Workspace, "faulty-gain.json", """
            { "nodes": [ { "id": "faulty", "plugin": "org.auralis.tests.faulty", "parameters": { "fail_after_s": 0.5 } },
                         { "id": "level", "plugin": "gain", "parameters": { "gain_db": -6 } } ],
              "connections": [ { "from": "input", "to": "faulty" }, { "from": "faulty", "to": "level" }, { "from": "level", "to": "output" } ] }
            """);
        var (expected, _) = DawAudio.Expected(input, Path.Combine(rig.Workspace, "faulty-chain.wav"),
            DawAudio.MixedPluginsDirectory(rig.Workspace, "faulty"), "--graph", graph, "--keep-going");
        SaveChainPreset("faulty-gain", graph);

        var run = Ran(rig.Run(new ArdourJob("chain-faulty", input) { Plugin = "Auralis Chain", Preset = "faulty-gain", Read = ["Fault (bypassed)"] }));
        Assert.Equal("true", run.Value("exported"));
        Assert.Equal(1, run.Number("param:Fault (bypassed)"));
        Assert.Contains("plugin 'org.auralis.tests.faulty' (node 'faulty') failed and is bypassed: InvalidOperationException: fixture failure", run.Result.StdErr);
        Assert.Contains("fixture failure", File.ReadAllText(rig.LogFile));
        // The faulty plugin passed audio through until it threw; bypassed, it still does: the rest of the chain is intact.
        Assert.True(DawAudio.MaxDifferenceDbfs(expected, run.ExportPath, 0) <= DawAudio.ToleranceDbfs);
    }

    [Fact]
    public void A_plugin_that_throws_as_its_own_class_is_bypassed_reported_and_the_export_completes()
    {
        var input = DawAudio.GoldenInput(rig.Workspace);
        var run = Ran(rig.Run(new ArdourJob("faulty", input)
        {
            Plugin = "Faulty", Parameters = new Dictionary<string, double> { ["Fail after"] = 0.5 }, Read = ["Fault (bypassed)"],
        }));
        Assert.Equal("true", run.Value("exported"));
        Assert.Equal(1, run.Number("param:Fault (bypassed)"));
        Assert.Contains("plugin 'org.auralis.tests.faulty' failed and is bypassed: InvalidOperationException: fixture failure", run.Result.StdErr);
        Assert.True(DawAudio.MaxDifferenceDbfs(input, run.ExportPath, 0) <= DawAudio.ToleranceDbfs);
    }

    [Fact]
    public void Analyzer_results_are_read_only_output_parameters()
    {
        // A 0.5 sine with exactly ten periods per 1024-sample meter frame: peak 0.5, RMS 0.5/sqrt(2) in every frame.
        const float amplitude = 0.5f;
        var sine = TestAudio.Sine(2 * 44100, 44100.0 / 1024 * 10, 44100, amplitude);
        var input = TestAudio.Write(Path.Combine(rig.Workspace, "sine.wav"), [sine, sine], 44100);
        var run = Ran(rig.Run(new ArdourJob("meter", input) { Plugin = "Meter", Describe = true, Listen = 1, Read = ["Peak", "RMS"] }));

        var shown = run.Values["parameter"].Select(p => p.Split(' ', 3)).ToDictionary(p => p[2], p => p[1]);
        Assert.Equal("output", shown["Peak"]);
        Assert.Equal("output", shown["RMS"]);
        Assert.Equal(amplitude, run.Number("param:Peak"), 3);
        Assert.Equal(amplitude / Math.Sqrt(2), run.Number("param:RMS"), 3);
        // The audio passes through an analyzer untouched.
        Assert.True(DawAudio.MaxDifferenceDbfs(input, run.ExportPath, 0) <= DawAudio.ToleranceDbfs);
        AssertNoAudioThreadAllocation(run);
    }

    // Ardour must use Auralis's latency, and its export, read that much later, must be what `auralis process` wrote.
    private static void AssertEqualsAtArdoursLatency(ArdourRun run, string expected, int ours, string label)
    {
        var latency = (int)run.Number("latency");
        var difference = DawAudio.MaxDifferenceDbfs(expected, run.ExportPath, latency);
        DawAudio.Record(label, ours, latency, difference);
        Assert.Equal(ours, latency);
        Assert.True(difference <= DawAudio.ToleranceDbfs, $"{label}: {difference:0.0} dBFS");
    }

    private static ArdourRun Ran(ArdourRun run)
    {
        Assert.True(run.Result.ExitCode == 0 && run.Values["done"].Any(), run.ToString());
        Assert.Equal("true", run.Value("exported"));
        return run;
    }

    // Diagnostic mode: every Auralis instance reports what its process calls allocated; over a whole export, nothing.
    private static void AssertNoAudioThreadAllocation(ArdourRun run)
    {
        var reports = run.Allocations;
        Assert.True(reports.Sum(r => r.ProcessCalls) > 0, $"no allocation report\n{run}");
        Assert.All(reports, r => Assert.True(r.Bytes == 0, r.Line));
    }

    private static string Graph(string directory, string name, string json)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, json);
        return path;
    }

    // A chain's state is a PluginState whose custom bytes are the graph file; as a preset, Ardour loads it by label.
    private void SaveChainPreset(string label, string graphFile)
    {
        var state = new PluginState(Vst3Class.ChainId, 1, new Dictionary<string, float>(), File.ReadAllBytes(graphFile));
        rig.SavePreset("Auralis", "Auralis Chain", label, VstPresetFile.Create(Vst3Class.IdFor(Vst3Class.ChainId), Encoding.UTF8.GetBytes(state.ToJson())));
    }

    private static XElement SessionChunk(XDocument session, string processor) =>
        session.Descendants("Processor").Single(p => (string?)p.Attribute("name") == processor).Descendants("chunk").Single();

    private static XElement SessionChunk(string session, string processor) => SessionChunk(XDocument.Load(session), processor);
}
