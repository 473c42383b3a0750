using System.Text.Json;
using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Tests.Support;

namespace Auralis.Realtime.Tests.Support;

/// <summary>
/// The plugins realtime tests play: every built-in plugin the installation requires (from auralis.config.json, so DSP
/// plugins added later are covered without changes here) plus the fixture plugins with latency and results.
/// </summary>
public static class TestPlugins
{
    /// <summary>Fixture plugins played next to the built-ins: two latencies (37 + 100 frames) and an analyzer.</summary>
    public static readonly string[] Fixtures = ["delay-short", "delay-long", "meter"];

    /// <summary>A fixture that throws after a chosen time (installed, never part of the every-plugin chain).</summary>
    public const string Faulty = "faulty";

    private static readonly Lazy<string> Combined = new(Build);

    /// <summary>A plugins directory holding the app's plugins and the fixtures (built once per test run).</summary>
    public static string Directory => Combined.Value;

    /// <summary>The built-in plugin ids, in the configuration's order.</summary>
    public static IReadOnlyList<string> BuiltIns()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.AppDir, "auralis.config.json")));
        return doc.RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>
    /// A chain through every built-in processor (a multi-output one by its first port) and the fixture delays, with
    /// every analyzer tapping the end of it.
    /// </summary>
    public static string EveryPluginChain() => ChainOf(BuiltIns().Concat(Fixtures), Directory);

    /// <summary>
    /// The chain through <paramref name="ids"/> installed in <paramref name="pluginsDirectory"/>: processors in order
    /// (a multi-output one by its first port, e.g. the separator's harmonic output), then every analyzer tapping the end.
    /// </summary>
    public static string ChainOf(IEnumerable<string> ids, string pluginsDirectory)
    {
        var catalog = PluginCatalog.Scan(pluginsDirectory);
        var processors = new List<string>();
        var analyzers = new List<string>();
        foreach (var id in ids)
        {
            var descriptor = catalog.Resolve(id).Descriptor;
            if (descriptor.Kind == PluginKind.Analyzer)
            {
                analyzers.Add(descriptor.Id);
                continue;
            }
            var outputs = descriptor.Layouts[0].Outputs;
            processors.Add(outputs.Count > 1 ? $"{descriptor.Id}.{outputs[0].Name}" : descriptor.Id);
        }
        return string.Join(',', processors.Concat(analyzers));
    }

    private static string Build()
    {
        var temp = new TempDir();
        foreach (var source in System.IO.Directory.GetDirectories(TestPaths.PluginsDir)
                     .Concat(Fixtures.Append(Faulty).Select(f => Path.Combine(TestPaths.TestPluginsDir, f))))
        {
            temp.CopyTree(source, Path.GetFileName(source));
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => temp.Dispose();
        return temp.Path;
    }
}
