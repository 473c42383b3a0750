using Auralis.Engine.Plugins;
using Auralis.Sdk;

namespace Auralis.Web;

/// <summary>
/// The plugin catalog shared by concurrent requests. The catalog loads each plugin once, on first use, and callers that
/// ask meanwhile wait for that load (PluginRecord.TryLoad); the plugins it returns create instances freely on any thread.
/// </summary>
public sealed class PluginAccess(PluginCatalog catalog)
{
    /// <summary>Where each node's plugin runs when a chain is compiled (a sandbox, or null for in-process).</summary>
    public Func<Auralis.Engine.Graph.GraphNode, LoadedPlugin, LoadedPlugin>? PlacePlugin { get; init; }

    /// <summary>The plugins directory.</summary>
    public string Directory => catalog.Directory;

    /// <summary>Resolves a plugin by id or alias.</summary>
    /// <exception cref="PluginLoadException">Not installed or broken, named.</exception>
    public LoadedPlugin Resolve(string idOrAlias) => catalog.Resolve(idOrAlias);

    /// <summary>Every installed analyzer that loads, and the named errors of every plugin folder that does not.</summary>
    /// <exception cref="PluginLoadException">The plugins directory itself is missing.</exception>
    public (IReadOnlyList<LoadedPlugin> Analyzers, IReadOnlyList<PluginError> Broken) Analyzers()
    {
        if (catalog.DirectoryError is { } missing)
        {
            throw new PluginLoadException(missing);
        }
        var analyzers = catalog.Records.Select(r => r.TryLoad()).OfType<LoadedPlugin>()
            .Where(p => p.Descriptor.Kind == PluginKind.Analyzer).ToList();
        var broken = catalog.Records.Select(r => r.Error).OfType<PluginError>().ToList();
        return (analyzers, broken);
    }
}
