using System.Reflection;
using System.Text.Json;
using Auralis.Engine.Plugins;
using Auralis.Vst3.Abi;
using Auralis.Vst3.Diagnostics;

namespace Auralis.Vst3.Classes;

/// <summary>
/// Every class the bundle offers, found once per process: the Auralis Chain, the built-in plugins shipped in the
/// bundle (<c>Contents/Resources/plugins</c>), third-party plugins from <c>AURALIS_PLUGINS</c> and from the user's
/// plugins folder (<c>$XDG_DATA_HOME/auralis/plugins</c>, default <c>~/.local/share/auralis/plugins</c>). A plugin
/// that cannot be loaded is reported by name and offered as no class; a missing built-in plugin is an error.
/// </summary>
internal sealed class ClassRegistry
{
    private readonly List<Vst3Class> _classes = [];
    private readonly List<PluginRecord> _broken = [];
    private readonly List<string> _directories = [];
    private readonly List<string> _problems = [];

    /// <summary>The bundle's Contents/Resources folder.</summary>
    public string ResourcesDirectory { get; private init; } = "";

    /// <summary>The classes, chain first, then plugins in the order their folders were scanned.</summary>
    public IReadOnlyList<Vst3Class> Classes => _classes;

    /// <summary>Everything that went wrong while loading (each line was also reported).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The user's plugins folder.</summary>
    public static string UserPluginsDirectory
    {
        get
        {
            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
            {
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }
            return Path.Combine(data, "auralis", "plugins");
        }
    }

    /// <summary>The product version (set from Directory.Build.props).</summary>
    public static string ProductVersion
    {
        get
        {
            var v = typeof(ClassRegistry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+');
            return plus < 0 ? v : v[..plus];
        }
    }

    /// <summary>Finds every class. <paramref name="thirdParty"/> false limits it to the bundle's own (for moduleinfo.json).</summary>
    public static ClassRegistry Load(string resourcesDirectory, bool thirdParty = true)
    {
        var registry = new ClassRegistry { ResourcesDirectory = resourcesDirectory };
        registry._classes.Add(Vst3Class.Chain(ProductVersion));
        var builtIn = Path.Combine(resourcesDirectory, "plugins");
        registry.AddDirectory(builtIn, "built-in", mustExist: true);
        if (thirdParty)
        {
            if (Environment.GetEnvironmentVariable(PluginsDirectory.EnvironmentVariable) is { Length: > 0 } fromEnvironment)
            {
                registry.AddDirectory(Path.GetFullPath(fromEnvironment), PluginsDirectory.EnvironmentVariable, mustExist: true);
            }
            registry.AddDirectory(UserPluginsDirectory, "user", mustExist: false);
        }
        registry.CheckRequired(builtIn);
        return registry;
    }

    /// <summary>The class with <paramref name="id"/>, or null.</summary>
    public Vst3Class? Find(in Tuid id)
    {
        foreach (var c in _classes)
        {
            if (c.Id.Equals(id))
            {
                return c;
            }
        }
        return null;
    }

    /// <summary>
    /// Finds a plugin for a chain's graph: by full id, else by alias (the id's last segment) when exactly one plugin
    /// has it. Thread: control.
    /// </summary>
    /// <exception cref="PluginLoadException">Not installed, broken or ambiguous, named.</exception>
    public LoadedPlugin Resolve(string idOrAlias)
    {
        var plugins = _classes.Where(c => c.Plugin is not null).Select(c => c.Plugin!).ToList();
        var exact = plugins.FirstOrDefault(p => p.Id == idOrAlias);
        if (exact is not null)
        {
            return exact;
        }
        var broken = _broken.FirstOrDefault(r => r.Id == idOrAlias || r.Alias == idOrAlias);
        var byAlias = plugins.Where(p => p.Id[(p.Id.LastIndexOf('.') + 1)..] == idOrAlias).ToList();
        if (byAlias.Count == 1 && broken is null)
        {
            return byAlias[0];
        }
        if (broken?.Error is { } error)
        {
            throw new PluginLoadException(error);
        }
        if (byAlias.Count > 1)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.NotInstalled, idOrAlias, string.Join(", ", _directories),
                $"'{idOrAlias}' is ambiguous: {string.Join(", ", byAlias.Select(p => p.Id))}", "use the full plugin id"));
        }
        throw new PluginLoadException(new PluginError(PluginErrorKind.NotInstalled, idOrAlias, string.Join(", ", _directories),
            $"no plugin '{idOrAlias}' is installed (installed: {string.Join(", ", plugins.Select(p => p.Id))})",
            $"install it into one of the plugin folders ({string.Join(", ", _directories)})"));
    }

    private void AddDirectory(string directory, string source, bool mustExist)
    {
        directory = Path.GetFullPath(directory);
        if (_directories.Contains(directory))
        {
            return;
        }
        if (!Directory.Exists(directory))
        {
            if (mustExist)
            {
                Problem($"the {source} plugins folder {directory} does not exist; its plugins are not offered");
            }
            return;
        }
        _directories.Add(directory);
        var catalog = PluginCatalog.Scan(directory);
        foreach (var record in catalog.Records)
        {
            var plugin = record.TryLoad();
            if (plugin is null)
            {
                _broken.Add(record);
                Problem($"{record.Error} (not offered as a VST3 class)");
                continue;
            }
            var earlier = _classes.FirstOrDefault(c => c.PluginId == plugin.Id);
            if (earlier is not null)
            {
                BridgeLog.Warning($"plugin '{plugin.Id}' in {plugin.Folder} is already provided by {earlier.Plugin?.Folder}; the first one is used");
                continue;
            }
            _classes.Add(Vst3Class.ForPlugin(plugin));
        }
    }

    // The bundle ships auralis.config.json: every plugin it requires must have loaded from the bundle itself.
    private void CheckRequired(string builtIn)
    {
        var config = Path.Combine(ResourcesDirectory, "auralis.config.json");
        IReadOnlyList<string> required;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(config));
            required = doc.RootElement.GetProperty("required_plugins").EnumerateArray().Select(e => e.GetString() ?? "").ToList();
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            Problem($"{config} is missing or malformed ({e.Message}): this bundle is incomplete; reinstall Auralis");
            return;
        }
        foreach (var id in required)
        {
            var found = _classes.FirstOrDefault(c => c.PluginId == id);
            if (found?.Plugin is null || !found.Plugin.Folder.StartsWith(builtIn, StringComparison.Ordinal))
            {
                Problem($"built-in plugin '{id}' is required by this bundle but did not load from {builtIn}; reinstall Auralis");
            }
        }
    }

    private void Problem(string message)
    {
        _problems.Add(message);
        BridgeLog.Error(message);
    }
}
