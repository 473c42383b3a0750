namespace Auralis.Sdk;

/// <summary>What a plugin does to audio.</summary>
public enum PluginKind
{
    /// <summary>Turns input audio into output audio.</summary>
    Processor,

    /// <summary>Measures input audio and publishes results; produces no audio.</summary>
    Analyzer,
}

/// <summary>
/// The fixed facts of a plugin, in one declarative place: identity, supported layouts, parameters and results.
/// </summary>
/// <remarks>
/// Thread: any. Immutable. The constructor validates everything and throws <see cref="ArgumentException"/> with a
/// message naming the offending part, so a malformed descriptor is found when the host first loads the plugin.
/// </remarks>
public sealed class PluginDescriptor
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="id">Stable reverse-DNS id, e.g. <c>com.example.reverb</c>. Never change it: state, graphs and DAW
    /// sessions refer to the plugin by it.</param>
    /// <param name="name">Display name.</param>
    /// <param name="vendor">Who made it.</param>
    /// <param name="version">The plugin's own version.</param>
    /// <param name="kind">Processor or analyzer.</param>
    /// <param name="layouts">Supported layouts, preferred first. Analyzers have layouts without outputs.</param>
    /// <param name="parameters">Input parameters in the order <see cref="ProcessContext.Parameters"/> uses.</param>
    /// <param name="results">Output parameters / result streams.</param>
    /// <param name="stateVersion">Version of the plugin's saved-state format (1 or more); raise it when parameter
    /// meaning changes, and migrate in <see cref="IAudioPlugin.MigrateState"/>.</param>
    /// <param name="sdkVersion">Leave the default. It is a compile-time constant, so it records the SDK version the
    /// plugin was built against, which the host checks against the manifest and its own SDK.</param>
    public PluginDescriptor(string id, string name, string vendor, SemanticVersion version, PluginKind kind,
        IReadOnlyList<AudioLayout> layouts, IReadOnlyList<ParameterInfo>? parameters = null,
        IReadOnlyList<ResultInfo>? results = null, int stateVersion = 1, string sdkVersion = SdkInfo.VersionText)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException(
                $"plugin id '{id}' is not a reverse-DNS id (two or more dot-separated lower-case tokens, e.g. com.example.reverb)", nameof(id));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(vendor);
        ArgumentNullException.ThrowIfNull(layouts);
        ArgumentOutOfRangeException.ThrowIfLessThan(stateVersion, 1);
        if (!SemanticVersion.TryParse(sdkVersion, out var sdk))
        {
            throw new ArgumentException($"plugin '{id}': SDK version '{sdkVersion}' is not major.minor.patch", nameof(sdkVersion));
        }
        if (layouts.Count == 0)
        {
            throw new ArgumentException($"plugin '{id}' declares no audio layout", nameof(layouts));
        }
        foreach (var layout in layouts)
        {
            if (kind == PluginKind.Analyzer && layout.Outputs.Count > 0)
            {
                throw new ArgumentException($"plugin '{id}': analyzer layout '{layout.Name}' has audio outputs", nameof(layouts));
            }
            if (kind == PluginKind.Processor && layout.Outputs.Count == 0)
            {
                throw new ArgumentException($"plugin '{id}': processor layout '{layout.Name}' has no audio output", nameof(layouts));
            }
        }
        parameters ??= [];
        results ??= [];
        RequireUnique(id, parameters.Select(p => p.Id), "parameter");
        RequireUnique(id, results.Select(r => r.Id), "result");
        RequireUnique(id, layouts.Select(l => l.Name), "layout");

        Id = id;
        Name = name;
        Vendor = vendor;
        Version = version;
        SdkVersion = sdk;
        Kind = kind;
        Layouts = layouts.ToArray();
        Parameters = parameters.ToArray();
        Results = results.ToArray();
        StateVersion = stateVersion;
        FrameResultWidth = Results.Where(r => r.Scope == ResultScope.Frame).Sum(r => r.Length);
    }

    /// <summary>Stable reverse-DNS id.</summary>
    public string Id { get; }

    /// <summary>Display name.</summary>
    public string Name { get; }

    /// <summary>Who made it.</summary>
    public string Vendor { get; }

    /// <summary>The plugin's own version.</summary>
    public SemanticVersion Version { get; }

    /// <summary>The SDK version the plugin was compiled against.</summary>
    public SemanticVersion SdkVersion { get; }

    /// <summary>Processor or analyzer.</summary>
    public PluginKind Kind { get; }

    /// <summary>Supported layouts, preferred first.</summary>
    public IReadOnlyList<AudioLayout> Layouts { get; }

    /// <summary>Input parameters, in <see cref="ProcessContext.Parameters"/> order.</summary>
    public IReadOnlyList<ParameterInfo> Parameters { get; }

    /// <summary>Output parameters / result streams.</summary>
    public IReadOnlyList<ResultInfo> Results { get; }

    /// <summary>Version of the saved-state format.</summary>
    public int StateVersion { get; }

    /// <summary>
    /// How many floats one <see cref="IResultSink.WriteFrame"/> call carries: the lengths of all
    /// <see cref="ResultScope.Frame"/> results, concatenated in descriptor order.
    /// </summary>
    public int FrameResultWidth { get; }

    /// <summary>True when <paramref name="id"/> is a valid plugin id: two or more dot-separated tokens, each a lower-case
    /// letter followed by lower-case letters, digits, '_' or '-'; at most 128 characters.</summary>
    public static bool IsValidId(string? id) => Naming.IsPluginId(id);

    /// <summary>The index of the parameter with <paramref name="parameterId"/>, or -1.</summary>
    public int IndexOfParameter(string parameterId)
    {
        for (var i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].Id == parameterId)
            {
                return i;
            }
        }
        return -1;
    }

    private static void RequireUnique(string pluginId, IEnumerable<string> ids, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (!seen.Add(id))
            {
                throw new ArgumentException($"plugin '{pluginId}' declares {what} '{id}' twice");
            }
        }
    }
}
