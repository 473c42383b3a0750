namespace Auralis.Engine.Plugins;

/// <summary>One folder of the plugins directory: its manifest (when readable) and, once loaded, the plugin or its error.</summary>
public sealed class PluginRecord
{
    // One catalog serves concurrent callers (web requests, parallel graph compiles): loading is done once, under this
    // lock, and a caller that arrives meanwhile waits for its outcome instead of seeing "loaded" with neither a plugin
    // nor an error yet.
    private readonly Lock _gate = new();
    private LoadedPlugin? _plugin;
    private PluginError? _error;
    private bool _loaded;

    internal PluginRecord(string folder, PluginManifest? manifest, PluginError? manifestError)
    {
        Folder = folder;
        Manifest = manifest;
        _error = manifestError;
        _loaded = manifestError is not null;
    }

    /// <summary>The plugin's folder.</summary>
    public string Folder { get; }

    /// <summary>The manifest, or null when it could not be read.</summary>
    public PluginManifest? Manifest { get; }

    /// <summary>The plugin id from the manifest, else the folder name.</summary>
    public string Id => Manifest?.Id ?? Path.GetFileName(Folder);

    /// <summary>The short name a chain spec may use: the id's last segment.</summary>
    public string Alias => Id[(Id.LastIndexOf('.') + 1)..];

    /// <summary>Loads the plugin (once) and returns it, or null with <see cref="Error"/> set. Any control thread;
    /// concurrent callers wait for the one load.</summary>
    public LoadedPlugin? TryLoad()
    {
        lock (_gate)
        {
            if (!_loaded)
            {
                try
                {
                    _plugin = PluginLoader.Load(Folder, Manifest!);
                }
                catch (PluginLoadException e)
                {
                    _error = e.Error;
                }
                _loaded = true;
            }
            return _plugin;
        }
    }

    /// <summary>Why the plugin cannot be used, or null (after <see cref="TryLoad"/>) when it can.</summary>
    public PluginError? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    /// <summary>Marks the plugin unusable without loading it here (the out-of-process scanner found it bad).</summary>
    internal void MarkBad(PluginError error) => MarkUnusable(error);

    internal void MarkDuplicate(PluginRecord first) => MarkUnusable(new PluginError(PluginErrorKind.DuplicateId, Id, Folder,
        $"id '{Id}' is already provided by {first.Folder}", "remove one of the two plugin folders"));

    private void MarkUnusable(PluginError error)
    {
        lock (_gate)
        {
            _loaded = true;
            _plugin = null;
            _error = error;
        }
    }
}

/// <summary>
/// All plugins in a plugins directory. Manifests are read up front; assemblies load on first use, so a command loads
/// only the plugins it needs. Every folder is listed, healthy or not: nothing is skipped silently.
/// </summary>
public sealed class PluginCatalog
{
    private readonly List<PluginRecord> _records = [];

    private PluginCatalog(string directory, PluginError? directoryError)
    {
        Directory = directory;
        DirectoryError = directoryError;
    }

    /// <summary>The plugins directory.</summary>
    public string Directory { get; }

    /// <summary>Set when the plugins directory itself is missing.</summary>
    public PluginError? DirectoryError { get; }

    /// <summary>Every plugin folder, in folder-name order.</summary>
    public IReadOnlyList<PluginRecord> Records => _records;

    /// <summary>Reads the manifest of every folder in <paramref name="directory"/>. Thread: control.</summary>
    public static PluginCatalog Scan(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            return new PluginCatalog(directory, new PluginError(PluginErrorKind.FolderMissing, "(plugins directory)", directory,
                "the plugins directory does not exist", "reinstall Auralis, or point --plugins-dir / AURALIS_PLUGINS at the plugins folder"));
        }
        var catalog = new PluginCatalog(directory, null);
        var byId = new Dictionary<string, PluginRecord>(StringComparer.Ordinal);
        foreach (var folder in System.IO.Directory.GetDirectories(directory).Order(StringComparer.Ordinal))
        {
            PluginRecord record;
            try
            {
                record = new PluginRecord(folder, PluginManifest.Load(folder), null);
            }
            catch (PluginLoadException e)
            {
                record = new PluginRecord(folder, null, e.Error);
            }
            if (record.Manifest is not null)
            {
                if (byId.TryGetValue(record.Id, out var first))
                {
                    record.MarkDuplicate(first);
                }
                else
                {
                    byId[record.Id] = record;
                }
            }
            catalog._records.Add(record);
        }
        return catalog;
    }

    /// <summary>Loads every plugin (for listings and health checks).</summary>
    public void LoadAll()
    {
        foreach (var r in _records)
        {
            r.TryLoad();
        }
    }

    /// <summary>
    /// Finds a plugin by full id or by alias (the id's last segment, when only one plugin has it) and loads it.
    /// </summary>
    /// <exception cref="PluginLoadException">Not installed, ambiguous, or failed to load — named.</exception>
    public LoadedPlugin Resolve(string idOrAlias)
    {
        var record = Find(idOrAlias);
        return record.TryLoad() ?? throw new PluginLoadException(record.Error!);
    }

    /// <summary>The record for an id or alias, whatever its health.</summary>
    /// <exception cref="PluginLoadException">Not installed or ambiguous.</exception>
    public PluginRecord Find(string idOrAlias)
    {
        if (DirectoryError is not null)
        {
            throw new PluginLoadException(DirectoryError with { PluginId = idOrAlias });
        }
        var exact = _records.Where(r => r.Id == idOrAlias).ToArray();
        if (exact.Length > 0)
        {
            return exact.FirstOrDefault(r => r.Error?.Kind != PluginErrorKind.DuplicateId) ?? exact[0];
        }
        var byAlias = _records.Where(r => r.Manifest is not null && r.Alias == idOrAlias && r.Error?.Kind != PluginErrorKind.DuplicateId).ToArray();
        if (byAlias.Length == 1)
        {
            return byAlias[0];
        }
        if (byAlias.Length > 1)
        {
            throw new PluginLoadException(new PluginError(PluginErrorKind.NotInstalled, idOrAlias, Directory,
                $"'{idOrAlias}' is ambiguous: {string.Join(", ", byAlias.Select(r => r.Id))}", "use the full plugin id"));
        }
        // A folder whose manifest could not be read may still be the plugin that was asked for: name its error.
        var broken = _records.FirstOrDefault(r => r.Manifest is null && (Path.GetFileName(r.Folder) == idOrAlias || idOrAlias.EndsWith("." + Path.GetFileName(r.Folder), StringComparison.Ordinal)));
        if (broken is not null)
        {
            return broken;
        }
        throw new PluginLoadException(new PluginError(PluginErrorKind.NotInstalled, idOrAlias, Path.Combine(Directory, idOrAlias),
            $"no plugin '{idOrAlias}' is installed in {Directory}" +
            (_records.Count > 0 ? $" (installed: {string.Join(", ", _records.Select(r => r.Alias))})" : " (the directory is empty)"),
            "install the plugin into the plugins directory, or check the name with 'auralis plugins'"));
    }
}
