using System.Text.Json;
using Auralis.Daw.Tests.Support;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Tests.Support;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Classes;

namespace Auralis.Daw.Tests;

/// <summary>What Ardour's VST3 scanner (a separate process that loads the bundle) finds in Auralis.vst3.</summary>
[Collection(ArdourCollection.Name)]
public sealed class ScannerTests(ArdourRig rig)
{
    [Fact]
    public void Scanner_lists_the_chain_and_every_installed_plugin_with_its_buses()
    {
        var (result, classes) = rig.Scan;
        Assert.True(result.ExitCode == 0, result.ToString());

        // Expected: the chain, then every plugin that loads from the bundle, AURALIS_PLUGINS and the user folder,
        // from its descriptor.
        var plugins = new[] { Path.Combine(rig.Bundle, "Contents", "Resources", "plugins"), TestPaths.TestPluginsDir, rig.UserPlugins }
            .SelectMany(dir => PluginCatalog.Scan(dir).Records).Select(r => r.TryLoad()).OfType<LoadedPlugin>().ToList();
        Assert.Contains(plugins, p => p.Id == "org.auralis.gain");
        Assert.Contains(plugins, p => p.Id == "org.auralis.tests.delay-short");
        Assert.Contains(plugins, p => p.Id == "org.auralis.tests.split");
        Assert.Equal(plugins.Count + 1, classes.Count);

        var chain = Assert.Single(classes, c => c.Name == "Auralis Chain");
        Assert.Equal(new ScannedClass(Vst3Class.IdFor(Vst3Class.ChainId).ToString(), "Auralis Chain", "Auralis", "Fx", 2, 2, 0, 0), chain);
        foreach (var plugin in plugins)
        {
            var d = plugin.Descriptor;
            var layout = d.Layouts[0];
            IReadOnlyList<AudioPort> outputs = d.Kind == PluginKind.Analyzer ? [layout.Inputs[0]] : layout.Outputs;
            var expected = new ScannedClass(Vst3Class.IdFor(d.Id).ToString(), d.Name, d.Vendor, d.Kind == PluginKind.Analyzer ? "Fx|Analyzer" : "Fx",
                layout.Inputs[0].Channels, outputs[0].Channels,
                layout.Inputs.Count > 1 ? layout.Inputs[1].Channels : 0, outputs.Count > 1 ? outputs[1].Channels : 0);
            Assert.Equal(expected, Assert.Single(classes, c => c.Uid == expected.Uid));
        }

        // Each output port is a bus: the first the main one, the second an aux bus.
        Assert.Equal((2, 2), Assert.Single(classes, c => c.Name == "Split") is var split ? (split.Outputs, split.AuxOutputs) : default);

        // Plugins that cannot load are not offered, and each is named with its error.
        Assert.Contains("plugin 'org.auralis.tests.throwingctor'", result.StdErr);
        Assert.Contains("constructor-failed", result.StdErr);
        Assert.Contains("plugin 'org.auralis.tests.nativedep'", result.StdErr);
        Assert.Contains("native-dependency-missing", result.StdErr);
        Assert.Contains("not offered as a VST3 class", File.ReadAllText(rig.LogFile));
    }

    [Fact]
    public void Moduleinfo_lists_the_bundles_own_classes_with_the_ids_the_module_reports()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(rig.Bundle, "Contents", "Resources", "moduleinfo.json")));
        Assert.True(doc.RootElement.GetProperty("Factory Info").GetProperty("Flags").GetProperty("Classes Discardable").GetBoolean());
        var listed = doc.RootElement.GetProperty("Classes").EnumerateArray()
            .Select(c => (Cid: c.GetProperty("CID").GetString()!, Name: c.GetProperty("Name").GetString()!)).ToList();
        var builtIn = DawAudio.BuiltInPluginIds();
        Assert.Equal(builtIn.Count + 1, listed.Count);
        foreach (var (cid, name) in listed)
        {
            Assert.Equal(name, Assert.Single(rig.Scan.Classes, c => c.Uid == cid).Name);
        }
        foreach (var id in builtIn.Append(Vst3Class.ChainId))
        {
            Assert.Contains(listed, c => c.Cid == Vst3Class.IdFor(id).ToString());
        }
    }

    [Fact]
    public void A_bundle_missing_a_built_in_plugin_is_named_by_the_bridge_and_by_the_bundle_check()
    {
        using var t = new TempDir();
        var bundle = rig.CopyBundle(t.Path);
        Directory.Delete(Path.Combine(bundle, "Contents", "Resources", "plugins", "gain"), recursive: true);

        var (result, classes) = ArdourRig.RunScanner(bundle, Path.Combine(t.Path, "cache"), rig.Environment());
        Assert.Contains("built-in plugin 'org.auralis.gain' is required by this bundle but did not load", result.StdErr);
        Assert.DoesNotContain(classes, c => c.Name == "Auralis Gain");
        Assert.Contains(classes, c => c.Name == "Auralis Chain");

        var check = CommandRunner.Run("sh", [Path.Combine(TestPaths.RepoRoot, "host", "Auralis.Vst3.Bundle", "verify-bundle.sh"), bundle]);
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("built-in plugin org.auralis.gain is required by auralis.config.json", check.StdErr);

        var intact = CommandRunner.Run("sh", [Path.Combine(TestPaths.RepoRoot, "host", "Auralis.Vst3.Bundle", "verify-bundle.sh"), rig.Bundle]);
        Assert.True(intact.ExitCode == 0, intact.ToString());
    }

    [Fact]
    public unsafe void Abi_structures_have_the_sizes_of_Steinbergs_headers_on_64_bit_Linux()
    {
        Assert.Equal(16, sizeof(Tuid));
        Assert.Equal(452, sizeof(PFactoryInfo));
        Assert.Equal(116, sizeof(PClassInfo));
        Assert.Equal(440, sizeof(PClassInfo2));
        Assert.Equal(696, sizeof(PClassInfoW));
        Assert.Equal(276, sizeof(BusInfo));
        Assert.Equal(792, sizeof(VstParameterInfo));
        Assert.Equal(24, sizeof(ProcessSetup));
        Assert.Equal(24, sizeof(AudioBusBuffers));
        Assert.Equal(80, sizeof(ProcessData));
        // Interface ids are the four words of DECLARE_CLASS_IID in big-endian order on non-COM platforms.
        Assert.Equal("E831FF31F2D54301928EBBEE25697802", Iids.IComponent.ToString());
    }
}
