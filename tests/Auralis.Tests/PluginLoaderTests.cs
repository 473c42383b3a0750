using Auralis.Engine.Graph;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Tests.Support;

namespace Auralis.Tests;

/// <summary>Every way a plugin can fail to load is a typed error naming the plugin, the path and the reason.</summary>
public class PluginLoaderTests
{
    private static string Gain(TempDir t) => t.CopyTree(Path.Combine(TestPaths.PluginsDir, "gain"), "gain");

    private static PluginError LoadError(string folder)
    {
        var e = Assert.Throws<PluginLoadException>(() => PluginLoader.Load(folder));
        return e.Error;
    }

    [Fact]
    public void Healthy_plugin_loads_with_its_descriptor()
    {
        var plugin = PluginLoader.Load(Path.Combine(TestPaths.PluginsDir, "gain"));
        Assert.Equal("org.auralis.gain", plugin.Id);
        Assert.Equal(PluginKind.Processor, plugin.Descriptor.Kind);
        Assert.Equal(SdkInfo.Version, plugin.Descriptor.SdkVersion);
        using var instance = plugin.CreateInstance();
        Assert.Same(plugin.Descriptor.GetType(), instance.Descriptor.GetType());
    }

    [Fact]
    public void Plugin_sees_the_hosts_sdk_types_and_nothing_else_of_the_host()
    {
        var plugin = PluginLoader.Load(Path.Combine(TestPaths.PluginsDir, "gain"));
        using var instance = plugin.CreateInstance();
        var pluginContext = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(instance.GetType().Assembly)!;
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, pluginContext);
        Assert.Same(typeof(IAudioPlugin).Assembly, instance.GetType().GetInterfaces().Single(i => i.Name == nameof(IAudioPlugin)).Assembly);
    }

    [Fact]
    public void Callers_resolving_one_plugin_at_once_all_get_it_or_all_get_its_named_error()
    {
        // A shared catalog (the web app's, or tests compiling graphs in parallel) is asked for the same plugin from
        // several threads at once: each caller waits for the one load, none sees it half done (that was a
        // NullReferenceException in place of the plugin or its error).
        using var t = new TempDir();
        Gain(t);
        var broken = t.CopyTree(Path.Combine(TestPaths.PluginsDir, "gain"), "broken");
        File.Delete(Path.Combine(broken, "Auralis.Plugins.Gain.dll"));
        File.WriteAllText(Path.Combine(broken, "plugin.json"),
            File.ReadAllText(Path.Combine(broken, "plugin.json")).Replace("org.auralis.gain", "org.auralis.tests.broken"));
        for (var round = 0; round < 20; round++)
        {
            var catalog = PluginCatalog.Scan(t.Path);
            using var start = new Barrier(8);
            var healthy = new LoadedPlugin?[8];
            var errors = new PluginError?[8];
            var unexpected = new Exception?[8];
            var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    healthy[i] = catalog.Resolve("gain");
                    catalog.Resolve("org.auralis.tests.broken");
                    unexpected[i] = new InvalidOperationException("the plugin without its assembly resolved");
                }
                catch (PluginLoadException e)
                {
                    errors[i] = e.Error;
                }
                catch (Exception e)
                {
                    unexpected[i] = e;
                }
            })).ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }
            foreach (var thread in threads)
            {
                thread.Join();
            }
            Assert.All(unexpected, e => Assert.Null(e));
            Assert.All(healthy, p => Assert.Same(healthy[0], p));
            Assert.NotNull(healthy[0]);
            Assert.All(errors, e => Assert.Equal(PluginErrorKind.EntryAssemblyMissing, e!.Kind));
        }
    }

    [Fact]
    public void Missing_folder()
    {
        using var t = new TempDir();
        var e = LoadError(t.File("nothing-here"));
        Assert.Equal(PluginErrorKind.FolderMissing, e.Kind);
        Assert.Equal("nothing-here", e.PluginId);
    }

    [Fact]
    public void Missing_manifest()
    {
        using var t = new TempDir();
        var folder = Gain(t);
        File.Delete(Path.Combine(folder, "plugin.json"));
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.ManifestMissing, e.Kind);
        Assert.EndsWith("plugin.json", e.Path);
    }

    [Fact]
    public void Missing_entry_assembly()
    {
        using var t = new TempDir();
        var folder = Gain(t);
        File.Delete(Path.Combine(folder, "Auralis.Plugins.Gain.dll"));
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.EntryAssemblyMissing, e.Kind);
        Assert.Equal("org.auralis.gain", e.PluginId);
        Assert.EndsWith("Auralis.Plugins.Gain.dll", e.Path);
    }

    [Theory]
    [InlineData("{ not json", PluginErrorKind.ManifestMalformed, "not valid JSON")]
    [InlineData("[1,2,3]", PluginErrorKind.ManifestMalformed, "must be a JSON object")]
    [InlineData("{\"id\": 42, \"version\": \"1.0.0\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"a.dll\"}", PluginErrorKind.ManifestMalformed, "'id'")]
    [InlineData("{\"version\": \"1.0.0\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"a.dll\"}", PluginErrorKind.ManifestInvalid, "'id' is missing")]
    [InlineData("{\"id\": \"Gain\", \"version\": \"1.0.0\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"a.dll\"}", PluginErrorKind.ManifestInvalid, "reverse-DNS")]
    [InlineData("{\"id\": \"org.x.y\", \"version\": \"one\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"a.dll\"}", PluginErrorKind.ManifestInvalid, "'version'")]
    [InlineData("{\"id\": \"org.x.y\", \"version\": \"1.0.0\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"../../etc/evil.dll\"}", PluginErrorKind.ManifestInvalid, "outside the plugin folder")]
    [InlineData("{\"id\": \"org.x.y\", \"version\": \"1.0.0\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"/usr/lib/evil.dll\"}", PluginErrorKind.ManifestInvalid, "outside the plugin folder")]
    [InlineData("{\"id\": \"org.x.y\", \"version\": \"1.0.0\", \"sdk_version\": \"1.0.0\", \"entry_assembly\": \"a.dll\", \"native_libraries\": [\"/tmp/x.so\"]}", PluginErrorKind.ManifestInvalid, "native_libraries")]
    public void Malformed_or_hostile_manifest(string json, PluginErrorKind kind, string reason)
    {
        using var t = new TempDir();
        var folder = Gain(t);
        File.WriteAllText(Path.Combine(folder, "plugin.json"), json);
        var e = LoadError(folder);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Oversized_manifest_is_refused_unread()
    {
        using var t = new TempDir();
        var folder = Gain(t);
        File.WriteAllText(Path.Combine(folder, "plugin.json"), "{\"pad\":\"" + new string('x', 10 * 1024 * 1024) + "\"}");
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.ManifestMalformed, e.Kind);
        Assert.Contains("limited to", e.Reason);
    }

    [Theory]
    [InlineData("2.0.0", "major versions differ")]
    [InlineData("1.1.0", "update the host")]
    public void Incompatible_sdk_names_both_versions(string sdk, string reason)
    {
        using var t = new TempDir();
        var folder = Gain(t);
        var manifest = Path.Combine(folder, "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"sdk_version\": \"1.0.0\"", $"\"sdk_version\": \"{sdk}\""));
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.IncompatibleSdk, e.Kind);
        Assert.Contains(sdk, e.Reason);
        Assert.Contains(SdkInfo.VersionText, e.Reason);
        Assert.Contains(reason, e.Reason);
    }

    [Fact]
    public void Entry_assembly_without_a_plugin_type()
    {
        using var t = new TempDir();
        var folder = t.CopyTree(Path.Combine(TestPaths.TestPluginsDir, "dep-user-a"), "dep-user-a");
        var manifest = Path.Combine(folder, "plugin.json");
        // The shared dependency is a .dll in the folder, but it implements no plugin.
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("Fixtures.DepUserA.dll", "Auralis.Fixtures.SharedDep.dll"));
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.TypeNotFound, e.Kind);
    }

    [Fact]
    public void Named_entry_type_that_does_not_exist()
    {
        using var t = new TempDir();
        var folder = Gain(t);
        var manifest = Path.Combine(folder, "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"entry_assembly\"", "\"entry_type\": \"Nope.Plugin\", \"entry_assembly\""));
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.TypeNotFound, e.Kind);
        Assert.Contains("Nope.Plugin", e.Reason);
    }

    [Fact]
    public void Constructor_that_throws()
    {
        var e = LoadError(Path.Combine(TestPaths.TestPluginsDir, "throwing-ctor"));
        Assert.Equal(PluginErrorKind.ConstructorFailed, e.Kind);
        Assert.Equal("org.auralis.tests.throwingctor", e.PluginId);
        Assert.Contains("license file not found", e.Reason);
    }

    [Fact]
    public void Missing_native_dependency()
    {
        var e = LoadError(Path.Combine(TestPaths.TestPluginsDir, "native-dep"));
        Assert.Equal(PluginErrorKind.NativeDependencyMissing, e.Kind);
        Assert.Contains("libauralis-fixture-absent.so.3", e.Reason);
        Assert.Contains("libauralis-fixture-absent.so.3", e.Path);
    }

    [Fact]
    public void Manifest_that_disagrees_with_the_descriptor()
    {
        using var t = new TempDir();
        var folder = Gain(t);
        var manifest = Path.Combine(folder, "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"version\": \"1.0.0\"", "\"version\": \"1.4.0\""));
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.DescriptorInvalid, e.Kind);
        Assert.Contains("1.4.0", e.Reason);
    }

    [Fact]
    public void Corrupt_entry_assembly()
    {
        using var t = new TempDir();
        var folder = Gain(t);
        File.WriteAllBytes(Path.Combine(folder, "Auralis.Plugins.Gain.dll"), [0x4d, 0x5a, 1, 2, 3, 4]);
        var e = LoadError(folder);
        Assert.Equal(PluginErrorKind.AssemblyLoadFailed, e.Kind);
    }

    [Fact]
    public void Two_plugins_with_conflicting_versions_of_one_dependency_load_side_by_side()
    {
        var a = PluginLoader.Load(Path.Combine(TestPaths.TestPluginsDir, "dep-user-a"));
        var b = PluginLoader.Load(Path.Combine(TestPaths.TestPluginsDir, "dep-user-b"));
        Assert.Contains("SharedDep v1", a.Descriptor.Name);
        Assert.Contains("SharedDep v2", b.Descriptor.Name);

        // Both run in one graph, each scaling by its own dependency's factor (1 and 2).
        var graph = new AudioGraph();
        graph.AddNode("a", a.Id);
        graph.AddNode("b", b.Id);
        graph.Connect(new PortRef("input", null), new PortRef("a", null));
        graph.Connect(new PortRef("input", null), new PortRef("b", null));
        graph.Connect(new PortRef("a", null), new PortRef("output", null));
        graph.Connect(new PortRef("b", null), new PortRef("output", null));
        using var seq = GraphCompiler.Compile(graph, id => id == a.Id ? a : b, new CompileSettings { SampleRate = 48000, MaxBlockSize = 16, InputChannels = 1 });
        seq.Input(0).Fill(0.25f);
        seq.Render(16);
        Assert.Equal(0.25f * 1 + 0.25f * 2, seq.Output(0)[0]);

        var depVersions = new[] { a, b }.Select(p =>
        {
            using var i = p.CreateInstance();
            var ctx = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(i.GetType().Assembly)!;
            return ctx.Assemblies.Single(x => x.GetName().Name == "Auralis.Fixtures.SharedDep").GetName().Version!.Major;
        }).ToArray();
        Assert.Equal([1, 2], depVersions);
    }

    [Fact]
    public void Plugins_carrying_the_same_dsp_build_share_it_and_another_build_stays_apart()
    {
        using var t = new TempDir();
        var pitch = PluginLoader.Load(Path.Combine(TestPaths.PluginsDir, "pitch"));
        var tempo = PluginLoader.Load(Path.Combine(TestPaths.PluginsDir, "tempo"));
        // Another build of the DSP layer: the same code under a new module version id.
        var rebuilt = t.CopyTree(Path.Combine(TestPaths.PluginsDir, "chroma"), "chroma");
        ChangeModuleVersionId(Path.Combine(rebuilt, "Auralis.Dsp.dll"));
        var chroma = PluginLoader.Load(rebuilt);

        var shared = DspOf(pitch);
        Assert.Same(shared, DspOf(tempo));
        Assert.Equal("shared plugin libraries", System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(shared)!.Name);
        var own = DspOf(chroma);
        Assert.NotSame(shared, own);
        Assert.Equal(Path.Combine(rebuilt, "Auralis.Dsp.dll"), own.Location);

        // The plugin on its own build works: a second of A (440 Hz) lands on pitch class 9.
        using var instance = chroma.CreateInstance();
        instance.Initialize(new AudioSetup(AudioLayout.MonoAnalysis, 44100, 4096));
        instance.Reset();
        var block = new float[4096];
        var frames = new List<(long, float[])>();
        var results = new Reliability.ContainmentTests.FrameList(frames);
        for (var start = 0; start < 44100; start += block.Length)
        {
            for (var i = 0; i < block.Length; i++)
            {
                block[i] = MathF.Sin(2 * MathF.PI * 440 * (start + i) / 44100);
            }
            instance.Process(new ProcessContext(block.Length, start, [block], [], [], results));
        }
        var last = frames[^1].Item2;
        Assert.Equal(9, Array.IndexOf(last, last.Max()));
    }

    private static System.Reflection.Assembly DspOf(LoadedPlugin plugin)
    {
        using var instance = plugin.CreateInstance();
        var assembly = instance.GetType().Assembly;
        var dsp = assembly.GetReferencedAssemblies().Single(n => n.Name == "Auralis.Dsp");
        return System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly)!.LoadFromAssemblyName(dsp);
    }

    private static void ChangeModuleVersionId(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Guid mvid;
        using (var pe = new System.Reflection.PortableExecutable.PEReader(new MemoryStream(bytes)))
        {
            var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            mvid = reader.GetGuid(reader.GetModuleDefinition().Mvid);
        }
        var at = bytes.AsSpan().IndexOf(mvid.ToByteArray());
        Assert.True(at >= 0, "the module version id is in the file");
        bytes[at] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void Catalog_lists_every_folder_and_resolves_aliases()
    {
        using var t = new TempDir();
        var dir = Path.Combine(t.Path, "plugins");
        Directory.CreateDirectory(dir);
        t.CopyTree(Path.Combine(TestPaths.PluginsDir, "gain"), "plugins/gain");
        t.CopyTree(Path.Combine(TestPaths.PluginsDir, "gain"), "plugins/gain-copy");
        t.CopyTree(Path.Combine(TestPaths.TestPluginsDir, "throwing-ctor"), "plugins/throwing-ctor");
        Directory.CreateDirectory(Path.Combine(dir, "empty"));

        var catalog = PluginCatalog.Scan(dir);
        catalog.LoadAll();
        Assert.Equal(4, catalog.Records.Count);
        Assert.Equal("org.auralis.gain", catalog.Resolve("gain").Id);
        Assert.Equal(PluginErrorKind.DuplicateId, catalog.Records.Single(r => r.Folder.EndsWith("gain-copy")).Error!.Kind);
        Assert.Equal(PluginErrorKind.ManifestMissing, catalog.Records.Single(r => r.Folder.EndsWith("empty")).Error!.Kind);
        var broken = Assert.Throws<PluginLoadException>(() => catalog.Resolve("throwingctor"));
        Assert.Equal(PluginErrorKind.ConstructorFailed, broken.Error.Kind);
        var missing = Assert.Throws<PluginLoadException>(() => catalog.Resolve("reverb"));
        Assert.Equal(PluginErrorKind.NotInstalled, missing.Error.Kind);
        Assert.Contains("reverb", missing.Message);
    }

    [Fact]
    public void Missing_plugins_directory_is_named()
    {
        var catalog = PluginCatalog.Scan("/nonexistent/auralis/plugins");
        Assert.Equal(PluginErrorKind.FolderMissing, catalog.DirectoryError!.Kind);
        var e = Assert.Throws<PluginLoadException>(() => catalog.Resolve("gain"));
        Assert.Contains("/nonexistent/auralis/plugins", e.Message);
    }
}
