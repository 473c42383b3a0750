namespace Auralis.Engine.Plugins;

/// <summary>Every reason a plugin cannot be used. Each one reaches the user by name; none is skipped.</summary>
public enum PluginErrorKind
{
    /// <summary>The plugins directory or the plugin's folder does not exist.</summary>
    FolderMissing,
    /// <summary>The folder has no plugin.json.</summary>
    ManifestMissing,
    /// <summary>plugin.json is not readable JSON of the expected shape (too large, not JSON, wrong types).</summary>
    ManifestMalformed,
    /// <summary>plugin.json is JSON but a field is missing or invalid (bad id, version, escaping path).</summary>
    ManifestInvalid,
    /// <summary>The entry assembly named by the manifest is not in the folder.</summary>
    EntryAssemblyMissing,
    /// <summary>The plugin was built against an SDK this host does not implement.</summary>
    IncompatibleSdk,
    /// <summary>The entry assembly or one of its managed dependencies failed to load.</summary>
    AssemblyLoadFailed,
    /// <summary>No (or more than one) public plugin type implements IAudioPlugin, or the named type is absent.</summary>
    TypeNotFound,
    /// <summary>The plugin's constructor threw.</summary>
    ConstructorFailed,
    /// <summary>The plugin's descriptor threw, is invalid, or disagrees with its manifest.</summary>
    DescriptorInvalid,
    /// <summary>A native library the plugin declares is not loadable.</summary>
    NativeDependencyMissing,
    /// <summary>Two plugin folders declare the same id.</summary>
    DuplicateId,
    /// <summary>A plugin that was asked for is not installed.</summary>
    NotInstalled,
    /// <summary>The plugin crashed, hung or failed the checks of the out-of-process scanner; it is marked bad until it changes.</summary>
    ScanFailed,
    /// <summary>The plugin cannot run in a sandbox process (the child cannot start, or the plugin is compiled into the host).</summary>
    SandboxFailed,
}

/// <summary>A named reason a plugin cannot be used: what, which plugin, where, why, and how to fix it.</summary>
public sealed record PluginError(PluginErrorKind Kind, string PluginId, string Path, string Reason, string Fix)
{
    /// <summary>Short machine-readable code, e.g. <c>manifest-malformed</c>.</summary>
    public string Code => ToKebab(Kind.ToString());

    /// <summary>One line for people: <c>plugin 'x' (path): reason. Fix: …</c></summary>
    public override string ToString() => $"plugin '{PluginId}' ({Path}): {Code}: {Reason}. Fix: {Fix}";

    private static string ToKebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>Thrown when a plugin cannot be loaded or used; carries the <see cref="PluginError"/>.</summary>
public sealed class PluginLoadException : Exception
{
    /// <summary>Creates the exception for an error.</summary>
    public PluginLoadException(PluginError error, Exception? inner = null) : base(error.ToString(), inner) => Error = error;

    /// <summary>What went wrong.</summary>
    public PluginError Error { get; }
}
