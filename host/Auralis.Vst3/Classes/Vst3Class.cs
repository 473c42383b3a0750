using Auralis.Engine.Plugins;
using Auralis.Sdk;
using Auralis.Vst3.Abi;

namespace Auralis.Vst3.Classes;

/// <summary>One class the VST3 factory offers: an installed Auralis plugin, or the Auralis Chain.</summary>
internal sealed class Vst3Class
{
    /// <summary>The Auralis Chain's pseudo plugin id (its class id is derived from it like every other).</summary>
    public const string ChainId = "org.auralis.chain";

    // Fixed namespace for the name-based class ids: changing it would orphan every saved DAW session.
    private static readonly Tuid IdNamespace = Tuid.FromWords(0xA3C9E1F2, 0x6B7D4E58, 0x9F102D4C, 0x8B7A5E31);

    private Vst3Class(string pluginId, string name, string vendor, string version, string subCategories, LoadedPlugin? plugin)
    {
        PluginId = pluginId;
        Id = IdFor(pluginId);
        Name = name;
        Vendor = vendor;
        Version = version;
        SubCategories = subCategories;
        Plugin = plugin;
    }

    /// <summary>The Auralis plugin id (or <see cref="ChainId"/>).</summary>
    public string PluginId { get; }

    /// <summary>The VST3 class id: a version-5 UUID of <see cref="PluginId"/>.</summary>
    public Tuid Id { get; }

    public string Name { get; }

    public string Vendor { get; }

    public string Version { get; }

    /// <summary>VST3 sub-categories, e.g. <c>Fx</c> or <c>Fx|Analyzer</c>.</summary>
    public string SubCategories { get; }

    /// <summary>The plugin the class runs; null for the chain.</summary>
    public LoadedPlugin? Plugin { get; }

    public bool IsChain => Plugin is null;

    /// <summary>The stable class id of the plugin with <paramref name="pluginId"/>.</summary>
    public static Tuid IdFor(string pluginId) => Tuid.FromName(IdNamespace, pluginId);

    public static Vst3Class ForPlugin(LoadedPlugin plugin)
    {
        var d = plugin.Descriptor;
        return new Vst3Class(d.Id, d.Name, d.Vendor, d.Version.ToString(), d.Kind == PluginKind.Analyzer ? "Fx|Analyzer" : "Fx", plugin);
    }

    public static Vst3Class Chain(string productVersion) => new(ChainId, "Auralis Chain", "Auralis", productVersion, "Fx", null);

    public override string ToString() => $"{Name} ({PluginId})";
}
