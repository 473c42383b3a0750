using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Engine.Graph;

/// <summary>
/// The command-line shorthand for a serial graph: <c>ID[.PORT][,ID[.PORT]...]</c>, e.g. <c>separator.harmonic,gain</c>.
/// Each processor feeds the next; analyzers tap the signal at their place in the chain and pass it on unchanged.
/// Node ids are the plugins' aliases (<c>gain</c>, then <c>gain-2</c> for a second one).
/// </summary>
public static class ChainSpec
{
    /// <summary>Builds the graph for <paramref name="spec"/>.</summary>
    /// <param name="spec">The chain.</param>
    /// <param name="resolve">Finds a plugin by id or alias; throws <see cref="PluginLoadException"/> when it cannot.</param>
    /// <exception cref="GraphException">The spec is malformed or names a port the plugin lacks.</exception>
    /// <exception cref="PluginLoadException">A plugin is not installed or broken.</exception>
    public static AudioGraph ToGraph(string spec, Func<string, LoadedPlugin> resolve)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var items = spec.Split(',', StringSplitOptions.TrimEntries);
        if (spec.Trim().Length == 0 || items.Any(i => i.Length == 0))
        {
            throw new GraphException(GraphErrorKind.Malformed, $"chain '{spec}' is malformed: use ID[.PORT][,ID[.PORT]...], e.g. separator.harmonic,gain");
        }
        var graph = new AudioGraph();
        var current = new PortRef(AudioGraph.InputNode, null);
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (plugin, port) = ResolveItem(item, resolve);
            var alias = plugin.Id[(plugin.Id.LastIndexOf('.') + 1)..];
            var count = used[alias] = used.GetValueOrDefault(alias) + 1;
            var nodeId = count == 1 ? alias : $"{alias}-{count}";
            graph.AddNode(nodeId, plugin.Id);
            graph.Connect(current, new PortRef(nodeId, null));
            if (plugin.Descriptor.Kind == PluginKind.Analyzer)
            {
                if (port is not null)
                {
                    throw new GraphException(GraphErrorKind.UnknownPort, $"chain item '{item}': {plugin.Id} is an analyzer and has no audio outputs");
                }
                continue; // taps the signal; the chain continues from the same port
            }
            var outputs = plugin.Descriptor.Layouts[0].Outputs;
            if (port is null && outputs.Count > 1)
            {
                throw new GraphException(GraphErrorKind.UnknownPort,
                    $"chain item '{item}': {plugin.Id} has outputs {string.Join(", ", outputs.Select(o => o.Name))}; name one, e.g. {alias}.{outputs[0].Name}");
            }
            if (port is not null && outputs.All(o => o.Name != port))
            {
                throw new GraphException(GraphErrorKind.UnknownPort,
                    $"chain item '{item}': {plugin.Id} has no output '{port}' (it has {string.Join(", ", outputs.Select(o => o.Name))})");
            }
            current = new PortRef(nodeId, port);
        }
        graph.Connect(current, new PortRef(AudioGraph.OutputNode, null));
        return graph;
    }

    private static (LoadedPlugin Plugin, string? Port) ResolveItem(string item, Func<string, LoadedPlugin> resolve)
    {
        var dot = item.LastIndexOf('.');
        if (dot < 0)
        {
            return (resolve(item), null);
        }
        // Plugin ids contain dots, so "a.b.c" may be a plugin or plugin "a.b" with port "c": try the whole first.
        try
        {
            return (resolve(item), null);
        }
        catch (PluginLoadException e) when (e.Error.Kind == PluginErrorKind.NotInstalled)
        {
            return (resolve(item[..dot]), item[(dot + 1)..]);
        }
    }
}
